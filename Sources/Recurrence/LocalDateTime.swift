/// A wall-clock date and time with no zone ("floating" in RFC 5545 terms).
///
/// Occurrences are computed as local date-times first and resolved to instants in a zone
/// afterwards (``ZoneRules/resolve(_:)``), so DST is handled in exactly one place.
package struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    package var date: CivilDate
    package var hour: Int
    package var minute: Int
    package var second: Int

    package init(date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.init(date: CivilDate(year: year, month: month, day: day), hour: hour, minute: minute, second: second)
    }

    /// Seconds since 1970-01-01T00:00 on the local timeline (as if the zone were UTC).
    package var localSeconds: Int64 {
        Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Creates a local date-time from seconds on the local timeline.
    package init(localSeconds: Int64) {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let rest = Int(localSeconds - days * 86_400)
        self.init(date: CivilDate(dayNumber: Int(days)), hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60)
    }

    /// Seconds since midnight.
    package var secondOfDay: Int { hour * 3600 + minute * 60 + second }

    package static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.localSeconds < rhs.localSeconds
    }

    /// `YYYY-MM-DDTHH:MM:SS`.
    package var description: String {
        date.description + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS]` (also with a space instead of `T`), or returns nil.
    package init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16 || bytes.count == 19, let date = CivilDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"),
            let h = parseDigits(bytes[11..<13]), let m = parseDigits(bytes[14..<16]), h < 24, m < 60
        else { return nil }
        var s = 0
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let parsed = parseDigits(bytes[17..<19]), parsed < 60 else { return nil }
            s = parsed
        }
        self.init(date: date, hour: h, minute: m, second: s)
    }
}
