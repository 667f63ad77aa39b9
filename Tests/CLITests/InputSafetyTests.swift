import Foundation
import OpsCadenceTesting
import Testing

/// Text people type reaches Markdown agendas, chat and terminals: the one-line rule on every
/// command that takes it, and nothing written when it is broken.
@Suite struct InputSafetyTests {
    static let now = ["--now", "2026-12-07T15:00:00Z"]
    static let statePath = ".opscadence/state.sqlite"

    /// Standard error has no escape, bell or other control character but line feeds.
    static func isClean(_ text: String) -> Bool {
        !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }

    @Test func actionAddRefusesLineBreaksAndControlCharactersAndWritesNothing() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let cases: [([String], String)] = [
            (["Reorder\n# Pwned\n<script>alert(1)</script>"], "error: TEXT must be one line"),
            (["Reorder SKUs", "--owner", "Sam\n- [x] forged"], "error: --owner must be one line"),
            (["Reorder \u{1B}[2J\u{1B}]0;pwned\u{07}SKUs"], "error: TEXT must not contain control characters (found U+001B escape)"),
            (["Reorder SKUs", "--owner", "Sam\u{202E}nimda"], "error: --owner must not contain control characters (found U+202E right-to-left override)"),
            (["Reorder SKUs", "--due", "2026-12-10\r"], "error: --due must be one line"),
        ]
        for (arguments, expected) in cases {
            let result = try runner.run(["action", "add"] + arguments + ["--playbook", "weekly-kpi-review"] + Self.now)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr == expected + "\n", "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
        // Nothing was written: not even the state file.
        #expect(!FileManager.default.fileExists(atPath: dir.file(Self.statePath)))
        let agenda = try runner.run(["agenda", "weekly-kpi-review"] + Self.now)
        #expect(agenda.stdout.contains("No open action items."))
        #expect(!agenda.stdout.contains("Pwned") && !agenda.stdout.contains("<script>"))
    }

    @Test func checklistAndKPIArgumentsKeepTheRule() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let check = try runner.run(["checklist", "check", "weekly-kpi-review\n# x", "1"] + Self.now)
        #expect(check.status == 2)
        #expect(check.stderr == "error: PLAYBOOK must be one line\n")
        let at = try runner.run(["checklist", "show", "weekly-kpi-review", "--at", "last\u{1B}[31m"] + Self.now)
        #expect(at.stderr == "error: --at must not contain control characters (found U+001B escape)\n")
        let record = try runner.run(["kpi", "record", "stockout_rate\u{1B}[2J", "2.4"] + Self.now)
        #expect(record.status == 2)
        #expect(record.stderr == "error: NAME must not contain control characters (found U+001B escape)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file(Self.statePath)))
    }

    @Test func kpiImportRefusesAControlCharacterInAnyFieldAndImportsNothing() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        dir.write("weekly.csv", "date,name,value\n2026-12-01,stockout_rate,2.4\n2026-12-02,\"order_accuracy\u{1B}]0;pwned\u{07}\",99.1\n")
        let result = try runner.run(["kpi", "import", "weekly.csv"] + Self.now)
        #expect(result.status == 2)
        #expect(result.stderr == "error: weekly.csv:3: field name must not contain control characters (found U+001B escape); nothing was imported\n")
        let shown = try #require(try runner.run(["kpi", "show", "--format", "json"] + Self.now).json() as? [[String: Any]])
        #expect(shown.allSatisfy { ($0["values"] as? [Any])?.isEmpty == true })
    }

    @Test func aPlaybookTitleWithAnEscapeIsRefusedWithItsPosition() throws {
        let dir = try shippedWorkspaceCopy()
        let path = dir.file("playbooks/weekly-kpi-review.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "title: Weekly KPI review", with: "title: \"Weekly KPI review\\e[8m\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CommandRunner(directory: dir.path).run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("playbooks/weekly-kpi-review.yaml:3:8: error: title must not contain control characters (found U+001B escape)"))
        #expect(Self.isClean(result.stderr))
    }
}
