import Foundation

/// Reads how long a server asked us to wait: the `Retry-After` header (RFC 9110: seconds or an
/// HTTP-date) or Discord's JSON `retry_after`.
enum RetryAfter {
    /// The delay a `Retry-After` value asks for, not yet clamped; a date in the past means
    /// zero. `nil` for anything unreadable, so the caller falls back to its own backoff.
    static func delay(fromHeader value: String, now: Int64) -> Duration? {
        let text = value.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Too many digits for Int still means "a very long time".
            return .seconds(Int64(text) ?? Int64.max / 1_000_000_000_000)
        }
        guard let date = HTTPDate.parse(text, now: now) else { return nil }
        return .seconds(max(0, date - now))
    }

    /// Discord's 429 body: `{"retry_after": 1.234, …}` in seconds (a float).
    static func delay(fromJSONBody body: [UInt8]) -> Duration? {
        guard !body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let number = object["retry_after"] as? NSNumber
        else { return nil }
        let seconds = number.doubleValue
        guard seconds.isFinite, seconds >= 0 else { return nil }
        return .seconds(double: min(seconds, 1e9))
    }
}

/// Parses HTTP-dates in all three forms RFC 9110 tells recipients to accept.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
    /// (RFC 850) or `Sun Nov  6 08:49:37 1994` (asctime). `now` resolves RFC 850's two-digit year.
    static func parse(_ text: String, now: Int64) -> Int64? {
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch tokens.count {
        case 6 where tokens[0].hasSuffix(",") && tokens[5] == "GMT":
            guard let day = Int(tokens[1]), let month = month(tokens[2]), tokens[3].count == 4, let year = Int(tokens[3]) else { return nil }
            return make(year: year, month: month, day: day, time: tokens[4])
        case 4 where tokens[0].hasSuffix(",") && tokens[3] == "GMT":
            let parts = tokens[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let day = Int(parts[0]), let month = month(parts[1]), parts[2].count == 2, let yy = Int(parts[2]) else {
                return nil
            }
            return make(year: fullYear(twoDigit: yy, now: now), month: month, day: day, time: tokens[2])
        case 5:
            guard let month = month(tokens[1]), let day = Int(tokens[2]), tokens[4].count == 4, let year = Int(tokens[4]) else { return nil }
            return make(year: year, month: month, day: day, time: tokens[3])
        default:
            return nil
        }
    }

    private static func month(_ text: String) -> Int? {
        months.firstIndex(of: text.lowercased()).map { $0 + 1 }
    }

    /// RFC 9110: a two-digit year more than 50 years ahead means the most recent past year
    /// with those digits.
    private static func fullYear(twoDigit yy: Int, now: Int64) -> Int {
        let currentYear = 1970 + Int(now / 31_556_952)
        var year = currentYear - currentYear % 100 + yy
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    private static func make(year: Int, month: Int, day: Int, time: String) -> Int64? {
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]),
            (1...31).contains(day), day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
