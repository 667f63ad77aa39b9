import Testing

@testable import Recurrence

func instant(_ text: String) -> Int64 { RFC3339.parseInstant(text)! }
func utc(_ instants: [Int64]) -> [String] { instants.map(RFC3339.formatUTC) }

/// The next `count` instants of a cron expression in a zone, via the public Schedule API.
func cronNext(_ expression: String, zone: String = "UTC", after: String, count: Int) throws -> [String] {
    let schedule = try Schedule.cron(expression, zone: try ZoneRules(identifier: zone))
    return utc(schedule.occurrences(after: instant(after)).prefix(count).map(\.instant))
}

@Suite struct CronSemanticsTests {
    // Expected values from the scheduling research, computed by a brute-force matcher,
    // croniter and systemd-analyze — not by this code.
    @Test(arguments: [
        // The OR rule: the 1st, the 15th and every Friday.
        ("30 4 1,15 * 5", "2026-01-01T00:00:00Z",
         ["2026-01-01T04:30:00Z", "2026-01-02T04:30:00Z", "2026-01-09T04:30:00Z", "2026-01-15T04:30:00Z", "2026-01-16T04:30:00Z", "2026-01-23T04:30:00Z"]),
        // `*/2` counts as a star (Vixie), so the fields are ANDed: Mondays on odd days.
        ("0 9 */2 * 1", "2026-01-01T00:00:00Z",
         ["2026-01-05T09:00:00Z", "2026-01-19T09:00:00Z", "2026-02-09T09:00:00Z", "2026-02-23T09:00:00Z"]),
        // `1-31/2` is not a star, so OR.
        ("0 9 1-31/2 * 1", "2026-01-01T00:00:00Z",
         ["2026-01-01T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-09T09:00:00Z", "2026-01-11T09:00:00Z"]),
        // Short months are skipped, never clamped.
        ("0 0 31 * *", "2026-01-31T00:00:00Z",
         ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"]),
        ("0 0 29 2 *", "2026-01-01T00:00:00Z", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
        // 2100 is not a leap year.
        ("0 0 29 2 *", "2096-03-01T00:00:00Z", ["2104-02-29T00:00:00Z"]),
        ("@weekly", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("0 0 * * 7", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("0 0 * * SUN", "2026-01-01T00:00:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        // The step starts at month 1, not at "now".
        ("0 0 1 */3 *", "2026-02-15T00:00:00Z",
         ["2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
        // Strictly after.
        ("0 * * * *", "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z"]),
        ("@hourly", "2026-01-01T00:00:00Z", ["2026-01-01T01:00:00Z"]),
        ("@yearly", "2026-01-01T00:00:00Z", ["2027-01-01T00:00:00Z"]),
        ("@monthly", "2026-01-01T00:00:00Z", ["2026-02-01T00:00:00Z"]),
        ("@daily", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z"]),
        // Fifth Monday, last Friday, third Friday, last day.
        ("0 0 * * 1#5", "2026-01-01T00:00:00Z",
         ["2026-03-30T00:00:00Z", "2026-06-29T00:00:00Z", "2026-08-31T00:00:00Z", "2026-11-30T00:00:00Z"]),
        ("0 0 * * 5L", "2026-01-01T00:00:00Z",
         ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-24T00:00:00Z", "2026-05-29T00:00:00Z", "2026-06-26T00:00:00Z"]),
        ("0 0 * * fri#3", "2026-01-01T00:00:00Z",
         ["2026-01-16T00:00:00Z", "2026-02-20T00:00:00Z", "2026-03-20T00:00:00Z", "2026-04-17T00:00:00Z", "2026-05-15T00:00:00Z", "2026-06-19T00:00:00Z"]),
        ("0 0 L * *", "2026-01-01T00:00:00Z",
         ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z", "2026-04-30T00:00:00Z"]),
        ("0 0 L 2 *", "2027-01-01T00:00:00Z", ["2027-02-28T00:00:00Z", "2028-02-29T00:00:00Z"]),
        // Steps and names.
        ("*/35 * * * *", "2026-01-01T00:00:00Z", ["2026-01-01T00:35:00Z", "2026-01-01T01:00:00Z", "2026-01-01T01:35:00Z"]),
        ("5/20 9 * * *", "2026-01-01T00:00:00Z", ["2026-01-01T09:05:00Z", "2026-01-01T09:25:00Z", "2026-01-01T09:45:00Z", "2026-01-02T09:05:00Z"]),
        ("0 12 * JAN-feb mon-FRI", "2026-02-26T00:00:00Z", ["2026-02-26T12:00:00Z", "2026-02-27T12:00:00Z", "2027-01-01T12:00:00Z"]),
        ("0 0 * * 5-7", "2026-01-01T00:00:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"]),
    ])
    func utcTable(expression: String, after: String, expected: [String]) throws {
        #expect(try cronNext(expression, after: after, count: expected.count) == expected)
    }

    @Test(arguments: [
        // New York: the gap time takes the pre-gap offset (03:30 EDT); the overlap fires once.
        ("30 2 * * *", "America/New_York", "2026-03-07T17:00:00Z", ["2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"]),
        ("30 1 * * *", "America/New_York", "2026-10-31T16:00:00Z", ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        ("0 9 * * *", "America/New_York", "2026-03-07T00:00:00Z", ["2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z"]),
        ("0 9 * * *", "America/New_York", "2026-10-31T00:00:00Z", ["2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z"]),
        // Hourly through spring forward: 02:00 resolves onto 03:00's instant and fires once.
        ("0 * * * *", "America/New_York", "2026-03-08T04:30:00Z",
         ["2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"]),
        // Hourly through fall back: a wildcard hour fires at both 01:00s.
        ("0 * * * *", "America/New_York", "2026-11-01T03:30:00Z",
         ["2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"]),
        ("0,30 * * * *", "America/New_York", "2026-11-01T04:30:00Z",
         ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"]),
        // A fixed-time entry in the repeated hour fires once even with several minutes.
        ("0,30 1 * * *", "America/New_York", "2026-11-01T04:30:00Z",
         ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:00:00Z"]),
        // London.
        ("30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z", ["2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]),
        ("30 1 * * *", "Europe/London", "2026-10-24T12:00:00Z", ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]),
        ("0 9 * * *", "Europe/London", "2026-03-26T12:00:00Z",
         ["2026-03-27T09:00:00Z", "2026-03-28T09:00:00Z", "2026-03-29T08:00:00Z", "2026-03-30T08:00:00Z"]),
        // Lord Howe: a 30-minute gap and a 30-minute overlap.
        ("15 2 * * *", "Australia/Lord_Howe", "2026-10-02T12:00:00Z", ["2026-10-02T15:45:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:15:00Z"]),
        ("30 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", ["2026-10-03T15:30:00Z"]),
        ("0 * * * *", "Australia/Lord_Howe", "2026-10-03T13:00:00Z",
         ["2026-10-03T13:30:00Z", "2026-10-03T14:30:00Z", "2026-10-03T15:30:00Z", "2026-10-03T16:00:00Z", "2026-10-03T17:00:00Z"]),
        ("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]),
        ("0,30 * * * *", "Australia/Lord_Howe", "2026-04-04T13:45:00Z",
         ["2026-04-04T14:00:00Z", "2026-04-04T14:30:00Z", "2026-04-04T15:00:00Z", "2026-04-04T15:30:00Z", "2026-04-04T16:00:00Z", "2026-04-04T16:30:00Z"]),
        // Santiago changes at midnight: 00:00 and 00:30 do not exist on 2026-09-06.
        ("0 0 * * *", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"]),
        ("30 0 * * *", "America/Santiago", "2026-09-05T12:00:00Z", ["2026-09-06T04:30:00Z", "2026-09-07T03:30:00Z"]),
        ("30 23 * * *", "America/Santiago", "2026-04-04T12:00:00Z", ["2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z"]),
        // 45-minute and 12:45 offsets.
        ("0 9 * * *", "Asia/Kathmandu", "2026-06-01T00:00:00Z", ["2026-06-01T03:15:00Z", "2026-06-02T03:15:00Z"]),
        ("0 9 * * *", "Pacific/Chatham", "2026-01-01T00:00:00Z", ["2026-01-01T19:15:00Z", "2026-01-02T19:15:00Z"]),
    ])
    func zoneTable(expression: String, zone: String, after: String, expected: [String]) throws {
        #expect(try cronNext(expression, zone: zone, after: after, count: expected.count) == expected)
    }

    @Test(arguments: [("America/New_York", "2026-11-01", 25), ("America/New_York", "2026-03-08", 23), ("Europe/London", "2026-10-25", 25), ("UTC", "2026-10-25", 24)])
    func hourlyRunsPerLocalDay(zone: String, day: String, runs: Int) throws {
        let rules = try ZoneRules(identifier: zone)
        let date = try #require(CivilDate(iso: day))
        let start = rules.resolve(LocalDateTime(date: date)).instant - 1
        let end = rules.resolve(LocalDateTime(date: date.adding(days: 1))).instant - 1
        let schedule = try Schedule.cron("0 * * * *", zone: rules)
        #expect(schedule.occurrences(after: start, through: end).count == runs)
    }

    @Test func explainsDayRule() throws {
        #expect(try CronExpression(parsing: "30 4 1,15 * 5").usesDayOrRule)
        #expect(try !CronExpression(parsing: "0 9 */2 * 1").usesDayOrRule)
        #expect(try CronExpression(parsing: "*/15 * * * *").hasWildcardTime)
        #expect(try !CronExpression(parsing: "0 9 * * *").hasWildcardTime)
    }

    @Test func rareScheduleStreamsAcrossCenturies() throws {
        let schedule = try Schedule.cron("0 0 29 2 1", zone: .utc)
        // Feb 29 OR any Monday: still every week.
        #expect(Array(schedule.occurrences(after: instant("2026-01-01T00:00:00Z")).prefix(3)).count == 3)
        let rare = try Schedule.cron("0 9 29 2 *", zone: try ZoneRules(identifier: "America/New_York"))
        let years = rare.occurrences(after: instant("2026-01-01T00:00:00Z")).prefix(30).map { $0.nominal.date.year }
        #expect(years.first == 2028)
        #expect(years.allSatisfy { CivilDate.isLeapYear($0) })
    }

    @Test func endsAfterYear9999() throws {
        let schedule = try Schedule.cron("0 0 1 1 *", zone: .utc)
        let all = Array(schedule.occurrences(after: instant("9990-06-01T00:00:00Z")))
        #expect(all.count == 9)
        #expect(all.last.map { RFC3339.formatUTC($0.instant) } == "9999-01-01T00:00:00Z")
    }
}

@Suite struct CronParseErrorTests {
    @Test(arguments: [
        ("0 0 32 * *", "cron field 3 (day of month): 32 is out of range 1-31"),
        ("60 * * * *", "cron field 1 (minute): 60 is out of range 0-59"),
        ("* 24 * * *", "cron field 2 (hour): 24 is out of range 0-23"),
        ("* * * 13 *", "cron field 4 (month): 13 is out of range 1-12"),
        ("* * * * 8", "cron field 5 (day of week): 8 is out of range 0-7"),
        ("*/0 * * * *", "cron field 1 (minute): step 0 must be at least 1"),
        ("* * * * fry", "cron field 5 (day of week): \"fry\" is not a number or a day name (sun-sat)"),
        ("* * * jna *", "cron field 4 (month): \"jna\" is not a number or a month name (jan-dec)"),
        ("* 5-2 * * *", "cron field 2 (hour): range 5-2 goes backwards (write it as two ranges, e.g. 5-23,0-2)"),
        ("* * * * 1#6", "cron field 5 (day of week): \"1#6\": the week number after # must be 1-5"),
        ("* * 15W * *", "cron field 3 (day of month): \"15W\" is not supported (expected numbers 1-31, ranges, steps, or L for the last day)"),
        ("1,,2 * * * *", "cron field 1 (minute): empty item in list \"1,,2\""),
        ("x * * * *", "cron field 1 (minute): \"x\" is not a number in 0-59"),
        ("* * * *", "cron expression \"* * * *\" has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily"),
        ("@reboot", "unknown cron macro @reboot (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"),
        ("0 0 30 2 *", "cron expression \"0 0 30 2 *\" can never fire: no date matches its day and month fields"),
        ("0 0 31 4,6,9,11 *", "cron expression \"0 0 31 4,6,9,11 *\" can never fire: no date matches its day and month fields"),
    ])
    func errors(expression: String, message: String) {
        do {
            _ = try CronExpression(parsing: expression)
            Issue.record("\(expression) parsed")
        } catch {
            #expect(error.message == message)
        }
    }
}
