import Foundation
import Testing

@testable import Recurrence

/// Instants below were computed independently (Python zoneinfo / systemd-analyze, see the
/// scheduling research) and are compared with what ZoneRules reads from the host's tz database.
@Suite struct ZoneRulesTests {
    static func instant(_ text: String) -> Int64 { RFC3339.parseInstant(text)! }

    @Test(arguments: [
        ("America/New_York", "2026-03-08T06:59:59Z", Int32(-18_000)),
        ("America/New_York", "2026-03-08T07:00:00Z", Int32(-14_400)),
        ("America/New_York", "2026-11-01T05:59:59Z", Int32(-14_400)),
        ("America/New_York", "2026-11-01T06:00:00Z", Int32(-18_000)),
        ("Europe/London", "2026-03-29T01:00:00Z", Int32(3600)),
        ("Europe/London", "2026-10-25T01:00:00Z", Int32(0)),
        ("Australia/Lord_Howe", "2026-10-03T15:30:00Z", Int32(39_600)),
        ("Australia/Lord_Howe", "2026-10-03T15:29:59Z", Int32(37_800)),
        ("Australia/Lord_Howe", "2026-04-04T15:00:00Z", Int32(37_800)),
        ("Asia/Kathmandu", "2026-06-01T00:00:00Z", Int32(20_700)),
        ("Pacific/Chatham", "2026-01-01T00:00:00Z", Int32(49_500)),
        ("Pacific/Chatham", "2026-07-01T00:00:00Z", Int32(45_900)),
        ("America/Santiago", "2026-01-15T00:00:00Z", Int32(-10_800)),
        ("America/Santiago", "2026-07-15T00:00:00Z", Int32(-14_400)),
        ("Europe/Dublin", "2026-07-01T00:00:00Z", Int32(3600)),
        ("Europe/Dublin", "2026-01-01T00:00:00Z", Int32(0)),
        // Far beyond the explicit transitions: the POSIX footer rule must take over.
        ("America/New_York", "2300-07-04T12:00:00Z", Int32(-14_400)),
        ("America/New_York", "2300-12-25T12:00:00Z", Int32(-18_000)),
        ("Australia/Sydney", "2500-01-15T00:00:00Z", Int32(39_600)),
        ("Australia/Sydney", "2500-07-15T00:00:00Z", Int32(36_000)),
    ])
    func offsets(zone: String, at text: String, expected: Int32) throws {
        let rules = try ZoneRules(identifier: zone)
        #expect(rules.offset(at: Self.instant(text)) == expected)
    }

    @Test func agreesWithFoundationOverManyYears() throws {
        for name in ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Tehran", "Africa/Cairo", "Pacific/Apia", "Europe/Dublin"] {
            let rules = try ZoneRules(identifier: name)
            let tz = try #require(TimeZone(identifier: name))
            var t = Self.instant("1990-01-01T00:00:00Z")
            let end = Self.instant("2036-01-01T00:00:00Z")
            while t < end {
                #expect(
                    Int(rules.offset(at: t)) == tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))),
                    "\(name) at \(RFC3339.formatUTC(t))")
                t += 86_400 * 3 + 3_917
            }
        }
    }

    /// Transitions come from the table through 2200 and from the POSIX rule after it; walking
    /// them across the seam must neither skip nor invent a change.
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Sydney", "America/Santiago", "Pacific/Chatham"])
    func transitionsAreContinuousAcrossTheRuleSeam(zone: String) throws {
        let rules = try ZoneRules(identifier: zone)
        var cursor = Self.instant("2198-01-01T00:00:00Z")
        let end = Self.instant("2204-01-01T00:00:00Z")
        var count = 0
        while let t = rules.nextTransition(after: cursor), t.instant < end {
            #expect(t.instant > cursor)
            #expect(rules.offset(at: t.instant - 1) == t.offsetBefore, "\(zone) before \(RFC3339.formatUTC(t.instant))")
            #expect(rules.offset(at: t.instant) == t.offsetAfter, "\(zone) at \(RFC3339.formatUTC(t.instant))")
            // No change hides between two reported transitions.
            var probe = cursor + 1
            while probe < t.instant - 1 {
                #expect(rules.offset(at: probe) == t.offsetBefore, "\(zone) at \(RFC3339.formatUTC(probe))")
                probe += 86_400 * 5 + 1_234
            }
            cursor = t.instant
            count += 1
        }
        #expect(count == 12, "\(zone): two transitions a year for six years")
    }

    @Test func resolvesGapWithPreGapOffset() throws {
        let ny = try ZoneRules(identifier: "America/New_York")
        let r = ny.resolve(LocalDateTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30))
        #expect(r == .gap(Self.instant("2026-03-08T07:30:00Z")))
        let lh = try ZoneRules(identifier: "Australia/Lord_Howe")
        #expect(lh.resolve(LocalDateTime(year: 2026, month: 10, day: 4, hour: 2, minute: 15)) == .gap(Self.instant("2026-10-03T15:45:00Z")))
        // 02:30 exists on that day: the gap is only 30 minutes long.
        #expect(lh.resolve(LocalDateTime(year: 2026, month: 10, day: 4, hour: 2, minute: 30)) == .unique(Self.instant("2026-10-03T15:30:00Z")))
    }

    @Test func resolvesOverlapToBothInstants() throws {
        let ny = try ZoneRules(identifier: "America/New_York")
        #expect(
            ny.resolve(LocalDateTime(year: 2026, month: 11, day: 1, hour: 1, minute: 30))
                == .overlap(Self.instant("2026-11-01T05:30:00Z"), Self.instant("2026-11-01T06:30:00Z")))
        let lh = try ZoneRules(identifier: "Australia/Lord_Howe")
        #expect(
            lh.resolve(LocalDateTime(year: 2026, month: 4, day: 5, hour: 1, minute: 45))
                == .overlap(Self.instant("2026-04-04T14:45:00Z"), Self.instant("2026-04-04T15:15:00Z")))
        // 01:00 is not repeated in Lord Howe: only 01:30-01:59 is.
        #expect(lh.resolve(LocalDateTime(year: 2026, month: 4, day: 5, hour: 1, minute: 0)) == .unique(Self.instant("2026-04-04T14:00:00Z")))
    }

    @Test(arguments: ["Mars/Base", "", "../etc/passwd", "/etc/passwd", "America/New York", "posix/UTC"])
    func unknownZonesAreRejected(name: String) {
        #expect(throws: RecurrenceError.self) { try ZoneRules(identifier: name) }
        do {
            _ = try ZoneRules(identifier: name)
        } catch {
            #expect(error.code == .unknownZone)
            #expect(error.message.contains("expected an IANA name"))
        }
    }

    @Test func posixRuleParsing() throws {
        let rule = try #require(PosixTimeZoneRule(parsing: "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
        #expect(rule.standardOffset == 37_800)
        #expect(rule.daylight?.offset == 39_600)
        #expect(rule.standardAbbreviation == "+1030")
        #expect(PosixTimeZoneRule(parsing: "EST5EDT,M3.2.0,M11.1.0")?.daylight?.startTime == 7200)
        #expect(PosixTimeZoneRule(parsing: "<-04>4<-03>,M9.1.6/24,M4.1.6/24")?.daylight?.startTime == 86_400)
        #expect(PosixTimeZoneRule(parsing: "garbage,") == nil)
    }
}
