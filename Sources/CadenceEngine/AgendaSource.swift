import Agendas
import Synchronization
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// Builds agendas from a playbook and the workspace state.
package struct AgendaSource: Sendable {
    package let workspace: Workspace
    package let store: StateStore?

    package init(workspace: Workspace, store: StateStore?) {
        self.workspace = workspace
        self.store = store
    }

    /// The data an occurrence's agenda shows, read from the state (empty when there is none yet).
    package func data(for playbook: Playbook, at instant: Int64, now: Int64) throws(StateError) -> AgendaData {
        // Before any state exists the agenda still shows its KPIs (nothing recorded) and hints.
        guard let store else { return AgendaData(insights: try insights(for: playbook, at: instant, now: now)) }
        let needsActions = playbook.agenda.contains(where: \.carryOver)
        return AgendaData(
            openActions: needsActions ? try store.actions(playbook: playbook.id) : [],
            checklistMarks: try store.checklistMarks(playbook: playbook.id, scheduledAt: instant),
            insights: try insights(for: playbook, at: instant, now: now))
    }

    /// The agenda of one occurrence.
    package func agenda(for playbook: Playbook, at instant: Int64, now: Int64) throws(StateError) -> Agenda {
        AgendaBuilder(playbook: playbook, presentation: workspace.configuration.presentation).build(start: instant, data: try data(for: playbook, at: instant, now: now), now: now)
    }

    /// How many weeks the monthly review's meeting-health section looks back.
    static let healthWeeks = 13

    /// Scorecards, red KPIs, escalated KPIs, meeting health, assessment, roadmap and plan
    /// progress, read only for what the playbook shows.
    func insights(for playbook: Playbook, at instant: Int64, now: Int64) throws(StateError) -> AgendaInsights {
        var insights = AgendaInsights()
        let sections = playbook.agenda
        let wantsKPIs = sections.contains { !$0.kpis.isEmpty || $0.show.contains(.redKPIs) }
        let climbs = playbook.rung?.below != nil
        // Read once for the scorecard and the ladder; before any state exists, nothing is recorded.
        let values = wantsKPIs || climbs ? try store?.kpiValues() ?? [] : []
        if wantsKPIs {
            let scorecard = Scorecard.rows(definitions: workspace.kpiDefinitions, values: values)
            insights.scorecard = Dictionary(uniqueKeysWithValues: scorecard.map { ($0.key, $0) })
            insights.redKPIs = scorecard.filter(\.isRed)
        }
        if climbs { insights.escalation = KPIEscalation.block(workspace: workspace, values: values, for: playbook, at: instant) }
        if playbook.rung == .monthly, let store {
            // The weeks before the meeting, or before now for a meeting ahead: the figures of a
            // window still to come would all be empty.
            let health = try MeetingHealth.measure(workspace: workspace, store: store, weeks: Self.healthWeeks, now: min(instant, now))
            insights.health = health.block
        }
        let noPlan = PlanBlock(phases: [], hint: "No transformation plan yet: create one with `opscadence plan create --start YYYY-MM`.")
        guard let store else {
            if sections.contains(where: { $0.show.contains(.plan) }) { insights.plan = noPlan }
            return insights
        }
        if sections.contains(where: { $0.show.contains(.assessment) || $0.show.contains(.roadmap) }) {
            let history = try Assessments.load(from: store)
            let model = MaturityModel.standard
            if let latest = history.last {
                let result = AssessmentResult(assessment: latest, history: history)
                insights.assessment = AssessmentBlock(
                    lastQuarter: latest.quarter.description,
                    rows: MaturityDimension.allCases.map { d in
                        AssessmentBlock.Row(
                            dimension: d.title, key: d.rawValue, previous: "\(latest.scores[d])",
                            descriptions: (1...5).map { "\($0): " + model.characteristics(of: d, at: Stage($0)!) })
                    },
                    overall: "Overall: Stage \(result.stage) (\(result.stageName)); bottleneck: \(result.bottlenecks.map(\.title).joined(separator: ", ")).",
                    flatWarning: result.flatWarningText)
                let next = Stage(result.stage)?.next
                insights.roadmap = RoadmapBlock(
                    heading: next.map { "Stage \(result.stage) → \($0.number) priorities (bottleneck first)" } ?? "Stage 5: no next stage",
                    items: result.roadmap.map(\.text), advice: result.advice)
            } else {
                insights.assessment = AssessmentBlock(
                    lastQuarter: nil,
                    rows: MaturityDimension.allCases.map { d in
                        AssessmentBlock.Row(
                            dimension: d.title, key: d.rawValue, previous: "—",
                            descriptions: (1...5).map { "\($0): " + model.characteristics(of: d, at: Stage($0)!) })
                    }, overall: "No assessment yet: score each dimension 1-5 with `opscadence assess`.", flatWarning: nil)
                insights.roadmap = RoadmapBlock(
                    heading: "Roadmap", items: [], advice: "Record an assessment (`opscadence assess`) to get the roadmap for your bottleneck.")
            }
        }
        if sections.contains(where: { $0.show.contains(.plan) }) {
            if let plan = try PlanState.load(from: store) {
                let items = try store.planItems()
                let done = Set(items.filter(\.isDone).compactMap(\.planItem))
                let month = playbook.timeZone.localDateTime(at: instant).date
                let monthEnd = YearMonth(year: month.year, month: month.month)?.lastDay ?? "9999-12-31"
                let due = items.filter { !$0.isDone && ($0.dueDate ?? "9999") <= monthEnd }.sorted { ($0.dueDate ?? "", $0.id ?? 0) < ($1.dueDate ?? "", $1.id ?? 0) }
                insights.plan = PlanBlock(
                    phases: plan.progress(done: done).map { PlanBlock.Phase(name: $0.name, months: $0.months, done: $0.done, total: $0.total, open: $0.open) },
                    thisMonth: due.map { "\($0.text)\($0.owner.map { " — \($0)" } ?? "")\($0.dueDate.map { ", due \($0)" } ?? "")" })
            } else {
                insights.plan = noPlan
            }
        }
        return insights
    }
}
