extension Schedule {
    /// Where the phase of an `INTERVAL` > 1 comes from when a rule gives no DTSTART: Monday
    /// 2024-01-01 at 00:00 in the schedule's zone. It is also the start of a week, a month, a
    /// quarter and a year, so "every 2 weeks" counts weeks from it and "every 3 months" runs in
    /// January, April, July and October.
    package static let anchor = LocalDateTime(year: 2024, month: 1, day: 1)

    /// An RRULE schedule. `text` is `FREQ=…` (optionally prefixed `RRULE:`), or RFC 5545 lines
    /// `DTSTART[;TZID=Zone]:YYYYMMDDTHHMMSS` and `RRULE:…`. Without a DTSTART, `dtstart` is used;
    /// without either, the rule is anchored at ``anchor`` (a phase, not a start).
    package static func rrule(_ text: String, dtstart: LocalDateTime? = nil, zone: ZoneRules) throws(RecurrenceError) -> Schedule {
        var ruleText: String?
        var start = dtstart
        var zone = zone
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.uppercased().hasPrefix("DTSTART") {
                guard let colon = line.lastIndex(of: ":") else {
                    throw RecurrenceError(.invalidRRule, "DTSTART needs a value, e.g. DTSTART:20261204T150000")
                }
                let params = line[line.index(line.startIndex, offsetBy: 7)..<colon]
                for param in params.split(separator: ";") where param.uppercased().hasPrefix("TZID=") {
                    zone = try ZoneRules(identifier: String(param.dropFirst(5)))
                }
                let value = String(line[line.index(after: colon)...])
                guard let parsed = parseBasicDateTime(value), !value.hasSuffix("Z") else {
                    throw RecurrenceError(
                        .invalidRRule,
                        "DTSTART \(value) is not a local date-time (expected YYYYMMDDTHHMMSS, e.g. 20261204T150000)")
                }
                start = parsed
            } else {
                guard ruleText == nil else {
                    throw RecurrenceError(.invalidRRule, "only one RRULE line is supported, found a second: \(line)")
                }
                ruleText = line
            }
        }
        guard let ruleText else { throw RecurrenceError(.invalidRRule, "RRULE needs FREQ, e.g. FREQ=WEEKLY;BYDAY=MO") }
        let rule = try RecurrenceRule(parsing: ruleText)
        if start == nil, rule.count != nil {
            throw RecurrenceError(
                .invalidRRule, "RRULE part COUNT needs a DTSTART to count from (add DTSTART or use UNTIL)")
        }
        let anchored = start == nil
        let schedule = Schedule(rule: .rrule(rule, start: start ?? anchor, anchored: anchored), source: .rrule(text), zone: zone)
        return schedule
    }

    /// A cadence phrase schedule, such as `weekly on monday at 09:00`.
    package static func phrase(_ text: String, zone: ZoneRules) throws(RecurrenceError) -> Schedule {
        let phrase = try CadencePhrase(parsing: text)
        let rule = try RecurrenceRule(parsing: phrase.rrule)
        let start = phrase.starting.map { LocalDateTime(date: $0, hour: phrase.hour, minute: phrase.minute) }
        var schedule = Schedule(
            rule: .rrule(rule, start: start ?? anchor, anchored: start == nil), source: .phrase(text), zone: zone)
        if let implied = phrase.impliedHolidayPolicy { schedule.holidayPolicy = implied }
        return schedule
    }

    /// Any of the three forms: `@daily` or five fields → cron; `FREQ=`/`RRULE:`/`DTSTART` → RRULE;
    /// anything else → a cadence phrase.
    package static func parse(_ expression: String, zone: ZoneRules) throws(RecurrenceError) -> Schedule {
        let trimmed = expression.trimmingWhitespace()
        let upper = trimmed.uppercased()
        if upper.hasPrefix("FREQ=") || upper.hasPrefix("RRULE:") || upper.hasPrefix("DTSTART") {
            return try rrule(trimmed, zone: zone)
        }
        if trimmed.hasPrefix("@") || looksLikeCron(trimmed) { return try cron(trimmed, zone: zone) }
        return try phrase(trimmed, zone: zone)
    }

    static func looksLikeCron(_ text: String) -> Bool {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 3 else { return false }
        return fields.allSatisfy { field in
            field.allSatisfy { $0.isNumber || "*/,-#?LlWw".contains($0) } || field.count == 3 && field.allSatisfy(\.isLetter)
                || field.contains("-") && field.allSatisfy { $0.isLetter || $0 == "-" || $0 == "," }
        } && fields.first!.allSatisfy { $0.isNumber || "*/,-".contains($0) }
    }

    /// Throws when the schedule, holiday policy included, can never produce an occurrence.
    package func checkCanFire() throws(RecurrenceError) {
        let from: Int64
        switch rule {
        case .cron:
            from = Schedule.anchor.localSeconds - 86_400
        case .rrule(_, let start, _):
            from = zone.resolve(start).instant - 1
        }
        if next(after: from) == nil {
            let reason =
                holidayPolicy == .skip
                ? "every occurrence falls on a weekend or holiday and the holiday policy is skip"
                : "no date satisfies the rule"
            throw RecurrenceError(.neverFires, "\(self) can never fire: \(reason)")
        }
    }

    /// `YYYYMMDDTHHMMSS` (RFC 5545 basic format, floating).
    static func parseBasicDateTime(_ text: String) -> LocalDateTime? {
        let bytes = Array(text.utf8)
        guard bytes.count == 15, bytes[8] == UInt8(ascii: "T"), let y = parseDigits(bytes[0..<4]),
            let mo = parseDigits(bytes[4..<6]), let d = parseDigits(bytes[6..<8]), let h = parseDigits(bytes[9..<11]),
            let mi = parseDigits(bytes[11..<13]), let s = parseDigits(bytes[13..<15]),
            let date = CivilDate(validatingYear: y, month: mo, day: d), h < 24, mi < 60, s < 60
        else { return nil }
        return LocalDateTime(date: date, hour: h, minute: mi, second: s)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
