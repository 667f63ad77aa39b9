import Foundation
import OpsCadenceTesting
import Recurrence
import Testing

@testable import MaturityModel

/// The KPI escalation ladder over 90 generated days, against a table computed by hand (with an
/// independent script, from the rules in ``KPILadder``'s documentation, not from this code).
@Suite struct KPILadderTests {
    /// Lower is better: red above $6.00.
    static let cost = KPIDefinition(key: "cost_per_order", title: "Cost per order", unit: "$", higherIsBetter: false, green: 4.5, red: 6.0)
    /// Higher is better: red below 99 %.
    static let accuracy = KPIDefinition(key: "order_accuracy", title: "Order accuracy", unit: "%", higherIsBetter: true, green: 99.5, red: 99.0)

    /// 2026-10-01 … 2026-12-29. Cost per order runs in spells: each day there is a one-in-seven
    /// chance it switches between $4.00–$5.99 and $6.01–$8.00, and about four days in five have
    /// a value. Order accuracy is 98.00–99.99 % at random (red about half the time) on about
    /// three days in four. Days without a value carry the last one.
    static func generatedValues(seed: UInt64) -> [String: [KPILadder.Value]] {
        var generator = SeededGenerator(seed: seed)
        var costs: [KPILadder.Value] = []
        var accuracies: [KPILadder.Value] = []
        var high = false
        for day in 0..<90 {
            let date = Self.date(Self.october1 + day)
            let r = generator.next()
            if r % 7 == 0 { high.toggle() }
            if r % 5 != 4 { costs.append(.init(measuredOn: date, value: Double((high ? 601 : 400) + Int((r >> 16) % 200)) / 100)) }
            let s = generator.next()
            if s % 4 != 0 { accuracies.append(.init(measuredOn: date, value: Double(9800 + Int((s >> 16) % 200)) / 100)) }
        }
        return ["cost_per_order": costs, "order_accuracy": accuracies]
    }

    /// The rungs of the shipped cadence from 2026-10-01 to 2027-01-03 (times as UTC, only the
    /// order matters): daily checks on weekdays at 08:30 but Thanksgiving and Christmas, weekly
    /// reviews on Mondays at 09:00, monthly reviews on the first Tuesday at 10:00, and the
    /// quarterly reviews of 2026-10-05 and 2027-01-04 at 10:00.
    static let occurrences: [CadenceRung: [KPILadder.Occurrence]] = {
        var result: [CadenceRung: [KPILadder.Occurrence]] = [:]
        for day in october1..<(october1 + 95) {
            let date = Self.date(day)
            let weekday = (day + 3) % 7  // 0 = Monday: 1970-01-01 was a Thursday
            if weekday < 5, date != "2026-11-26", date != "2026-12-25" { result[.daily, default: []].append(occurrence(day, 8 * 60 + 30)) }
            if weekday == 0 { result[.weekly, default: []].append(occurrence(day, 9 * 60)) }
            if weekday == 1, Int(date.suffix(2))! <= 7 { result[.monthly, default: []].append(occurrence(day, 10 * 60)) }
        }
        result[.quarterly] = [occurrence(october1 + 4, 10 * 60), occurrence(october1 + 95, 10 * 60)]
        return result
    }()

    struct Row: Equatable, CustomStringConvertible {
        var meeting: String
        var rung: CadenceRung
        var kpi: String
        var streak: Int
        var values: [String]

        init(_ meeting: String, _ rung: CadenceRung, _ kpi: String, _ streak: Int, _ values: [String]) {
            self.meeting = meeting
            self.rung = rung
            self.kpi = kpi
            self.streak = streak
            self.values = values
        }

        var description: String { "\(meeting) \(rung) \(kpi) ×\(streak) \(values)" }
    }

    /// Seed 124 with the default thresholds (3 daily checks, 3 weekly reviews). Every weekly,
    /// monthly and quarterly meeting of the period was looked at; these are all that escalate.
    /// Worth a look: 2026-11-09's accuracy streak of three checks holds two values (the one of
    /// Friday 11-06 is missing, 11-05's carries); 2026-11-30's checks skip Thanksgiving;
    /// 2026-10-04's accuracy of 99.00 % is not red (red is below 99); the quarterly rows are
    /// the December monthly review's values plus the last one of the year.
    static let expected: [Row] = [
        Row("2026-11-09", .weekly, "order_accuracy", 3, ["2026-11-05 98.97", "2026-11-08 98.30"]),
        Row("2026-11-16", .weekly, "cost_per_order", 6, ["2026-11-09 7.83", "2026-11-13 6.31", "2026-11-15 7.99"]),
        Row(
            "2026-11-23", .weekly, "cost_per_order", 11,
            ["2026-11-09 7.83", "2026-11-13 6.31", "2026-11-15 7.99", "2026-11-17 6.95", "2026-11-18 6.67", "2026-11-19 6.21", "2026-11-20 7.06", "2026-11-23 7.67"]),
        Row("2026-11-30", .weekly, "order_accuracy", 3, ["2026-11-25 98.69", "2026-11-27 98.34", "2026-11-29 98.34"]),
        Row(
            "2026-12-07", .weekly, "cost_per_order", 7,
            ["2026-11-27 7.74", "2026-11-29 6.36", "2026-12-01 6.18", "2026-12-02 6.53", "2026-12-03 7.25", "2026-12-04 7.94", "2026-12-07 7.50"]),
        Row(
            "2026-12-14", .weekly, "cost_per_order", 12,
            [
                "2026-11-27 7.74", "2026-11-29 6.36", "2026-12-01 6.18", "2026-12-02 6.53", "2026-12-03 7.25", "2026-12-04 7.94", "2026-12-07 7.50",
                "2026-12-08 7.43", "2026-12-10 6.53", "2026-12-11 7.44", "2026-12-14 7.07",
            ]),
        Row("2026-12-28", .weekly, "cost_per_order", 5, ["2026-12-21 7.37", "2026-12-22 6.25", "2026-12-24 7.48", "2026-12-28 6.02"]),
        Row("2026-12-01", .monthly, "cost_per_order", 4, ["2026-11-09 7.83", "2026-11-15 7.99", "2026-11-23 7.67", "2026-11-29 6.36"]),
        Row("2026-12-01", .monthly, "order_accuracy", 4, ["2026-11-08 98.30", "2026-11-15 98.56", "2026-11-23 98.91", "2026-11-29 98.34"]),
        Row("2027-01-04", .quarterly, "cost_per_order", 1, ["2026-11-09 7.83", "2026-11-15 7.99", "2026-11-23 7.67", "2026-11-29 6.36", "2026-12-28 6.02"]),
        Row(
            "2027-01-04", .quarterly, "order_accuracy", 1, ["2026-11-08 98.30", "2026-11-15 98.56", "2026-11-23 98.91", "2026-11-29 98.34", "2026-12-29 98.28"]),
    ]

    @Test func ninetyGeneratedDaysMatchTheHandComputedTable() {
        let ladder = KPILadder(definitions: [Self.cost, Self.accuracy], values: Self.generatedValues(seed: 124), occurrences: Self.occurrences)
        var rows: [Row] = []
        for rung in [CadenceRung.weekly, .monthly, .quarterly] {
            for meeting in Self.occurrences[rung] ?? [] {
                for escalation in ladder.escalations(for: rung, at: meeting) {
                    rows.append(
                        Row(
                            meeting.date, rung, escalation.kpi.key, escalation.streak,
                            escalation.values.map { "\($0.measuredOn) \(String(format: "%.2f", $0.value))" }))
                    #expect(escalation.from == rung.below)
                }
            }
        }
        #expect(rows == Self.expected)
        // The daily check is the first rung: nothing climbs into it.
        #expect(Self.occurrences[.daily]!.allSatisfy { ladder.escalations(for: .daily, at: $0).isEmpty })
    }

    /// Three checks: red, no value yet, red. The gap breaks the streak, as does a KPI without
    /// thresholds.
    @Test(arguments: [
        (["2026-10-02": 7.0], 1),  // only the last check has a value: streak 1
        (["2026-10-01": 7.0], 2),  // carried from 10-01 to the checks of 10-01 and 10-02
        (["2026-09-30": 7.0, "2026-10-01": 5.0, "2026-10-02": 7.0], 1),  // green in between
        (["2026-09-30": 7.0], 3),
    ])
    func aStreakNeedsARedValueAtEveryCheck(values: [String: Double], streak: Int) {
        let checks = (0..<3).map { Self.occurrence(Self.october1 - 1 + $0, 8 * 60) }  // 09-30, 10-01, 10-02
        let weekly = Self.occurrence(Self.october1 + 2, 9 * 60)
        let ladder = KPILadder(
            definitions: [Self.cost, KPIDefinition(key: "untargeted", title: "No target", unit: "", higherIsBetter: false, green: nil, red: nil)],
            values: [
                "cost_per_order": values.map { KPILadder.Value(measuredOn: $0.key, value: $0.value) },
                "untargeted": [KPILadder.Value(measuredOn: "2026-09-01", value: 1e9)],
            ],
            occurrences: [.daily: checks], thresholds: KPILadder.Thresholds(dailyToWeekly: streak, weeklyToMonthly: 3))
        let found = ladder.escalations(for: .weekly, at: weekly)
        #expect(found.map(\.kpi.key) == ["cost_per_order"])
        #expect(found.first?.streak == streak)
        let stricter = KPILadder(
            definitions: [Self.cost], values: ["cost_per_order": values.map { KPILadder.Value(measuredOn: $0.key, value: $0.value) }],
            occurrences: [.daily: checks], thresholds: KPILadder.Thresholds(dailyToWeekly: streak + 1, weeklyToMonthly: 3))
        #expect(stricter.escalations(for: .weekly, at: weekly).isEmpty)
    }

    // MARK: Dates

    /// Days since 1970-01-01 of 2026-10-01.
    static let october1 = 20_727

    static func occurrence(_ day: Int, _ minutes: Int) -> KPILadder.Occurrence {
        KPILadder.Occurrence(start: Int64(day) * 86_400 + Int64(minutes) * 60, date: date(day))
    }

    /// `YYYY-MM-DD` of a day number.
    static func date(_ days: Int) -> String { CivilDate(dayNumber: days).description }
}
