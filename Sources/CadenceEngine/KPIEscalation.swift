import Agendas
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// The KPI escalation ladder for one meeting, read from the workspace and the recorded values;
/// the rules are ``KPILadder``'s.
package enum KPIEscalation {
    /// How far back the rungs' occurrences are listed: a streak is counted back at most a year,
    /// which bounds the work of an agenda whatever the history.
    package static let lookback: Int64 = 366 * 86_400

    /// The KPIs the occurrence of `playbook` at `start` takes over from the rung below; empty
    /// for a playbook off the ladder or on its first rung.
    package static func escalations(workspace: Workspace, values: [KPIValue], for playbook: Playbook, at start: Int64) -> [KPILadder.Escalation] {
        guard let rung = playbook.rung, let below = rung.below else { return [] }
        // The quarterly step looks at the monthly reviews, and each of those at its weekly ones.
        let rungs: Set<CadenceRung> = rung == .quarterly ? [.monthly, .weekly] : [below]
        var occurrences: [CadenceRung: [KPILadder.Occurrence]] = [:]
        for other in workspace.playbooks where other.isEnabled {
            guard let otherRung = other.rung, rungs.contains(otherRung) else { continue }
            var list: [KPILadder.Occurrence] = []
            for occurrence in other.schedule.occurrences(after: start - lookback) {
                if occurrence.instant >= start { break }
                list.append(KPILadder.Occurrence(start: occurrence.instant, date: occurrence.local.date.description))
            }
            occurrences[otherRung, default: []] += list
        }
        var byKPI: [String: [KPILadder.Value]] = [:]
        for value in values { byKPI[value.kpi, default: []].append(KPILadder.Value(measuredOn: value.measuredOn, value: value.value)) }
        let ladder = KPILadder(
            definitions: workspace.kpiDefinitions, values: byKPI, occurrences: occurrences, thresholds: workspace.configuration.kpiEscalation)
        let meeting = KPILadder.Occurrence(start: start, date: playbook.timeZone.localDateTime(at: start).date.description)
        return ladder.escalations(for: rung, at: meeting)
    }

    /// The agenda section of a meeting on the ladder above its first rung, nil otherwise.
    package static func block(workspace: Workspace, values: [KPIValue], for playbook: Playbook, at start: Int64) -> EscalationBlock? {
        guard let rung = playbook.rung, let below = rung.below, let heading = rung.escalationHeading else { return nil }
        // Nothing can climb from a rung no playbook stands on: no section, rather than one that
        // says "no KPI was red" about checks that never happen.
        guard workspace.playbooks.contains(where: { $0.isEnabled && $0.rung == below }) else { return nil }
        let rows = escalations(workspace: workspace, values: values, for: playbook, at: start).map(row)
        let none: String
        switch rung {
        case .weekly: none = "No KPI was red at \(workspace.configuration.kpiEscalation.dailyToWeekly) daily checks in a row."
        case .monthly: none = "No KPI was red at \(workspace.configuration.kpiEscalation.weeklyToMonthly) weekly reviews in a row."
        default: none = "No KPI escalated to the monthly review is still red."
        }
        return EscalationBlock(heading: heading, from: below.rawValue, kpis: rows, none: none)
    }

    static func row(_ escalation: KPILadder.Escalation) -> EscalatedKPIRow {
        let kpi = escalation.kpi
        let streak: String
        if escalation.from == .monthly {
            let reviews = escalation.streak == 1 ? "the last monthly review" : "the last \(escalation.streak) monthly reviews"
            streak = "escalated at \(reviews), still red at quarter end"
        } else {
            streak = "red at \(escalation.streak) \(escalation.from.meetingName)s in a row"
        }
        return EscalatedKPIRow(
            key: kpi.key, title: kpi.title, streak: streak, count: escalation.streak,
            values: escalation.values.map { "\(kpi.format($0.value)) (\(CivilDate(iso: $0.measuredOn).map(kpi.presentation.numericDate) ?? $0.measuredOn))" }, target: kpi.targetText)
    }
}
