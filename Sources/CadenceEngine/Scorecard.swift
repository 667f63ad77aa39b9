import Agendas
import Synchronization
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// Scorecard rows from KPI definitions and recorded values.
package enum Scorecard {
    package static func rows(definitions: [KPIDefinition], values: [KPIValue]) -> [ScorecardRow] {
        let byKPI = Dictionary(grouping: values, by: \.kpi)
        return definitions.map { kpi in
            let points = (byKPI[kpi.key] ?? []).sorted { $0.measuredOn < $1.measuredOn }.map { (date: $0.measuredOn, value: $0.value) }
            let trend = KPITrend(points: points, definition: kpi)
            guard let latest = trend.latest else {
                return ScorecardRow(
                    key: kpi.key, title: kpi.title, latest: "—", target: kpi.targetText, trend: "—", status: "no data", stage: "",
                    isRed: false)
            }
            let status = kpi.status(of: latest.value)
            let arrow: String
            switch trend.direction {
            case .improving: arrow = "improving"
            case .worsening: arrow = "worsening"
            case .flat: arrow = "flat"
            case .unknown: arrow = "—"
            }
            return ScorecardRow(
                key: kpi.key, title: kpi.title, latest: "\(kpi.format(latest.value)) (\(CivilDate(iso: latest.date).map(kpi.presentation.numericDate) ?? latest.date))", target: kpi.targetText,
                trend: arrow, status: status.rawValue, stage: kpi.evidencedStage(for: latest.value).map(\.description) ?? "",
                isRed: status == .red)
        }
    }
}
