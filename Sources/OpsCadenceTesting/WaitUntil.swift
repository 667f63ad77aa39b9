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
