import Foundation
import OpsCadenceTesting
import StateStore
import Testing

/// Text output never passes a control character of local data on to the terminal; JSON stays exact.
@Suite struct TerminalOutputTests {
    static let now = ["--now", "2026-12-07T15:00:00Z"]
    static let statePath = ".opscadence/state.sqlite"

    /// Records written before the rule (or by another tool) still hold control characters:
    /// text output replaces them, JSON keeps them exactly.
    @Test func textOutputNeverPassesControlCharactersOnButJSONStaysExact() throws {
        let dir = try shippedWorkspaceCopy()
        try FileManager.default.createDirectory(atPath: dir.file(".opscadence"), withIntermediateDirectories: true)
        let hostile = "Reorder \u{1B}[2J\u{1B}]0;pwned\u{07}SKUs\rDONE \u{9B}31m\u{202E}"
        let store = try StateStore(path: dir.file(Self.statePath))
        _ = try store.addAction(
            ActionItem(playbookId: "weekly-kpi-review", text: hostile, owner: "Sam\u{1B}[31m", dueDate: "2026-12-01", createdAt: 1_796_000_000))
        let runner = CommandRunner(directory: dir.path)

        let list = try runner.run(["action", "list"] + Self.now)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(InputSafetyTests.isClean(list.stdout), "\(list.stdout.debugDescription)")
        #expect(!list.stdout.unicodeScalars.contains("\u{202E}"))
        #expect(list.stdout.contains("#1 [ ] Reorder \u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD}SKUs\u{FFFD}DONE \u{FFFD}31m\u{FFFD} — Sam\u{FFFD}[31m, due 2026-12-01  OVERDUE"))

        let agenda = try runner.run(["agenda", "weekly-kpi-review"] + Self.now)
        #expect(agenda.status == 0)
        #expect(InputSafetyTests.isClean(agenda.stdout))
        #expect(agenda.stdout.contains("#1 Reorder \u{FFFD}\\[2J"))

        let json = try runner.run(["action", "list", "--format", "json"] + Self.now)
        let rows = try #require(try json.json() as? [[String: Any]])
        #expect(rows.first?["text"] as? String == hostile)
        #expect(rows.first?["owner"] as? String == "Sam\u{1B}[31m")
        #expect(json.stdout.contains("\\u001b[2J"))
    }

    @Test func errorsThatQuoteArgumentsDoNotPassControlCharactersOn() throws {
        let runner = CommandRunner(directory: FileManager.default.temporaryDirectory.path)
        let result = try runner.run(["validate", "--workspace", "/nonexistent/\u{1B}]0;pwned\u{07}\u{1B}[2J"])
        #expect(result.status == 2)
        #expect(InputSafetyTests.isClean(result.stderr), "\(result.stderr.debugDescription)")
        #expect(result.stderr.hasPrefix("error: --workspace: /nonexistent/\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J does not exist"))
    }
}
