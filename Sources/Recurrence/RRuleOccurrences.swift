/// Resolves an RRULE's local date-times in a zone, in ascending instant order.
///
/// A time in a DST gap fires at the pre-gap offset (RFC 5545 section 3.3.5); a time in an
/// overlap fires once, at its first occurrence. A gap shift can move an instance past the next
/// one, so instances pass through a small reorder buffer and duplicates collapse into one.
struct RRuleOccurrences: IteratorProtocol {
    private var expansion: RecurrenceRule.Expansion
    private let zone: ZoneRules
    private let after: Int64
    private let untilUTC: Int64?
    private var buffer = ReorderBuffer()
    private var exhausted = false
    private var bound = Int64.min
    /// Local seconds in `fastFrom..<fastUntil` resolve uniquely at `fastOffset`: no transition
    /// lies within 18 h of them. Most occurrences land here and skip the zone lookups.
    private var fastFrom: Int64 = .max
    private var fastUntil: Int64 = .min
    private var fastOffset: Int32 = 0

    init(rule: RecurrenceRule, start: LocalDateTime, anchored: Bool, zone: ZoneRules, after: Int64) {
        // Local times can be up to a day away from `after`'s instant; start a day early.
        let from = LocalDateTime(localSeconds: after + Int64(zone.offset(at: after)) - 86_400)
        expansion = rule.expansion(start: start, anchored: anchored, from: from)
        self.zone = zone
        self.after = after
        if case .utc(let u) = rule.until { untilUTC = u } else { untilUTC = nil }
    }

    mutating func next() -> Occurrence? {
        while true {
            if let ready = buffer.release(below: bound) { return ready }
            if exhausted { return nil }
            guard let local = expansion.next() else {
                exhausted = true
                bound = .max
                continue
            }
            let seconds = local.localSeconds
            if let untilUTC, seconds - 64_800 > untilUTC {
                exhausted = true
                bound = .max
                continue
            }
            let instant: Int64
            let offset: Int32
            if seconds >= fastFrom && seconds < fastUntil {
                offset = fastOffset
                instant = seconds - Int64(offset)
            } else {
                let resolution = zone.resolve(localSeconds: seconds)
                instant = resolution.instant
                offset = zone.offset(at: instant)
                if case .unique = resolution {
                    // The window that resolve() found free of transitions extends to the next one.
                    fastFrom = seconds
                    fastUntil = zone.nextTransition(after: seconds - 64_800).map { $0.instant - 64_800 } ?? .max
                    fastOffset = offset
                }
            }
            if instant > after, untilUTC.map({ instant <= $0 }) ?? true {
                buffer.insert(Occurrence(instant: instant, utcOffset: offset, nominal: local))
            }
            // Later local times resolve no earlier than 18 h before their wall time.
            bound = seconds - 64_800
        }
    }
}
