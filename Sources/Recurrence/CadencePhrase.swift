/// A cadence written for humans, such as `weekly on monday at 09:00`, compiled to an RRULE.
///
/// Accepted forms (case-insensitive; `H:MM`, `HH:MM`, `9am`, `3:30pm`, `noon` are times):
/// - `daily at 08:30`, `every day at 08:30`, `every 3 days at 08:30`
/// - `weekdays at 08:30`, `every weekday at 08:30`
/// - `weekly on monday at 09:00`, `weekly on monday and thursday at 09:00`,
///   `every 2 weeks on friday at 15:00`
/// - `monthly on the 1st at 10:00`, `monthly on the last day at 17:00`,
///   `monthly on the first tuesday at 10:00`, `monthly on the last friday at 16:00`,
///   `monthly on the first business day at 09:00`, `monthly on the last business day at 16:00`,
///   `every 2 months on the 15th at 10:00`
/// - `quarterly on the first monday at 10:00` (January, April, July, October)
/// - `annually on january 15 at 09:00`, `annually on the second tuesday of november at 09:00`
/// - any of them followed by `starting YYYY-MM-DD` (fixes the phase of "every N") and/or
///   `until YYYY-MM-DD` (last day, inclusive).
///
/// "Business day" phrases resolve holidays themselves: the first business day moves forward past
/// a holiday, the last business day moves back, whatever the playbook's holiday policy.
public struct CadencePhrase: Hashable, Sendable {
    /// The phrase as written.
    public let text: String
    /// The compiled rule, e.g. `FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0`.
    public let rrule: String
    /// The wall time of the occurrences.
    public let hour: Int
    public let minute: Int
    /// `starting YYYY-MM-DD`, if given.
    public let starting: CivilDate?
    /// `until YYYY-MM-DD`, if given.
    public let until: CivilDate?
    /// The holiday policy the phrase implies (business-day phrases), overriding the playbook's.
    public let impliedHolidayPolicy: HolidayPolicy?

    static let examples = [
        "daily at 08:30", "weekdays at 08:30", "weekly on monday at 09:00", "every 2 weeks on friday at 15:00",
        "monthly on the 1st at 10:00", "monthly on the first tuesday at 10:00",
        "monthly on the last business day at 16:00", "quarterly on the first monday at 10:00",
        "annually on january 15 at 09:00",
    ]

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]
    static let dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let ordinals = ["first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1]

    /// Compiles a phrase.
    ///
    /// - Throws: ``RecurrenceError`` (`invalidPhrase`) saying what was expected where.
    public init(parsing text: String) throws(RecurrenceError) {
        self.text = text
        var tokens = Tokens(text)
        let phrase = text
        func fail(_ message: String) -> RecurrenceError {
            RecurrenceError(.invalidPhrase, "cadence phrase \"\(phrase)\": \(message)")
        }
        func unknown() -> RecurrenceError {
            RecurrenceError(
                .invalidPhrase,
                "unknown cadence phrase \"\(phrase)\" (expected e.g. "
                    + CadencePhrase.examples.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
        }

        var parts: [String] = []
        var implied: HolidayPolicy?

        guard let first = tokens.next() else { throw unknown() }
        switch first {
        case "daily":
            parts = ["FREQ=DAILY"]
        case "weekdays":
            parts = ["FREQ=WEEKLY", "BYDAY=MO,TU,WE,TH,FR"]
        case "weekly":
            try tokens.expect("on", otherwise: fail("expected \"on\" and a day after \"weekly\", e.g. \"weekly on monday at 09:00\""))
            parts = ["FREQ=WEEKLY", "BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
        case "monthly":
            try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"monthly\", e.g. \"monthly on the 1st at 10:00\""))
            parts = ["FREQ=MONTHLY"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail)
        case "quarterly":
            try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"quarterly\", e.g. \"quarterly on the first monday at 10:00\""))
            parts = ["FREQ=MONTHLY", "BYMONTH=1,4,7,10"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail)
        case "annually", "yearly":
            try tokens.expect("on", otherwise: fail("expected \"on\" after \"\(first)\", e.g. \"annually on january 15 at 09:00\""))
            implied = try CadencePhrase.dayOfYear(&tokens, into: &parts, fail: fail)
        case "every":
            guard let what = tokens.next() else { throw unknown() }
            var interval = 1
            var unit = what
            if let n = Int(what) {
                guard n >= 1 else { throw fail("the interval must be at least 1, got \(n)") }
                interval = n
                guard let u = tokens.next() else { throw fail("expected days, weeks or months after \"every \(n)\"") }
                unit = u
            }
            let intervalPart = interval > 1 ? ["INTERVAL=\(interval)"] : []
            let frequency: RecurrenceRule.Frequency? =
                switch unit {
                case "day", "days": .daily
                case "week", "weeks": .weekly
                case "month", "months": .monthly
                case "year", "years": .yearly
                default: nil
                }
            if let frequency, interval > RecurrenceRule.largestInterval(for: frequency) {
                throw fail(
                    "every \(interval) \(frequency.unitName)\(RecurrenceRule.periodInYears(interval: interval, frequency: frequency)) "
                        + "is longer than \(RecurrenceRule.longestPeriodYears) years "
                        + "(at most \(RecurrenceRule.largestInterval(for: frequency)) \(frequency.unitName))")
            }
            switch unit {
            case "day", "days":
                parts = ["FREQ=DAILY"] + intervalPart
            case "weekday" where interval == 1:
                parts = ["FREQ=WEEKLY", "BYDAY=MO,TU,WE,TH,FR"]
            case "week", "weeks":
                try tokens.expect("on", otherwise: fail("expected \"on\" and a day after \"every \(interval) weeks\", e.g. \"every 2 weeks on friday at 15:00\""))
                parts = ["FREQ=WEEKLY"] + intervalPart + ["BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
            case "month", "months":
                try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"every \(interval) months\""))
                parts = ["FREQ=MONTHLY"] + intervalPart
                implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail)
            case "year", "years":
                try tokens.expect("on", otherwise: fail("expected \"on\" after \"every \(interval) years\""))
                implied = try CadencePhrase.dayOfYear(&tokens, into: &parts, fail: fail)
                if interval > 1 { parts.insert("INTERVAL=\(interval)", at: 1) }
            default:
                throw fail("\"\(unit)\" is not a unit (expected day, weekday, week, month or year)")
            }
        default:
            throw unknown()
        }

        try tokens.expect("at", otherwise: fail("expected \"at HH:MM\" for the time of day"))
        guard let timeToken = tokens.next() else { throw fail("expected a time such as 09:00 after \"at\"") }
        var timeText = timeToken
        if let suffix = tokens.peek, suffix == "am" || suffix == "pm" {
            timeText += suffix
            _ = tokens.next()
        }
        guard let (h, m) = CadencePhrase.time(timeText) else {
            throw fail("\"\(timeText)\" is not a time (expected HH:MM from 00:00 to 23:59, or e.g. 9am, 3:30pm)")
        }
        hour = h
        minute = m
        parts += ["BYHOUR=\(h)", "BYMINUTE=\(m)"]

        var starting: CivilDate?
        var until: CivilDate?
        while let word = tokens.next() {
            switch word {
            case "starting", "from":
                guard let d = tokens.next().flatMap({ CivilDate(iso: $0) }) else {
                    throw fail("expected a date YYYY-MM-DD after \"\(word)\"")
                }
                starting = d
            case "until", "through":
                guard let d = tokens.next().flatMap({ CivilDate(iso: $0) }) else {
                    throw fail("expected a date YYYY-MM-DD after \"\(word)\"")
                }
                until = d
            default:
                throw fail("unexpected \"\(word)\" after the time (expected \"starting YYYY-MM-DD\" or \"until YYYY-MM-DD\")")
            }
        }
        if let starting, let until, until < starting {
            throw fail("until \(until) is before starting \(starting)")
        }
        if let until {
            parts.append("UNTIL=" + String(until.description.filter { $0 != "-" }))
        }
        self.starting = starting
        self.until = until
        impliedHolidayPolicy = implied
        rrule = parts.joined(separator: ";")
    }

    // MARK: Pieces

    private static func weekdays(_ tokens: inout Tokens, fail: (String) -> RecurrenceError) throws(RecurrenceError) -> String {
        var codes: [String] = []
        while let word = tokens.peek, word != "at" {
            _ = tokens.next()
            if word == "and" { continue }
            guard let day = weekday(word) else {
                throw fail("\"\(word)\" is not a day of the week (expected monday … sunday)")
            }
            if !codes.contains(day.rfcCode) { codes.append(day.rfcCode) }
        }
        guard !codes.isEmpty else { throw fail("expected a day of the week, e.g. \"on monday\"") }
        return codes.joined(separator: ",")
    }

    /// A day name (`monday`, `mon`, `mondays`), or nil.
    public static func weekday(_ word: String) -> Weekday? {
        let w = word.hasSuffix("s") && word.count > 4 ? String(word.dropLast()) : word
        if let i = dayNames.firstIndex(of: w) { return Weekday(rawValue: i) }
        if let i = dayNames.firstIndex(where: { $0.prefix(3) == w }) , w.count == 3 { return Weekday(rawValue: i) }
        return nil
    }

    /// A month name (`january`, `jan`) as 1...12, or nil.
    public static func month(_ word: String) -> Int? {
        if let i = monthNames.firstIndex(of: word) { return i + 1 }
        if word.count == 3, let i = monthNames.firstIndex(where: { $0.prefix(3) == word }) { return i + 1 }
        return nil
    }

    /// `the 1st`, `the last day`, `the first tuesday`, `the last business day`.
    private static func dayOfMonth(
        _ tokens: inout Tokens, into parts: inout [String], fail: (String) -> RecurrenceError
    ) throws(RecurrenceError) -> HolidayPolicy? {
        _ = tokens.accept("the")
        guard let word = tokens.next() else { throw fail("expected a day such as \"the 1st\" or \"the first monday\"") }
        if let day = dayNumber(word) {
            guard (1...31).contains(day) else { throw fail("\"\(word)\" is not a day of the month (1st to 31st)") }
            parts.append("BYMONTHDAY=\(day)")
            return nil
        }
        guard let ordinal = ordinals[word] else {
            throw fail("\"\(word)\" is not a day of the month (expected e.g. 1st, 15th, last day, first monday, last business day)")
        }
        guard let next = tokens.next() else { throw fail("expected a day after \"\(word)\"") }
        switch next {
        case "day":
            guard ordinal == -1 || ordinal == 1 else { throw fail("say \"the \(ordinal)th\" for a day of the month") }
            parts.append("BYMONTHDAY=\(ordinal)")
            return nil
        case "business", "working":
            try tokens.expect("day", otherwise: fail("expected \"business day\""))
            guard ordinal == 1 || ordinal == -1 else { throw fail("only the first or last business day is supported") }
            parts += ["BYDAY=MO,TU,WE,TH,FR", "BYSETPOS=\(ordinal)"]
            return ordinal == 1 ? .nextBusinessDay : .previousBusinessDay
        case "weekday":
            guard ordinal == 1 || ordinal == -1 else { throw fail("only the first or last weekday is supported") }
            parts += ["BYDAY=MO,TU,WE,TH,FR", "BYSETPOS=\(ordinal)"]
            return nil
        default:
            guard let day = weekday(next) else {
                throw fail("\"\(next)\" is not a day of the week (expected monday … sunday, day, weekday or business day)")
            }
            parts.append("BYDAY=\(ordinal)\(day.rfcCode)")
            return nil
        }
    }

    /// `january 15`, `15 january`, `the second tuesday of november`, `the last business day of december`.
    private static func dayOfYear(
        _ tokens: inout Tokens, into parts: inout [String], fail: (String) -> RecurrenceError
    ) throws(RecurrenceError) -> HolidayPolicy? {
        parts = ["FREQ=YEARLY"]
        if let word = tokens.peek, let m = month(word) {
            _ = tokens.next()
            guard let dayWord = tokens.next(), let day = dayNumber(dayWord),
                day >= 1, day <= CivilDate.daysInMonth(year: 2024, month: m)
            else { throw fail("expected a day of \(monthNames[m - 1]) after its name, e.g. \"\(monthNames[m - 1]) 15\"") }
            parts += ["BYMONTH=\(m)", "BYMONTHDAY=\(day)"]
            return nil
        }
        if let word = tokens.peek, let day = dayNumber(word) {
            _ = tokens.next()
            guard let monthWord = tokens.next(), let m = month(monthWord), day >= 1,
                day <= CivilDate.daysInMonth(year: 2024, month: m)
            else { throw fail("expected a month name after \"\(word)\", e.g. \"15 january\"") }
            parts += ["BYMONTH=\(m)", "BYMONTHDAY=\(day)"]
            return nil
        }
        var dayParts: [String] = []
        let implied = try dayOfMonth(&tokens, into: &dayParts, fail: fail)
        try tokens.expect("of", otherwise: fail("expected \"of\" and a month, e.g. \"the second tuesday of november\""))
        guard let monthWord = tokens.next(), let m = month(monthWord) else {
            throw fail("expected a month name after \"of\"")
        }
        parts += ["BYMONTH=\(m)"] + dayParts
        return implied
    }

    private static func dayNumber(_ word: String) -> Int? {
        var digits = word
        for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) {
            digits = String(digits.dropLast(2))
            break
        }
        return Int(digits)
    }

    static func time(_ word: String) -> (Int, Int)? {
        if word == "noon" { return (12, 0) }
        if word == "midnight" { return (0, 0) }
        var text = word
        var meridiem: String?
        if text.hasSuffix("am") || text.hasSuffix("pm") {
            meridiem = String(text.suffix(2))
            text = String(text.dropLast(2))
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let h = Int(pieces[0]), pieces[0].count <= 2 else { return nil }
        var m = 0
        if pieces.count == 2 {
            guard pieces[1].count == 2, let parsed = Int(pieces[1]) else { return nil }
            m = parsed
        } else if meridiem == nil {
            return nil
        }
        guard (0...59).contains(m) else { return nil }
        if let meridiem {
            guard (1...12).contains(h) else { return nil }
            return (meridiem == "am" ? h % 12 : h % 12 + 12, m)
        }
        guard (0...23).contains(h) else { return nil }
        return (h, m)
    }

    private struct Tokens {
        private var words: [String]
        private var index = 0

        init(_ text: String) {
            words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        }

        var peek: String? { index < words.count ? words[index] : nil }

        mutating func next() -> String? {
            defer { index += 1 }
            return peek
        }

        mutating func accept(_ word: String) -> Bool {
            guard peek == word else { return false }
            index += 1
            return true
        }

        mutating func expect(_ word: String, otherwise error: RecurrenceError) throws(RecurrenceError) {
            guard accept(word) else { throw error }
        }
    }
}
