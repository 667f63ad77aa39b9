import Testing

@testable import Recurrence

/// Expands `dtstart` + `rule` in New York and returns local wall times `MM-DD HH:MM` of the first `limit`.
func rfcExpand(_ rule: String, dtstart: String, limit: Int) throws -> [String] {
    let zone = try ZoneRules(identifier: "America/New_York")
    let schedule = try Schedule.rrule("DTSTART;TZID=America/New_York:\(dtstart)\nRRULE:\(rule)", zone: zone)
    let start = try #require(Schedule.parseBasicDateTime(dtstart))
    return schedule.occurrences(after: zone.resolve(start).instant - 1).prefix(limit).map { o in
        // Every instance must keep its wall time across EDT/EST: check the instant agrees.
        #expect(o.local == o.nominal)
        return "\(o.local.date.year)-" + String(o.local.description.dropFirst(5).prefix(11))
    }
}

/// `days("1997-09", 2, 4, 6)` → `["1997-09-02T09:00", …]`.
func days(_ month: String, _ list: Int..., time: String = "09:00") -> [String] {
    list.map { "\(month)-\($0 < 10 ? "0" : "")\($0)T\(time)" }
}

func range(_ month: String, _ r: ClosedRange<Int>, time: String = "09:00") -> [String] {
    r.map { "\(month)-\($0 < 10 ? "0" : "")\($0)T\(time)" }
}

/// Every example of RFC 5545 section 3.8.5.3, with the results the RFC lists.
@Suite struct RecurrenceRuleRFCExamples {
    @Test func dailyForTenOccurrences() throws {
        #expect(try rfcExpand("FREQ=DAILY;COUNT=10", dtstart: "19970902T090000", limit: 20) == range("1997-09", 2...11))
    }

    @Test func dailyUntilDecember24() throws {
        let expected = range("1997-09", 2...30) + range("1997-10", 1...31) + range("1997-11", 1...30) + range("1997-12", 1...23)
        #expect(try rfcExpand("FREQ=DAILY;UNTIL=19971224T000000Z", dtstart: "19970902T090000", limit: 200) == expected)
    }

    @Test func everyOtherDay() throws {
        let expected = days("1997-09", 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
            + days("1997-10", 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
            + days("1997-11", 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29) + days("1997-12", 1, 3)
        #expect(try rfcExpand("FREQ=DAILY;INTERVAL=2", dtstart: "19970902T090000", limit: expected.count) == expected)
    }

    @Test func everyTenDaysFiveOccurrences() throws {
        #expect(
            try rfcExpand("FREQ=DAILY;INTERVAL=10;COUNT=5", dtstart: "19970902T090000", limit: 10)
                == days("1997-09", 2, 12, 22) + days("1997-10", 2, 12))
    }

    @Test(arguments: ["FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"])
    func everyDayInJanuaryForThreeYears(rule: String) throws {
        let expected = range("1998-01", 1...31) + range("1999-01", 1...31) + range("2000-01", 1...31)
        #expect(try rfcExpand(rule, dtstart: "19980101T090000", limit: 200) == expected)
    }

    @Test func weeklyForTenOccurrences() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;COUNT=10", dtstart: "19970902T090000", limit: 20)
                == days("1997-09", 2, 9, 16, 23, 30) + days("1997-10", 7, 14, 21, 28) + days("1997-11", 4))
    }

    @Test func weeklyUntilDecember24() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;UNTIL=19971224T000000Z", dtstart: "19970902T090000", limit: 30)
                == days("1997-09", 2, 9, 16, 23, 30) + days("1997-10", 7, 14, 21, 28) + days("1997-11", 4, 11, 18, 25)
                + days("1997-12", 2, 9, 16, 23))
    }

    @Test func everyOtherWeek() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;INTERVAL=2;WKST=SU", dtstart: "19970902T090000", limit: 13)
                == days("1997-09", 2, 16, 30) + days("1997-10", 14, 28) + days("1997-11", 11, 25) + days("1997-12", 9, 23)
                + days("1998-01", 6, 20) + days("1998-02", 3, 17))
    }

    @Test(arguments: ["FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"])
    func tuesdayAndThursdayForFiveWeeks(rule: String) throws {
        #expect(
            try rfcExpand(rule, dtstart: "19970902T090000", limit: 20)
                == days("1997-09", 2, 4, 9, 11, 16, 18, 23, 25, 30) + days("1997-10", 2))
    }

    @Test func everyOtherWeekMondayWednesdayFriday() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", dtstart: "19970901T090000", limit: 40)
                == days("1997-09", 1, 3, 5, 15, 17, 19, 29) + days("1997-10", 1, 3, 13, 15, 17, 27, 29, 31)
                + days("1997-11", 10, 12, 14, 24, 26, 28) + days("1997-12", 8, 10, 12, 22))
    }

    @Test func everyOtherWeekTuesdayThursdayEightTimes() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", dtstart: "19970902T090000", limit: 20)
                == days("1997-09", 2, 4, 16, 18, 30) + days("1997-10", 2, 14, 16))
    }

    @Test func monthlyFirstFriday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", dtstart: "19970905T090000", limit: 20)
                == days("1997-09", 5) + days("1997-10", 3) + days("1997-11", 7) + days("1997-12", 5) + days("1998-01", 2)
                + days("1998-02", 6) + days("1998-03", 6) + days("1998-04", 3) + days("1998-05", 1) + days("1998-06", 5))
        #expect(
            try rfcExpand("FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", dtstart: "19970905T090000", limit: 20)
                == days("1997-09", 5) + days("1997-10", 3) + days("1997-11", 7) + days("1997-12", 5))
    }

    @Test func everyOtherMonthFirstAndLastSunday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", dtstart: "19970907T090000", limit: 20)
                == days("1997-09", 7, 28) + days("1997-11", 2, 30) + days("1998-01", 4, 25) + days("1998-03", 1, 29)
                + days("1998-05", 3, 31))
    }

    @Test func secondToLastMonday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", dtstart: "19970922T090000", limit: 20)
                == days("1997-09", 22) + days("1997-10", 20) + days("1997-11", 17) + days("1997-12", 22) + days("1998-01", 19)
                + days("1998-02", 16))
    }

    @Test func thirdToLastDay() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;BYMONTHDAY=-3", dtstart: "19970928T090000", limit: 6)
                == days("1997-09", 28) + days("1997-10", 29) + days("1997-11", 28) + days("1997-12", 29) + days("1998-01", 29)
                + days("1998-02", 26))
    }

    @Test func secondAndFifteenth() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", dtstart: "19970902T090000", limit: 20)
                == days("1997-09", 2, 15) + days("1997-10", 2, 15) + days("1997-11", 2, 15) + days("1997-12", 2, 15)
                + days("1998-01", 2, 15))
    }

    @Test func firstAndLastDay() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", dtstart: "19970930T090000", limit: 20)
                == days("1997-09", 30) + days("1997-10", 1, 31) + days("1997-11", 1, 30) + days("1997-12", 1, 31)
                + days("1998-01", 1, 31) + days("1998-02", 1))
    }

    @Test func every18Months() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", dtstart: "19970910T090000", limit: 20)
                == range("1997-09", 10...15) + range("1999-03", 10...13))
    }

    @Test func everyTuesdayEveryOtherMonth() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", dtstart: "19970902T090000", limit: 18)
                == days("1997-09", 2, 9, 16, 23, 30) + days("1997-11", 4, 11, 18, 25) + days("1998-01", 6, 13, 20, 27)
                + days("1998-03", 3, 10, 17, 24, 31))
    }

    @Test func yearlyInJuneAndJuly() throws {
        let expected = (1997...2001).flatMap { days("\($0)-06", 10) + days("\($0)-07", 10) }
        #expect(try rfcExpand("FREQ=YEARLY;COUNT=10;BYMONTH=6,7", dtstart: "19970610T090000", limit: 20) == expected)
    }

    @Test func everyOtherYearJanuaryFebruaryMarch() throws {
        let expected = days("1997-03", 10) + [1999, 2001, 2003].flatMap { days("\($0)-01", 10) + days("\($0)-02", 10) + days("\($0)-03", 10) }
        #expect(try rfcExpand("FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", dtstart: "19970310T090000", limit: 20) == expected)
    }

    @Test func everyThirdYearOnDays1_100_200() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", dtstart: "19970101T090000", limit: 20)
                == days("1997-01", 1) + days("1997-04", 10) + days("1997-07", 19) + days("2000-01", 1) + days("2000-04", 9)
                + days("2000-07", 18) + days("2003-01", 1) + days("2003-04", 10) + days("2003-07", 19) + days("2006-01", 1))
    }

    @Test func every20thMonday() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;BYDAY=20MO", dtstart: "19970519T090000", limit: 3)
                == days("1997-05", 19) + days("1998-05", 18) + days("1999-05", 17))
    }

    @Test func mondayOfWeek20() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", dtstart: "19970512T090000", limit: 3)
                == days("1997-05", 12) + days("1998-05", 11) + days("1999-05", 17))
    }

    @Test func everyThursdayInMarch() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;BYMONTH=3;BYDAY=TH", dtstart: "19970313T090000", limit: 11)
                == days("1997-03", 13, 20, 27) + days("1998-03", 5, 12, 19, 26) + days("1999-03", 4, 11, 18, 25))
    }

    @Test func everyThursdayInSummer() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", dtstart: "19970605T090000", limit: 39)
                == days("1997-06", 5, 12, 19, 26) + days("1997-07", 3, 10, 17, 24, 31) + days("1997-08", 7, 14, 21, 28)
                + days("1998-06", 4, 11, 18, 25) + days("1998-07", 2, 9, 16, 23, 30) + days("1998-08", 6, 13, 20, 27)
                + days("1999-06", 3, 10, 17, 24) + days("1999-07", 1, 8, 15, 22, 29) + days("1999-08", 5, 12, 19, 26))
    }

    @Test func fridayThe13th() throws {
        // The RFC excludes DTSTART with EXDATE; an unmatched DTSTART is not an instance here anyway.
        #expect(
            try rfcExpand("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", dtstart: "19970902T090000", limit: 5)
                == days("1998-02", 13) + days("1998-03", 13) + days("1998-11", 13) + days("1999-08", 13) + days("2000-10", 13))
    }

    @Test func firstSaturdayAfterFirstSunday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", dtstart: "19970913T090000", limit: 10)
                == days("1997-09", 13) + days("1997-10", 11) + days("1997-11", 8) + days("1997-12", 13) + days("1998-01", 10)
                + days("1998-02", 7) + days("1998-03", 7) + days("1998-04", 11) + days("1998-05", 9) + days("1998-06", 13))
    }

    @Test func presidentialElectionDay() throws {
        #expect(
            try rfcExpand("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", dtstart: "19961105T090000", limit: 3)
                == days("1996-11", 5) + days("2000-11", 7) + days("2004-11", 2))
    }

    @Test func thirdTuesdayWednesdayOrThursday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", dtstart: "19970904T090000", limit: 10)
                == days("1997-09", 4) + days("1997-10", 7) + days("1997-11", 6))
    }

    @Test func secondToLastWeekday() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", dtstart: "19970929T090000", limit: 7)
                == days("1997-09", 29) + days("1997-10", 30) + days("1997-11", 27) + days("1997-12", 30) + days("1998-01", 29)
                + days("1998-02", 26) + days("1998-03", 30))
    }

    @Test func everyThreeHours() throws {
        // The RFC prints UNTIL=19970902T170000Z, which is 13:00 EDT, yet lists 15:00; its errata
        // corrects UNTIL to 21:00Z (17:00 EDT). Both readings are checked.
        #expect(
            try rfcExpand("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z", dtstart: "19970902T090000", limit: 10)
                == ["1997-09-02T09:00", "1997-09-02T12:00", "1997-09-02T15:00"])
        #expect(
            try rfcExpand("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", dtstart: "19970902T090000", limit: 10)
                == ["1997-09-02T09:00", "1997-09-02T12:00"])
    }

    @Test func minutely() throws {
        #expect(
            try rfcExpand("FREQ=MINUTELY;INTERVAL=15;COUNT=6", dtstart: "19970902T090000", limit: 10)
                == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"].map { "1997-09-02T\($0)" })
        #expect(
            try rfcExpand("FREQ=MINUTELY;INTERVAL=90;COUNT=4", dtstart: "19970902T090000", limit: 10)
                == ["09:00", "10:30", "12:00", "13:30"].map { "1997-09-02T\($0)" })
    }

    @Test(arguments: ["FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16"])
    func every20MinutesDuringTheDay(rule: String) throws {
        let day = (9...16).flatMap { h in [0, 20, 40].map { m in "\(h < 10 ? "0" : "")\(h):\(m == 0 ? "00" : String(m))" } }
        let expected = day.map { "1997-09-02T\($0)" } + day.map { "1997-09-03T\($0)" }
        #expect(try rfcExpand(rule, dtstart: "19970902T090000", limit: 48) == expected)
    }

    @Test func weekStartMatters() throws {
        #expect(
            try rfcExpand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", dtstart: "19970805T090000", limit: 10)
                == days("1997-08", 5, 10, 19, 24))
        #expect(
            try rfcExpand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", dtstart: "19970805T090000", limit: 10)
                == days("1997-08", 5, 17, 19, 31))
    }

    @Test func invalidDatesAreIgnored() throws {
        #expect(
            try rfcExpand("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", dtstart: "20070115T090000", limit: 10)
                == days("2007-01", 15, 30) + days("2007-02", 15) + days("2007-03", 15, 30))
    }
}
