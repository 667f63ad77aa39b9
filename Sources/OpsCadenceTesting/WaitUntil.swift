import Foundation

/// Polls `condition` until it is true or `timeout` passes; returns its last value.
///
/// For tests that wait for something another thread or process does: poll with a deadline
/// instead of sleeping a fixed amount.
///
/// ```swift
/// #expect(await waitUntil(timeout: .seconds(5)) { server.requestCount == 3 })
/// ```
public func waitUntil(
    timeout: Duration = .seconds(5),
    pollingEvery interval: Duration = .milliseconds(5),
    isolation: isolated (any Actor)? = #isolation,
    condition: () throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        do {
            try await clock.sleep(for: min(interval, deadline - clock.now))
        } catch {
            return try condition()  // cancelled: one last look, no more waiting
        }
    }
}

/// Polls `condition` on this thread, blocking it, until it is true or `timeout` passes.
///
/// For waits with a deadline on the other side, such as killing a process while its request is
/// in flight: an `await` can resume late when the test run keeps the cooperative threads busy
/// (two of them on a 2-core machine), and the moment is gone. Blocking keeps this thread on the
/// condition.
public func waitUntilBlocking(
    timeout: Duration = .seconds(5), pollingEvery interval: Duration = .milliseconds(2), condition: () throws -> Bool
) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        let pause = min(interval, deadline - clock.now).components
        usleep(UInt32(pause.seconds * 1_000_000 + pause.attoseconds / 1_000_000_000_000))
    }
}
