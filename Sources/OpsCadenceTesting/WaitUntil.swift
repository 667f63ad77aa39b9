import Foundation

/// Polls `condition` until it is true or `timeout` passes; returns its last value.
///
/// For tests that wait for something another thread or process does: poll with a deadline
/// instead of sleeping a fixed amount.
///
/// ```swift
/// #expect(await waitUntil(timeout: .seconds(5)) { server.requestCount == 3 })
/// ```
package func waitUntil(
    timeout: Duration = .seconds(5),
    pollingEvery interval: Duration = .milliseconds(5),
    isolation: isolated (any Actor)? = #isolation,
    condition: () throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    var deadline = clock.now + timeout
    while true {
        if try condition() { return true }
        if clock.now >= deadline { return false }
        let pause = min(interval, deadline - clock.now)
        let wake = clock.now + pause
        do {
            try await clock.sleep(for: pause)
        } catch {
            return try condition()  // cancelled: one last look, no more waiting
        }
        // Time this task spent waiting for a thread (other tests keep the cooperative pool busy)
        // does not count against the timeout: it bounds how long we watch, not how long we queue.
        let late = clock.now - wake
        if late > .milliseconds(50) { deadline += late }
    }
}

/// Polls `condition` on a thread of its own until it is true or `timeout` passes, then runs
/// `action` there at once with the result; returns that result.
///
/// For moments that must not be missed, such as killing a process while its request is in
/// flight: an `await` can resume seconds late when the test run keeps the cooperative threads
/// busy (two of them on a 2-core machine), and blocking one of those threads instead would
/// starve the other tests. A plain thread does neither.
///
/// ```swift
/// let inFlight = await waitOnThread(timeout: .seconds(20)) { server.requestCount >= 1 } then: { _ in
///     process.signal(SIGKILL)
/// }
/// ```
package func waitOnThread(
    timeout: Duration, until condition: @escaping @Sendable () -> Bool, then action: @escaping @Sendable (Bool) -> Void
) async -> Bool {
    await withCheckedContinuation { continuation in
        let started = POSIXThread.start(detached: true) {
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            var met = condition()
            while !met && clock.now < deadline {
                usleep(2_000)
                met = condition()
            }
            action(met)
            continuation.resume(returning: met)
        }
        if started == nil {
            action(false)
            continuation.resume(returning: false)
        }
    }
}
