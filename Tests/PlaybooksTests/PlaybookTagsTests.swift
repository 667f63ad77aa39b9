import Foundation
import MaturityModel
import Testing

@testable import Playbooks

/// `tags:`, the rung of the KPI escalation ladder a playbook stands on, and `kpi_escalation:`.
@Suite struct PlaybookTagsTests {
    static func playbook(id: String, tags: String? = nil) -> String {
        validPlaybook.replacingOccurrences(of: "id: weekly-kpi-review", with: "id: \(id)")
            .replacingOccurrences(of: "title: Weekly KPI review", with: "title: Some review" + (tags.map { "\ntags: \($0)" } ?? ""))
    }

    @Test(arguments: [
        ("weekly-kpi-review", nil, CadenceRung?.some(.weekly)),
        ("daily-red-alert-check", nil, .daily),
        ("ops-monthly", nil, .monthly),
        ("quarterly-maturity-assessment", nil, .quarterly),
        ("biweekly-sync", nil, nil),  // a word of the id, not part of one
        ("transformation-1-foundations", nil, nil),
        ("ops-sync", "[Weekly, team]", .weekly),  // any case
        ("daily-and-weekly-sync", "[weekly]", .weekly),  // a tag decides over the id
        ("weekly-kpi-review", "[operating-cadence]", .weekly),  // no rung among the tags: the id
        ("annual-strategic-planning", "[annual]", nil),
    ])
    func rungComesFromATagElseTheId(id: String, tags: String?, rung: CadenceRung?) throws {
        let (_, result) = workspace(playbooks: ["p.yaml": Self.playbook(id: id, tags: tags)])
        let playbook = try #require(try result.get().playbook(id: id))
        #expect(playbook.rung == rung)
        #expect(playbook.tags.count == (tags == nil ? 0 : tags!.split(separator: ",").count))
    }

    @Test(arguments: [
        (
            "weekly-kpi-review", "[daily, weekly]",
            "playbooks/p.yaml:3:7: tags name more than one rung of the KPI escalation ladder (daily, weekly): a playbook is on at most one of daily, weekly, monthly, quarterly"
        ),
        (
            "daily-and-weekly-sync", nil,
            "playbooks/p.yaml:1:5: id 'daily-and-weekly-sync' names more than one rung of the KPI escalation ladder (daily, weekly): add tags: [one of them] to choose"
        ),
        ("weekly-kpi-review", "weekly", "playbooks/p.yaml:3:7: expected tags as a list"),
        ("weekly-kpi-review", "[[weekly]]", "playbooks/p.yaml:3:8: expected each entry of tags as text"),
    ])
    func twoRungsAreAnErrorAtTheirPlace(id: String, tags: String?, expected: String) {
        #expect(issues(playbooks: ["p.yaml": Self.playbook(id: id, tags: tags)]) == [expected])
    }

    @Test func theShippedPlaybooksStandOnTheirRungs() throws {
        let ws = try Workspace.load(at: repositoryRoot, environment: [:])
        let rungs = Dictionary(uniqueKeysWithValues: ws.playbooks.map { ($0.id, $0.rung) })
        #expect(rungs["daily-red-alert-check"] == .daily)
        #expect(rungs["weekly-kpi-review"] == .weekly)
        #expect(rungs["monthly-process-improvement"] == .monthly)
        #expect(rungs["quarterly-maturity-assessment"] == .quarterly)
        #expect(rungs.filter { $0.value != nil }.count == 4)
        #expect(ws.configuration.kpiEscalation == KPILadder.Thresholds(dailyToWeekly: 3, weeklyToMonthly: 3))
    }

    @Test func kpiEscalationDefaultsToThreeAndThree() throws {
        let (_, result) = workspace(playbooks: ["p.yaml": validPlaybook])
        #expect(try result.get().configuration.kpiEscalation == KPILadder.Thresholds(dailyToWeekly: 3, weeklyToMonthly: 3))
        let (_, set) = workspace(config: validConfig + "\nkpi_escalation: { daily_to_weekly: 5, weekly_to_monthly: 1 }\n", playbooks: ["p.yaml": validPlaybook])
        #expect(try set.get().configuration.kpiEscalation == KPILadder.Thresholds(dailyToWeekly: 5, weeklyToMonthly: 1))
    }

    @Test(arguments: [
        ("kpi_escalation: { daily_to_weekly: 0 }", "opscadence.yaml:7:36: daily_to_weekly 0 is out of range 1-100"),
        ("kpi_escalation: { weekly_to_monthly: 101 }", "opscadence.yaml:7:38: weekly_to_monthly 101 is out of range 1-100"),
        ("kpi_escalation: { daily_to_weekly: three }", "opscadence.yaml:7:36: expected daily_to_weekly as a whole number"),
    ])
    func kpiEscalationIsCheckedWithItsPosition(line: String, expected: String) {
        #expect(issues(config: validConfig + "\n" + line + "\n", playbooks: ["p.yaml": validPlaybook]) == [expected])
    }

    @Test func anUnknownKPIEscalationKeyIsNamed() {
        let found = issues(config: validConfig + "\nkpi_escalation: { monthly_to_quarterly: 2 }\n", playbooks: ["p.yaml": validPlaybook])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("opscadence.yaml:7:") == true)
        #expect(found.first?.contains("monthly_to_quarterly") == true)
    }
}

/// A tick looks every playbook up by id: the lookup must find each one whatever order the files
/// are named in.
@Suite struct PlaybookLookupTests {
    @Test func everyPlaybookIsFoundByItsIdAndNoOtherId() throws {
        // File names in an order unlike the ids', ids that are prefixes of others.
        let ids = ["weekly-kpi-review", "a-first", "9-digit", "m", "m-2", "zz-last", "b"]
        var files: [String: String] = [:]
        for (index, id) in ids.enumerated() { files["\(ids.count - index).yaml"] = PlaybookTagsTests.playbook(id: id) }
        let (_, result) = workspace(playbooks: files)
        let loaded = try result.get()
        for id in ids { #expect(loaded.playbook(id: id)?.id == id) }
        for absent in ["", "a", "m-1", "weekly", "zzz", "Weekly-kpi-review"] { #expect(loaded.playbook(id: absent) == nil) }
    }
}
