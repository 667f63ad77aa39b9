import Foundation
import OpsCadenceTesting
import Testing

/// Correcting what was recorded from the command line: `action edit` and `delete`, `kpi delete`
/// and `kpi record --replace`; `checklist` saying who ticked an item and when; `action add`
/// asking for its playbook instead of picking one.
@Suite struct TeamworkCommandTests {
    static let now = ["--now", "2026-12-07T15:00:00Z"]

    @Test func actionsAreEditedAndDeleted() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let added = try runner.run(["action", "add", "Fix the label printr", "--owner", "Ana", "--playbook", "weekly-kpi-review"] + Self.now)
        #expect(added.stdout.contains("added #1 to weekly-kpi-review"), "\(added.stderr)")

        let edited = try runner.run(["action", "edit", "1", "--title", "Fix the label printer", "--due", "2026-12-10"] + Self.now)
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("edited #1: Fix the label printer — Ana, due 2026-12-10"))
        // What is not given stays; an empty value clears.
        let json = try #require(try runner.run(["action", "edit", "1", "--owner", "", "--format", "json"] + Self.now).json() as? [String: Any])
        #expect(json["text"] as? String == "Fix the label printer")
        #expect(json["owner"] == nil || json["owner"] is NSNull)
        #expect(json["due"] as? String == "2026-12-10")

        #expect(try runner.run(["action", "edit", "1"] + Self.now).stderr.contains("nothing to change: give --title, --owner or --due"))
        let badDue = try runner.run(["action", "edit", "1", "--due", "soon"] + Self.now)
        #expect(badDue.status == 2)
        #expect(badDue.stderr.contains("--due: expected a date YYYY-MM-DD, got \"soon\""), "\(badDue.stderr)")
        #expect(try runner.run(["action", "edit", "9", "--due", "2026-12-10"] + Self.now).stderr.contains("no action item #9"))

        let deleted = try runner.run(["action", "delete", "1"] + Self.now)
        #expect(deleted.stdout.contains("deleted #1: Fix the label printer"), "\(deleted.stderr)")
        #expect(try runner.run(["action", "list", "--all"] + Self.now).stdout.contains("no action items"))
        let again = try runner.run(["action", "delete", "1"] + Self.now)
        #expect(again.status == 2)
        #expect(again.stderr.contains("no action item #1"))
    }

    @Test func aWrongKPIValueIsReplacedOrDeleted() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let at = ["--at", "2026-12-04"] + Self.now
        #expect(try runner.run(["kpi", "record", "stockout_rate", "24"] + at).status == 0)
        let twice = try runner.run(["kpi", "record", "stockout_rate", "2.4"] + at)
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("stockout_rate already has 24% on 2026-12-04; add --replace to change it"), "\(twice.stderr)")
        let replaced = try runner.run(["kpi", "record", "stockout_rate", "2.4", "--replace"] + at)
        #expect(replaced.stdout.contains("on 2026-12-04 (was 24%)"), "\(replaced.stdout)\(replaced.stderr)")
        let shown = try #require(try runner.run(["kpi", "show", "--format", "json"] + Self.now).json() as? [[String: Any]])
        #expect(shown.first { $0["key"] as? String == "stockout_rate" }?["latest"] as? Double == 2.4)

        let deleted = try runner.run(["kpi", "delete", "stockout_rate"] + at)
        #expect(deleted.stdout.contains("deleted Stockout rate 2.4% on 2026-12-04"), "\(deleted.stdout)\(deleted.stderr)")
        let gone = try runner.run(["kpi", "delete", "stockout_rate"] + at)
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("--at: no value of stockout_rate on 2026-12-04"))
        #expect(try runner.run(["kpi", "delete", "nope", "--at", "2026-12-04"]).stderr.contains("unknown KPI 'nope'"))
    }

    @Test func checklistSaysWhenAnItemWasTicked() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        #expect(try runner.run(["checklist", "check", "weekly-kpi-review", "2"] + Self.now).status == 0)
        let shown = try runner.run(["checklist", "weekly-kpi-review"] + Self.now)
        #expect(shown.stdout.contains("[x] 2."), "\(shown.stdout)")
        #expect(shown.stdout.contains("— ticked Mon 7 Dec 10:00"), "\(shown.stdout)")
        #expect(shown.stdout.contains("[ ] 1.") && !shown.stdout.split(separator: "\n").first { $0.contains("[ ] 1.") }!.contains("ticked"))
    }

    @Test func addWithoutAPlaybookNamesThePlaybooksWhenNobodyCanBeAsked() throws {
        let dir = try shippedWorkspaceCopy()
        let result = try CommandRunner(directory: dir.path).run(["action", "add", "Call the 3PL"] + Self.now)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--playbook: which playbook's agendas should carry the item? Give --playbook ID, one of: "), "\(result.stderr)")
        #expect(result.stderr.contains("weekly-kpi-review (Weekly KPI review)"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/.opscadence/state.sqlite"), "nothing recorded")
    }

    @Test func addWithoutAPlaybookAsksOnATerminal() throws {
        let dir = try shippedWorkspaceCopy()
        let (status, output) = try runOnTerminal(
            ["nope", "weekly-kpi-review"], ["action", "add", "Call the 3PL", "--owner", "Ana"] + Self.now, in: dir)
        #expect(status == 0, "\(output)")
        #expect(output.contains("Which playbook's agendas should carry the item?"))
        #expect(output.contains("Please answer with a number from 1 to"))
        #expect(output.contains("added #1 to weekly-kpi-review: Call the 3PL — Ana"), "\(output)")
    }
}
