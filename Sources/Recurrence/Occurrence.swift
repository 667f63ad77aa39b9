/// One firing of a schedule: a real instant, the offset it is shown in, and the wall time the
/// schedule meant.
package struct Occurrence: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    package var instant: Int64
    /// Seconds east of UTC at `instant`, in the schedule's zone.
    package var utcOffset: Int32
    /// The wall time the rule produced, before DST resolution and holiday shifts. Two occurrences
    /// of a wildcard cron entry in a fall-back hour share it; their instants differ.
    package var nominal: LocalDateTime
    /// Set when a holiday policy moved the occurrence: the day the schedule meant, and why that
    /// day was not a business day ("Christmas Day", "Saturday"). Not part of equality.
    package var shift: HolidayShift?

    package init(instant: Int64, utcOffset: Int32, nominal: LocalDateTime, shift: HolidayShift? = nil) {
        self.instant = instant
        self.utcOffset = utcOffset
        self.nominal = nominal
        self.shift = shift
    }

    package static func == (lhs: Occurrence, rhs: Occurrence) -> Bool {
        lhs.instant == rhs.instant && lhs.utcOffset == rhs.utcOffset && lhs.nominal == rhs.nominal
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(instant)
        hasher.combine(utcOffset)
        hasher.combine(nominal)
    }

    /// The wall time at which the occurrence actually fires (differs from `nominal` in a DST gap
    /// and after a holiday shift).
    package var local: LocalDateTime { LocalDateTime(localSeconds: instant + Int64(utcOffset)) }

    /// RFC 3339 text in the zone's own offset, e.g. `2026-03-09T09:00:00-04:00`.
    package var rfc3339: String { RFC3339.format(instant, offset: utcOffset) }

    package var description: String { rfc3339 }

    package static func < (lhs: Occurrence, rhs: Occurrence) -> Bool { lhs.instant < rhs.instant }
}

/// Where a holiday policy moved an occurrence from, and why.
package struct HolidayShift: Hashable, Sendable {
    /// The date the schedule meant.
    package var from: CivilDate
    /// The holiday's name, or the weekday's for a weekend.
    package var reason: String

    package init(from: CivilDate, reason: String) {
        self.from = from
        self.reason = reason
    }

    /// "moved from Fri 25 Dec: Christmas Day".
    package var text: String {
        "moved from \(from.weekday.shortName) \(from.day) \(HolidayShift.monthNames[from.month - 1]): \(reason)"
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

/// Holds occurrences produced slightly out of order (DST gaps, holiday shifts) and releases them
/// sorted and without duplicate instants once no later input can precede them.
struct ReorderBuffer {
    private var items: [Occurrence] = []
    private var head = 0
    private(set) var lastReleased = Int64.min

    var isEmpty: Bool { head >= items.count }

    mutating func insert(_ occurrence: Occurrence) {
        // Input is almost always already in order, so this is usually an append.
        var index = items.count
        while index > head, items[index - 1].instant > occurrence.instant { index -= 1 }
        items.insert(occurrence, at: index)
    }

    /// The next occurrence whose instant is below `bound`, skipping duplicates of released instants.
    mutating func release(below bound: Int64) -> Occurrence? {
        while head < items.count, items[head].instant < bound {
            let item = items[head]
            head += 1
            if head > 512, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            if item.instant > lastReleased {
                lastReleased = item.instant
                return item
            }
        }
        return nil
    }
}
