/// A cadence written for humans, such as `weekly on monday at 09:00`, compiled to an RRULE.
///
/// Accepted forms (case-insensitive; `H:MM`, `HH:MM`, `9`, `9am`, `3:30pm`, `noon`, `midnight`
/// are times). Every form's canonical example is in ``examples``:
/// - `daily at 08:30`, `every day at 08:30`, `every 3 days at 08:30`, `every other day at 08:30`
/// - `weekdays at 08:30`, `every weekday at 08:30`, `every weekday except friday at 09:00`
/// - `every business day at 08:45` (weekends and holidays skipped)
/// - `weekly on monday at 09:00`, `every monday at 9`, `every monday and thursday at 09:00`,
///   `every 2 weeks on friday at 15:00`, `every other friday at 14:00`, `biweekly on friday`
/// - `monthly on the 1st at 10:00`, `on the 1st and 15th at 10:00`,
///   `twice a month on the 1st and 15th`, `monthly on the last day at 17:00`,
///   `monthly on the first tuesday at 10:00`, `last friday of the month at 16:00`,
///   `monthly on the first business day at 09:00`, `monthly on the last business day at 16:00`,
///   `every 2 months on the 15th at 10:00`, `every 3 months on the first monday`
/// - `quarterly on the first monday at 10:00` (January, April, July, October),
///   `first business day of the quarter at 10:00`, `last friday of the quarter at 16:00`
///   (March, June, September, December)
/// - `annually on january 15 at 09:00`, `every year on 15 january at 10:00`,
///   `annually on the second tuesday of november at 09:00`, `last friday of november at 16:00`
/// - any of them followed by `starting YYYY-MM-DD` (fixes the phase of "every N" and "every
///   other") and/or `until YYYY-MM-DD` (last day, inclusive).
///
/// A phrase without `at …` runs at ``defaultHour``:00 (09:00), the start of a working day, so
/// `biweekly on friday` is a meeting, not a midnight job; `explain` says the time was defaulted.
///
/// "Business day" phrases resolve holidays themselves: the first business day moves forward past
/// a holiday, the last business day moves back, and "every business day" skips weekends and
/// holidays, whatever the playbook's holiday policy.
package struct CadencePhrase: Hashable, Sendable {
    /// The phrase as written.
    package let text: String
    /// The compiled rule, e.g. `FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0`.
    package let rrule: String
    /// The wall time of the occurrences.
    package let hour: Int
    package let minute: Int
    /// False when the phrase gave no `at …` and the time is ``defaultHour``:00.
    package let timeGiven: Bool
    /// `starting YYYY-MM-DD`, if given.
    package let starting: CivilDate?
    /// `until YYYY-MM-DD`, if given.
    package let until: CivilDate?
    /// The holiday policy the phrase implies (business-day phrases), overriding the playbook's.
    package let impliedHolidayPolicy: HolidayPolicy?

    /// The hour of a phrase that names no time: 09:00, when a working day's meetings start.
    package static let defaultHour = 9

    /// One canonical example of every accepted form, in the order the docs list them. An unknown
    /// phrase's error names the three closest to what was typed (``closestExamples(to:)``).
    package static let examples = [
        "daily at 08:30", "every day at 08:30", "every 3 days at 08:30", "every other day at 08:30",
        "weekdays at 08:30", "every weekday at 08:30", "every weekday except friday at 09:00",
        "every business day at 08:45",
        "weekly on monday at 09:00", "every monday at 09:00", "every monday and thursday at 09:00",
        "every 2 weeks on friday at 15:00", "every other friday at 14:00", "biweekly on friday at 15:00",
        "monthly on the 1st at 10:00", "on the 1st and 15th at 10:00", "twice a month on the 1st and 15th at 10:00",
        "monthly on the last day at 17:00", "monthly on the first tuesday at 10:00", "last friday of the month at 16:00",
        "monthly on the first business day at 09:00", "monthly on the last business day at 16:00",
        "every 3 months on the first monday at 10:00", "quarterly on the first monday at 10:00",
        "first business day of the quarter at 10:00", "annually on january 15 at 09:00",
        "every year on 15 january at 10:00", "annually on the second tuesday of november at 09:00",
    ]

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]
    static let dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let ordinals = ["first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1]
    /// Words that end a list of days: what may follow it.
    static let listEnd: Set<String> = ["at", "starting", "from", "until", "through", "except", "of"]
    static let workweek = ["MO", "TU", "WE", "TH", "FR"]
    static let allWeek = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]

    /// Compiles a phrase.
    ///
    /// - Throws: ``RecurrenceError`` (`invalidPhrase`) saying what was expected where; a phrase
    ///   that starts with no known word lists the three closest known forms.
    package init(parsing text: String) throws(RecurrenceError) {
        self.text = text
        var tokens = Tokens(text)
        let phrase = text
        func fail(_ message: String) -> RecurrenceError {
            RecurrenceError(.invalidPhrase, "cadence phrase \"\(phrase)\": \(message)")
        }
        func unknown() -> RecurrenceError {
            RecurrenceError(
                .invalidPhrase,
                "unknown cadence phrase \"\(phrase)\" (closest known forms: "
                    + CadencePhrase.closestExamples(to: phrase).map { "\"\($0)\"" }.joined(separator: ", ") + ")")
        }

        var parts: [String] = []
        var implied: HolidayPolicy?

        guard let first = tokens.next() else { throw unknown() }
        switch first {
        case "daily":
            parts = try CadencePhrase.everyDay(except: &tokens, fail: fail)
        case "weekdays":
            parts = ["FREQ=WEEKLY", try CadencePhrase.byDay(CadencePhrase.workweek, except: &tokens, fail: fail)]
        case "weekly":
            try tokens.expect("on", otherwise: fail("expected \"on\" and a day after \"weekly\", e.g. \"weekly on monday at 09:00\""))
            parts = ["FREQ=WEEKLY", "BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
        case "biweekly":
            // "On" is optional: people write both "biweekly on friday" and "biweekly friday".
            _ = tokens.accept("on")
            parts = ["FREQ=WEEKLY", "INTERVAL=2", "BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
        case "monthly":
            try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"monthly\", e.g. \"monthly on the 1st at 10:00\""))
            parts = ["FREQ=MONTHLY"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail).implied
        case "twice":
            try tokens.expect("a", otherwise: fail("expected \"twice a month on the 1st and 15th\""))
            try tokens.expect("month", otherwise: fail("expected \"twice a month on the 1st and 15th\""))
            try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"twice a month\", e.g. \"twice a month on the 1st and 15th\""))
            parts = ["FREQ=MONTHLY"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail).implied
            guard parts.contains(where: { $0.hasPrefix("BYMONTHDAY=") && $0.split(separator: ",").count == 2 }) else {
                throw fail("\"twice a month\" needs two days of the month, e.g. \"twice a month on the 1st and 15th\"")
            }
        case "on":
            parts = ["FREQ=MONTHLY"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail).implied
        case "the", "first", "second", "third", "fourth", "fifth", "last":
            // "last friday of the month", "first business day of the quarter".
            if first != "the" { tokens.back() }
            implied = try CadencePhrase.dayOfPeriod(&tokens, into: &parts, fail: fail)
        case "quarterly":
            try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"quarterly\", e.g. \"quarterly on the first monday at 10:00\""))
            parts = ["FREQ=MONTHLY", "BYMONTH=1,4,7,10"]
            implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail).implied
        case "annually", "yearly":
            try tokens.expect("on", otherwise: fail("expected \"on\" after \"\(first)\", e.g. \"annually on january 15 at 09:00\""))
            implied = try CadencePhrase.dayOfYear(&tokens, into: &parts, fail: fail)
        case "every":
            guard let what = tokens.next() else { throw unknown() }
            var interval = 1
            var unit = what
            if what == "other" {
                interval = 2
                guard let u = tokens.next() else { throw fail("expected day, week, month, year or a day of the week after \"every other\"") }
                unit = u
            } else if let n = Int(what) {
                guard n >= 1 else { throw fail("the interval must be at least 1, got \(n)") }
                interval = n
                guard let u = tokens.next() else { throw fail("expected days, weeks or months after \"every \(n)\"") }
                unit = u
            }
            let intervalPart = interval > 1 ? ["INTERVAL=\(interval)"] : []
            let everyWords = what == "other" ? "every other" : "every \(interval)"
            let frequency: RecurrenceRule.Frequency? =
                switch unit {
                case "day", "days": .daily
                case "week", "weeks": .weekly
                case "month", "months": .monthly
                case "year", "years": .yearly
                default: CadencePhrase.weekday(unit) != nil ? .weekly : nil
                }
            if let frequency, interval > RecurrenceRule.largestInterval(for: frequency) {
                throw fail(
                    "every \(interval) \(frequency.unitName)\(RecurrenceRule.periodInYears(interval: interval, frequency: frequency)) "
                        + "is longer than \(RecurrenceRule.longestPeriodYears) years "
                        + "(at most \(RecurrenceRule.largestInterval(for: frequency)) \(frequency.unitName))")
            }
            switch unit {
            case "day", "days":
                parts = try CadencePhrase.everyDay(except: &tokens, fail: fail)
                if interval > 1 {
                    guard parts.count == 1 else { throw fail("\"except\" goes with every day, not \(everyWords) days") }
                    parts += intervalPart
                }
            case "weekday" where interval == 1:
                parts = ["FREQ=WEEKLY", try CadencePhrase.byDay(CadencePhrase.workweek, except: &tokens, fail: fail)]
            case "business" where interval == 1, "working" where interval == 1:
                try tokens.expect("day", otherwise: fail("expected \"every \(unit) day\""))
                // Daily with skip rather than Monday to Friday: the workspace's `weekend:` decides
                // which days are business days.
                parts = try CadencePhrase.everyDay(except: &tokens, fail: fail)
                implied = .skip
            case "week", "weeks":
                try tokens.expect("on", otherwise: fail("expected \"on\" and a day after \"\(everyWords) weeks\", e.g. \"every 2 weeks on friday at 15:00\""))
                parts = ["FREQ=WEEKLY"] + intervalPart + ["BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
            case "month", "months":
                try tokens.expect("on", otherwise: fail("expected \"on the …\" after \"\(everyWords) months\""))
                parts = ["FREQ=MONTHLY"] + intervalPart
                implied = try CadencePhrase.dayOfMonth(&tokens, into: &parts, fail: fail).implied
            case "year", "years":
                try tokens.expect("on", otherwise: fail("expected \"on\" after \"\(everyWords) years\""))
                implied = try CadencePhrase.dayOfYear(&tokens, into: &parts, fail: fail)
                if interval > 1 { parts.insert("INTERVAL=\(interval)", at: 1) }
            default:
                guard CadencePhrase.weekday(unit) != nil else {
                    // Most often a misspelt day or unit ("every mondy"): the closest forms show the spelling.
                    throw fail(
                        "\"\(unit)\" is not a unit (expected day, weekday, business day, week, month, year or a day of the week; "
                            + "closest known forms: " + CadencePhrase.closestExamples(to: phrase).map { "\"\($0)\"" }.joined(separator: ", ") + ")")
                }
                // "every monday", "every other friday": the day is the unit.
                tokens.back()
                parts = ["FREQ=WEEKLY"] + intervalPart + ["BYDAY=" + (try CadencePhrase.weekdays(&tokens, fail: fail))]
            }
        default:
            throw unknown()
        }

        if tokens.accept("at") {
            guard let timeToken = tokens.next() else { throw fail("expected a time such as 09:00 after \"at\"") }
            var timeText = timeToken
            if let suffix = tokens.peek, suffix == "am" || suffix == "pm" {
                timeText += suffix
                _ = tokens.next()
            }
            guard let (h, m) = CadencePhrase.time(timeText) else {
                throw fail("\"\(timeText)\" is not a time (expected HH:MM from 00:00 to 23:59, or e.g. 9, 9am, 3:30pm)")
            }
            hour = h
            minute = m
            timeGiven = true
        } else if tokens.peek == nil || ["starting", "from", "until", "through"].contains(tokens.peek!) {
            hour = CadencePhrase.defaultHour
            minute = 0
            timeGiven = false
        } else {
            throw fail("expected \"at HH:MM\" for the time of day")
        }
        parts += ["BYHOUR=\(hour)", "BYMINUTE=\(minute)"]
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
        while let word = tokens.peek, !listEnd.contains(word) {
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

    /// `BYDAY=` of `days` minus an optional `except monday and friday`, in `days`' order.
    private static func byDay(
        _ days: [String], except tokens: inout Tokens, fail: (String) -> RecurrenceError
    ) throws(RecurrenceError) -> String {
        guard tokens.accept("except") else { return "BYDAY=" + days.joined(separator: ",") }
        let excluded = try weekdays(&tokens, fail: fail).split(separator: ",").map(String.init)
        let kept = days.filter { !excluded.contains($0) }
        guard !kept.isEmpty else { throw fail("\"except\" leaves no day to meet on") }
        return "BYDAY=" + kept.joined(separator: ",")
    }

    /// Every day, or with `except …` the days of the week that are left.
    private static func everyDay(except tokens: inout Tokens, fail: (String) -> RecurrenceError) throws(RecurrenceError) -> [String] {
        guard tokens.peek == "except" else { return ["FREQ=DAILY"] }
        return ["FREQ=WEEKLY", try byDay(allWeek, except: &tokens, fail: fail)]
    }

    /// A day name (`monday`, `mon`, `mondays`), or nil.
    package static func weekday(_ word: String) -> Weekday? {
        let w = word.hasSuffix("s") && word.count > 4 ? String(word.dropLast()) : word
        if let i = dayNames.firstIndex(of: w) { return Weekday(rawValue: i) }
        if let i = dayNames.firstIndex(where: { $0.prefix(3) == w }) , w.count == 3 { return Weekday(rawValue: i) }
        return nil
    }

    /// A month name (`january`, `jan`) as 1...12, or nil.
    package static func month(_ word: String) -> Int? {
        if let i = monthNames.firstIndex(of: word) { return i + 1 }
        if word.count == 3, let i = monthNames.firstIndex(where: { $0.prefix(3) == word }) { return i + 1 }
        return nil
    }

    /// A day within a month, as RRULE parts.
    struct MonthDay {
        /// The holiday policy a business-day form implies.
        var implied: HolidayPolicy?
        /// Counted from the month's end (`last …`): "of the quarter" then means its last month.
        var fromEnd = false
    }

    /// `the 1st`, `the 1st and 15th`, `the last day`, `the first tuesday`, `the last business day`.
    private static func dayOfMonth(
        _ tokens: inout Tokens, into parts: inout [String], fail: (String) -> RecurrenceError
    ) throws(RecurrenceError) -> MonthDay {
        _ = tokens.accept("the")
        guard let word = tokens.next() else { throw fail("expected a day such as \"the 1st\" or \"the first monday\"") }
        if let day = dayNumber(word) {
            guard (1...31).contains(day) else { throw fail("\"\(word)\" is not a day of the month (1st to 31st)") }
            var days = [day]
            // "the 1st and 15th", "the 1st and the 15th", "the 1st, 10th and 20th" (commas split).
            while tokens.peek == "and" || tokens.peek.flatMap(dayNumber) != nil {
                _ = tokens.accept("and")
                _ = tokens.accept("the")
                guard let next = tokens.next(), let more = dayNumber(next), (1...31).contains(more) else {
                    throw fail("expected another day of the month after \"and\", e.g. \"the 1st and 15th\"")
                }
                if !days.contains(more) { days.append(more) }
            }
            parts.append("BYMONTHDAY=" + days.map(String.init).joined(separator: ","))
            return MonthDay()
        }
        guard let ordinal = ordinals[word] else {
            throw fail("\"\(word)\" is not a day of the month (expected e.g. 1st, 15th, last day, first monday, last business day)")
        }
        guard let next = tokens.next() else { throw fail("expected a day after \"\(word)\"") }
        switch next {
        case "day":
            guard ordinal == -1 || ordinal == 1 else { throw fail("say \"the \(ordinal)th\" for a day of the month") }
            parts.append("BYMONTHDAY=\(ordinal)")
            return MonthDay(fromEnd: ordinal < 0)
        case "business", "working":
            try tokens.expect("day", otherwise: fail("expected \"business day\""))
            guard ordinal == 1 || ordinal == -1 else { throw fail("only the first or last business day is supported") }
            parts += ["BYDAY=MO,TU,WE,TH,FR", "BYSETPOS=\(ordinal)"]
            return MonthDay(implied: ordinal == 1 ? .nextBusinessDay : .previousBusinessDay, fromEnd: ordinal < 0)
        case "weekday":
            guard ordinal == 1 || ordinal == -1 else { throw fail("only the first or last weekday is supported") }
            parts += ["BYDAY=MO,TU,WE,TH,FR", "BYSETPOS=\(ordinal)"]
            return MonthDay(fromEnd: ordinal < 0)
        default:
            guard let day = weekday(next) else {
                throw fail("\"\(next)\" is not a day of the week (expected monday … sunday, day, weekday or business day)")
            }
            parts.append("BYDAY=\(ordinal)\(day.rfcCode)")
            return MonthDay(fromEnd: ordinal < 0)
        }
    }

    /// `last friday of the month`, `first business day of the quarter`, `first monday of the
    /// year`, `last friday of november`: a day of the month, then the period it repeats in.
    private static func dayOfPeriod(
        _ tokens: inout Tokens, into parts: inout [String], fail: (String) -> RecurrenceError
    ) throws(RecurrenceError) -> HolidayPolicy? {
        var dayParts: [String] = []
        let day = try dayOfMonth(&tokens, into: &dayParts, fail: fail)
        try tokens.expect(
            "of",
            otherwise: fail(
                "expected \"of the month\", \"of the quarter\", \"of the year\" or \"of\" and a month, e.g. \"last friday of the month\""))
        _ = tokens.accept("the") || tokens.accept("every") || tokens.accept("each")
        guard let period = tokens.next() else { throw fail("expected month, quarter, year or a month name after \"of\"") }
        switch period {
        case "month":
            parts = ["FREQ=MONTHLY"] + dayParts
        case "quarter":
            // A quarter's first day is in its first month, its last day in its last month.
            parts = ["FREQ=MONTHLY", day.fromEnd ? "BYMONTH=3,6,9,12" : "BYMONTH=1,4,7,10"] + dayParts
        case "year":
            parts = ["FREQ=YEARLY", day.fromEnd ? "BYMONTH=12" : "BYMONTH=1"] + dayParts
        default:
            guard let m = month(period) else {
                throw fail("\"\(period)\" is not a period (expected month, quarter, year or a month name)")
            }
            parts = ["FREQ=YEARLY", "BYMONTH=\(m)"] + dayParts
        }
        return day.implied
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
            _ = tokens.accept("of")
            guard let monthWord = tokens.next(), let m = month(monthWord), day >= 1,
                day <= CivilDate.daysInMonth(year: 2024, month: m)
            else { throw fail("expected a month name after \"\(word)\", e.g. \"15 january\"") }
            parts += ["BYMONTH=\(m)", "BYMONTHDAY=\(day)"]
            return nil
        }
        var dayParts: [String] = []
        let implied = try dayOfMonth(&tokens, into: &dayParts, fail: fail).implied
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
            // A bare hour ("at 9", "at 14") is how people type it; 0 to 23, on the hour.
            guard (0...23).contains(h) else { return nil }
            return (h, 0)
        }
        guard (0...59).contains(m) else { return nil }
        if let meridiem {
            guard (1...12).contains(h) else { return nil }
            return (meridiem == "am" ? h % 12 : h % 12 + 12, m)
        }
        guard (0...23).contains(h) else { return nil }
        return (h, m)
    }

    // MARK: Closest forms

    /// The three ``examples`` closest to `text` by edit distance (characters, lowercased,
    /// whitespace collapsed), closest first; ties keep the examples' order.
    package static func closestExamples(to text: String, count: Int = 3) -> [String] {
        let typed = Array(text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        let ranked = examples.enumerated().map { (index, example) in
            (distance: editDistance(typed, Array(example)), index: index, example: example)
        }
        return ranked.sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }.prefix(count).map(\.example)
    }

    /// Levenshtein distance with one row kept: the inputs are a phrase and a short example.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
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

        /// Steps back over the word just read, for a word that turned out to start the next piece.
        mutating func back() { index -= 1 }

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
