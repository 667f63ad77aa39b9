import Foundation
import Logging
import OpsCadenceTesting
import Playbooks
import StateStore
import Timekeeping
import Testing

@testable import CadenceEngine

/// Which started meetings a tick renders again: those recorded before they started (their agenda
/// was written ahead and must show the meeting as it began), not those recorded at or after the
/// start, whose agenda was rendered then — by this instance, or by another one sharing the state
/// whose commit this tick's earlier read of the progress did not see.
@Suite struct AgendaRefreshTests {
    @Test func onlyMeetingsRecordedBeforeTheyStartedAreRenderedAgain() async throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: UTC\ntargets:\n  hook: { kind: generic, url: \"${env:HOOK_URL}\" }\n")
        for (id, before) in [("early", "1h"), ("late", "0m")] {
            dir.write(
                "playbooks/\(id).yaml",
                "id: \(id)\ntitle: \(id)\ncron: \"0 9 * * *\"\nduration: 15m\ngrace: 1d\nremind:\n  - { target: hook, before: \(before) }\n")
        }
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let workspace = try Workspace.load(at: dir.path, environment: ["HOOK_URL": server.url("/hook")])
        let clock = ManualClock()
        let eight = EngineDeliveryTests.eight
        let engine = Engine(
            workspace: workspace, store: try StateStore(path: dir.file("state.sqlite")), logger: Logger(label: "test"),
            timeline: Timeline(clock, startingAt: eight))
        // 08:00: early's 1h reminder is due, so its 09:00 meeting is recorded ahead of its start;
        // late's is recorded at 09:05, after its start, and rendered then.
        _ = try await engine.tick()
        clock.advance(by: .seconds(3900))
        _ = try await engine.tick()
        let recorded = try engine.store.handledOccurrences(startingIn: eight...(eight + 7200))
        #expect(recorded.map { "\($0.playbookId) \($0.recordedAt - $0.scheduledAt)" } == ["early -3600", "late 300"])

        let files = ["early", "late"].map { dir.file("agendas/\($0)/2026-12-07T0900.md") }
        for file in files {
            #expect(FileManager.default.fileExists(atPath: file))
            try FileManager.default.removeItem(atPath: file)
        }
        // A tick that last saw the state at 08:00 and did not render either meeting itself.
        try engine.refreshStartedAgendas(since: eight, now: eight + 3900, rendered: RenderedAgendas())
        #expect(FileManager.default.fileExists(atPath: files[0]))
        #expect(!FileManager.default.fileExists(atPath: files[1]))
    }
}
