import Playbooks
import Recurrence
import StateStore

/// The state an agenda draws on, read from the store by the caller.
package struct AgendaData: Sendable {
    /// Open action items of the playbook (carried over).
    package var openActions: [ActionItem]
    /// Checked checklist items of this occurrence, by 1-based index.
    package var checklistMarks: [Int: ChecklistMark]
    /// KPI, assessment, roadmap and plan content for data sections.
    package var insights: AgendaInsights

    package init(openActions: [ActionItem] = [], checklistMarks: [Int: ChecklistMark] = [:], insights: AgendaInsights = AgendaInsights()) {
        self.openActions = openActions
        self.checklistMarks = checklistMarks
        self.insights = insights
    }
}

/// Builds the agenda of one occurrence.
package struct AgendaBuilder: Sendable {
    package let playbook: Playbook
    /// How dates and times are written (the workspace's `locale:`).
    package let presentation: Presentation

    package init(playbook: Playbook, presentation: Presentation = .house) {
        self.playbook = playbook
        self.presentation = presentation
    }

    /// - Parameters:
    ///   - start: The occurrence's instant.
    ///   - data: Action items, checklist marks and maturity data.
    ///   - now: For overdue flags and the generation time.
    package func build(start: Int64, data: AgendaData, now: Int64) -> Agenda {
        let zone = playbook.timeZone
        let local = zone.localDateTime(at: start)
        let today = zone.localDateTime(at: now).date.description
        // A playbook that shows the plan lists its items there, by month, not all of them in
        // the carried-over actions (a monthly review's ten minutes cannot take 23 items).
        let showsPlan = playbook.agenda.contains { $0.show.contains(.plan) }
        let actions = data.openActions.filter { !showsPlan || $0.planItem == nil }.map { action in
            Agenda.ActionRow(
                id: action.id ?? 0, text: action.text, owner: action.owner, due: action.dueDate,
                overdue: action.isOverdue(today: today))
        }

        var sections: [Agenda.Section] = []
        var offset = 0
        for (index, section) in playbook.agenda.enumerated() {
            let sectionStart = start + Int64(offset * 60)
            offset += section.minutes
            let sectionEnd = start + Int64(offset * 60)
            var row = Agenda.Section(
                number: index + 1, title: section.title, minutes: section.minutes,
                start: HumanTime.clock(zone.localDateTime(at: sectionStart), presentation),
                end: HumanTime.clock(zone.localDateTime(at: sectionEnd), presentation), items: section.items,
                carryOver: section.carryOver, showsRedKPIs: section.show.contains(.redKPIs))
            if section.carryOver { row.actionItems = actions }
            row.scorecard = section.kpis.compactMap { data.insights.scorecard[$0] }
            if section.show.contains(.redKPIs) { row.redKPIs = data.insights.redKPIs }
            if section.show.contains(.assessment) { row.assessment = data.insights.assessment }
            if section.show.contains(.roadmap) { row.roadmap = data.insights.roadmap }
            if section.show.contains(.plan) { row.plan = data.insights.plan }
            sections.append(row)
        }

        let rfc3339 = { (instant: Int64) in RFC3339.format(instant, offset: zone.offset(at: instant)) }
        let checklist = playbook.checklist.enumerated().map { index, item in
            let due = item.due.map { start + Int64($0) }
            let mark = data.checklistMarks[index + 1]
            return Agenda.ChecklistRow(
                number: index + 1, item: item.item, owner: item.owner,
                due: due.map { HumanTime.shortDateTime(zone.localDateTime(at: $0), presentation) },
                done: mark != nil, doneBy: mark?.doneBy,
                doneAt: mark.map { HumanTime.shortDateTime(zone.localDateTime(at: $0.doneAt), presentation) },
                dueTime: due.map(rfc3339), doneTime: mark.map { rfc3339($0.doneAt) })
        }

        return Agenda(
            playbookId: playbook.id, title: playbook.title, description: playbook.description,
            occurrence: RFC3339.format(start, offset: zone.offset(at: start)), date: HumanTime.longDate(local.date, presentation),
            startTime: HumanTime.clock(local, presentation), endTime: HumanTime.clock(zone.localDateTime(at: start + Int64(playbook.duration)), presentation),
            timeZone: zone.identifier, zoneAbbreviation: zone.abbreviation(at: start),
            duration: HumanTime.duration(playbook.duration), schedule: playbook.scheduleText, owner: playbook.owner,
            attendees: playbook.attendees, sections: sections, checklist: checklist, actionItems: actions,
            alerts: data.insights.redKPIs.map { "\($0.title) is red: \($0.latest) (target \($0.target))" },
            generatedAt: RFC3339.format(now, offset: zone.offset(at: now)), escalation: data.insights.escalation, health: data.insights.health,
            holiday: playbook.holidayShift(at: start)?.text)
    }
}

/// Maturity-model content for agenda sections, computed by ``AgendaInsights/compute`` from state.
package struct AgendaInsights: Sendable {
    package var scorecard: [String: ScorecardRow] = [:]
    package var redKPIs: [ScorecardRow] = []
    package var assessment: AssessmentBlock?
    package var roadmap: RoadmapBlock?
    package var plan: PlanBlock?
    package var escalation: EscalationBlock?
    package var health: HealthBlock?

    package init() {}
}
