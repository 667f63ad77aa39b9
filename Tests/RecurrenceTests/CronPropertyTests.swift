import Foundation
import PropertyBased
import Testing

@testable import Recurrence

/// One field of a generated cron expression: its text and the values it denotes.
struct CronField: Sendable, CustomStringConvertible {
    var text: String
    var values: Set<Int>
    /// `*` or `*/n`: for day-of-month and day-of-week, the OR rule does not apply.
    var isStar: Bool
    /// `L` in day-of-month.
    var lastDay = false

    var description: String { text }

    /// A field over `range` in each form cron takes, from the property library's generators, so
    /// that a failure shrinks towards small steps and short lists.
    static func generator(_ range: ClosedRange<Int>, names: [String]? = nil, dense: Bool)
        -> Generator<CronField, AnySequence<(index: Int, value: Any)>>
    {
        let (low, high) = (range.lowerBound, range.upperBound)
        return Gen<CronField>.frequency(
            (weight: 1, gen: Gen.always(CronField(text: "*", values: Set(range), isStar: true))),
            (
                weight: 1,
                gen: Gen.int(in: 1...(dense ? 3 : 20)).map { step in
                    CronField(text: "*/\(step)", values: Set(stride(from: low, through: high, by: step)), isStar: true)
                }
            ),
            (
                weight: 1,
                gen: zip(Gen.int(in: range), Gen.int(in: range), Gen.int(in: 1...4)).map { bounds in
                    let (a, b) = (min(bounds.0, bounds.1), max(bounds.0, bounds.1))
                    return CronField(text: "\(a)-\(b)/\(bounds.2)", values: Set(stride(from: a, through: b, by: bounds.2)), isStar: false)
                }
            ),
            (
                weight: 1,
                gen: zip(Gen.int(in: range), Gen.int(in: 1...max(1, range.count / 2))).map { start, step in
                    CronField(text: "\(start)/\(step)", values: Set(stride(from: start, through: high, by: step)), isStar: false)
                }
            ),
            (
                weight: 2,
                gen: Gen.int(in: range).array(of: 1...(dense ? 6 : 3)).map { values in
                    let text = values.map { v in names.map { $0[v - low] } ?? String(v) }.joined(separator: ",")
                    return CronField(text: text, values: Set(values), isStar: false)
                }
            )
        )
    }
}

/// A random cron expression together with the explicit sets it denotes, so the reference below
/// never goes through the parser it checks.
struct GeneratedCron: Sendable, CustomStringConvertible {
    var minute: CronField
    var hour: CronField
    var day: CronField
    var month: CronField
    var weekday: CronField

    var text: String { [minute.text, hour.text, day.text, month.text, weekday.text].joined(separator: " ") }
    var description: String { text }
    var wildcardTime: Bool { minute.text.contains("*") || hour.text.contains("*") }

    static let generator = zip(
        CronField.generator(0...59, dense: true), CronField.generator(0...23, dense: true),
        Gen<CronField>.frequency(
            (weight: 7, gen: CronField.generator(1...31, dense: false)),
            (weight: 1, gen: Gen.always(CronField(text: "L", values: [], isStar: false, lastDay: true)))),
        CronField.generator(1...12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], dense: false),
        CronField.generator(0...7, dense: false)
    ).map { fields in
        var weekday = fields.4
        weekday.values = Set(weekday.values.map { $0 == 7 ? 0 : $0 })
        return GeneratedCron(minute: fields.0, hour: fields.1, day: fields.2, month: fields.3, weekday: weekday)
    }

    func matches(year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int, daysInMonth: Int) -> Bool {
        guard self.minute.values.contains(minute), self.hour.values.contains(hour), self.month.values.contains(month) else { return false }
        let domMatch = self.day.values.contains(day) || (self.day.lastDay && day == daysInMonth)
        let dowMatch = self.weekday.values.contains(weekday)
        return (self.day.isStar || self.weekday.isStar) ? (domMatch && dowMatch) : (domMatch || dowMatch)
    }
}

/// The deliberately naive reference: every UTC minute of the window, local time by Foundation,
/// plus every local minute that falls in a gap (shifted by the pre-gap offset).
func referenceCron(_ cron: GeneratedCron, zone: TimeZone, from start: Int64, to end: Int64) -> [Int64] {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    func offset(_ u: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(u)))) }
    func fields(local: Int64) -> (Int, Int, Int, Int, Int, Int, Int) {
        let date = Date(timeIntervalSince1970: TimeInterval(local))
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        let days = calendar.range(of: .day, in: .month, for: date)!.count
        return (c.year!, c.month!, c.day!, c.weekday! - 1, c.hour!, c.minute!, days)
    }
    func matches(local: Int64) -> Bool {
        let f = fields(local: local)
        return cron.matches(year: f.0, month: f.1, day: f.2, weekday: f.3, hour: f.4, minute: f.5, daysInMonth: f.6)
    }
    var result: [Int64] = []
    // The first whole minute at or after `start` (callers pass the instant after the bound).
    var u = (start + 59) / 60 * 60
    while u < end {
        let local = u + offset(u)
        if matches(local: local) {
            // A fixed-time entry fires only at the first real instant of a repeated wall time.
            let repeatedEarlier = [1800, 3600, 7200].contains { d in
                let earlier = u - Int64(d)
                return earlier + offset(earlier) == local
            }
            if cron.wildcardTime || !repeatedEarlier { result.append(u) }
        }
        u += 60
    }
    // Wall times that never occur: walk the local timeline.
    let offsets = Set(stride(from: start - 86_400, through: end + 86_400, by: 900).map(offset))
    var local = start + (offsets.min() ?? 0) - 86_400
    local -= ((local % 60) + 60) % 60
    while local < end + (offsets.max() ?? 0) + 86_400 {
        let exists = offsets.contains { o in offset(local - o) == o }
        if !exists && matches(local: local) {
            let before = offsets.filter { o in offset(local - o) != o }.min() ?? 0
            let shifted = local - before
            if shifted >= start && shifted < end { result.append(shifted) }
        }
        local += 60
    }
    return Array(Set(result)).sorted()
}

@Suite struct CronPropertyTests {
    static let zones = [
        "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu",
        "Pacific/Chatham", "Europe/Berlin", "Africa/Cairo", "America/Sao_Paulo", "UTC",
    ]

    @Test func matchesNaiveMinuteByMinuteReference() async throws {
        await propertyCheck(
            count: 120, input: GeneratedCron.generator, Gen.element(of: Self.zones), Gen.int(in: 0...3_000), Gen.bool()
        ) { cron, zoneName, dayOffset, nearTransition in
            guard let zoneName, let expression = try? CronExpression(parsing: cron.text) else { return }
            let zone = try! ZoneRules(identifier: zoneName)
            let foundation = TimeZone(identifier: zoneName)!
            // Half the windows start just before a DST transition, where the rules differ.
            var start = Int64(1_735_689_600 + dayOffset * 86_400 / 3)
            if nearTransition, let t = zone.nextTransition(after: start) { start = t.instant - 86_400 - 3_600 }
            let end = start + 3 * 86_400
            let expected = referenceCron(cron, zone: foundation, from: start + 1, to: end)
            let schedule = Schedule(rule: .cron(expression), source: .cron(cron.text), zone: zone)
            let actual = schedule.occurrences(after: start).prefix { $0.instant < end }.map(\.instant)
            #expect(actual == expected, "\(cron.text) in \(zoneName) from \(RFC3339.formatUTC(start))")
        }
    }
}
