/// A five-field cron expression with Vixie cron semantics and the `L`, `nL` and `n#k` extensions.
///
/// - Fields: minute (0-59), hour (0-23), day of month (1-31 or `L`), month (1-12 or `jan`-`dec`),
///   day of week (0-7 or `sun`-`sat`, 0 and 7 both Sunday; `5L` = last Friday, `1#1` = first Monday).
/// - Each field takes `*`, lists, ranges, steps (`*/15`, `1-5/2`, `5/10` = 5 to the end by 10).
/// - Day rule: when both day fields are restricted, a day matches if EITHER matches (the classic OR
///   rule). As in Vixie cron, a field whose text starts with `*` (such as `*/2`) counts as
///   unrestricted, and then both fields must match.
/// - Macros: `@yearly`/`@annually`, `@monthly`, `@weekly` (Sunday), `@daily`/`@midnight`, `@hourly`.
package struct CronExpression: Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    package let source: String
    /// The five fields after macro expansion.
    package let fields: [String]

    var minutes: UInt64 = 0
    var hours: UInt32 = 0
    var daysOfMonth: UInt32 = 0
    var lastDayOfMonth = false
    var months: UInt16 = 0
    var daysOfWeek: UInt8 = 0
    /// `nthWeekdays[k]` has bit w set for `w#k`, k in 1...5.
    var nthWeekdays: [UInt8] = [0, 0, 0, 0, 0, 0]
    var lastWeekdays: UInt8 = 0
    /// Vixie's DOM_STAR / DOW_STAR: the field's text starts with `*` (or `?`).
    package private(set) var dayOfMonthIsStar = false
    package private(set) var dayOfWeekIsStar = false
    /// The minute or hour field contains `*`: such an entry fires at every real instant whose
    /// local time matches, so on a fall-back day an hourly job runs 25 times (cronie's rule).
    package private(set) var hasWildcardTime = false

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    static let fieldNames = ["minute", "hour", "day of month", "month", "day of week"]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses a cron expression.
    ///
    /// - Throws: ``RecurrenceError`` (`invalidCron`) naming the field, e.g.
    ///   `cron field 3 (day of month): 32 is out of range 1-31`, or (`neverFires`) for a schedule
    ///   such as `0 0 30 2 *` that no date can satisfy.
    package init(parsing text: String) throws(RecurrenceError) {
        source = text
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var parts = trimmed
        if parts.count == 1, parts[0].hasPrefix("@") {
            guard let expansion = CronExpression.macros[parts[0].lowercased()] else {
                throw RecurrenceError(
                    .invalidCron,
                    "unknown cron macro \(parts[0]) (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)")
            }
            parts = expansion.split(separator: " ").map(String.init)
        }
        guard parts.count == 5 else {
            throw RecurrenceError(
                .invalidCron,
                "cron expression \"\(text)\" has \(parts.count) field\(parts.count == 1 ? "" : "s"); expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily")
        }
        fields = parts
        minutes = try CronExpression.parseSet(parts[0], field: 0, range: 0...59)
        hours = UInt32(try CronExpression.parseSet(parts[1], field: 1, range: 0...23))
        (daysOfMonth, lastDayOfMonth) = try CronExpression.parseDaysOfMonth(parts[2])
        months = UInt16(try CronExpression.parseSet(parts[3], field: 3, range: 1...12, names: CronExpression.monthNames, nameBase: 1))
        try parseDaysOfWeek(parts[4])
        dayOfMonthIsStar = parts[2].hasPrefix("*") || parts[2].hasPrefix("?")
        dayOfWeekIsStar = parts[4].hasPrefix("*") || parts[4].hasPrefix("?")
        hasWildcardTime = parts[0].contains("*") || parts[1].contains("*")
        guard canFire else {
            throw RecurrenceError(.neverFires, "cron expression \"\(text)\" can never fire: no date matches its day and month fields")
        }
    }

    package var description: String { fields.joined(separator: " ") }

    /// Whether both day fields are restricted, so the OR rule applies.
    package var usesDayOrRule: Bool { !dayOfMonthIsStar && !dayOfWeekIsStar }

    // MARK: Matching

    @inline(__always)
    func matchesTime(hour: Int, minute: Int) -> Bool {
        hours & (1 << UInt32(hour)) != 0 && minutes & (1 << UInt64(minute)) != 0
    }

    @inline(__always)
    func matchesDayOfMonth(_ date: CivilDate) -> Bool {
        daysOfMonth & (1 << UInt32(date.day)) != 0 || (lastDayOfMonth && date.isLastDayOfMonth)
    }

    @inline(__always)
    func matchesDayOfWeek(_ date: CivilDate, weekday: Int) -> Bool {
        let bit = UInt8(1 << weekday)
        if daysOfWeek & bit != 0 { return true }
        if nthWeekdays[(date.day - 1) / 7 + 1] & bit != 0 { return true }
        if lastWeekdays & bit != 0, date.day + 7 > date.daysInMonth { return true }
        return false
    }

    /// Whether the expression fires on `date` (month and day fields, with the OR rule).
    @inline(__always)
    package func matches(_ date: CivilDate) -> Bool {
        guard months & (1 << UInt16(date.month)) != 0 else { return false }
        let weekday = date.weekday.rawValue
        if usesDayOrRule {
            return matchesDayOfMonth(date) || matchesDayOfWeek(date, weekday: weekday)
        }
        return matchesDayOfMonth(date) && matchesDayOfWeek(date, weekday: weekday)
    }

    /// The hours of the day the expression fires in, ascending.
    package var hourList: [Int] { (0..<24).filter { hours & (1 << UInt32($0)) != 0 } }
    /// The minutes of the hour the expression fires at, ascending.
    package var minuteList: [Int] { (0..<60).filter { minutes & (1 << UInt64($0)) != 0 } }

    /// The day/month fields repeat every 400 years (146,097 days), so a day found in one cycle
    /// proves the expression fires, and none found proves it never does.
    private var canFire: Bool {
        let start = CivilDate(year: 2000, month: 1, day: 1).dayNumber
        for day in start..<(start + 146_097) where matches(CivilDate(dayNumber: day)) { return true }
        return false
    }

    // MARK: Parsing

    private static func error(_ field: Int, _ message: String) -> RecurrenceError {
        RecurrenceError(.invalidCron, "cron field \(field + 1) (\(fieldNames[field])): \(message)")
    }

    private static func value(
        _ token: Substring, field: Int, range: ClosedRange<Int>, names: [String]?, nameBase: Int
    ) throws(RecurrenceError) -> Int {
        if let n = Int(token) {
            guard range.contains(n) else {
                throw error(field, "\(n) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return n
        }
        if let names, let index = names.firstIndex(of: token.lowercased()) { return index + nameBase }
        if let names {
            let kind = names.count == 12 ? "a month name (jan-dec)" : "a day name (sun-sat)"
            throw error(field, "\"\(token)\" is not a number or \(kind)")
        }
        throw error(field, "\"\(token)\" is not a number in \(range.lowerBound)-\(range.upperBound)")
    }

    /// Parses one field into a bit set (bit n = value n).
    static func parseSet(
        _ text: String, field: Int, range: ClosedRange<Int>, names: [String]? = nil, nameBase: Int = 0
    ) throws(RecurrenceError) -> UInt64 {
        guard !text.isEmpty else { throw error(field, "empty field") }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw error(field, "empty item in list \"\(text)\"") }
            var rangePart = item
            var step = 1
            if let slash = item.firstIndex(of: "/") {
                rangePart = item[..<slash]
                let stepText = item[item.index(after: slash)...]
                guard let s = Int(stepText) else { throw error(field, "step \"\(stepText)\" is not a number") }
                guard s >= 1 else { throw error(field, "step \(s) must be at least 1") }
                guard s <= range.upperBound - range.lowerBound + 1 else {
                    throw error(field, "step \(s) is larger than the field's range \(range.lowerBound)-\(range.upperBound)")
                }
                step = s
            }
            var low: Int
            var high: Int
            if rangePart == "*" || rangePart == "?" {
                low = range.lowerBound
                high = range.upperBound
            } else if let dash = rangePart.firstIndex(of: "-"), dash != rangePart.startIndex {
                low = try value(rangePart[..<dash], field: field, range: range, names: names, nameBase: nameBase)
                high = try value(rangePart[rangePart.index(after: dash)...], field: field, range: range, names: names, nameBase: nameBase)
                guard low <= high else {
                    throw error(field, "range \(rangePart) goes backwards (write it as two ranges, e.g. \(rangePart[..<dash])-\(range.upperBound),\(range.lowerBound)-\(rangePart[rangePart.index(after: dash)...]))")
                }
            } else {
                low = try value(rangePart, field: field, range: range, names: names, nameBase: nameBase)
                // `5/10` means from 5 to the end of the range by 10.
                high = item.contains("/") ? range.upperBound : low
            }
            var v = low
            while v <= high {
                bits |= 1 << UInt64(v)
                v += step
            }
        }
        return bits
    }

    private static func parseDaysOfMonth(_ text: String) throws(RecurrenceError) -> (UInt32, Bool) {
        var last = false
        var rest: [Substring] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if item.uppercased() == "L" { last = true } else { rest.append(item) }
        }
        if rest.isEmpty { return (0, last) }
        for item in rest where item.uppercased().contains("L") || item.uppercased().contains("W") {
            throw error(2, "\"\(item)\" is not supported (expected numbers 1-31, ranges, steps, or L for the last day)")
        }
        return (UInt32(try parseSet(rest.joined(separator: ","), field: 2, range: 1...31)), last)
    }

    private mutating func parseDaysOfWeek(_ text: String) throws(RecurrenceError) {
        var plain: [Substring] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            if let hash = item.firstIndex(of: "#") {
                let weekday = try CronExpression.weekdayValue(item[..<hash])
                let kText = item[item.index(after: hash)...]
                guard let k = Int(kText), (1...5).contains(k) else {
                    throw CronExpression.error(4, "\"\(item)\": the week number after # must be 1-5")
                }
                nthWeekdays[k] |= UInt8(1 << weekday)
            } else if item.count > 1, item.uppercased().hasSuffix("L") {
                lastWeekdays |= UInt8(1 << (try CronExpression.weekdayValue(item.dropLast())))
            } else {
                plain.append(item)
            }
        }
        guard !plain.isEmpty else { return }
        let bits = try CronExpression.parseSet(plain.joined(separator: ","), field: 4, range: 0...7, names: CronExpression.dayNames)
        // 7 is Sunday too.
        daysOfWeek = UInt8(truncatingIfNeeded: bits & 0x7F) | (bits & 0x80 != 0 ? 1 : 0)
    }

    private static func weekdayValue(_ token: Substring) throws(RecurrenceError) -> Int {
        let v = try value(token, field: 4, range: 0...7, names: dayNames, nameBase: 0)
        return v == 7 ? 0 : v
    }
}
