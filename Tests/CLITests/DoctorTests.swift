import Foundation
import OpsCadenceTesting
import Testing

/// `opscadence doctor` against real workspaces and state files.
@Suite struct DoctorTests {
    func checks(_ result: CommandRunner.Result) throws -> [String: [String: Any]] {
        let list = try #require(try result.json() as? [[String: Any]], "\(result.stdout)\(result.stderr)")
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
    }

    @Test func aHealthyWorkspaceWarnsOnlyAboutStaleTicksAndDeadDeliveries() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")], behavior: .status(404))
        let fresh = try f.runner.run(["doctor", "--format", "json"])
        #expect(fresh.status == 0)
        #expect(try checks(fresh)["state"]?["level"] as? String == "warning")
        try f.tick("2026-12-01T13:00:00Z")
        #expect(try f.tick("2026-12-01T14:00:00Z").status == 3)
        let result = try f.runner.run(["doctor", "--format", "json", "--now", "2026-12-01T14:05:00Z"])
        #expect(result.status == 0, "\(result.stdout)")
        let found = try checks(result)
        #expect(found["state"]?["level"] as? String == "ok")
        #expect((found["state"]?["detail"] as? String)?.contains("schema v9, integrity ok") == true)
        #expect(found["lock"]?["detail"] as? String == "free")
        #expect((found["libcurl"]?["detail"] as? String)?.hasPrefix("libcurl ") == true, "\(found)")
        #expect(found["ticks"]?["level"] as? String == "ok")
        #expect(found["deliveries"]?["level"] as? String == "warning")
        #expect((found["deliveries"]?["detail"] as? String)?.contains("1 dead") == true)
        // An hour without a tick: cron has probably stopped.
        let later = try checks(try f.runner.run(["doctor", "--format", "json", "--now", "2026-12-01T15:05:00Z"]))
        #expect(later["ticks"]?["level"] as? String == "warning")
    }

    /// Six hours of a five-minute playbook recorded, then a page in the middle of the state file
    /// overwritten with garbage (after a read folded the WAL into the file).
    static func workspaceWithADamagedPage() throws -> EngineFixture {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"*/5 * * * *\"", catchUp: "all", grace: "1d")])
        try f.tick("2026-12-01T00:00:00Z")
        #expect(try f.tick("2026-12-01T06:00:00Z").status == 0)
        #expect(try f.runner.run(["status", "--format", "json"]).status == 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: f.dir.file(".opscadence/state.sqlite")))
        let size = try handle.seekToEnd()
        try #require(size >= 4096 * 6, "the state file is \(size) bytes")
        try handle.seek(toOffset: 4096 * 4)
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        return f
    }

    @Test func aDamagedStateFileIsAnError() throws {
        let f = try Self.workspaceWithADamagedPage()
        let result = try f.runner.run(["doctor", "--format", "json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(try checks(result)["state"]?["level"] as? String == "error")
    }

    /// `run` runs SQLite's quick check when it starts: damage on a page no query has read is
    /// logged at error level at once.
    @Test func runChecksTheStateFileAtStart() async throws {
        let f = try Self.workspaceWithADamagedPage()
        let daemon = try f.runner.start(["run", "--now", "2026-12-01T06:00:10Z", "--log-format", "json"])
        let logged = await waitUntil(timeout: .seconds(20)) { daemon.currentStderr.contains("the state file is damaged") }
        daemon.signal(SIGTERM)
        let result = try f.runner.finish(daemon, timeout: 30)
        #expect(logged, "\(result.stderr.suffix(1500))")
        let line = result.stderr.split(separator: "\n").first { $0.contains("the state file is damaged") }
        #expect(line?.contains("\"level\":\"error\"") == true, "\(line ?? "")")
    }

    @Test func anInvalidWorkspaceIsAnErrorNamingTheProblem() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 32 * *\"")])
        let result = try f.runner.run(["doctor"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("ERROR    workspace: playbooks/a.yaml:3:7: cron field 3"), "\(result.stdout)")
    }
}
