extension RecurrenceRule {
    static let supportedParts = [
        "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYHOUR",
        "BYMINUTE", "BYSETPOS", "WKST",
    ]

    /// Parses `FREQ=…;…`, optionally prefixed `RRULE:`; part names and values are case-insensitive.
    ///
    /// - Throws: ``RecurrenceError`` (`invalidRRule`) naming the part and what was expected, e.g.
    ///   `RRULE part BYMONTHDAY: 32 is out of range 1..31 or -31..-1`.
    package init(parsing text: String) throws(RecurrenceError) {
        var body = text.trimmingWhitespace()
        if body.uppercased().hasPrefix("RRULE:") { body = String(body.dropFirst(6)) }
        func fail(_ message: String) -> RecurrenceError { RecurrenceError(.invalidRRule, message) }

        var values: [String: String] = [:]
        var order: [String] = []
        for rawPart in body.split(separator: ";", omittingEmptySubsequences: true) {
            let part = rawPart.trimmingWhitespace()
            guard let equals = part.firstIndex(of: "=") else {
                throw fail("RRULE part \"\(part)\" needs a value (NAME=VALUE)")
            }
            let name = part[..<equals].uppercased()
            let value = String(part[part.index(after: equals)...]).uppercased()
            if name == "BYSECOND" {
                guard value.split(separator: ",").allSatisfy({ $0 == "0" }) else {
                    throw fail("RRULE part BYSECOND: only 0 is supported (occurrences fall on whole minutes)")
                }
                continue
            }
            guard RecurrenceRule.supportedParts.contains(name) else {
                throw fail(
                    "RRULE part \(name) is not supported (expected \(RecurrenceRule.supportedParts.joined(separator: ", ")))")
            }
            guard values[name] == nil else { throw fail("RRULE part \(name) appears twice") }
            guard !value.isEmpty else { throw fail("RRULE part \(name) has an empty value") }
            values[name] = value
            order.append(name)
        }
        guard let freqText = values["FREQ"] else { throw fail("RRULE needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO") }
        guard let frequency = Frequency(rawValue: freqText) else {
            throw fail(
                "RRULE part FREQ: \(freqText) is not supported (expected YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY)")
        }
        self.init(frequency: frequency)

        func integer(_ name: String, _ token: Substring) throws(RecurrenceError) -> Int {
            guard let n = Int(token) else { throw fail("RRULE part \(name): \"\(token)\" is not a whole number") }
            return n
        }
        func list(_ name: String, positive: ClosedRange<Int>, allowNegative: Bool) throws(RecurrenceError) -> [Int] {
            guard let text = values[name] else { return [] }
            var result: [Int] = []
            for token in text.split(separator: ",", omittingEmptySubsequences: false) {
                let n = try integer(name, token)
                let ok = positive.contains(n) || (allowNegative && n < 0 && positive.contains(-n) && n != 0)
                guard ok else {
                    let range =
                        allowNegative
                        ? "\(positive.lowerBound)..\(positive.upperBound) or -\(positive.upperBound)..-\(positive.lowerBound)"
                        : "\(positive.lowerBound)..\(positive.upperBound)"
                    throw fail("RRULE part \(name): \(n) is out of range \(range)")
                }
                if !result.contains(n) { result.append(n) }
            }
            return result
        }

        if let text = values["INTERVAL"] {
            let n = try integer("INTERVAL", Substring(text))
            guard n >= 1 else { throw fail("RRULE part INTERVAL: \(n) must be at least 1") }
            let largest = RecurrenceRule.largestInterval(for: frequency)
            guard n <= largest else {
                throw fail(
                    "RRULE part INTERVAL: FREQ=\(frequency.rawValue);INTERVAL=\(n) repeats every \(n) \(frequency.unitName)"
                        + "\(RecurrenceRule.periodInYears(interval: n, frequency: frequency)), longer than "
                        + "\(RecurrenceRule.longestPeriodYears) years: INTERVAL may be at most \(largest) with FREQ=\(frequency.rawValue)")
            }
            interval = n
        }
        if let text = values["COUNT"] {
            let n = try integer("COUNT", Substring(text))
            guard n >= 1 else { throw fail("RRULE part COUNT: \(n) must be at least 1") }
            count = n
        }
        if let text = values["UNTIL"] {
            guard count == nil else { throw fail("RRULE parts COUNT and UNTIL cannot be combined") }
            until = try RecurrenceRule.parseUntil(text)
        }
        byMonth = try list("BYMONTH", positive: 1...12, allowNegative: false).sorted()
        byWeekNo = try list("BYWEEKNO", positive: 1...53, allowNegative: true)
        byYearDay = try list("BYYEARDAY", positive: 1...366, allowNegative: true)
        byMonthDay = try list("BYMONTHDAY", positive: 1...31, allowNegative: true)
        byHour = try list("BYHOUR", positive: 0...23, allowNegative: false).sorted()
        byMinute = try list("BYMINUTE", positive: 0...59, allowNegative: false).sorted()
        bySetPos = try list("BYSETPOS", positive: 1...366, allowNegative: true)
        if let text = values["WKST"] {
            guard let day = RecurrenceRule.weekday(text) else {
                throw fail("RRULE part WKST: \"\(text)\" is not a day (expected MO, TU, WE, TH, FR, SA or SU)")
            }
            weekStart = day
        }
        if let text = values["BYDAY"] {
            for token in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard token.count >= 2, let day = RecurrenceRule.weekday(String(token.suffix(2))) else {
                    throw fail("RRULE part BYDAY: \"\(token)\" is not a day (expected e.g. MO, 1MO, -1FR)")
                }
                let prefix = token.dropLast(2)
                var ordinal: Int?
                if !prefix.isEmpty {
                    guard let n = Int(prefix), n != 0, (-53...53).contains(n) else {
                        throw fail("RRULE part BYDAY: \"\(token)\" has an ordinal out of range 1..53 or -53..-1")
                    }
                    guard frequency == .monthly || frequency == .yearly else {
                        throw fail("RRULE part BYDAY: numbered days like \(token) need FREQ=MONTHLY or FREQ=YEARLY")
                    }
                    guard frequency != .monthly || (-5...5).contains(n) else {
                        throw fail("RRULE part BYDAY: \(token) is out of range within a month (1..5 or -5..-1)")
                    }
                    ordinal = n
                }
                let entry = WeekdayNumber(day, ordinal)
                if !byDay.contains(entry) { byDay.append(entry) }
            }
        }
        if !byWeekNo.isEmpty, frequency != .yearly {
            throw fail("RRULE part BYWEEKNO needs FREQ=YEARLY")
        }
        if !byMonthDay.isEmpty, frequency == .weekly {
            throw fail("RRULE part BYMONTHDAY cannot be used with FREQ=WEEKLY")
        }
        if !byYearDay.isEmpty, [.daily, .weekly, .monthly].contains(frequency) {
            throw fail("RRULE part BYYEARDAY cannot be used with FREQ=\(frequency.rawValue)")
        }
        if !bySetPos.isEmpty,
            byMonth.isEmpty && byWeekNo.isEmpty && byYearDay.isEmpty && byMonthDay.isEmpty && byDay.isEmpty
                && byHour.isEmpty && byMinute.isEmpty
        {
            throw fail("RRULE part BYSETPOS needs another BY part to select from (e.g. BYDAY)")
        }
    }

    static func weekday(_ code: String) -> Weekday? {
        Weekday.allCases.first { $0.rfcCode == code.uppercased() }
    }

    static func parseUntil(_ text: String) throws(RecurrenceError) -> Until {
        let bytes = Array(text.utf8)
        if bytes.count == 8, let y = parseDigits(bytes[0..<4]), let m = parseDigits(bytes[4..<6]),
            let d = parseDigits(bytes[6..<8]), let date = CivilDate(validatingYear: y, month: m, day: d)
        {
            return .date(date)
        }
        let isUTC = text.hasSuffix("Z")
        if let local = Schedule.parseBasicDateTime(isUTC ? String(text.dropLast()) : text) {
            return isUTC ? .utc(local.localSeconds) : .local(local)
        }
        throw RecurrenceError(
            .invalidRRule,
            "RRULE part UNTIL: \"\(text)\" is not a date (expected YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ)")
    }
}
