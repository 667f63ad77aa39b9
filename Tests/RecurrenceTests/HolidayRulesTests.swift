import Foundation
import Recurrence
import Testing

/// The reference: Python's `holidays` package, public category, 2020–2040, written once by
/// `scripts/holiday-fixtures` (the file records the package version).
private struct Reference: Decodable {
    let version: String
    let years: [Int]
    let calendars: [String: [String: String]]

    static let shared: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/holidays-2020-2040.json")
        // swiftlint-style force: the fixture is part of the repository.
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()
}

/// Every country and region the issue lists, as the fixture keys them (`DE-BY`).
private let calendars = Reference.shared.calendars.keys.sorted()

@Suite struct HolidayRulesTests {
    @Test func everyListedCountryAndRegionIsInTheFixture() {
        let countries = ["US", "CA", "MX", "BR", "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "IT", "PT",
                         "PL", "SE", "DK", "NO", "FI", "AU", "NZ", "IN", "JP", "SG"]
        for country in countries {
            #expect(calendars.contains(country))
            #expect(HolidayRules.builtIn.country(country) != nil, "\(country)")
        }
        #expect(calendars.filter { $0.hasPrefix("DE-") }.count == 16)
        #expect(calendars.filter { $0.hasPrefix("AU-") }.count == 8)
        #expect(Set(calendars.filter { $0.hasPrefix("GB-") }) == ["GB-ENG", "GB-NIR", "GB-SCT", "GB-WLS"])
    }

    @Test(arguments: calendars)
    func matchesThePythonHolidaysPackage(_ key: String) throws {
        let parts = key.split(separator: "-").map(String.init)
        let years = Reference.shared.years[0]...Reference.shared.years[1]
        let holidays = try #require(
            HolidayRules.builtIn.holidays(country: parts[0], region: parts.count > 1 ? parts[1] : nil, years: years))
        let got = Set(holidays.map(\.date.description))
        let want = Set(Reference.shared.calendars[key]!.keys)
        #expect(got.subtracting(want).sorted() == [], "dates the reference (holidays \(Reference.shared.version)) does not list")
        #expect(want.subtracting(got).sorted() == [], "dates the reference lists that the rules miss")
    }

    @Test func namesAreEnglishAndObservedDaysSaySo() throws {
        let us = try #require(HolidayRules.builtIn.holidays(country: "US", years: 2021...2021))
        #expect(us.contains(Holiday(date: CivilDate(year: 2021, month: 12, day: 24), name: "Christmas Day (observed)")))
        #expect(us.contains(Holiday(date: CivilDate(year: 2021, month: 12, day: 31), name: "New Year's Day (observed)")))
        let jp = try #require(HolidayRules.builtIn.holidays(country: "JP", years: 2026...2026))
        #expect(jp.contains(Holiday(date: CivilDate(year: 2026, month: 9, day: 22), name: "National Holiday")))
        #expect(jp.contains(Holiday(date: CivilDate(year: 2026, month: 5, day: 6), name: "Substitute Holiday")))
    }

    @Test func oneCountryReadAloneHasTheSameHolidaysAsFromTheWholeFile() throws {
        for country in HolidayRules.builtIn.countries {
            let alone = try #require(HolidayRules.builtIn(country: country.code.lowercased()), "\(country.code)")
            #expect(alone.countries.map(\.code) == [country.code])
            for region in [nil] + country.regions.map(\.code) {
                #expect(
                    alone.holidays(country: country.code, region: region, years: 2020...2040)
                        == HolidayRules.builtIn.holidays(country: country.code, region: region, years: 2020...2040), "\(country.code) \(region ?? "")")
            }
        }
        #expect(HolidayRules.builtIn(country: "XX") == nil)
        #expect(HolidayRules.builtIn(country: "U") == nil)
    }

    @Test func unknownCountriesAndRegionsGiveNil() {
        #expect(HolidayRules.builtIn.holidays(country: "XX", years: 2026...2026) == nil)
        #expect(HolidayRules.builtIn.holidays(country: "DE", region: "ZZ", years: 2026...2026) == nil)
        #expect(HolidayRules.builtIn.holidays(country: "de", region: "by", years: 2026...2026)?.isEmpty == false)
    }

    @Test(arguments: [(2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2038, 4, 25), (2019, 4, 21)])
    func westernEaster(year: Int, month: Int, day: Int) {
        #expect(HolidayRules.easter(year) == CivilDate(year: year, month: month, day: day))
    }

    @Test func malformedDataNamesTheLine() {
        #expect(throws: HolidayRules.FormatError.self) { try HolidayRules(text: "country XX | X\n13-45 | Nope\n") }
        do {
            _ = try HolidayRules(text: "country XX | X\n01-01 | A | bogus=1\n")
        } catch let error as HolidayRules.FormatError {
            #expect(error.line == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct ICalendarHolidaysTests {
    @Test func foldedLinesYearlyRulesAndAllDayRanges() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20240229
            RRULE:FREQ=YEARLY;UNTIL=20320301
            SUMMARY:Leap
             day
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;TZID=Europe/Berlin:20261230T090000
            DTEND;TZID=Europe/Berlin:20261231T170000
            SUMMARY:Stocktake\\; office closed
            END:VEVENT
            END:VCALENDAR
            """
        let holidays = try ICalendarHolidays.parse(text, years: 2020...2040)
        #expect(holidays.filter { $0.name == "Leapday" }.map(\.date.description) == ["2024-02-29", "2028-02-29", "2032-02-29"])
        #expect(holidays.filter { $0.name == "Stocktake; office closed" }.map(\.date.description) == ["2026-12-30", "2026-12-31"])
    }

    /// What a calendar application shows is what counts: an exception date, an added date, a
    /// repeat moved or cancelled by an event of the same UID, and a cancelled event.
    @Test func exceptionsAddedDatesMovedAndCancelledRepeats() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:founders-day@example.com
            DTSTART;VALUE=DATE:20260601
            RRULE:FREQ=YEARLY;COUNT=5
            EXDATE;VALUE=DATE:20280601,20290601
            RDATE;VALUE=DATE:20271115
            SUMMARY:Founders' day
            END:VEVENT
            BEGIN:VEVENT
            UID:founders-day@example.com
            RECURRENCE-ID;VALUE=DATE:20270601
            DTSTART;VALUE=DATE:20270604
            SUMMARY:Founders' day (moved)
            END:VEVENT
            BEGIN:VEVENT
            UID:founders-day@example.com
            RECURRENCE-ID;VALUE=DATE:20300601
            DTSTART;VALUE=DATE:20300601
            STATUS:CANCELLED
            SUMMARY:Founders' day
            END:VEVENT
            BEGIN:VEVENT
            UID:closure@example.com
            DTSTART;VALUE=DATE:20261228
            DTEND;VALUE=DATE:20261231
            STATUS:CANCELLED
            SUMMARY:Year-end closure
            END:VEVENT
            BEGIN:VEVENT
            UID:other@example.com
            RECURRENCE-ID;VALUE=DATE:20260601
            DTSTART;VALUE=DATE:20260602
            SUMMARY:Another calendar's event
            END:VEVENT
            END:VCALENDAR
            """
        let holidays = try ICalendarHolidays.parse(text, years: 2020...2040)
        #expect(holidays.map { "\($0.date) \($0.name)" } == [
            "2026-06-01 Founders' day",
            "2026-06-02 Another calendar's event",
            "2027-06-04 Founders' day (moved)",
            "2027-11-15 Founders' day",
        ])
    }

    @Test(arguments: [
        ("BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n", 1, "event without DTSTART (expected DTSTART;VALUE=DATE:YYYYMMDD)"),
        ("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nEXDATE;VALUE=DATE:20271224,2028\nEND:VEVENT\n", 3,
         "expected EXDATE as dates YYYYMMDD (or YYYYMMDDTHHMMSS), got \"2028\""),
        ("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nRECURRENCE-ID:x\nEND:VEVENT\n", 3,
         "expected RECURRENCE-ID as a date YYYYMMDD (or YYYYMMDDTHHMMSS), got \"x\""),
        ("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261301\nEND:VEVENT\n", 2, "expected DTSTART as a date YYYYMMDD (or YYYYMMDDTHHMMSS), got \"20261301\""),
        ("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nRRULE:FREQ=YEARLY;BYMONTH=12\nEND:VEVENT\n", 3,
         "RRULE part BYMONTH is not supported for holidays (only FREQ=YEARLY with INTERVAL, COUNT, UNTIL)"),
        ("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\n", 1, "BEGIN:VEVENT without END:VEVENT"),
    ])
    func errorsNameTheLine(text: String, line: Int, message: String) {
        #expect(throws: ICalendarHolidays.ParseError(line: line, message: message)) {
            try ICalendarHolidays.parse(text, years: 2020...2040)
        }
    }
}

@Suite struct NamedBusinessCalendarTests {
    @Test func namesJoinAndReasonsFallBackToTheWeekday() {
        let christmas = CivilDate(year: 2026, month: 12, day: 25)
        let calendar = BusinessCalendar(namedHolidays: [
            Holiday(date: christmas, name: "Christmas Day"), Holiday(date: christmas, name: "Company closure"),
            Holiday(date: christmas, name: "Christmas Day"), Holiday(date: CivilDate(year: 2026, month: 12, day: 24), name: ""),
        ])
        #expect(calendar.holidayName(on: christmas) == "Christmas Day; Company closure")
        #expect(calendar.reason(for: CivilDate(year: 2026, month: 12, day: 24)) == "holiday")
        #expect(calendar.reason(for: CivilDate(year: 2026, month: 12, day: 26)) == "Saturday")
        #expect(calendar.reason(for: CivilDate(year: 2026, month: 12, day: 28)) == nil)
        #expect(calendar.longestNonBusinessRun == 4)
    }

    @Test func aMovedOccurrenceSaysFromWhereAndWhy() throws {
        let zone = ZoneRules.utc
        let calendar = BusinessCalendar(namedHolidays: [Holiday(date: CivilDate(year: 2026, month: 12, day: 25), name: "Christmas Day")])
        var schedule = try Schedule.phrase("weekly on friday at 09:00", zone: zone)
        schedule.calendar = calendar
        schedule.holidayPolicy = .nextBusinessDay
        let start = zone.resolve(LocalDateTime(date: CivilDate(year: 2026, month: 12, day: 20))).instant
        let moved = try #require(schedule.next(after: start))
        #expect(moved.local.date == CivilDate(year: 2026, month: 12, day: 28))
        #expect(moved.shift?.text == "moved from Fri 25 Dec: Christmas Day")
    }
}
