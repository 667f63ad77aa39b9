import Foundation
import OpsCadenceTesting
import Testing

/// `status` and `doctor` list the instances that tick on a shared (PostgreSQL) state.
@Suite struct InstanceStatusTests {
    /// A second workspace folder on the fixture's database, as another host would have it.
    func secondWorkspace(of f: EngineFixture, playbooks: [String: String]) -> (TemporaryDirectory, CommandRunner) {
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            \(f.stateLine)
            targets:
              hook:
                kind: generic
                url: ${env:HOOK_URL}
                secret: ${env:HOOK_SECRET}
                rate_limit: none
            """)
        for (name, text) in playbooks { dir.write("playbooks/\(name)", text) }
        let runner = CommandRunner(
            directory: dir.path,
            environment: ["HOOK_URL": f.server.url("/hook/other"), "HOOK_SECRET": EngineFixture.secret, "OPS_STATE_URL": f.database?.url ?? ""])
        return (dir, runner)
    }

    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func twoWorkspacesOnOneDatabaseAreListedWithTheirPidsAndLastTicks(backend: Backend) throws {
        let playbooks = ["a.yaml": playbook("standup", schedule: "cron: \"0 9 * * *\"")]
        let f = try EngineFixture(backend: backend, playbooks: playbooks)
        let (other, otherRunner) = secondWorkspace(of: f, playbooks: playbooks)
        defer { withExtendedLifetime(other) {} }

        // Cron starts a new process each minute: the folder's ticks stay one instance, listed
        // with the pid of the latest.
        #expect(try f.tick("2026-12-01T12:58:00Z").status == 0)
        let first = try f.runner.start(["tick", "--now", "2026-12-01T13:00:00Z"])
        let firstPid = Int(first.pid)
        #expect(try f.runner.finish(first).status == 0)
        let second = try otherRunner.start(["tick", "--now", "2026-12-01T13:05:00Z"])
        let secondPid = Int(second.pid)
        #expect(try otherRunner.finish(second).status == 0)

        let result = try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T13:06:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let status = try #require(try result.json() as? [String: Any])
        let instances = try #require(status["instances"] as? [[String: Any]], "\(status)")
        // Newest tick first.
        #expect(instances.map { $0["pid"] as? Int } == [secondPid, firstPid], "\(instances)")
        #expect(instances.map { $0["last_tick_at"] as? String } == ["2026-12-01T08:05:00-05:00", "2026-12-01T08:00:00-05:00"])
        #expect(instances.map { $0["last_tick_age_seconds"] as? Int } == [60, 360])
        #expect(instances.allSatisfy { $0["version"] as? String == "0.1.0" && ($0["host"] as? String)?.isEmpty == false })
        let host = instances.first?["host"] as? String ?? "?"
        let folders = [other.path, f.dir.path].map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        #expect(instances.map { $0["name"] as? String } == folders.map { "\(host):\($0)" }, "\(instances)")
        #expect(instances.map { $0["folder"] as? String } == folders && instances.allSatisfy { $0["kind"] as? String == "tick" })
        #expect(instances.map { $0["started_at"] as? String } == ["2026-12-01T08:05:00-05:00", "2026-12-01T07:58:00-05:00"])

        let text = try f.runner.run(["status", "--now", "2026-12-01T13:06:00Z"]).stdout
        #expect(text.contains("INSTANCE") && text.contains("HOST") && text.contains("PID") && text.contains("VERSION") && text.contains("LAST TICK"), "\(text)")
        #expect(text.contains("tick in \(folders[1])"), "\(text)")
        #expect(text.contains("\(firstPid)") && text.contains("2026-12-01T08:05:00-05:00 (1m ago)"), "\(text)")

        // A day later, neither is listed; doctor warns once none has ticked for 10 minutes.
        let later = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-02T13:05:01Z"]).json() as? [String: Any])
        #expect((later["instances"] as? [Any])?.isEmpty == true)
        func instancesCheck(_ now: String) throws -> [String: Any]? {
            let checks = try f.runner.run(["doctor", "--format", "json", "--now", now]).json() as? [[String: Any]]
            return checks?.first { $0["name"] as? String == "instances" }
        }
        let fresh = try #require(try instancesCheck("2026-12-01T13:06:00Z"))
        #expect(fresh["level"] as? String == "ok" && (fresh["detail"] as? String)?.hasPrefix("2 ticked in the last 10m: \(host):\(folders[0]) (") == true, "\(fresh)")
        // The count and the list name the same instances; the quiet one is said apart.
        let oneQuiet = try #require(try instancesCheck("2026-12-01T13:12:00Z"))
        let detail = oneQuiet["detail"] as? String ?? ""
        #expect(oneQuiet["level"] as? String == "ok" && detail.hasPrefix("1 ticked in the last 10m: \(host):\(folders[0]) ("), "\(oneQuiet)")
        #expect(detail.contains("; 1 more today, quiet since: \(host):\(folders[1]) ("), "\(oneQuiet)")
        let quiet = try #require(try instancesCheck("2026-12-01T13:30:00Z"))
        #expect(quiet["level"] as? String == "warning", "\(quiet)")
    }

    @Test func aSQLiteStateListsNoInstances() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("standup", schedule: "cron: \"0 9 * * *\"")])
        #expect(try f.tick("2026-12-01T13:00:00Z").status == 0)
        let status = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T13:01:00Z"]).json() as? [String: Any])
        #expect(status["instances"] == nil)
        #expect(!(try f.runner.run(["status", "--now", "2026-12-01T13:01:00Z"]).stdout.contains("LAST TICK")))
        let checks = try #require(try f.runner.run(["doctor", "--format", "json", "--now", "2026-12-01T13:01:00Z"]).json() as? [[String: Any]])
        #expect(!checks.contains { $0["name"] as? String == "instances" })
    }
}
