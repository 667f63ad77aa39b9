/// Holidays read from an iCalendar file (a company's closure days, a Google Calendar export).
///
/// Every VEVENT is a holiday: its DTSTART date (`DTSTART;VALUE=DATE:20261224`, or the date part
/// of a date-time), every day up to a later all-day DTEND, named by its SUMMARY.
/// `RRULE:FREQ=YEARLY` (with INTERVAL, COUNT or UNTIL) repeats it within `years`; other
/// recurrences are refused with their line. As calendar applications do, EXDATE takes a repeat
/// out, RDATE adds one, an event with the same UID and a RECURRENCE-ID replaces the repeat it
/// names (moved, renamed, or `STATUS:CANCELLED`), and a cancelled event is no holiday.
package enum ICalendarHolidays {
    /// A line of the file that cannot be used.
    package struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// 1-based line of the file (the first physical line of a folded content line).
        package let line: Int
        package let message: String
        package var description: String { message }

        package init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// One VEVENT as read.
    private struct Event {
        var line: Int
        var start: CivilDate?
        /// Exclusive.
        var end: CivilDate?
        var name = ""
        var rule: (interval: Int, count: Int?, until: CivilDate?)?
        var uid: String?
        /// EXDATE: repeats taken out.
        var excluded: Set<CivilDate> = []
        /// RDATE: repeats added.
        var added: [CivilDate] = []
        /// RECURRENCE-ID: the repeat of the event with the same UID that this one replaces.
        var replaces: CivilDate?
        var cancelled = false
    }

    package static func parse(_ text: String, years: ClosedRange<Int>) throws(ParseError) -> [Holiday] {
        var events: [(event: Event, start: CivilDate)] = []
        var event: Event?
        for (line, content) in unfold(text) {
            let (name, parameters, value) = split(content)
            switch name {
            case "BEGIN" where value.uppercased() == "VEVENT":
                event = Event(line: line)
            case "END" where value.uppercased() == "VEVENT":
                guard let current = event else { throw ParseError(line: line, message: "END:VEVENT without BEGIN:VEVENT") }
                guard let start = current.start else {
                    throw ParseError(line: current.line, message: "event without DTSTART (expected DTSTART;VALUE=DATE:YYYYMMDD)")
                }
                events.append((current, start))
                event = nil
            case "DTSTART", "DTEND":
                guard event != nil else { continue }
                guard let date = date(value) else {
                    throw ParseError(line: line, message: "expected \(name) as a date YYYYMMDD (or YYYYMMDDTHHMMSS), got \"\(value)\"")
                }
                // An all-day DTEND is exclusive; a timed one ends on the day it names.
                let allDay = parameters.uppercased().contains("VALUE=DATE") && !parameters.uppercased().contains("VALUE=DATE-TIME")
                    || !value.contains("T")
                if name == "DTSTART" { event!.start = date } else { event!.end = allDay ? date : date.adding(days: 1) }
            case "SUMMARY":
                if event != nil { event!.name = unescape(value) }
            case "RRULE":
                guard event != nil else { continue }
                event!.rule = try yearly(value, line: line)
            case "UID":
                if event != nil { event!.uid = value }
            case "STATUS":
                if event != nil { event!.cancelled = value.uppercased() == "CANCELLED" }
            case "EXDATE", "RDATE":
                guard event != nil else { continue }
                for item in value.split(separator: ",") {
                    // RDATE;VALUE=PERIOD:start/end: the period's start.
                    let text = String(item.split(separator: "/").first ?? item)
                    guard let date = date(text) else {
                        throw ParseError(line: line, message: "expected \(name) as dates YYYYMMDD (or YYYYMMDDTHHMMSS), got \"\(item)\"")
                    }
                    if name == "EXDATE" { event!.excluded.insert(date) } else { event!.added.append(date) }
                }
            case "RECURRENCE-ID":
                guard event != nil else { continue }
                guard let date = date(value) else {
                    throw ParseError(line: line, message: "expected RECURRENCE-ID as a date YYYYMMDD (or YYYYMMDDTHHMMSS), got \"\(value)\"")
                }
                event!.replaces = date
            default:
                continue
            }
        }
        if let event { throw ParseError(line: event.line, message: "BEGIN:VEVENT without END:VEVENT") }

        // Repeats replaced by another event of the same UID.
        var replaced: [String: Set<CivilDate>] = [:]
        for (event, _) in events {
            if let uid = event.uid, let date = event.replaces { replaced[uid, default: []].insert(date) }
        }
        var holidays: [Holiday] = []
        for (event, start) in events where !event.cancelled {
            let days = max(1, (event.end?.dayNumber ?? start.dayNumber + 1) - start.dayNumber)
            let title = event.name.isEmpty ? "Holiday" : event.name
            // An override is its own one day; a series is its repeats and added dates, less the
            // excluded and the replaced ones.
            let skipped = event.excluded.union(event.uid.flatMap { replaced[$0] } ?? [])
            let firsts = event.replaces != nil
                ? [start] : Set(occurrences(start, rule: event.rule, years: years) + event.added).subtracting(skipped).sorted()
            for first in firsts {
                for offset in 0..<min(days, 366) {
                    let date = first.adding(days: offset)
                    if years.contains(date.year) { holidays.append(Holiday(date: date, name: title)) }
                }
            }
        }
        return holidays.sorted()
    }

    /// Content lines with the number of their first physical line; folded lines joined.
    private static func unfold(_ text: String) -> [(Int, String)] {
        var result: [(Int, String)] = []
        // "\r\n" is one Character in Swift: split on both.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if let first = line.first, first == " " || first == "\t", !result.isEmpty {
                result[result.count - 1].1 += line.dropFirst()
            } else if !line.isEmpty {
                result.append((index + 1, String(line)))
            }
        }
        return result
    }

    /// `DTSTART;VALUE=DATE:20261224` → ("DTSTART", "VALUE=DATE", "20261224").
    private static func split(_ line: String) -> (String, String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line.uppercased(), "", "") }
        let head = line[..<colon]
        let value = String(line[line.index(after: colon)...])
        if let semicolon = head.firstIndex(of: ";") {
            return (head[..<semicolon].uppercased(), String(head[head.index(after: semicolon)...]), value)
        }
        return (head.uppercased(), "", value)
    }

    private static func date(_ value: String) -> CivilDate? {
        let digits = value.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let n = Int(digits) else { return nil }
        return CivilDate(validatingYear: n / 10000, month: n / 100 % 100, day: n % 100)
    }

    /// `FREQ=YEARLY;INTERVAL=2;COUNT=5;UNTIL=20301231` → (interval, count, until).
    private static func yearly(_ value: String, line: Int) throws(ParseError) -> (Int, Int?, CivilDate?) {
        var frequency = ""
        var interval = 1
        var count: Int?
        var until: CivilDate?
        for part in value.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw ParseError(line: line, message: "malformed RRULE part \"\(part)\"") }
            switch pair[0].uppercased() {
            case "FREQ": frequency = pair[1].uppercased()
            case "INTERVAL":
                guard let n = Int(pair[1]), n > 0 else { throw ParseError(line: line, message: "INTERVAL must be a positive number") }
                interval = n
            case "COUNT":
                guard let n = Int(pair[1]), n > 0 else { throw ParseError(line: line, message: "COUNT must be a positive number") }
                count = n
            case "UNTIL":
                guard let d = date(pair[1]) else { throw ParseError(line: line, message: "UNTIL must be a date YYYYMMDD") }
                until = d
            case "WKST": continue
            default:
                throw ParseError(
                    line: line, message: "RRULE part \(pair[0]) is not supported for holidays (only FREQ=YEARLY with INTERVAL, COUNT, UNTIL)")
            }
        }
        guard frequency == "YEARLY" else {
            throw ParseError(line: line, message: "only RRULE:FREQ=YEARLY is supported for holidays, got FREQ=\(frequency)")
        }
        return (interval, count, until)
    }

    /// The first days of an event: `start`, and its yearly repeats within `years`.
    private static func occurrences(_ start: CivilDate, rule: (Int, Int?, CivilDate?)?, years: ClosedRange<Int>) -> [CivilDate] {
        guard let (interval, count, until) = rule else { return [start] }
        var result: [CivilDate] = []
        var index = 0
        var year = start.year
        while year <= years.upperBound, count.map({ index < $0 }) ?? true {
            // February 29 repeats only in leap years, as RFC 5545 says for an invalid date.
            if let date = CivilDate(validatingYear: year, month: start.month, day: start.day) {
                if let until, date > until { break }
                result.append(date)
                index += 1
            }
            year += interval
        }
        return result
    }

    /// Undoes TEXT escaping: `\,` `\;` `\\` `\n`.
    private static func unescape(_ value: String) -> String {
        var out = ""
        var escaped = false
        for ch in value {
            if escaped {
                out.append(ch == "n" || ch == "N" ? " " : ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
