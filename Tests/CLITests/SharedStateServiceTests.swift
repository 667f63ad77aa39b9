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

        // status: the daemon is one instance by its pid; the three ticks cron would have
        // started in this folder are one instance too.
        let status = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T19:06:00Z"]).json() as? [String: Any])
        let instances = try #require(status["instances"] as? [[String: Any]], "\(status)")
        let host = try #require(instances.first?["host"] as? String)
        let folder = URL(fileURLWithPath: f.dir.path).resolvingSymlinksInPath().path
        #expect(Set(instances.compactMap { $0["name"] as? String }) == ["\(host):\(daemon.pid)", "\(host):\(folder)"], "\(instances)")
        #expect(Set(instances.compactMap { $0["kind"] as? String }) == ["run", "tick"])
    }

    /// Three `run` instances on one database, in real time from 12:00:50 (simulated): 45
    /// playbooks due every minute, a receiver that answers in 200 ms. One instance is killed while the 12:01 reminders are on the
    /// wire and started again; the database server crashes and restarts at 12:01:30. Every
    /// reminder of 12:01 and 12:02 arrives, repeats are only of requests on the wire at the
    /// kill, each occurrence is recorded once, and the instances share the sending.
    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func threeRunInstancesShareTheWorkThroughAKillAndARestart(backend: Backend) async throws {
        let cluster = try PostgresCluster()
        let server = try LoopbackHTTPServer(defaultBehavior: .respondAfter(.milliseconds(200), .text("ok")))
        let playbooks = (0..<45).map { ("p\($0).yaml", playbook("p\($0)", schedule: "cron: \"* * * * *\"", catchUp: "all", grace: "1h")) }
        let instances = (0..<3).map { _ in TemporaryDirectory() }
        let runners = instances.map { dir in
            dir.write(
                "opscadence.yaml",
                """
                timezone: UTC
                state: ${env:OPS_STATE_URL}
                delivery: { concurrency: 4, timeout: 2s }
                targets:
                  hook: { kind: generic, url: "${env:HOOK_URL}", rate_limit: none }
                """)
            for (name, text) in playbooks { dir.write("playbooks/\(name)", text) }
            return CommandRunner(directory: dir.path, environment: ["HOOK_URL": server.url("/hook"), "OPS_STATE_URL": cluster.url])
        }
        let simulatedStart = 1_795_003_250  // 2026-11-18T12:00:50Z
        let started = ContinuousClock.now
        func simulatedNow() -> String {
            RFC3339UTC.format(simulatedStart + Int((ContinuousClock.now - started).components.seconds))
        }
        func start(_ instance: Int) throws -> CommandRunner.Running {
            try runners[instance].start(["run", "--now", simulatedNow(), "--log-format", "json", "--log-level", "info"])
        }
        var daemons = try (0..<3).map(start)
        var logs = ["", "", ""]
        defer { for daemon in daemons { daemon.signal(SIGKILL) } }

        // 12:01: kill instance 0 while the minute's reminders are on the wire, start it again.
        #expect(await waitUntil(timeout: .seconds(30)) { server.requestCount >= 3 })
        daemons[0].signal(SIGKILL)
        logs[0] += try runners[0].finish(daemons[0]).stderr
        // Started again on a whole second of the simulated clock (--now takes whole seconds), so
        // that it wakes with the others.
        let elapsed = ContinuousClock.now - started
        try await Task.sleep(until: started + .seconds(elapsed.components.seconds + 2))
        daemons[0] = try start(0)

        // 12:01:30: the server crashes and comes back.
        try await Task.sleep(until: started + .seconds(40))
        let beforeRestart = server.requestCount
        try cluster.restart()

        let expected = Set(
            (0..<45).flatMap { n in ["p\(n).20261118T120100Z.0m.hook", "p\(n).20261118T120200Z.0m.hook"] })
        // The killed instance's claims come back when their lease ends (2 × 2 s + 60 s after 12:01).
        #expect(await waitUntil(timeout: .seconds(150)) { expected.isSubset(of: Set(server.requests.compactMap { $0.headers["webhook-id"] })) })
        for (index, daemon) in daemons.enumerated() {
            daemon.signal(SIGTERM)
            logs[index] += try runners[index].finish(daemon, timeout: 30).stderr
        }

        // On a loaded machine the test may run into 12:03, whose reminders are then sent too.
        let ids = server.requests.compactMap { $0.headers["webhook-id"] }.filter { !$0.contains("T1203") && !$0.contains("T1204") }
        #expect(Set(ids) == expected)
        var seen = [String: Int]()
        for id in ids { seen[id, default: 0] += 1 }
        let repeated = Set(seen.filter { $0.value > 1 }.keys)
        // Repeats: requests that were on the wire when instance 0 died (the 12:01 batch), or
        // when the server restarted.
        let aroundRestart = Set(server.requests.dropFirst(max(0, beforeRestart - 8)).prefix(16).compactMap { $0.headers["webhook-id"] })
        let unexplained = repeated.subtracting(aroundRestart).filter { !$0.contains("T120100Z") }
        #expect(unexplained.isEmpty, "\(unexplained.sorted())")
        // At most delivery.concurrency (4) on the wire at the kill, and at each instance at the restart.
        #expect(ids.count - Set(ids).count <= 4 + 3 * 4, "\(ids.count - Set(ids).count) repeats")
        // Each occurrence recorded once; 90 of them at 12:01 and 12:02 (12:02:00Z is 1795003320).
        #expect(
            try cluster.psql(
                "SELECT COUNT(*) = COUNT(DISTINCT (playbook_id, scheduled_at)), COUNT(*) FILTER (WHERE scheduled_at <= 1795003320) FROM occurrence")
                == "t|90")
        let shares = logs.map { $0.components(separatedBy: "\"delivery delivered\"").count - 1 }
        // Shared: the two that ran throughout both sent. The restarted one starts its clock a
        // process start later than the others, and on a loaded machine may find the minute's
        // work all claimed (the tick-loop replay checks that every instance gets a share).
        #expect(shares[1] > 0 && shares[2] > 0 && shares.max()! < shares.reduce(0, +), "delivered per instance: \(shares)")
    }
}
