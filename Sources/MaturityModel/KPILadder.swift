/// A step of the operating cadence a playbook can stand on: the daily check, the weekly review,
/// the monthly review and the quarterly assessment. A KPI that stays red climbs them.
package enum CadenceRung: String, CaseIterable, Sendable, Codable, Hashable {
    case daily, weekly, monthly, quarterly

    /// The rung whose occurrences escalate into this one (nil for the daily check).
    package var below: CadenceRung? {
        switch self {
        case .daily: return nil
        case .weekly: return .daily
        case .monthly: return .weekly
        case .quarterly: return .monthly
        }
    }

    /// How the agenda names the rung a KPI came from: `daily check`, `weekly review`, …
    package var meetingName: String {
        switch self {
        case .daily: return "daily check"
        case .weekly: return "weekly review"
        case .monthly: return "monthly review"
        case .quarterly: return "quarterly review"
        }
    }

    /// The agenda section of a meeting on this rung that lists what climbed into it.
    package var escalationHeading: String? {
        switch self {
        case .daily: return nil
        case .weekly: return "Escalated from the daily check"
        case .monthly: return "Escalated from the weekly review"
        case .quarterly: return "Inputs to the roadmap: still red at quarter end"
        }
    }
}

/// The KPI escalation ladder: which red KPIs a meeting takes over from the rung below it.
///
/// Pure: the caller reads the KPI values and lists the occurrences of each rung's playbooks.
///
/// - **Red at an occurrence:** the KPI's latest value measured on or before the occurrence's
///   local date is red by its thresholds. A value is carried until a newer one is recorded (the
///   scorecard shows it the same way); before any value, or for a KPI without thresholds, it is
///   not red, and that breaks a streak.
/// - **Weekly review:** the KPI was red at each of the last `dailyToWeekly` daily checks that
///   started before the review.
/// - **Monthly review:** red at each of the last `weeklyToMonthly` weekly reviews before it.
/// - **Quarterly review:** escalated at the last monthly review before it, and still red at the
///   quarterly review itself (held just after quarter end: its value is the quarter-end one).
///
/// The streak is counted back from the latest earlier occurrence for as long as the condition
/// holds, among the occurrences given.
package struct KPILadder: Sendable {
    /// `kpi_escalation:` in `opscadence.yaml`.
    package struct Thresholds: Sendable, Hashable {
        /// Daily checks in a row at which a KPI must be red to reach the weekly review.
        package var dailyToWeekly: Int
        /// Weekly reviews in a row at which a KPI must be red to reach the monthly review.
        package var weeklyToMonthly: Int

        package init(dailyToWeekly: Int = 3, weeklyToMonthly: Int = 3) {
            self.dailyToWeekly = dailyToWeekly
            self.weeklyToMonthly = weeklyToMonthly
        }
    }

    /// One occurrence of a rung's playbook: its start and its local date (`YYYY-MM-DD`).
    package struct Occurrence: Sendable, Hashable {
        package var start: Int64
        package var date: String

        package init(start: Int64, date: String) {
            self.start = start
            self.date = date
        }
    }

    /// A recorded KPI value.
    package struct Value: Sendable, Hashable {
        /// `YYYY-MM-DD`.
        package var measuredOn: String
        package var value: Double

        package init(measuredOn: String, value: Double) {
            self.measuredOn = measuredOn
            self.value = value
        }
    }

    /// A KPI a meeting takes over from the rung below.
    package struct Escalation: Sendable, Hashable {
        package var kpi: KPIDefinition
        /// The rung it came from.
        package var from: CadenceRung
        /// Occurrences in a row of that rung at which it was red (quarterly: escalated).
        package var streak: Int
        /// The values that made the streak, oldest first, each once.
        package var values: [Value]
    }

    package var definitions: [KPIDefinition]
    package var thresholds: Thresholds
    /// Each KPI's values sorted by date.
    var values: [String: [Value]]
    /// Each rung's occurrences sorted by start.
    var occurrences: [CadenceRung: [Occurrence]]

    /// - Parameters:
    ///   - values: Every recorded value, by KPI key, in any order.
    ///   - occurrences: The occurrences of each rung's playbooks, in any order (several
    ///     playbooks on one rung are merged).
    package init(
        definitions: [KPIDefinition], values: [String: [Value]], occurrences: [CadenceRung: [Occurrence]], thresholds: Thresholds = Thresholds()
    ) {
        self.definitions = definitions
        self.thresholds = thresholds
        self.values = values.mapValues { $0.sorted { $0.measuredOn < $1.measuredOn } }
        self.occurrences = occurrences.mapValues { list in
            var seen = Set<Int64>()
            return list.sorted { $0.start < $1.start }.filter { seen.insert($0.start).inserted }
        }
    }

    /// The KPIs a meeting on `rung` starting at `meeting` takes over, in the definitions' order.
    package func escalations(for rung: CadenceRung, at meeting: Occurrence) -> [Escalation] {
        definitions.compactMap { escalation(of: $0, for: rung, at: meeting) }
    }

    /// The latest value measured on or before `date`.
    func value(of kpi: String, on date: String) -> Value? {
        guard let list = values[kpi] else { return nil }
        // Binary search: the first value measured after `date`.
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].measuredOn <= date { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : list[low - 1]
    }

    func redValue(of kpi: KPIDefinition, on date: String) -> Value? {
        guard let value = value(of: kpi.key, on: date), kpi.status(of: value.value) == .red else { return nil }
        return value
    }

    func escalation(of kpi: KPIDefinition, for rung: CadenceRung, at meeting: Occurrence) -> Escalation? {
        guard let below = rung.below else { return nil }
        let earlier = (occurrences[below] ?? []).prefix { $0.start < meeting.start }
        var streak = 0
        var values: [Value] = []
        switch rung {
        case .daily:
            return nil
        case .weekly, .monthly:
            for occurrence in earlier.reversed() {
                guard let value = redValue(of: kpi, on: occurrence.date) else { break }
                streak += 1
                values.append(value)
            }
            let needed = rung == .weekly ? thresholds.dailyToWeekly : thresholds.weeklyToMonthly
            guard streak >= needed else { return nil }
        case .quarterly:
            guard let atQuarterEnd = redValue(of: kpi, on: meeting.date) else { return nil }
            for occurrence in earlier.reversed() {
                guard let step = escalation(of: kpi, for: .monthly, at: occurrence) else { break }
                streak += 1
                values += step.values
            }
            guard streak >= 1 else { return nil }
            values.append(atQuarterEnd)
        }
        // A value carried across several occurrences (or monthly steps) shows once.
        var seen = Set<String>()
        let distinct = values.filter { seen.insert($0.measuredOn).inserted }.sorted { $0.measuredOn < $1.measuredOn }
        return Escalation(kpi: kpi, from: below, streak: streak, values: distinct)
    }
}
