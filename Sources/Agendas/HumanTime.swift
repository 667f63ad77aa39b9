import Recurrence

/// Dates and times as people read them in agendas and chat messages: the house style (English,
/// 24-hour clock) unless a ``Presentation`` with the workspace's `locale:` is given.
package enum HumanTime {
    /// `Monday 7 December 2026`.
    package static func longDate(_ date: CivilDate, _ style: Presentation = .house) -> String { style.longDate(date) }

    /// `Mon 7 Dec`.
    package static func shortDate(_ date: CivilDate, _ style: Presentation = .house) -> String { style.shortDate(date) }

    /// `09:05`.
    package static func clock(_ local: LocalDateTime, _ style: Presentation = .house) -> String { style.clock(local) }

    /// `Mon 7 Dec 09:05`.
    package static func shortDateTime(_ local: LocalDateTime, _ style: Presentation = .house) -> String { style.shortDateTime(local) }

    /// `30 min`, `1 h`, `1 h 30 min`, `2 d`.
    package static func duration(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        if minutes >= 1440, minutes % 1440 == 0 { return "\(minutes / 1440) d" }
        if minutes < 60 { return "\(minutes) min" }
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// `Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York)`.
    package static func span(start: Int64, duration: Int, zone: ZoneRules, _ style: Presentation = .house) -> String {
        let local = zone.localDateTime(at: start)
        let end = zone.localDateTime(at: start + Int64(duration))
        let endText = end.date == local.date ? style.clock(end) : style.shortDateTime(end)
        return "\(style.shortDateWithYear(local.date)), \(style.clock(local))–\(endText) \(zone.abbreviation(at: start)) (\(zone.identifier))"
    }
}
