import Recurrence

/// Dates and times as people read them in agendas and chat messages (English, 24-hour clock).
public enum HumanTime {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// `Monday 7 December 2026`.
    public static func longDate(_ date: CivilDate) -> String {
        "\(date.weekday.name) \(date.day) \(months[date.month - 1]) \(date.year)"
    }

    /// `Mon 7 Dec`.
    public static func shortDate(_ date: CivilDate) -> String {
        "\(date.weekday.shortName) \(date.day) \(months[date.month - 1].prefix(3))"
    }

    /// `09:05`.
    public static func clock(_ local: LocalDateTime) -> String {
        pad2(local.hour) + ":" + pad2(local.minute)
    }

    /// `Mon 7 Dec 09:05`.
    public static func shortDateTime(_ local: LocalDateTime) -> String {
        shortDate(local.date) + " " + clock(local)
    }

    /// `30 min`, `1 h`, `1 h 30 min`, `2 d`.
    public static func duration(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        if minutes >= 1440, minutes % 1440 == 0 { return "\(minutes / 1440) d" }
        if minutes < 60 { return "\(minutes) min" }
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// `Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York)`.
    public static func span(start: Int64, duration: Int, zone: ZoneRules) -> String {
        let local = zone.localDateTime(at: start)
        let end = zone.localDateTime(at: start + Int64(duration))
        let endText = end.date == local.date ? clock(end) : shortDateTime(end)
        return "\(shortDate(local.date)) \(local.date.year), \(clock(local))–\(endText) \(zone.abbreviation(at: start)) (\(zone.identifier))"
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
