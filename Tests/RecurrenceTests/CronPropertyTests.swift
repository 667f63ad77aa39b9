import Foundation
import PropertyBased
import Testing

@testable import Recurrence

/// A random cron expression together with the explicit sets it denotes, so the reference below
/// never goes through the parser it checks.
struct GeneratedCron: CustomStringConvertible {
    var text: String
    var minutes: Set<Int>
    var hours: Set<Int>
    var days: Set<Int>
    var lastDay: Bool
    var months: Set<Int>
    var weekdays: Set<Int>
    var domStar: Bool
    var dowStar: Bool
    var wildcardTime: Bool

    var description: String { text }

    init(seed: Int) {
        var rng = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
        func field(_ range: ClosedRange<Int>, names: [String]? = nil, dense: Bool) -> (String, Set<Int>, Bool) {
            switch rng.next(6) {
            case 0:
                return ("*", Set(range), true)
            case 1:
                let step = 1 + rng.next(dense ? 3 : 20)
                return ("*/\(step)", Set(stride(from: range.lowerBound, through: range.upperBound, by: step)), true)
            case 2:
                let a = range.lowerBound + rng.next(range.count)
                let b = a + rng.next(range.upperBound - a + 1)
                let step = 1 + rng.next(4)
                return ("\(a)-\(b)/\(step)", Set(stride(from: a, through: b, by: step)), false)
            case 3:
                let a = range.lowerBound + rng.next(range.count)
                let step = 1 + rng.next(max(1, range.count / 2))
                return ("\(a)/\(step)", Set(stride(from: a, through: range.upperBound, by: step)), false)
            default:
                let count = 1 + rng.next(dense ? 6 : 3)
                let values = (0..<count).map { _ in range.lowerBound + rng.next(range.count) }
                let text = values.map { v in names.map { $0[v - range.lowerBound] } ?? String(v) }.joined(separator: ",")
                return (text, Set(values), false)
            }
        }
        let minute = field(0...59, dense: true)
        let hour = field(0...23, dense: true)
        var dom = field(1...31, dense: false)
        lastDay = false
        if rng.next(8) == 0 {
            dom = ("L", [], false)
            lastDay = true
        }
        let month = field(1...12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], dense: false)
        var dow = field(0...7, dense: false)
        dow.1 = Set(dow.1.map { $0 == 7 ? 0 : $0 })
        text = [minute.0, hour.0, dom.0, month.0, dow.0].joined(separator: " ")
        minutes = minute.1
        hours = hour.1
        days = dom.1
        months = month.1
        weekdays = dow.1
        domStar = dom.2
        dowStar = dow.2
        wildcardTime = minute.0.contains("*") || hour.0.contains("*")
    }

    func matches(year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int, daysInMonth: Int) -> Bool {
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let domMatch = days.contains(day) || (lastDay && day == daysInMonth)
        let dowMatch = weekdays.contains(weekday)
        return (domStar || dowStar) ? (domMatch && dowMatch) : (domMatch || dowMatch)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
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
            count: 120, input: Gen.int(in: 0...Int(Int32.max)), Gen.element(of: Self.zones), Gen.int(in: 0...3_000)
        ) { seed, zoneName, dayOffset in
            let cron = GeneratedCron(seed: seed)
            guard let zoneName, let expression = try? CronExpression(parsing: cron.text) else { return }
            let zone = try! ZoneRules(identifier: zoneName)
            let foundation = TimeZone(identifier: zoneName)!
            // Half the windows start just before a DST transition, where the rules differ.
            var start = Int64(1_735_689_600 + dayOffset * 86_400 / 3)
            if seed % 2 == 0, let t = zone.nextTransition(after: start) { start = t.instant - 86_400 - 3_600 }
            let end = start + 3 * 86_400
            let expected = referenceCron(cron, zone: foundation, from: start + 1, to: end)
            let schedule = Schedule(rule: .cron(expression), source: .cron(cron.text), zone: zone)
            let actual = schedule.occurrences(after: start).prefix { $0.instant < end }.map(\.instant)
            #expect(actual == expected, "\(cron.text) in \(zoneName) from \(RFC3339.formatUTC(start))")
        }
    }
}
