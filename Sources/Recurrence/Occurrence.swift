/// One firing of a schedule: a real instant, the offset it is shown in, and the wall time the
/// schedule meant.
public struct Occurrence: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var instant: Int64
    /// Seconds east of UTC at `instant`, in the schedule's zone.
    public var utcOffset: Int32
    /// The wall time the rule produced, before DST resolution and holiday shifts. Two occurrences
    /// of a wildcard cron entry in a fall-back hour share it; their instants differ.
    public var nominal: LocalDateTime

    public init(instant: Int64, utcOffset: Int32, nominal: LocalDateTime) {
        self.instant = instant
        self.utcOffset = utcOffset
        self.nominal = nominal
    }

    /// The wall time at which the occurrence actually fires (differs from `nominal` in a DST gap
    /// and after a holiday shift).
    public var local: LocalDateTime { LocalDateTime(localSeconds: instant + Int64(utcOffset)) }

    /// RFC 3339 text in the zone's own offset, e.g. `2026-03-09T09:00:00-04:00`.
    public var rfc3339: String { RFC3339.format(instant, offset: utcOffset) }

    public var description: String { rfc3339 }

    public static func < (lhs: Occurrence, rhs: Occurrence) -> Bool { lhs.instant < rhs.instant }
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
