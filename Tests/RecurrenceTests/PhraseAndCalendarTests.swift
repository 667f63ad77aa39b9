import Testing

@testable import Recurrence

/// US federal holidays (observed) 2026-2028, from the `holidays` package as cited by the research.
let usHolidays = [
    "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12",
    "2026-11-11", "2026-11-26", "2026-12-25", "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18",
    "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31",
].map { CivilDate(iso: $0)! }

func dates(_ schedule: Schedule, after: String, count: Int) -> [String] {
    schedule.occurrences(after: instant(after)).prefix(count).map { $0.local.date.description }
}

@Suite struct CadencePhraseTests {
    @Test(arguments: [
        ("daily at 08:30", "FREQ=DAILY;BYHOUR=8;BYMINUTE=30"),
        ("every day at 8:30am", "FREQ=DAILY;BYHOUR=8;BYMINUTE=30"),
        ("weekdays at 08:30", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30"),
        ("weekly on monday at 09:00", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
        ("Weekly on Monday and Thursday at 3pm", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=15;BYMINUTE=0"),
        ("every 2 weeks on friday at 15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=15;BYMINUTE=0"),
        ("monthly on the 1st at 10:00", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=10;BYMINUTE=0"),
        ("monthly on the last day at 17:00", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=17;BYMINUTE=0"),
        ("monthly on the first tuesday at 10:00", "FREQ=MONTHLY;BYDAY=1TU;BYHOUR=10;BYMINUTE=0"),
        ("monthly on the last friday at 16:00", "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=16;BYMINUTE=0"),
        ("monthly on the last business day at 16:00", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=16;BYMINUTE=0"),
        ("quarterly on the first monday at 10:00", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1MO;BYHOUR=10;BYMINUTE=0"),
        ("annually on january 15 at 09:00", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0"),
        ("annually on the second tuesday of november at 09:00", "FREQ=YEARLY;BYMONTH=11;BYDAY=2TU;BYHOUR=9;BYMINUTE=0"),
        ("every 3 months on the 15th at noon", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;BYHOUR=12;BYMINUTE=0"),
        ("monthly on the first wednesday at 10:00 starting 2027-01-01 until 2027-03-31",
         "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=10;BYMINUTE=0;UNTIL=20270331"),
    ])
    func compiles(phrase: String, rrule: String) throws {
        #expect(try CadencePhrase(parsing: phrase).rrule == rrule)
    }

    @Test(arguments: ["every 3652 days at 09:00", "every 521 weeks on monday at 09:00", "every 120 months on the 1st at 10:00", "every 10 years on january 15 at 09:00"])
    func periodsUpToTenYearsAreAccepted(phrase: String) throws {
        let schedule = try Schedule.phrase(phrase, zone: .utc)
        try schedule.checkCanFire()
    }

    @Test func quarterlyRunsInJanuaryAprilJulyOctober() throws {
        let schedule = try Schedule.phrase("quarterly on the first monday at 10:00", zone: .utc)
        #expect(dates(schedule, after: "2026-01-01T00:00:00Z", count: 5) == ["2026-01-05", "2026-04-06", "2026-07-06", "2026-10-05", "2027-01-04"])
    }

    @Test func startingFixesThePhaseAndUntilEnds() throws {
        let schedule = try Schedule.phrase("every 2 weeks on friday at 15:00 starting 2026-12-11", zone: .utc)
        #expect(dates(schedule, after: "2026-11-01T00:00:00Z", count: 3) == ["2026-12-11", "2026-12-25", "2027-01-08"])
        let bounded = try Schedule.phrase("monthly on the first wednesday at 10:00 starting 2027-01-01 until 2027-03-31", zone: .utc)
        #expect(dates(bounded, after: "2026-01-01T00:00:00Z", count: 10) == ["2027-01-06", "2027-02-03", "2027-03-03"])
    }

    @Test(arguments: [
        ("fortnightly at 9", "unknown cadence phrase \"fortnightly at 9\" (closest known forms: \"daily at 08:30\", \"every monday at 09:00\", \"every day at 08:30\")"),
        ("daily at 25:00", "cadence phrase \"daily at 25:00\": \"25:00\" is not a time (expected HH:MM from 00:00 to 23:59, or e.g. 9, 9am, 3:30pm)"),
        ("weekly on funday at 09:00", "cadence phrase \"weekly on funday at 09:00\": \"funday\" is not a day of the week (expected monday … sunday)"),
        ("monthly on the 32nd at 09:00", "cadence phrase \"monthly on the 32nd at 09:00\": \"32nd\" is not a day of the month (1st to 31st)"),
        // "daily" alone is valid (09:00); something other than a time after it is not.
        ("daily sometimes", "cadence phrase \"daily sometimes\": expected \"at HH:MM\" for the time of day"),
        ("every 0 weeks on monday at 09:00", "cadence phrase \"every 0 weeks on monday at 09:00\": the interval must be at least 1, got 0"),
        ("daily at 09:00 sometimes", "cadence phrase \"daily at 09:00 sometimes\": unexpected \"sometimes\" after the time (expected \"starting YYYY-MM-DD\" or \"until YYYY-MM-DD\")"),
        ("annually on february 30 at 09:00", "cadence phrase \"annually on february 30 at 09:00\": expected a day of february after its name, e.g. \"february 15\""),
        // Periods over 10 years (every 9223372036854775807 days trapped computing the phase).
        ("every 3653 days at 09:00", "cadence phrase \"every 3653 days at 09:00\": every 3653 days is longer than 10 years (at most 3652 days)"),
        ("every 9223372036854775807 days at 09:00", "cadence phrase \"every 9223372036854775807 days at 09:00\": every 9223372036854775807 days (more than a million years) is longer than 10 years (at most 3652 days)"),
        ("every 522 weeks on monday at 09:00", "cadence phrase \"every 522 weeks on monday at 09:00\": every 522 weeks is longer than 10 years (at most 521 weeks)"),
        ("every 121 months on the 1st at 10:00", "cadence phrase \"every 121 months on the 1st at 10:00\": every 121 months is longer than 10 years (at most 120 months)"),
        ("every 11 years on january 15 at 09:00", "cadence phrase \"every 11 years on january 15 at 09:00\": every 11 years is longer than 10 years (at most 10 years)"),
    ])
    func errors(phrase: String, message: String) {
        do {
            _ = try CadencePhrase(parsing: phrase)
            Issue.record("\(phrase) parsed")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: [("@daily", "cron"), ("0 9 * * mon-fri", "cron"), ("*/15 * * * *", "cron"), ("FREQ=DAILY", "rrule"), ("RRULE:FREQ=DAILY", "rrule"), ("daily at 09:00", "phrase")])
    func detectsTheForm(expression: String, form: String) throws {
        switch try Schedule.parse(expression, zone: .utc).source {
        case .cron: #expect(form == "cron")
        case .rrule: #expect(form == "rrule")
        case .phrase: #expect(form == "phrase")
        }
    }
}

@Suite struct BusinessCalendarTests {
    func schedule(_ text: String, _ policy: HolidayPolicy) throws -> Schedule {
        var s = try Schedule.parse(text, zone: try ZoneRules(identifier: "America/New_York"))
        s.calendar = BusinessCalendar(holidays: usHolidays)
        if s.holidayPolicy == .ignore { s.holidayPolicy = policy }
        return s
    }

    // Expected values from the research (holidays 0.109, US federal, observed).
    @Test func firstOfMonthMovesToNextBusinessDay() throws {
        #expect(try dates(schedule("0 9 1 * *", .nextBusinessDay), after: "2026-01-01T00:00:00Z", count: 12)
            == ["2026-01-02", "2026-02-02", "2026-03-02", "2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-03",
                "2026-09-01", "2026-10-01", "2026-11-02", "2026-12-01"])
    }

    @Test func the25thMovesToPreviousBusinessDay() throws {
        #expect(try dates(schedule("0 9 25 * *", .previousBusinessDay), after: "2026-01-01T00:00:00Z", count: 12)
            == ["2026-01-23", "2026-02-25", "2026-03-25", "2026-04-24", "2026-05-22", "2026-06-25", "2026-07-24", "2026-08-25",
                "2026-09-25", "2026-10-23", "2026-11-25", "2026-12-24"])
    }

    @Test func weeklyFridaySkipOrPrevious() throws {
        #expect(try dates(schedule("weekly on friday at 09:00", .skip), after: "2026-06-20T00:00:00Z", count: 3) == ["2026-06-26", "2026-07-10", "2026-07-17"])
        #expect(try dates(schedule("weekly on friday at 09:00", .previousBusinessDay), after: "2026-06-20T00:00:00Z", count: 3)
            == ["2026-06-26", "2026-07-02", "2026-07-10"])
        // Shifted occurrences keep their wall-clock time.
        let shifted = try schedule("weekly on friday at 09:00", .previousBusinessDay).occurrences(after: instant("2026-06-27T00:00:00Z")).first { _ in true }
        #expect(shifted?.local == LocalDateTime(year: 2026, month: 7, day: 2, hour: 9))
    }

    @Test func businessDayPhrasesResolveHolidaysThemselves() throws {
        let last = try schedule("monthly on the last business day at 16:00", .nextBusinessDay)
        #expect(last.holidayPolicy == .previousBusinessDay)
        #expect(dates(last, after: "2027-11-01T00:00:00Z", count: 2) == ["2027-11-30", "2027-12-30"])
        let first = try schedule("monthly on the first business day at 09:00", .ignore)
        #expect(dates(first, after: "2025-12-31T00:00:00Z", count: 2) == ["2026-01-02", "2026-02-02"])
    }

    @Test func nextBusinessDayMayMoveAnOccurrenceAcrossTheQueryStart() throws {
        // Saturday 2026-08-01 09:00 moves to Monday 08-03 09:00, which is after Sunday noon.
        #expect(try dates(schedule("0 9 1 * *", .nextBusinessDay), after: "2026-08-02T16:00:00Z", count: 1) == ["2026-08-03"])
        // Daily with next_business_day collapses a weekend onto Monday: one occurrence, not three.
        #expect(try dates(schedule("daily at 09:00", .nextBusinessDay), after: "2026-08-06T00:00:00Z", count: 4)
            == ["2026-08-06", "2026-08-07", "2026-08-10", "2026-08-11"])
    }

    @Test func skipThatNeverFiresIsAnError() throws {
        let weekendOnly = try schedule("0 9 * * 6,0", .skip)
        #expect(throws: RecurrenceError.self) { try weekendOnly.checkCanFire() }
    }
}
