import Foundation
import OpsCadenceTesting
import Playbooks
import Recurrence
import Testing

/// `holidays:` in opscadence.yaml: a country's rules, a calendar file, extra and except dates,
/// and the old plain list of dates.
@Suite struct HolidayConfigurationTests {
    static let targets = "targets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n"

    func calendar(_ holidays: String, files: [String: String] = [:]) throws -> BusinessCalendar {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: Europe/Berlin\nholidays: \(holidays)\n" + Self.targets)
        dir.write("playbooks/p.yaml", validPlaybook)
        for (name, text) in files { dir.write(name, text) }
        return try Workspace.load(at: dir.path, environment: ["TEST_SLACK_URL": "https://hooks.slack.com/services/T0/B0/x"])
            .configuration.calendar
    }

    @Test func aCountryAndRegionGiveNamedHolidays() throws {
        let calendar = try self.calendar("{ country: DE, region: BY }")
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 12, day: 25)) == "Christmas Day")
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 1, day: 6)) == "Epiphany")  // Bavaria only
        #expect(!calendar.isBusinessDay(CivilDate(year: 2031, month: 6, day: 12)))  // Corpus Christi
        let berlin = try self.calendar("{ country: DE, region: BE }")
        #expect(berlin.isBusinessDay(CivilDate(year: 2026, month: 1, day: 6)))
    }

    @Test func extraAndExceptAdjustTheCountry() throws {
        let calendar = try self.calendar("{ country: US, extra: [2026-12-24 Company closure, 2026-12-31], except: [2026-11-26] }")
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 12, day: 24)) == "Company closure")
        #expect(!calendar.isBusinessDay(CivilDate(year: 2026, month: 12, day: 31)))
        #expect(calendar.isBusinessDay(CivilDate(year: 2026, month: 11, day: 26)))  // Thanksgiving, excepted
        #expect(calendar.holidayName(on: CivilDate(year: 2027, month: 11, day: 25)) == "Thanksgiving Day")
    }

    @Test func extraAloneNamesItsDates() throws {
        let calendar = try self.calendar("{ extra: [2026-12-24 Winter closure] }")
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 12, day: 24)) == "Winter closure")
        #expect(calendar.holidays.count == 1)
    }

    @Test func aPlainListStillWorks() throws {
        let calendar = try self.calendar("[2026-12-25, 2027-01-01]")
        #expect(calendar.holidays == [CivilDate(year: 2026, month: 12, day: 25), CivilDate(year: 2027, month: 1, day: 1)])
        #expect(calendar.reason(for: CivilDate(year: 2026, month: 12, day: 25)) == "holiday")
    }

    @Test func aCalendarFileIsImported() throws {
        let ics = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20261224\r
            DTEND;VALUE=DATE:20261226\r
            SUMMARY:Winter closure\\, office\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20260715\r
            RRULE:FREQ=YEARLY;COUNT=3\r
            SUMMARY:Founders'\r
              Day\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let calendar = try self.calendar("{ ics: holidays.ics, except: [2027-07-15] }", files: ["holidays.ics": ics])
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 12, day: 24)) == "Winter closure, office")
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 12, day: 25)) == "Winter closure, office")
        #expect(calendar.isBusinessDay(CivilDate(year: 2026, month: 12, day: 28)))
        #expect(calendar.holidayName(on: CivilDate(year: 2026, month: 7, day: 15)) == "Founders' Day")
        #expect(calendar.isBusinessDay(CivilDate(year: 2027, month: 7, day: 15)))
        #expect(calendar.holidayName(on: CivilDate(year: 2028, month: 7, day: 15)) == "Founders' Day")
        #expect(calendar.isBusinessDay(CivilDate(year: 2029, month: 7, day: 16)))
    }

    @Test(arguments: [
        ("{ country: XX }",
         "opscadence.yaml:2:22: unknown holiday country 'XX' (supported: AT, AU, BE, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IT, JP, MX, NL, NO, NZ, PL, PT, SE, SG, US)"),
        ("{ country: DE, region: XY }",
         "opscadence.yaml:2:34: unknown region 'XY' for DE (expected one of: BB, BE, BW, BY, HB, HE, HH, MV, NI, NW, RP, SH, SL, SN, ST, TH)"),
        ("{ country: FR, region: IDF }", "opscadence.yaml:2:34: FR (France) has no regions in the holiday rules; remove region"),
        ("{ region: BY }", "opscadence.yaml:2:21: holidays.region needs holidays.country"),
        ("{ country: US, extra: [2026-02-30] }",
         "opscadence.yaml:2:34: expected a holiday as a date YYYY-MM-DD (optionally followed by its name), got \"2026-02-30\""),
        ("{ country: US, calendar: x }",
         "opscadence.yaml:2:26: unknown key 'calendar' in holidays (expected one of: country, region, ics, extra, except)"),
        ("{ except: [2026-12-25] }",
         "opscadence.yaml:2:11: holidays needs country (e.g. { country: DE, region: BY }), ics (a calendar file) or extra (dates)"),
        ("{ ics: missing.ics }", "opscadence.yaml:2:18: cannot read the holiday calendar 'missing.ics' as UTF-8 text"),
        ("{ ics: bad.ics }", "bad.ics:3:1: expected DTSTART as a date YYYYMMDD (or YYYYMMDDTHHMMSS), got \"2026-12-24\""),
        ("{ ics: weekly.ics }",
         "weekly.ics:3:1: only RRULE:FREQ=YEARLY is supported for holidays, got FREQ=WEEKLY"),
    ])
    func errorsNameTheirPlace(holidays: String, expected: String) {
        let files = [
            "bad.ics": "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-24\nEND:VEVENT\nEND:VCALENDAR\n",
            "weekly.ics": "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nRRULE:FREQ=WEEKLY\nEND:VEVENT\n",
        ]
        let config = "timezone: Europe/Berlin\nholidays: \(holidays)\n" + Self.targets
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", config)
        dir.write("playbooks/p.yaml", validPlaybook)
        for (name, text) in files { dir.write(name, text) }
        do {
            _ = try Workspace.load(at: dir.path, environment: ["TEST_SLACK_URL": "https://hooks.slack.com/services/T0/B0/x"])
            Issue.record("expected \(expected)")
        } catch {
            let lines = error.issues.map { "\($0)".replacingOccurrences(of: dir.path + "/", with: "") }
            #expect(lines.first == expected, "\(lines)")
        }
    }
}
