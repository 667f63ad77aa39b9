import Foundation
import OpsCadenceTesting
import Testing

/// `opscadence run` as a real process: fires on time, reloads on SIGHUP and on file changes,
/// keeps the last good workspace after a bad edit, and stops cleanly on SIGTERM.
@Suite struct RunServiceTests {
    @Test func firesReloadsAndStops() async throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 14 * * *\"")])
        // The clock starts three seconds before 14:00 New York time (19:00Z) and runs in real time.
        let daemon = try f.runner.start(["run", "--now", "2026-12-01T18:59:57Z", "--log-format", "json"])
        #expect(await waitUntil(timeout: .seconds(20)) { f.server.requestCount >= 1 })
        #expect(f.receivedIds == ["alpha.20261201T190000Z.0m.hook"])

        // A cron tick for the same workspace steps aside while the service holds the lock.
        let tick = try f.tick("2026-12-01T19:00:30Z")
        #expect(tick.status == 0)
        #expect(tick.stdout.isEmpty || tick.stdout.contains("lock"))

        // An invalid edit is logged and the last good workspace stays.
        f.dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 14 * * *\"") + "\nbogus: 1\n")
        daemon.signal(SIGHUP)
        #expect(await waitUntil(timeout: .seconds(15)) { daemon.currentStderr.contains("keeping the last good one") })
        #expect(daemon.process.isRunning)

        // So is a signing secret the sender could not use, checked on reload as on start.
        f.dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 14 * * *\"") + "\n")
        let config = try #require(f.dir.read("opscadence.yaml"))
        f.dir.write("bad.secret", "whsec_!!!notbase64")
        f.dir.write("opscadence.yaml", config.replacingOccurrences(of: "${env:HOOK_SECRET}", with: "${file:bad.secret}"))
        daemon.signal(SIGHUP)
        #expect(await waitUntil(timeout: .seconds(15)) { daemon.currentStderr.contains("signing secret starts with whsec_ but the rest is not base64") }, "\(daemon.currentStderr.suffix(1500))")
        #expect(!daemon.currentStderr.contains("notbase64"), "\(daemon.currentStderr)")
        f.dir.write("opscadence.yaml", config)

        // A broken template is an invalid edit too: its own position is logged, and the last good
        // templates stay in use.
        let invalidEdits = daemon.currentStderr.components(separatedBy: "keeping the last good one").count
        f.dir.write("playbooks/templates/agenda.md.mustache", "# {{title}}\n{{/sections}}\n")
        daemon.signal(SIGHUP)
        #expect(
            await waitUntil(timeout: .seconds(15)) {
                daemon.currentStderr.components(separatedBy: "keeping the last good one").count > invalidEdits
                    && daemon.currentStderr.contains("agenda.md.mustache:2:")
            }, "\(daemon.currentStderr.suffix(1500))")
        #expect(!daemon.currentStderr.contains("ParserError"))
        #expect(daemon.process.isRunning)
        try FileManager.default.removeItem(atPath: f.dir.file("playbooks/templates/agenda.md.mustache"))

        // A valid edit is picked up: a new playbook whose meeting (19:10Z) is still ahead. Its
        // reminder is due at 19:00:30 on the service's clock: sent then, or at once if a loaded
        // machine got here later (a meeting still ahead gets its late reminder within grace).
        f.dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 14 * * *\"") + "\n")
        f.dir.write("playbooks/b.yaml", playbook("beta", schedule: "cron: \"10 14 * * *\"", before: ["9m30s"]))
        daemon.signal(SIGHUP)
        #expect(await waitUntil(timeout: .seconds(15)) { daemon.currentStderr.contains("workspace reloaded") })
        #expect(await waitUntil(timeout: .seconds(60)) { f.receivedIds.contains("beta.20261201T191000Z.9m30s.hook") })

        daemon.signal(SIGTERM)
        let result = try f.runner.finish(daemon, timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("opscadence run stopped"))
        #expect(!result.stderr.contains("secret-token-path"))
        #expect(f.receivedIds.count == Set(f.receivedIds).count)
    }
}
