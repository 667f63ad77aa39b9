import Mustache
import Testing

@testable import Agendas

/// Templates reach the view model through hand-written `child(named:)` switches (for speed);
/// these tests keep the switches complete as the view model grows.
@Suite struct MustacheLookupTests {
    static let scorecardRow = ScorecardRow(
        key: "order_accuracy", title: "Order accuracy", latest: "99.1 %", target: "≥ 99.5 %", trend: "→ flat", status: "amber",
        stage: "Stage 2 (Managed)", isRed: false)
    static let checklistRow = Agenda.ChecklistRow(
        number: 1, item: "Update the scorecard", owner: "Ops Lead", due: "Mon 7 Dec 08:00", done: false, doneBy: "Ops Lead", doneAt: "Mon 7 Dec 07:55",
        dueTime: "2026-12-07T08:00:00-05:00", doneTime: "2026-12-07T07:55:00-05:00")
    static let actionRow = Agenda.ActionRow(id: 7, text: "Fix the pick list", owner: "Sam", due: "2026-12-10", overdue: true)
    static let assessmentRow = AssessmentBlock.Row(dimension: "Process", key: "process", previous: "2", descriptions: ["1: ad hoc"])
    static let assessment = AssessmentBlock(lastQuarter: "2026-Q3", rows: [assessmentRow], overall: "Stage 2", flatWarning: "flat")
    static let roadmap = RoadmapBlock(heading: "Stage 2 → 3", items: ["Document SOPs"], advice: "Start with the bottleneck")
    static let phase = PlanBlock.Phase(name: "Foundations", months: "1-3", done: 1, total: 4, open: ["Weekly KPI review"])
    static let plan = PlanBlock(phases: [phase], thisMonth: ["Weekly KPI review — Ops Lead, due 2027-03-31"], hint: "No plan yet")
    static let section = Agenda.Section(
        number: 1, title: "Scorecard", minutes: 10, start: "09:00", end: "09:10", items: ["Look at red KPIs"], carryOver: true,
        showsRedKPIs: true, scorecard: [scorecardRow], actionItems: [actionRow], redKPIs: [scorecardRow], assessment: assessment,
        roadmap: roadmap, plan: plan)
    static let agenda = Agenda(
        playbookId: "weekly-kpi-review", title: "Weekly KPI review", description: "Numbers first", occurrence: "2026-12-07T09:00:00-05:00",
        date: "Monday 7 December 2026", startTime: "09:00", endTime: "09:30", timeZone: "America/New_York", zoneAbbreviation: "EST",
        duration: "30 min", schedule: "weekly on monday at 09:00", owner: "Ops Lead", attendees: ["Founder"], sections: [section],
        checklist: [checklistRow], actionItems: [actionRow], alerts: ["Stockout rate 9 % is red"], generatedAt: "2026-12-07T08:00:00-05:00",
        escalation: escalation, health: health, holiday: "moved from Fri 25 Dec: Christmas Day")
    static let escalatedRow = EscalatedKPIRow(
        key: "cost_per_order", title: "Cost per order", streak: "red at 3 daily checks in a row", count: 3, values: ["$6.40 (2026-12-03)"],
        target: "≤ $4.50")
    static let escalation = EscalationBlock(heading: "Escalated from the daily check", from: "daily", kpis: [escalatedRow], none: "No KPI")
    static let healthCell = HealthBlock.Cell(text: "50 %", isRed: true)
    static let healthRow = HealthBlock.Row(title: "Weekly KPI review", occurrences: 13, cells: [healthCell])
    static let health = HealthBlock(period: "2026-09-01 to 2026-12-01 (13 weeks)", rows: [healthRow], legend: "Red: …")

    static let values: [(String, any MustacheParent & Sendable)] = [
        ("Agenda", agenda), ("Section", section), ("ChecklistRow", checklistRow), ("ActionRow", actionRow),
        ("ScorecardRow", scorecardRow), ("AssessmentBlock", assessment), ("AssessmentBlock.Row", assessmentRow),
        ("RoadmapBlock", roadmap), ("PlanBlock", plan), ("PlanBlock.Phase", phase), ("EscalationBlock", escalation),
        ("EscalatedKPIRow", escalatedRow), ("HealthBlock", health), ("HealthBlock.Row", healthRow), ("HealthBlock.Cell", healthCell),
    ]

    @Test(arguments: 0..<values.count)
    func everyStoredPropertyIsReachable(index: Int) throws {
        let (name, value) = Self.values[index]
        let labels = Mirror(reflecting: value).children.compactMap(\.label)
        #expect(!labels.isEmpty)
        for label in labels {
            // Every optional is filled in the fixtures, so nil means the switch lacks the name.
            #expect(value.child(named: label) != nil, "\(name).\(label) is not reachable from templates")
        }
        #expect(value.child(named: "noSuchProperty") == nil)
    }

    @Test func aRowWithoutAnOwnerDoesNotShowTheEnclosingOwner() throws {
        var agenda = Self.agenda
        agenda.checklist = [Agenda.ChecklistRow(number: 1, item: "Share the notes", owner: nil, due: nil, done: false)]
        agenda.actionItems = [Agenda.ActionRow(id: 2, text: "Call the 3PL", owner: nil, due: nil, overdue: false)]
        let template = try MustacheTemplate(
            string: "{{#checklist}}[{{item}}{{#owner}} — {{owner}}{{/owner}}{{^owner}} (no owner){{/owner}}{{due}}]{{/checklist}}{{#actionItems}}[{{text}}{{#owner}} — {{owner}}{{/owner}}]{{/actionItems}}")
        #expect(template.render(agenda) == "[Share the notes (no owner)][Call the 3PL]")
    }

    @Test func templatesSeeValuesNotOptionalWrappers() throws {
        let template = try MustacheTemplate(
            string: "{{title}}|{{owner}}|{{#sections}}{{#assessment}}{{lastQuarter}}{{/assessment}}{{#plan}}{{#phases}}{{name}} {{done}}/{{total}}{{/phases}}{{/plan}}{{/sections}}|{{openChecklistCount}}")
        #expect(template.render(Self.agenda) == "Weekly KPI review|Ops Lead|2026-Q3Foundations 1/4|1")
    }
}
