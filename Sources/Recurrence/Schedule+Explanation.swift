extension Schedule {
    /// A plain-English reading of the schedule, one statement per line: what it means, which
    /// day rule applies (cron), how DST and holidays are handled.
    package var explanation: [String] {
        var lines: [String] = []
        switch (rule, source) {
        case (.cron(let cron), _):
            lines.append("cron \"\(cron.source)\"\(cron.source.hasPrefix("@") ? " (\(cron.description))" : ""): \(cron.reading)")
            lines.append(cron.dayRuleExplanation)
            if cron.hasWildcardTime {
                lines.append(
                    "DST: the minute or hour field has *, so it fires at every real instant whose local time matches — an hourly entry runs 25 times on a fall-back day; times skipped by spring-forward fire at the pre-gap offset.")
            } else {
                lines.append(
                    "DST: a time in a spring-forward gap fires at the pre-gap offset (02:30 becomes 03:30); a time that occurs twice fires once, at the first occurrence.")
            }
        case (.rrule(let rrule, let start, let anchored), .phrase(let phrase)):
            lines.append("phrase \"\(phrase)\": \(rrule.reading)")
            lines.append("Compiled to RRULE: \(rrule.rfcText)" + (anchored ? "" : " with DTSTART \(start)"))
            // Parsed again rather than stored on the schedule: only explain needs to know.
            if let compiled = try? CadencePhrase(parsing: phrase), !compiled.timeGiven {
                lines.append(
                    "No time given: \(pad(CadencePhrase.defaultHour, 2)):00, the default (add \"at HH:MM\" to choose another).")
            }
            if anchored, rrule.interval > 1 {
                lines.append("The INTERVAL phase counts from the anchor \(Schedule.anchor) (add \"starting YYYY-MM-DD\" to choose another).")
            }
            lines.append(Schedule.rruleDSTLine)
        case (.rrule(let rrule, let start, let anchored), _):
            lines.append("RRULE \(rrule.rfcText): \(rrule.reading)")
            if anchored {
                lines.append(
                    "No DTSTART: parts the rule leaves out and the INTERVAL phase come from the anchor \(Schedule.anchor); the rule has no start.")
            } else {
                lines.append("DTSTART \(start): the first period; nothing before it.")
            }
            lines.append(Schedule.rruleDSTLine)
        }
        lines.append("Time zone: \(zone.identifier).")
        switch holidayPolicy {
        case .ignore: break
        case .skip: lines.append("Holidays: occurrences on weekends and holidays are skipped.")
        case .nextBusinessDay: lines.append("Holidays: occurrences on weekends and holidays move to the next business day, same time.")
        case .previousBusinessDay:
            lines.append("Holidays: occurrences on weekends and holidays move to the previous business day, same time.")
        }
        return lines
    }

    static let rruleDSTLine =
        "DST: a time in a spring-forward gap fires at the pre-gap offset (RFC 5545 3.3.5: 02:30 becomes 03:30); a time that occurs twice fires once, at the first occurrence."
}

extension CronExpression {
    /// "at 09:00 on Monday through Friday".
    package var reading: String {
        var parts: [String] = [timeReading]
        let dom = dayOfMonthReading
        let dow = dayOfWeekReading
        switch (dom, dow) {
        case (nil, nil): parts.append("every day")
        case (let d?, nil): parts.append(d)
        case (nil, let w?): parts.append(w)
        case (let d?, let w?): parts.append(usesDayOrRule ? "\(d), or \(w)" : "\(d) that is also \(w.dropFirst(3))")
        }
        if let months = monthReading { parts.append(months) }
        return parts.joined(separator: " ")
    }

    /// Which day rule applies, and why.
    package var dayRuleExplanation: String {
        let domRestricted = dayOfMonthReading != nil
        let dowRestricted = dayOfWeekReading != nil
        if usesDayOrRule {
            return "Day rule: day-of-month and day-of-week are both restricted, so a day matches if EITHER matches (the classic cron OR rule)."
        }
        if domRestricted && dowRestricted {
            return "Day rule: a field starting with * (\(dayOfMonthIsStar ? fields[2] : fields[4])) counts as unrestricted in Vixie cron, so both fields must match (AND)."
        }
        return "Day rule: only one day field is restricted, so it alone decides."
    }

    private var timeReading: String {
        let hs = hourList
        let ms = minuteList
        if ms.count == 60 && hs.count == 24 { return "every minute" }
        if hs.count * ms.count <= 6 {
            return "at " + hs.flatMap { h in ms.map { m in pad(h, 2) + ":" + pad(m, 2) } }.joined(separator: ", ")
        }
        let minutes = ms.count == 60 ? "every minute" : "at minute\(ms.count == 1 ? "" : "s") \(CronExpression.compress(ms))"
        let hours = hs.count == 24 ? "of every hour" : "past hour\(hs.count == 1 ? "" : "s") \(CronExpression.compress(hs))"
        return "\(minutes) \(hours)"
    }

    private var dayOfMonthReading: String? {
        let days = (1...31).filter { daysOfMonth & (1 << UInt32($0)) != 0 }
        if days.count == 31 && !lastDayOfMonth { return nil }
        var parts: [String] = []
        if !days.isEmpty { parts.append("day\(days.count == 1 ? "" : "s") \(CronExpression.compress(days)) of the month") }
        if lastDayOfMonth { parts.append("the last day of the month") }
        return "on " + parts.joined(separator: " and ")
    }

    private var dayOfWeekReading: String? {
        let plain = (0..<7).filter { daysOfWeek & UInt8(1 << $0) != 0 }
        var parts: [String] = []
        if plain.count == 7 && nthWeekdays.allSatisfy({ $0 == 0 }) && lastWeekdays == 0 { return nil }
        if plain == [1, 2, 3, 4, 5] {
            parts.append("Monday through Friday")
        } else if !plain.isEmpty {
            parts.append(plain.map { Weekday(rawValue: $0)!.name }.joined(separator: ", "))
        }
        let ordinals = ["", "first", "second", "third", "fourth", "fifth"]
        for k in 1...5 {
            for w in 0..<7 where nthWeekdays[k] & UInt8(1 << w) != 0 {
                parts.append("the \(ordinals[k]) \(Weekday(rawValue: w)!.name) of the month")
            }
        }
        for w in 0..<7 where lastWeekdays & UInt8(1 << w) != 0 {
            parts.append("the last \(Weekday(rawValue: w)!.name) of the month")
        }
        return "on " + parts.joined(separator: ", ")
    }

    private var monthReading: String? {
        let ms = (1...12).filter { months & (1 << UInt16($0)) != 0 }
        guard ms.count < 12 else { return nil }
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "in " + ms.map { names[$0 - 1] }.joined(separator: ", ")
    }

    /// `1-5, 10, 15` from a sorted list.
    static func compress(_ values: [Int]) -> String {
        var out: [String] = []
        var i = 0
        while i < values.count {
            var j = i
            while j + 1 < values.count, values[j + 1] == values[j] + 1 { j += 1 }
            if j - i >= 2 { out.append("\(values[i])-\(values[j])") } else { out += values[i...j].map(String.init) }
            i = j + 1
        }
        if out.count > 1 { return out.dropLast().joined(separator: ", ") + " and " + out.last! }
        return out.joined()
    }
}

extension RecurrenceRule {
    /// "every 2 weeks on Friday at 15:00".
    package var reading: String {
        let unit: String
        switch frequency {
        case .yearly: unit = "year"
        case .monthly: unit = "month"
        case .weekly: unit = "week"
        case .daily: unit = "day"
        case .hourly: unit = "hour"
        case .minutely: unit = "minute"
        }
        var text = interval == 1 ? "every \(unit)" : "every \(interval) \(unit)s"
        if !byMonth.isEmpty {
            let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            text += " in " + byMonth.map { names[$0 - 1] }.joined(separator: ", ")
        }
        if !byWeekNo.isEmpty { text += " in week \(byWeekNo.map(String.init).joined(separator: ", "))" }
        if !byYearDay.isEmpty { text += " on day \(byYearDay.map(String.init).joined(separator: ", ")) of the year" }
        if !byMonthDay.isEmpty {
            text += " on day " + byMonthDay.map { $0 == -1 ? "last" : $0 < 0 ? "\(-$0)th-to-last" : String($0) }.joined(separator: ", ")
                + " of the month"
        }
        if !byDay.isEmpty {
            let ordinals = [1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second-to-last"]
            let days = byDay.map { d -> String in
                guard let n = d.ordinal else { return d.weekday.name }
                return "the \(ordinals[n] ?? "\(n)th") \(d.weekday.name)"
            }
            text += " on " + (days == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] ? "weekdays" : days.joined(separator: ", "))
        }
        if !bySetPos.isEmpty {
            let positions = bySetPos.map { $0 == 1 ? "the first" : $0 == -1 ? "the last" : $0 > 0 ? "number \($0)" : "number \(-$0) from the end" }
            text += " (\(positions.joined(separator: " and ")) of them in each \(unit))"
        }
        if !byHour.isEmpty || !byMinute.isEmpty {
            let hs = byHour.isEmpty ? nil : byHour
            let ms = byMinute.isEmpty ? [0] : byMinute
            if let hs, hs.count * ms.count <= 6 {
                text += " at " + hs.flatMap { h in ms.map { m in pad(h, 2) + ":" + pad(m, 2) } }.joined(separator: ", ")
            } else {
                if let hs { text += " in hour\(hs.count == 1 ? "" : "s") \(CronExpression.compress(hs))" }
                text += " at minute\(ms.count == 1 ? "" : "s") \(CronExpression.compress(ms))"
            }
        }
        if let count { text += ", \(count) times" }
        switch until {
        case .date(let d): text += ", until \(d)"
        case .local(let l): text += ", until \(l)"
        case .utc(let u): text += ", until \(RFC3339.formatUTC(u))"
        case nil: break
        }
        return text
    }
}
