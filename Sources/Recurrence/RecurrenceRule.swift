/// An RFC 5545 recurrence rule (section 3.3.10): FREQ YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or
/// MINUTELY with INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY,
/// BYHOUR, BYMINUTE, BYSETPOS and WKST. Seconds are always 0 (`BYSECOND=0` is accepted).
///
/// Expansion follows python-dateutil's `rrule` (parts missing from the rule are taken from
/// DTSTART; invalid dates such as February 30 are skipped and do not count), with one
/// deliberate difference: a BYDAY list mixing plain and numbered days (`MO,1TU`) matches either,
/// as the RFC says, where dateutil requires both.
package struct RecurrenceRule: Hashable, Sendable, CustomStringConvertible {
    package enum Frequency: String, CaseIterable, Hashable, Sendable, Comparable {
        case yearly = "YEARLY", monthly = "MONTHLY", weekly = "WEEKLY", daily = "DAILY", hourly = "HOURLY"
        case minutely = "MINUTELY"

        var rank: Int { Frequency.allCases.firstIndex(of: self)! }
        package static func < (lhs: Frequency, rhs: Frequency) -> Bool { lhs.rank < rhs.rank }

        /// Seconds in one unit of WEEKLY, DAILY, HOURLY and MINUTELY (months and years vary).
        var unitSeconds: Int {
            switch self {
            case .yearly: 31_556_952
            case .monthly: 2_629_746
            case .weekly: 604_800
            case .daily: 86_400
            case .hourly: 3600
            case .minutely: 60
            }
        }

        /// `minutes`, `hours`, …: the unit in messages.
        var unitName: String {
            switch self {
            case .yearly: "years"
            case .monthly: "months"
            case .weekly: "weeks"
            case .daily: "days"
            case .hourly: "hours"
            case .minutely: "minutes"
            }
        }
    }

    /// `UNTIL`: a date (through the end of that day), a floating local date-time, or a UTC instant.
    package enum Until: Hashable, Sendable {
        case date(CivilDate)
        case local(LocalDateTime)
        /// Seconds since the epoch. Expansion yields local times only, so the schedule, which
        /// knows the zone, applies this bound.
        case utc(Int64)
    }

    /// A BYDAY entry: a weekday, optionally numbered within the month or year (`1MO`, `-1FR`).
    package struct WeekdayNumber: Hashable, Sendable, CustomStringConvertible {
        package var weekday: Weekday
        package var ordinal: Int?

        package init(_ weekday: Weekday, _ ordinal: Int? = nil) {
            self.weekday = weekday
            self.ordinal = ordinal
        }

        package var description: String { (ordinal.map(String.init) ?? "") + weekday.rfcCode }
    }

    package var frequency: Frequency
    package var interval = 1
    package var count: Int?
    package var until: Until?
    package var byMonth: [Int] = []
    package var byWeekNo: [Int] = []
    package var byYearDay: [Int] = []
    package var byMonthDay: [Int] = []
    package var byDay: [WeekdayNumber] = []
    package var byHour: [Int] = []
    package var byMinute: [Int] = []
    package var bySetPos: [Int] = []
    package var weekStart: Weekday = .monday

    package init(frequency: Frequency) { self.frequency = frequency }

    /// The longest period a rule may have (INTERVAL × the FREQ unit): 10 years. A longer one
    /// fires too rarely to be a cadence, and an HOURLY or MINUTELY one makes every search for
    /// the next occurrence walk years of days.
    package static let longestPeriodYears = 10

    /// The largest INTERVAL whose period (INTERVAL × the FREQ unit) is at most
    /// ``longestPeriodYears`` of 365.2425 days: YEARLY 10, MONTHLY 120, WEEKLY 521, DAILY 3652,
    /// HOURLY 87658, MINUTELY 5259492.
    package static func largestInterval(for frequency: Frequency) -> Int {
        let years = longestPeriodYears
        switch frequency {
        case .yearly: return years
        case .monthly: return years * 12
        default:
            // Seconds in the period limit, over seconds in one FREQ unit, rounded down.
            let limit = years * 3_155_695_200 / 100  // 365.2425 days × 86,400 s = 31,556,952 s a year
            return limit / frequency.unitSeconds
        }
    }

    /// ` (about 380 years)` for an interval over the limit in units other than years, when that
    /// says more than the number itself; empty otherwise.
    static func periodInYears(interval: Int, frequency: Frequency) -> String {
        let years = Double(interval) * Double(frequency.unitSeconds) / 31_556_952
        if years >= 1_000_000 { return " (more than a million years)" }
        return frequency == .yearly || years.rounded() <= Double(longestPeriodYears) ? "" : " (about \(Int(years.rounded())) years)"
    }

    /// Canonical text, FREQ first, that parses back to an equal rule.
    package var rfcText: String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        if let count { parts.append("COUNT=\(count)") }
        if let until {
            switch until {
            case .date(let d): parts.append("UNTIL=" + RecurrenceRule.basic(d))
            case .local(let l): parts.append("UNTIL=" + RecurrenceRule.basic(l))
            case .utc(let u): parts.append("UNTIL=" + RecurrenceRule.basic(LocalDateTime(localSeconds: u)) + "Z")
            }
        }
        func list(_ name: String, _ values: [Int]) {
            if !values.isEmpty { parts.append("\(name)=" + values.map(String.init).joined(separator: ",")) }
        }
        list("BYMONTH", byMonth)
        list("BYWEEKNO", byWeekNo)
        list("BYYEARDAY", byYearDay)
        list("BYMONTHDAY", byMonthDay)
        if !byDay.isEmpty { parts.append("BYDAY=" + byDay.map(\.description).joined(separator: ",")) }
        list("BYHOUR", byHour)
        list("BYMINUTE", byMinute)
        list("BYSETPOS", bySetPos)
        if weekStart != .monday { parts.append("WKST=\(weekStart.rfcCode)") }
        return parts.joined(separator: ";")
    }

    package var description: String { rfcText }

    static func basic(_ date: CivilDate) -> String {
        pad(date.year, 4) + pad(date.month, 2) + pad(date.day, 2)
    }

    static func basic(_ local: LocalDateTime) -> String {
        basic(local.date) + "T" + pad(local.hour, 2) + pad(local.minute, 2) + pad(local.second, 2)
    }
}
