import OpsCadenceTesting
import PropertyBased
import Testing

@testable import Recurrence

/// The phrases people type, each against the cron expression or RRULE it stands for.
@Suite struct PhraseEquivalenceTests {
    /// What a phrase must equal: a cron expression or an RRULE, with the holiday policy a
    /// business-day phrase implies.
    struct Equivalent: Sendable, CustomTestStringConvertible {
        var phrase: String
        var expression: String
        var policy: HolidayPolicy = .ignore

        var testDescription: String { "\(phrase) = \(expression)" }
    }

    static let equivalents: [Equivalent] = [
        Equivalent(phrase: "every monday at 9", expression: "0 9 * * 1"),
        Equivalent(phrase: "every other friday at 14:00", expression: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=14;BYMINUTE=0"),
        Equivalent(phrase: "biweekly on friday", expression: "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=9;BYMINUTE=0"),
        Equivalent(phrase: "every business day at 08:45", expression: "45 8 * * 1-5", policy: .skip),
        Equivalent(phrase: "weekdays at 9am", expression: "0 9 * * 1-5"),
        Equivalent(phrase: "every weekday except friday at 9", expression: "0 9 * * 1-4"),
        Equivalent(phrase: "twice a month on the 1st and 15th", expression: "0 9 1,15 * *"),
        Equivalent(phrase: "on the 1st and 15th at 10:00", expression: "0 10 1,15 * *"),
        // The anchor (2024-01-01) is in January, so "every 3 months" runs in Jan, Apr, Jul, Oct.
        Equivalent(phrase: "every 3 months on the first monday", expression: "0 9 * 1,4,7,10 1#1"),
        Equivalent(phrase: "last friday of the month at 16:00", expression: "0 16 * * 5L"),
        Equivalent(
            phrase: "first business day of the quarter at 10:00",
            expression: "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=10;BYMINUTE=0", policy: .nextBusinessDay),
        Equivalent(phrase: "every year on 15 january at 10:00", expression: "0 10 15 1 *"),
        // Times inside the DST changes: the spring-forward gap and the repeated hour.
        Equivalent(phrase: "every sunday at 2:30am", expression: "30 2 * * 0"),
        Equivalent(phrase: "every sunday at 1:30am", expression: "30 1 * * 0"),
        Equivalent(phrase: "last sunday of the month at 02:30", expression: "30 2 * * 0L"),
    ]

    static let zones = ["America/New_York", "Europe/Berlin"]

    /// Two years in each zone: both DST changes of 2026 and 2027, and the US holidays.
    @Test(arguments: equivalents, zones)
    func phraseEqualsItsCronOrRRule(equivalent: Equivalent, zoneName: String) throws {
        let zone = try ZoneRules(identifier: zoneName)
        var phrase = try Schedule.phrase(equivalent.phrase, zone: zone)
        var reference = try Schedule.parse(equivalent.expression, zone: zone)
        phrase.calendar = BusinessCalendar(holidays: usHolidays)
        reference.calendar = BusinessCalendar(holidays: usHolidays)
        reference.holidayPolicy = equivalent.policy
        #expect(phrase.holidayPolicy == equivalent.policy)
        let from = instant("2026-01-01T00:00:00Z")
        let through = instant("2028-01-01T00:00:00Z")
        let expected = reference.occurrences(after: from, through: through)
        #expect(!expected.isEmpty)
        #expect(phrase.occurrences(after: from, through: through) == expected)
    }

    @Test func everyOtherCountsWeeksFromTheAnchorUnlessStartingSaysOtherwise() throws {
        // 2026-01-02 is 104 weeks after Monday 2024-01-01: an "on" week.
        let anchored = try Schedule.phrase("every other friday at 14:00", zone: .utc)
        #expect(dates(anchored, after: "2026-01-01T00:00:00Z", count: 3) == ["2026-01-02", "2026-01-16", "2026-01-30"])
        let started = try Schedule.phrase("every other friday at 14:00 starting 2026-01-09", zone: .utc)
        #expect(dates(started, after: "2026-01-01T00:00:00Z", count: 3) == ["2026-01-09", "2026-01-23", "2026-02-06"])
        #expect(dates(try Schedule.phrase("biweekly on friday starting 2026-01-09", zone: .utc), after: "2026-01-01T00:00:00Z", count: 1) == ["2026-01-09"])
    }

    @Test func everyBusinessDayFollowsTheWorkspaceWeekend() throws {
        var schedule = try Schedule.phrase("every business day at 08:45", zone: .utc)
        schedule.calendar = BusinessCalendar(holidays: [CivilDate(iso: "2026-06-14")!], weekend: [.friday, .saturday])
        // Thu 11, (Fri 12, Sat 13 weekend), (Sun 14 holiday), Mon 15.
        #expect(dates(schedule, after: "2026-06-11T00:00:00Z", count: 2) == ["2026-06-11", "2026-06-15"])
    }

    @Test(arguments: [
        ("every monday at 9", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
        ("every monday and thursday at 14", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=14;BYMINUTE=0"),
        ("every other friday at 14:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=14;BYMINUTE=0"),
        ("every other week on tuesday at 10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=10;BYMINUTE=0"),
        ("every other day at 07:00", "FREQ=DAILY;INTERVAL=2;BYHOUR=7;BYMINUTE=0"),
        ("biweekly on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=9;BYMINUTE=0"),
        ("every business day at 08:45", "FREQ=DAILY;BYHOUR=8;BYMINUTE=45"),
        ("every business day except monday at 08:45", "FREQ=WEEKLY;BYDAY=SU,TU,WE,TH,FR,SA;BYHOUR=8;BYMINUTE=45"),
        ("weekdays at 9am", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"),
        ("every weekday except friday at 9", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=9;BYMINUTE=0"),
        ("weekdays except monday and friday at 9", "FREQ=WEEKLY;BYDAY=TU,WE,TH;BYHOUR=9;BYMINUTE=0"),
        ("daily except sunday at 6pm", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA;BYHOUR=18;BYMINUTE=0"),
        ("twice a month on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=9;BYMINUTE=0"),
        ("on the 1st and 15th at 10:00", "FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=10;BYMINUTE=0"),
        ("monthly on the 1st, 10th and the 20th at 10:00", "FREQ=MONTHLY;BYMONTHDAY=1,10,20;BYHOUR=10;BYMINUTE=0"),
        ("every 3 months on the first monday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"),
        ("last friday of the month at 16:00", "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=16;BYMINUTE=0"),
        ("the first monday of every month at 10:00", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=10;BYMINUTE=0"),
        ("first business day of the quarter at 10:00", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=10;BYMINUTE=0"),
        ("last business day of the quarter at 16:00", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=16;BYMINUTE=0"),
        ("last day of the quarter at 17:00", "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1;BYHOUR=17;BYMINUTE=0"),
        ("first monday of the year at 10:00", "FREQ=YEARLY;BYMONTH=1;BYDAY=1MO;BYHOUR=10;BYMINUTE=0"),
        ("last friday of november at 16:00", "FREQ=YEARLY;BYMONTH=11;BYDAY=-1FR;BYHOUR=16;BYMINUTE=0"),
        ("every year on 15 january at 10:00", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15;BYHOUR=10;BYMINUTE=0"),
        ("every year on the 15th of january at 10:00", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15;BYHOUR=10;BYMINUTE=0"),
    ])
    func compiles(phrase: String, rrule: String) throws {
        #expect(try CadencePhrase(parsing: phrase).rrule == rrule)
    }

    @Test(arguments: [
        ("every other friday at 14:00", "phrase \"every other friday at 14:00\": every 2 weeks on Friday at 14:00",
         "The INTERVAL phase counts from the anchor 2024-01-01T00:00:00 (add \"starting YYYY-MM-DD\" to choose another)."),
        ("biweekly on friday", "phrase \"biweekly on friday\": every 2 weeks on Friday at 09:00",
         "No time given: 09:00, the default (add \"at HH:MM\" to choose another)."),
        ("every business day at 08:45", "phrase \"every business day at 08:45\": every day at 08:45",
         "Holidays: occurrences on weekends and holidays are skipped."),
        ("last friday of the month at 16:00", "phrase \"last friday of the month at 16:00\": every month on the last Friday at 16:00",
         "Compiled to RRULE: FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=16;BYMINUTE=0"),
        ("twice a month on the 1st and 15th", "phrase \"twice a month on the 1st and 15th\": every month on day 1, 15 of the month at 09:00",
         "No time given: 09:00, the default (add \"at HH:MM\" to choose another)."),
        ("first business day of the quarter at 10:00",
         "phrase \"first business day of the quarter at 10:00\": every month in Jan, Apr, Jul, Oct on weekdays (the first of them in each month) at 10:00",
         "Holidays: occurrences on weekends and holidays move to the next business day, same time."),
        ("every year on 15 january at 10:00", "phrase \"every year on 15 january at 10:00\": every year in Jan on day 15 of the month at 10:00",
         "Time zone: UTC."),
    ])
    func explainReadsItBack(phrase: String, reading: String, line: String) throws {
        let explanation = try Schedule.phrase(phrase, zone: .utc).explanation
        #expect(explanation.first == reading)
        #expect(explanation.contains(line), "\(explanation)")
        if phrase.contains(" at ") { #expect(!explanation.contains { $0.hasPrefix("No time given") }) }
    }

    @Test(arguments: [
        ("evry monday at 9", "every monday at 09:00"),
        ("wekly on monday at 09:00", "weekly on monday at 09:00"),
        ("fortnightly on friday at 15:00", "biweekly on friday at 15:00"),
        ("bi-weekly on friday at 15:00", "biweekly on friday at 15:00"),
        ("anually on january 15 at 09:00", "annually on january 15 at 09:00"),
        ("each business day at 08:45", "every business day at 08:45"),
    ])
    func unknownPhraseListsThreeClosestForms(phrase: String, closest: String) {
        do {
            _ = try CadencePhrase(parsing: phrase)
            Issue.record("\(phrase) parsed")
        } catch {
            let prefix = "unknown cadence phrase \"\(phrase)\" (closest known forms: "
            #expect(error.message.hasPrefix(prefix), "\(error.message)")
            let listed = error.message.dropFirst(prefix.count).dropLast().split(separator: ", ").map { $0.dropFirst().dropLast() }
            #expect(listed.count == 3, "\(error.message)")
            #expect(listed.first.map(String.init) == closest, "\(error.message)")
            #expect(listed.allSatisfy { CadencePhrase.examples.contains(String($0)) })
        }
    }

    @Test func everyCanonicalExampleParses() throws {
        for example in CadencePhrase.examples { _ = try Schedule.phrase(example, zone: .utc) }
        #expect(CadencePhrase.closestExamples(to: "weekdays at 08:30") == ["weekdays at 08:30", "every day at 08:30", "daily at 08:30"])
    }

    @Test(arguments: [
        ("twice a month on the 1st at 09:00", "cadence phrase \"twice a month on the 1st at 09:00\": \"twice a month\" needs two days of the month, e.g. \"twice a month on the 1st and 15th\""),
        ("every weekday except saturday and sunday and monday and tuesday and wednesday and thursday and friday at 9", "cadence phrase \"every weekday except saturday and sunday and monday and tuesday and wednesday and thursday and friday at 9\": \"except\" leaves no day to meet on"),
        ("last friday of the week at 16:00", "cadence phrase \"last friday of the week at 16:00\": \"week\" is not a period (expected month, quarter, year or a month name)"),
        ("every monday at 24", "cadence phrase \"every monday at 24\": \"24\" is not a time (expected HH:MM from 00:00 to 23:59, or e.g. 9, 9am, 3:30pm)"),
        ("biweekly on friday sometimes", "cadence phrase \"biweekly on friday sometimes\": \"sometimes\" is not a day of the week (expected monday … sunday)"),
        ("every mondy at 9", "cadence phrase \"every mondy at 9\": \"mondy\" is not a unit (expected day, weekday, business day, week, month, year or a day of the week; closest known forms: \"every monday at 09:00\", \"every day at 08:30\", \"every 3 days at 08:30\")"),
    ])
    func newFormsSayWhatWasExpected(phrase: String, message: String) {
        #expect(throws: RecurrenceError.self) { try CadencePhrase(parsing: phrase) }
        do { _ = try CadencePhrase(parsing: phrase) } catch { #expect(error.message == message) }
    }
}

/// A phrase drawn from the grammar with the RRULE it means, written independently of the compiler.
struct GeneratedPhrase: CustomStringConvertible {
    var text: String
    var rrule: String
    var starting: LocalDateTime?
    var policy: HolidayPolicy = .ignore

    var description: String { text }

    static let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let codes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    static let ordinalWords = [(1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last")]

    init(seed: Int) {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed))
        func pick<T>(_ items: [T]) -> T { items[rng.next(items.count)] }
        func suffix(_ n: Int) -> String { n == 1 || n == 21 || n == 31 ? "st" : n == 2 || n == 22 ? "nd" : n == 3 || n == 23 ? "rd" : "th" }
        func days(max: Int) -> (String, String) {
            var chosen: [Int] = []
            for _ in 0..<(1 + rng.next(max)) where true {
                let d = rng.next(7)
                if !chosen.contains(d) { chosen.append(d) }
            }
            return (chosen.map { Self.names[$0] }.joined(separator: " and "), chosen.map { Self.codes[$0] }.joined(separator: ","))
        }
        func except(from pool: [Int]) -> (String, [Int]) {
            guard rng.next(2) == 0 else { return ("", pool) }
            let d = pool[rng.next(pool.count)]
            return (" except \(Self.names[d])", pool.filter { $0 != d })
        }

        var rule: String
        var interval = 1
        switch rng.next(12) {
        case 0:
            text = pick(["daily", "every day"])
            rule = "FREQ=DAILY"
        case 1:
            interval = 2 + rng.next(9)
            text = interval == 2 && rng.next(2) == 0 ? "every other day" : "every \(interval) days"
            rule = "FREQ=DAILY;INTERVAL=\(interval)"
        case 2:
            let (words, left) = except(from: [1, 2, 3, 4, 5])
            text = pick(["weekdays", "every weekday"]) + words
            rule = "FREQ=WEEKLY;BYDAY=" + left.map { Self.codes[$0] }.joined(separator: ",")
        case 3:
            let (words, left) = except(from: Array(0..<7))
            text = "every business day" + words
            rule = words.isEmpty ? "FREQ=DAILY" : "FREQ=WEEKLY;BYDAY=" + left.map { Self.codes[$0] }.joined(separator: ",")
            policy = .skip
        case 4:
            let (words, codes) = days(max: 3)
            text = pick(["weekly on ", "every "]) + words
            rule = "FREQ=WEEKLY;BYDAY=\(codes)"
        case 5:
            let (words, codes) = days(max: 2)
            interval = 2 + rng.next(3)
            text = interval == 2 ? pick(["every other \(words)", "biweekly on \(words)", "every other week on \(words)"]) : "every \(interval) weeks on \(words)"
            rule = "FREQ=WEEKLY;INTERVAL=\(interval);BYDAY=\(codes)"
        case 6:
            let a = 1 + rng.next(31)
            var b = 1 + rng.next(31)
            if b == a { b = a % 31 + 1 }
            let list = "the \(a)\(suffix(a)) and \(b)\(suffix(b))"
            text = pick(["monthly on \(list)", "on \(list)", "twice a month on \(list)"])
            rule = "FREQ=MONTHLY;BYMONTHDAY=\(a),\(b)"
        case 7:
            let (n, word) = pick(Self.ordinalWords)
            let d = rng.next(7)
            interval = 1 + rng.next(4)
            switch interval == 1 ? rng.next(2) : 2 {
            case 0: text = "monthly on the \(word) \(Self.names[d])"
            case 1: text = "\(word) \(Self.names[d]) of the month"
            default: text = "every \(interval) months on the \(word) \(Self.names[d])"
            }
            rule = "FREQ=MONTHLY" + (interval > 1 ? ";INTERVAL=\(interval)" : "") + ";BYDAY=\(n)\(Self.codes[d])"
        case 8:
            let (n, word) = pick(Self.ordinalWords)
            let d = rng.next(7)
            if n > 0 && rng.next(2) == 0 {
                text = "quarterly on the \(word) \(Self.names[d])"
            } else {
                text = "\(word) \(Self.names[d]) of the quarter"
            }
            rule = "FREQ=MONTHLY;BYMONTH=\(n > 0 ? "1,4,7,10" : "3,6,9,12");BYDAY=\(n)\(Self.codes[d])"
        case 9:
            let first = rng.next(2) == 0
            let period = pick(["month", "quarter"])
            text = "\(first ? "first" : "last") business day of the \(period)"
            let months = period == "month" ? "" : first ? ";BYMONTH=1,4,7,10" : ";BYMONTH=3,6,9,12"
            rule = "FREQ=MONTHLY\(months);BYDAY=MO,TU,WE,TH,FR;BYSETPOS=\(first ? 1 : -1)"
            policy = first ? .nextBusinessDay : .previousBusinessDay
        case 10:
            let m = 1 + rng.next(12)
            let day = 1 + rng.next(28)
            text = pick(["annually on \(Self.months[m - 1]) \(day)", "every year on \(day) \(Self.months[m - 1])", "yearly on \(Self.months[m - 1]) \(day)\(suffix(day))"])
            rule = "FREQ=YEARLY;BYMONTH=\(m);BYMONTHDAY=\(day)"
        default:
            let (n, word) = pick(Self.ordinalWords)
            let d = rng.next(7)
            let m = 1 + rng.next(12)
            text = pick(["\(word) \(Self.names[d]) of \(Self.months[m - 1])", "annually on the \(word) \(Self.names[d]) of \(Self.months[m - 1])"])
            rule = "FREQ=YEARLY;BYMONTH=\(m);BYDAY=\(n)\(Self.codes[d])"
        }

        var hour = 9
        var minute = 0
        switch rng.next(5) {
        case 0:
            hour = rng.next(24)
            minute = rng.next(60)
            text += " at \(hour < 10 && rng.next(2) == 0 ? "" : hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
        case 1:
            let h12 = 1 + rng.next(12)
            let pm = rng.next(2) == 0
            hour = h12 % 12 + (pm ? 12 : 0)
            text += " at \(h12)\(rng.next(2) == 0 ? " " : "")\(pm ? "pm" : "am")"
        case 2:
            hour = rng.next(24)
            text += " at \(hour)"
        case 3:
            hour = pick([0, 12])
            text += hour == 0 ? " at midnight" : " at noon"
        default:
            break  // no time: 09:00
        }
        rrule = rule + ";BYHOUR=\(hour);BYMINUTE=\(minute)"
        if interval > 1 || rng.next(4) == 0 {
            let date = CivilDate(year: 2025 + rng.next(2), month: 1 + rng.next(12), day: 1 + rng.next(28))
            if rng.next(2) == 0 {
                text += " starting \(date)"
                starting = LocalDateTime(date: date, hour: hour, minute: minute)
            }
        }
    }
}

@Suite struct PhrasePropertyTests {
    static let zones = ["America/New_York", "Europe/Berlin", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]

    @Test func generatedPhrasesEqualTheirRRules() async throws {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...Int(Int32.max)), Gen.element(of: Self.zones), Gen.int(in: 0...1_000)
        ) { seed, zoneName, dayOffset in
            let generated = GeneratedPhrase(seed: seed)
            guard let zoneName else { return }
            let zone = try! ZoneRules(identifier: zoneName)
            let calendar = BusinessCalendar(holidays: usHolidays)
            do {
                var phrase = try Schedule.phrase(generated.text, zone: zone)
                var reference = try Schedule.rrule(generated.rrule, dtstart: generated.starting, zone: zone)
                phrase.calendar = calendar
                reference.calendar = calendar
                reference.holidayPolicy = generated.policy
                #expect(phrase.holidayPolicy == generated.policy, "\(generated.text)")
                // Half the windows start just before a DST change, where wall times and instants part.
                var start = Int64(1_767_225_600 + dayOffset * 86_400)
                if seed % 2 == 0, let t = zone.nextTransition(after: start) { start = t.instant - 3 * 86_400 }
                let expected = reference.occurrences(after: start).prefix(24).map(\.self)
                let actual = phrase.occurrences(after: start).prefix(24).map(\.self)
                #expect(actual == expected, "\(generated.text) vs \(generated.rrule) in \(zoneName)")
            } catch {
                Issue.record("\(generated.text): \(error)")
            }
        }
    }
}
