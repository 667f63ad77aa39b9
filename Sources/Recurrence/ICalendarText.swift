/// RFC 5545 content lines: TEXT escaping, folding at 75 octets, CRLF endings.
package enum ICalendarText {
    /// Escapes a TEXT value: backslash, semicolon, comma and newlines.
    package static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(ch)
            }
        }
        return out
    }

    /// Folds one content line at 75 octets (continuation lines start with a space), never
    /// splitting a UTF-8 sequence, and ends it with CRLF.
    package static func fold(_ line: String) -> String {
        var result = ""
        var current = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if current + size > limit {
                result += "\r\n "
                current = 0
                limit = 74
            }
            result.unicodeScalars.append(scalar)
            current += size
        }
        return result + "\r\n"
    }

    /// `20261207T090000` (local, floating).
    package static func local(_ value: LocalDateTime) -> String {
        RecurrenceRule.basic(value)
    }

    /// `20261207T140000Z`.
    package static func utc(_ instant: Int64) -> String {
        RecurrenceRule.basic(LocalDateTime(localSeconds: instant)) + "Z"
    }

    /// `-0500`, `+0545`.
    package static func offset(_ seconds: Int32) -> String {
        let m = Int(seconds.magnitude) / 60
        return (seconds < 0 ? "-" : "+") + pad(m / 60, 2) + pad(m % 60, 2)
    }
}

extension ZoneRules {
    /// A VTIMEZONE component describing this zone from `year` on, as content lines (unfolded).
    ///
    /// Zones whose current rule is "the n-th weekday of a month at a time of day" get the usual
    /// two yearly observances with RRULEs, valid for every later year; other zones get their
    /// explicit transitions for the next 40 years.
    package func iCalendarComponent(from year: Int) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(identifier)"]
        let startInstant = Int64(CivilDate(year: year, month: 1, day: 1).dayNumber) * 86_400
        if let rule, let dst = rule.daylight, case .monthWeekDay(let sm, let sw, let sd) = dst.start,
            case .monthWeekDay(let em, let ew, let ed) = dst.end, (0..<86_400).contains(dst.startTime),
            (0..<86_400).contains(dst.endTime), ruleAgrees(from: startInstant)
        {
            func observance(_ kind: String, from: Int32, to: Int32, name: String, month: Int, week: Int, weekday: Int, time: Int32) -> [String] {
                let date = PosixTimeZoneRule.DateRule.monthWeekDay(month: month, week: week, weekday: weekday).date(in: 1970)
                let t = Int(time)
                return [
                    "BEGIN:\(kind)", "TZOFFSETFROM:\(ICalendarText.offset(from))", "TZOFFSETTO:\(ICalendarText.offset(to))",
                    "TZNAME:\(name)",
                    "DTSTART:" + ICalendarText.local(LocalDateTime(date: date, hour: t / 3600, minute: t / 60 % 60, second: t % 60)),
                    "RRULE:FREQ=YEARLY;BYMONTH=\(month);BYDAY=\(week == 5 ? -1 : week)\(Weekday(rawValue: weekday)!.rfcCode)",
                    "END:\(kind)",
                ]
            }
            lines += observance(
                "DAYLIGHT", from: rule.standardOffset, to: dst.offset, name: dst.abbreviation, month: sm, week: sw, weekday: sd,
                time: dst.startTime)
            lines += observance(
                "STANDARD", from: dst.offset, to: rule.standardOffset, name: rule.standardAbbreviation, month: em, week: ew,
                weekday: ed, time: dst.endTime)
        } else {
            var cursor = startInstant - 366 * 86_400
            let end = startInstant + 40 * 366 * 86_400
            var any = false
            while let t = nextTransition(after: cursor), t.instant <= end {
                let kind = t.offsetAfter > t.offsetBefore ? "DAYLIGHT" : "STANDARD"
                lines += [
                    "BEGIN:\(kind)", "TZOFFSETFROM:\(ICalendarText.offset(t.offsetBefore))",
                    "TZOFFSETTO:\(ICalendarText.offset(t.offsetAfter))", "TZNAME:\(abbreviation(at: t.instant))",
                    "DTSTART:" + ICalendarText.local(LocalDateTime(localSeconds: t.instant + Int64(t.offsetBefore))), "END:\(kind)",
                ]
                cursor = t.instant
                any = true
            }
            if !any {
                let offset = self.offset(at: startInstant)
                lines += [
                    "BEGIN:STANDARD", "TZOFFSETFROM:\(ICalendarText.offset(offset))", "TZOFFSETTO:\(ICalendarText.offset(offset))",
                    "TZNAME:\(abbreviation(at: startInstant))", "DTSTART:19700101T000000", "END:STANDARD",
                ]
            }
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// Whether the POSIX rule reproduces every listed transition from `start` on (TZif files
    /// list transitions up to 2037 even where the rule has not changed since 2007).
    func ruleAgrees(from start: Int64) -> Bool {
        guard let rule else { return false }
        var cursor = start
        while let t = nextTransition(after: cursor), t.instant <= ruleStart {
            guard rule.offset(at: t.instant) == t.offsetAfter, rule.offset(at: t.instant - 1) == t.offsetBefore else {
                return false
            }
            cursor = t.instant
        }
        return true
    }
}
