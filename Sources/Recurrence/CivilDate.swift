/// A day on the proleptic Gregorian calendar, with no time zone.
///
/// Arithmetic goes through ``dayNumber`` (days since 1970-01-01), using Howard Hinnant's
/// `days_from_civil` algorithms, so it is exact for every year and needs no `Calendar`.
package struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    /// Creates a date without checking it; use ``init(validatingYear:month:day:)`` for input.
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates a date, or returns nil when the day does not exist (February 30, month 13).
    package init?(validatingYear year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// Creates the date `dayNumber` days after 1970-01-01.
    package init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Days since 1970-01-01 (negative before).
    package var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day of the week.
    package var weekday: Weekday { Weekday(dayNumber: dayNumber) }

    /// 1 for January 1st.
    package var dayOfYear: Int { dayNumber - CivilDate(year: year, month: 1, day: 1).dayNumber + 1 }

    /// The number of days in this date's month.
    package var daysInMonth: Int { CivilDate.daysInMonth(year: year, month: month) }

    /// Whether this is the last day of its month.
    package var isLastDayOfMonth: Bool { day == daysInMonth }

    /// The date `days` days later (earlier when negative).
    package func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// The first day of the month `months` months later, for month-stepping loops.
    package func firstOfMonth(addingMonths months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        return CivilDate(year: index >= 0 ? index / 12 : (index - 11) / 12, month: ((index % 12) + 12) % 12 + 1, day: 1)
    }

    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package static func daysInYear(_ year: Int) -> Int { isLeapYear(year) ? 366 : 365 }

    package static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    package var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Parses `YYYY-MM-DD`, or returns nil.
    package init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let y = parseDigits(bytes[0..<4]), let m = parseDigits(bytes[5..<7]), let d = parseDigits(bytes[8..<10])
        else { return nil }
        self.init(validatingYear: y, month: m, day: d)
    }
}

/// A day of the week. Raw values follow cron: 0 is Sunday.
package enum Weekday: Int, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    init(dayNumber: Int) {
        // 1970-01-01 was a Thursday.
        self.init(rawValue: ((dayNumber % 7) + 7 + 4) % 7)!
    }

    /// Monday-first index (0 = Monday … 6 = Sunday), the numbering RRULE's WKST arithmetic uses.
    package var mondayIndex: Int { (rawValue + 6) % 7 }

    package init(mondayIndex: Int) { self.init(rawValue: (mondayIndex + 1) % 7)! }

    package var isWeekend: Bool { self == .saturday || self == .sunday }

    /// English name, "Monday".
    package var name: String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][rawValue]
    }

    /// Three-letter name, "Mon".
    package var shortName: String { String(name.prefix(3)) }

    /// RFC 5545 two-letter code, "MO".
    package var rfcCode: String { ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][rawValue] }

    package var description: String { name }

    package static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Zero-padded decimal, without Foundation's formatter (it sits on the hot path of `next`).
@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    var digits = String(abs(value))
    if digits.count < width { digits = String(repeating: "0", count: width - digits.count) + digits }
    return value < 0 ? "-" + digits : digits
}

@inline(__always)
func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
    guard !bytes.isEmpty else { return nil }
    var value = 0
    for byte in bytes {
        guard byte >= 48, byte <= 57 else { return nil }
        value = value * 10 + Int(byte - 48)
    }
    return value
}
