import Foundation
import OpsCadenceTesting
import Testing

/// `opscadence run` on a PostgreSQL state shared with other processes.
@Suite struct SharedStateServiceTests {
    /// Work queued by another process (here a command) wakes a sleeping `run` through
    /// LISTEN/NOTIFY at once, not at its timer (30 s at most, and nothing is due for a day).
    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func runWakesWhenAnotherProcessQueuesWork(backend: Backend) async throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 14 * * *\"", grace: "1d")])
        try f.tick("2026-12-01T18:00:00Z")
        f.server.enqueue(.status(404, body: "no_such_hook"))
        #expect(try f.tick("2026-12-01T19:00:10Z").status == 3)
        #expect(f.server.requestCount == 1)

        let daemon = try f.runner.start(["run", "--now", "2026-12-01T19:05:00Z", "--log-format", "json"])
        defer { daemon.signal(SIGKILL) }
        #expect(await waitUntil(timeout: .seconds(20)) { daemon.currentStderr.contains("opscadence run") })
        // Its first tick finds nothing due and it goes to sleep.
        try await Task.sleep(for: .seconds(2))
        #expect(f.server.requestCount == 1)

        let retried = try f.runner.run(["outbox", "retry", "--dead", "--now", "2026-12-01T19:05:00Z"])
        #expect(retried.status == 0, "\(retried.stderr)")
        let started = ContinuousClock.now
        #expect(await waitUntil(timeout: .seconds(25)) { f.server.requestCount >= 2 })
        #expect(ContinuousClock.now - started < .seconds(8), "woken by its timer, not by the notification")
        #expect(f.receivedIds == ["alpha.20261201T190000Z.0m.hook", "alpha.20261201T190000Z.0m.hook"])
    }
}
