import Testing

@testable import Recurrence

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-03-08T06:00:00Z", Int64(1_772_949_600)),
        ("2026-03-08T01:00:00-05:00", Int64(1_772_949_600)),
        ("2026-03-08T11:45:00+05:45", Int64(1_772_949_600)),
        ("2026-03-08T06:00:00.999Z", Int64(1_772_949_600)),
        ("1969-12-31T23:59:59Z", Int64(-1)),
    ])
    func parsesInstants(text: String, expected: Int64) {
        #expect(RFC3339.parseInstant(text) == expected)
    }

    @Test(arguments: ["2026-03-08", "2026-03-08T06:00:00", "2026-02-30T06:00:00Z", "2026-03-08T24:00:00Z", "2026-03-08T06:00:00+5:00", "now"])
    func rejectsMalformedInstants(text: String) {
        #expect(RFC3339.parseInstant(text) == nil)
    }

    @Test func formatsWithOffset() {
        #expect(RFC3339.format(1_772_949_600, offset: -18_000) == "2026-03-08T01:00:00-05:00")
        #expect(RFC3339.format(1_772_949_600, offset: 20_700) == "2026-03-08T11:45:00+05:45")
        #expect(RFC3339.format(1_772_949_600, offset: 0) == "2026-03-08T06:00:00+00:00")
        #expect(RFC3339.formatUTC(1_772_949_600) == "2026-03-08T06:00:00Z")
    }

    @Test func civilDateRoundTrips() {
        for day in stride(from: -800_000, through: 2_900_000, by: 997) {
            let date = CivilDate(dayNumber: day)
            #expect(date.dayNumber == day)
            #expect(CivilDate(validatingYear: date.year, month: date.month, day: date.day) != nil)
        }
        #expect(CivilDate(year: 2026, month: 11, day: 26).weekday == .thursday)
        #expect(CivilDate(year: 2000, month: 2, day: 29).dayNumber == 11_016)
        #expect(CivilDate(validatingYear: 2100, month: 2, day: 29) == nil)
    }
}
