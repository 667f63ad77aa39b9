import Testing

@testable import Recurrence

func localTimes(_ rule: String, dtstart: String?, zone: String = "UTC", after: String, count: Int) throws -> [String] {
    let rules = try ZoneRules(identifier: zone)
    let text = dtstart.map { "DTSTART:\($0)\nRRULE:\(rule)" } ?? rule
    let schedule = try Schedule.rrule(text, zone: rules)
    return schedule.occurrences(after: instant(after)).prefix(count).map { String($0.local.description.prefix(16)) }
}

@Suite struct RecurrenceRuleTableTests {
    // Expected values from the scheduling research (python-dateutil 2.9.0 and a brute-force matcher).
    @Test(arguments: [
        ("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=9;BYMINUTE=0", nil as String?, "2026-01-01T00:00:00Z",
         ["2026-01-30T09:00", "2026-02-27T09:00", "2026-03-27T09:00", "2026-04-24T09:00", "2026-05-29T09:00", "2026-06-26T09:00"]),
        ("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-01-05T09:00", "2026-02-02T09:00", "2026-03-02T09:00", "2026-04-06T09:00", "2026-05-04T09:00", "2026-06-01T09:00"]),
        ("FREQ=MONTHLY;INTERVAL=3", "20260215T090000", "2026-01-01T00:00:00Z",
         ["2026-02-15T09:00", "2026-05-15T09:00", "2026-08-15T09:00", "2026-11-15T09:00", "2027-02-15T09:00"]),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", "20260101T090000", "2025-12-31T00:00:00Z",
         ["2026-01-01T09:00", "2026-04-01T09:00", "2026-07-01T09:00", "2026-10-01T09:00"]),
        ("FREQ=MONTHLY", "20260131T090000", "2026-01-01T00:00:00Z",
         ["2026-01-31T09:00", "2026-03-31T09:00", "2026-05-31T09:00", "2026-07-31T09:00", "2026-08-31T09:00", "2026-10-31T09:00"]),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "20260131T090000", "2026-01-01T00:00:00Z",
         ["2026-01-31T09:00", "2026-02-28T09:00", "2026-03-31T09:00", "2026-04-30T09:00", "2026-05-31T09:00", "2026-06-30T09:00"]),
        ("FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", "20260131T090000", "2026-01-01T00:00:00Z",
         ["2026-01-31T09:00", "2026-02-28T09:00", "2026-03-31T09:00", "2026-04-30T09:00", "2026-05-31T09:00", "2026-06-30T09:00"]),
        ("FREQ=YEARLY;COUNT=3", "20240229T090000", "2024-01-01T00:00:00Z", ["2024-02-29T09:00", "2028-02-29T09:00", "2032-02-29T09:00"]),
        ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-02-13T09:00", "2026-03-13T09:00", "2026-11-13T09:00", "2027-08-13T09:00"]),
        ("FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=9;BYMINUTE=0", nil, "2025-12-31T00:00:00Z",
         ["2026-01-01T09:00", "2026-04-01T09:00", "2026-07-01T09:00", "2026-10-01T09:00", "2027-01-01T09:00"]),
        ("FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-03-31T09:00", "2026-06-30T09:00", "2026-09-30T09:00", "2026-12-31T09:00"]),
        ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-11-26T09:00", "2027-11-25T09:00", "2028-11-23T09:00"]),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=12;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-01-30T12:00", "2026-02-27T12:00", "2026-03-31T12:00", "2026-04-30T12:00", "2026-05-29T12:00", "2026-06-30T12:00",
          "2026-07-31T12:00", "2026-08-31T12:00", "2026-09-30T12:00", "2026-10-30T12:00", "2026-11-30T12:00", "2026-12-31T12:00"]),
        // Mixed plain and numbered BYDAY: either matches (RFC), unlike dateutil.
        ("FREQ=MONTHLY;BYDAY=MO,1TU;BYHOUR=9;BYMINUTE=0", nil, "2026-09-01T00:00:00Z",
         ["2026-09-01T09:00", "2026-09-07T09:00", "2026-09-14T09:00"]),
        // The phase of INTERVAL without DTSTART comes from the anchor, Monday 2024-01-01.
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=15;BYMINUTE=0", nil, "2026-11-26T00:00:00Z",
         ["2026-12-04T15:00", "2026-12-18T15:00", "2027-01-01T15:00"]),
        ("FREQ=DAILY;INTERVAL=2", nil, "2024-01-01T00:00:00Z", ["2024-01-03T00:00", "2024-01-05T00:00"]),
        ("FREQ=DAILY;INTERVAL=2", nil, "2023-12-29T12:00:00Z", ["2023-12-30T00:00", "2024-01-01T00:00"]),
        ("FREQ=HOURLY;INTERVAL=5;BYMINUTE=30", nil, "2024-01-01T00:00:00Z", ["2024-01-01T00:30", "2024-01-01T05:30", "2024-01-01T10:30"]),
        ("FREQ=YEARLY;BYYEARDAY=-1;BYHOUR=17;BYMINUTE=0", nil, "2026-01-01T00:00:00Z", ["2026-12-31T17:00", "2027-12-31T17:00"]),
        ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2027-01-04T09:00", "2028-01-03T09:00", "2029-01-01T09:00"]),
        ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;BYHOUR=9;BYMINUTE=0", nil, "2021-01-01T00:00:00Z",
         ["2026-12-31T09:00", "2032-12-30T09:00"]),
        ("FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU;BYHOUR=9;BYMINUTE=0", nil, "2025-12-01T00:00:00Z",
         ["2025-12-28T09:00", "2027-01-03T09:00", "2028-01-02T09:00"]),
        ("FREQ=DAILY;UNTIL=20260103;BYHOUR=9;BYMINUTE=0", nil, "2026-01-01T00:00:00Z",
         ["2026-01-01T09:00", "2026-01-02T09:00", "2026-01-03T09:00"]),
    ])
    func table(rule: String, dtstart: String?, after: String, expected: [String]) throws {
        #expect(try localTimes(rule, dtstart: dtstart, after: after, count: expected.count + 1).prefix(expected.count) == ArraySlice(expected))
        if rule.contains("COUNT") || rule.contains("UNTIL") {
            #expect(try localTimes(rule, dtstart: dtstart, after: after, count: 100).count == expected.count)
        }
    }

    @Test func dstGapAndOverlapForRRULE() throws {
        let ny = try ZoneRules(identifier: "America/New_York")
        // A daily 02:30 through spring forward: 03:30 EDT, never skipped, and never 01:30 EST as dateutil.tz says.
        let daily = try Schedule.rrule("DTSTART:20260306T023000\nRRULE:FREQ=DAILY", zone: ny)
        #expect(utc(daily.occurrences(after: instant("2026-03-06T00:00:00Z")).prefix(4).map(\.instant))
            == ["2026-03-06T07:30:00Z", "2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"])
        // An RRULE instance in the repeated hour fires once, at the first 01:30.
        let overlap = try Schedule.rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=30", zone: ny)
        #expect(utc(overlap.occurrences(after: instant("2026-10-31T16:00:00Z")).prefix(2).map(\.instant))
            == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        // HOURLY walks wall-clock hours: 02:00 resolves onto 03:00's instant and fires once; 24 wall hours on fall back.
        let hourly = try Schedule.rrule("FREQ=HOURLY;BYMINUTE=0", zone: ny)
        #expect(utc(hourly.occurrences(after: instant("2026-03-08T05:30:00Z")).prefix(3).map(\.instant))
            == ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"])
        let fallDay = hourly.occurrences(after: instant("2026-11-01T03:59:00Z"), through: instant("2026-11-02T04:59:00Z"))
        #expect(fallDay.count == 24)
    }

    @Test func jumpingStraightToALaterPeriodMatchesWalking() throws {
        let rules = [
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA;WKST=SU", "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29",
            "FREQ=DAILY;INTERVAL=9;BYHOUR=8,20", "FREQ=HOURLY;INTERVAL=7;BYMINUTE=15,45", "FREQ=MINUTELY;INTERVAL=97;BYHOUR=9,10,11",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1,1",
        ]
        for text in rules {
            let rule = try RecurrenceRule(parsing: text)
            for anchored in [true, false] {
                let start = LocalDateTime(year: 2024, month: 1, day: 10, hour: 6, minute: 5)
                let from = LocalDateTime(year: 2031, month: 7, day: 19, hour: 13, minute: 0)
                let walked = Array(rule.expansion(start: start, anchored: anchored).lazy.filter { $0 >= from }.prefix(25))
                let jumped = Array(rule.expansion(start: start, anchored: anchored, from: from).prefix(25))
                #expect(walked == jumped, "\(text) anchored=\(anchored)")
                #expect(jumped.count == 25)
            }
        }
    }

    /// HOURLY and MINUTELY rules with an INTERVAL longer than a day jump to the next day with an
    /// hour or minute on the phase instead of walking every day; the result is what stepping
    /// INTERVAL units from DTSTART gives.
    @Test(arguments: [
        "FREQ=HOURLY;INTERVAL=25", "FREQ=HOURLY;INTERVAL=49;BYMINUTE=15,45", "FREQ=HOURLY;INTERVAL=87658", "FREQ=HOURLY;INTERVAL=31;BYHOUR=9,10,11",
        "FREQ=MINUTELY;INTERVAL=1441", "FREQ=MINUTELY;INTERVAL=100003;BYHOUR=9,10", "FREQ=MINUTELY;INTERVAL=5259492", "FREQ=MINUTELY;INTERVAL=2880",
    ])
    func subDailyRulesWithLongIntervalsMatchSteppingTheInterval(text: String) throws {
        let rule = try RecurrenceRule(parsing: text)
        let start = LocalDateTime(year: 2024, month: 1, day: 10, hour: 6, minute: 5)
        // Stepping: every INTERVAL-th hour or minute from DTSTART, kept when BYHOUR allows it.
        var stepped: [LocalDateTime] = []
        let hourly = rule.frequency == .hourly
        var index = 0
        while stepped.count < 12 {
            let units = (start.localSeconds / 60) + Int64(index * rule.interval * (hourly ? 60 : 1))
            index += 1
            let local = LocalDateTime(localSeconds: units * 60)
            guard rule.byHour.isEmpty || rule.byHour.contains(local.hour) else { continue }
            if local.date.year > 9999 { break }
            for minute in hourly ? (rule.byMinute.isEmpty ? [start.minute] : rule.byMinute) : [local.minute] {
                stepped.append(LocalDateTime(date: local.date, hour: local.hour, minute: minute))
            }
        }
        let expanded = Array(rule.expansion(start: start, anchored: false).prefix(stepped.count))
        #expect(expanded == stepped, "\(text)")
        // Starting the search later lands on the same instants.
        let from = stepped[stepped.count / 2]
        #expect(Array(rule.expansion(start: start, anchored: false, from: from).prefix(3)) == Array(stepped.drop { $0 < from }.prefix(3)))
    }

    @Test func ruleThatCanNeverFireEnds() throws {
        let rule = try RecurrenceRule(parsing: "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30")
        var expansion = rule.expansion(start: LocalDateTime(year: 2024, month: 1, day: 1), anchored: true)
        #expect(expansion.next() == nil)
        #expect(throws: RecurrenceError.self) { try Schedule.rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", zone: .utc).checkCanFire() }
        // Rare is fine.
        try Schedule.rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", zone: .utc).checkCanFire()
    }

    @Test func canonicalTextRoundTrips() throws {
        for text in ["FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=15;BYMINUTE=0", "FREQ=MONTHLY;COUNT=3;BYDAY=-1FR,1MO", "FREQ=YEARLY;UNTIL=20270101T000000Z;BYWEEKNO=-1;WKST=SU"] {
            let rule = try RecurrenceRule(parsing: text)
            #expect(try RecurrenceRule(parsing: rule.rfcText) == rule)
            #expect(rule.rfcText == text)
        }
        #expect(try RecurrenceRule(parsing: "rrule:freq=weekly;byday=mo") == RecurrenceRule(parsing: "FREQ=WEEKLY;BYDAY=MO"))
    }
}

@Suite struct RecurrenceRuleParseErrorTests {
    @Test(arguments: [
        ("FREQ=MONTHLY;BYMONTHDAY=32", "RRULE part BYMONTHDAY: 32 is out of range 1..31 or -31..-1"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "RRULE part BYMONTHDAY: 0 is out of range 1..31 or -31..-1"),
        ("FREQ=SECONDLY", "RRULE part FREQ: SECONDLY is not supported (expected YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY or MINUTELY)"),
        ("FREQ=DAILY;FOO=1", "RRULE part FOO is not supported (expected FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS, WKST)"),
        ("BYDAY=MO", "RRULE needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "RRULE parts COUNT and UNTIL cannot be combined"),
        ("FREQ=DAILY;FREQ=WEEKLY", "RRULE part FREQ appears twice"),
        ("FREQ=DAILY;INTERVAL=", "RRULE part INTERVAL has an empty value"),
        ("FREQ=DAILY;INTERVAL=0", "RRULE part INTERVAL: 0 must be at least 1"),
        ("FREQ=DAILY;INTERVAL=two", "RRULE part INTERVAL: \"TWO\" is not a whole number"),
        ("FREQ=WEEKLY;BYDAY=1MO", "RRULE part BYDAY: numbered days like 1MO need FREQ=MONTHLY or FREQ=YEARLY"),
        ("FREQ=MONTHLY;BYDAY=6MO", "RRULE part BYDAY: 6MO is out of range within a month (1..5 or -5..-1)"),
        ("FREQ=MONTHLY;BYDAY=XX", "RRULE part BYDAY: \"XX\" is not a day (expected e.g. MO, 1MO, -1FR)"),
        ("FREQ=MONTHLY;BYWEEKNO=3", "RRULE part BYWEEKNO needs FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "RRULE part BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYYEARDAY=3", "RRULE part BYYEARDAY cannot be used with FREQ=MONTHLY"),
        ("FREQ=DAILY;BYSETPOS=1", "RRULE part BYSETPOS needs another BY part to select from (e.g. BYDAY)"),
        ("FREQ=DAILY;BYHOUR=24", "RRULE part BYHOUR: 24 is out of range 0..23"),
        ("FREQ=DAILY;BYMINUTE=60", "RRULE part BYMINUTE: 60 is out of range 0..59"),
        ("FREQ=DAILY;BYSECOND=30", "RRULE part BYSECOND: only 0 is supported (occurrences fall on whole minutes)"),
        ("FREQ=DAILY;WKST=XY", "RRULE part WKST: \"XY\" is not a day (expected MO, TU, WE, TH, FR, SA or SU)"),
        ("FREQ=DAILY;UNTIL=2027", "RRULE part UNTIL: \"2027\" is not a date (expected YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ)"),
        ("FREQ=DAILY;COUNT", "RRULE part \"COUNT\" needs a value (NAME=VALUE)"),
        ("FREQ=DAILY;BYMONTH=13", "RRULE part BYMONTH: 13 is out of range 1..12"),
    ])
    func errors(text: String, message: String) {
        do {
            _ = try RecurrenceRule(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.message == message)
            #expect(error.code == .invalidRRule)
        }
    }

    /// The reported cases: MINUTELY;INTERVAL=200000000 made the idle tick take 40 s, and
    /// HOURLY;INTERVAL=4000000 validated but never fired.
    @Test(arguments: [
        ("FREQ=MINUTELY;INTERVAL=200000000",
         "RRULE part INTERVAL: FREQ=MINUTELY;INTERVAL=200000000 repeats every 200000000 minutes (about 380 years), longer than 10 years: INTERVAL may be at most 5259492 with FREQ=MINUTELY"),
        ("FREQ=HOURLY;INTERVAL=4000000",
         "RRULE part INTERVAL: FREQ=HOURLY;INTERVAL=4000000 repeats every 4000000 hours (about 456 years), longer than 10 years: INTERVAL may be at most 87658 with FREQ=HOURLY"),
        ("FREQ=MINUTELY;INTERVAL=9223372036854775807",
         "RRULE part INTERVAL: FREQ=MINUTELY;INTERVAL=9223372036854775807 repeats every 9223372036854775807 minutes (more than a million years), longer than 10 years: INTERVAL may be at most 5259492 with FREQ=MINUTELY"),
    ])
    func periodsOverTenYearsAreRefused(text: String, message: String) {
        #expect(throws: RecurrenceError(.invalidRRule, message)) { try RecurrenceRule(parsing: text) }
    }

    /// The largest INTERVAL of each FREQ parses; one more is refused.
    @Test(arguments: [
        (RecurrenceRule.Frequency.yearly, 10), (.monthly, 120), (.weekly, 521), (.daily, 3652), (.hourly, 87658), (.minutely, 5_259_492),
    ])
    func theLongestPeriodIsTenYears(frequency: RecurrenceRule.Frequency, largest: Int) throws {
        #expect(RecurrenceRule.largestInterval(for: frequency) == largest)
        #expect(try RecurrenceRule(parsing: "FREQ=\(frequency.rawValue);INTERVAL=\(largest)").interval == largest)
        #expect(throws: RecurrenceError.self) { try RecurrenceRule(parsing: "FREQ=\(frequency.rawValue);INTERVAL=\(largest + 1)") }
    }

    @Test func countNeedsADtstart() {
        #expect(throws: RecurrenceError.self) { try Schedule.rrule("FREQ=DAILY;COUNT=3", zone: .utc) }
    }
}

@Suite struct ScheduleGapTests {
    static let december = instant("2026-12-01T00:00:00Z")
    static let twoYears = Int64(731 * 86_400)

    @Test(arguments: [
        // (schedule, zone, shortest gap, its first occurrence), on the wall clock: a daily
        // meeting is a day apart across DST changes, but 02:30 does not exist the night clocks
        // spring forward, so that day's 03:30 is 23 hours before the next 02:30.
        ("daily at 09:00", "America/New_York", 86_400, "2026-12-01T09:00:00-05:00"),
        ("30 2 * * *", "America/New_York", 82_800, "2027-03-14T03:30:00-04:00"),
        ("daily at 09:00", "UTC", 86_400, "2026-12-01T09:00:00+00:00"),
        ("weekly on monday at 09:00", "America/New_York", 604_800, "2026-12-07T09:00:00-05:00"),
        ("weekdays at 08:30", "America/New_York", 86_400, "2026-12-01T08:30:00-05:00"),
        ("monthly on the 1st at 10:00", "UTC", 2_419_200, "2027-02-01T10:00:00+00:00"),
        ("FREQ=HOURLY;INTERVAL=5", "UTC", 18_000, "2026-12-01T05:00:00+00:00"),
    ] as [(String, String, Int64, String)])
    func shortestGapOverTwoYears(text: String, zone: String, seconds: Int64, earlier: String) throws {
        let schedule = try Schedule.parse(text, zone: ZoneRules(identifier: zone))
        let gap = try #require(schedule.shortestGap(after: Self.december, through: Self.december + Self.twoYears))
        #expect(gap.seconds == seconds)
        #expect(gap.earlier.rfc3339 == earlier)
    }

    @Test func gapsAreOnTheWallClockButNeverShorterThanTheTimeElapsed() throws {
        let zone = try ZoneRules(identifier: "America/New_York")
        // Spring forward: a day on the wall clock, 23 hours elapsed.
        let daily = try #require(try Schedule.parse("daily at 09:00", zone: zone).shortestGap(
            after: instant("2027-03-13T12:00:00Z"), through: instant("2027-03-14T14:00:00Z"), minimumCount: 2))
        #expect(daily.seconds == 86_400)
        #expect(daily.elapsedSeconds == 82_800)
        // Fall back: the two 01:00s are the same on the wall clock, an hour apart in time.
        let hourly = try #require(try Schedule.parse("0 * * * *", zone: zone).shortestGap(
            after: instant("2027-11-07T04:30:00Z"), through: instant("2027-11-07T06:30:00Z"), minimumCount: 2))
        #expect(hourly.earlier.rfc3339 == "2027-11-07T01:00:00-04:00")
        #expect(hourly.later.rfc3339 == "2027-11-07T01:00:00-05:00")
        #expect(hourly.seconds == 3600)
    }

    @Test func aRareRuleStillShowsItsGap() throws {
        // Every 10 years: two years hold at most one occurrence, so the first three are used.
        let schedule = try Schedule.rrule("FREQ=YEARLY;INTERVAL=10;BYMONTH=1;BYMONTHDAY=5;BYHOUR=9;BYMINUTE=0", zone: .utc)
        let gap = try #require(schedule.shortestGap(after: Self.december, through: Self.december + Self.twoYears))
        #expect(gap.earlier.rfc3339 == "2034-01-05T09:00:00+00:00")
        #expect(gap.later.rfc3339 == "2044-01-05T09:00:00+00:00")
    }

    @Test func stopsAtTheFirstGapBelowTheLimit() throws {
        let schedule = try Schedule.parse("daily at 09:00", zone: ZoneRules(identifier: "America/New_York"))
        let gap = try #require(schedule.shortestGap(after: Self.december, through: Self.december + Self.twoYears, below: 2 * 86_400))
        #expect(gap.earlier.rfc3339 == "2026-12-01T09:00:00-05:00")
        #expect(gap.seconds == 86_400)
    }

    @Test func fewerThanTwoOccurrencesHaveNoGap() throws {
        let schedule = try Schedule.rrule("FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261202", zone: .utc)
        #expect(schedule.shortestGap(after: instant("2026-12-01T12:00:00Z"), through: Self.december + Self.twoYears) == nil)
    }
}
