/// Applies a holiday policy to a stream of occurrences, keeping the output sorted.
///
/// Shifted occurrences keep their wall-clock time on the new day. Because a shift moves an
/// occurrence by at most the calendar's longest run of non-business days, a small reorder
/// buffer is enough to stream them in order.
struct HolidayAdjustedOccurrences<Base: IteratorProtocol<Occurrence>>: IteratorProtocol {
    private var base: Base
    private let zone: ZoneRules
    private let calendar: BusinessCalendar
    private let policy: HolidayPolicy
    private let after: Int64
    private let window: Int64
    private var buffer = ReorderBuffer()
    private var exhausted = false
    private var bound = Int64.min
    private var droppingSince: Int64?
    private let lastHoliday: Int64

    /// `base` must start early enough: `after` minus ``lookBehind(calendar:)`` for
    /// `next_business_day`, since an occurrence before `after` may move past it.
    init(base: Base, zone: ZoneRules, calendar: BusinessCalendar, policy: HolidayPolicy, after: Int64) {
        self.base = base
        self.zone = zone
        self.calendar = calendar
        self.policy = policy
        self.after = after
        window = HolidayAdjustedOccurrences.lookBehind(calendar: calendar)
        lastHoliday = Int64(calendar.holidayDays.max() ?? Int.min / 86_400) * 86_400
    }

    /// How far (in seconds) a shift can move an occurrence, with a day of margin for DST.
    static func lookBehind(calendar: BusinessCalendar) -> Int64 {
        Int64(min(calendar.longestNonBusinessRun, 3660) + 2) * 86_400
    }

    mutating func next() -> Occurrence? {
        while true {
            if let ready = buffer.release(below: bound) { return ready }
            if exhausted { return nil }
            guard let raw = base.next() else {
                exhausted = true
                bound = .max
                continue
            }
            guard let adjusted = adjust(raw) else {
                // Weekends repeat and holidays end: 400 years of nothing but non-business days
                // after the last holiday means `skip` drops every occurrence. Stop, don't spin.
                if droppingSince == nil { droppingSince = max(raw.instant, lastHoliday) }
                if raw.instant - droppingSince! > 400 * 366 * 86_400 {
                    exhausted = true
                    bound = .max
                }
                continue
            }
            droppingSince = nil
            if adjusted.instant > after { buffer.insert(adjusted) }
            // Later raw occurrences are at or after this one; a backward shift moves them at most
            // `window` earlier, a forward shift never earlier.
            bound = policy == .previousBusinessDay ? raw.instant - window : raw.instant
        }
    }

    private func adjust(_ occurrence: Occurrence) -> Occurrence? {
        let date = occurrence.nominal.date
        if calendar.isBusinessDay(date) { return occurrence }
        let target: CivilDate
        switch policy {
        case .ignore: return occurrence
        case .skip: return nil
        case .nextBusinessDay: target = calendar.businessDay(onOrAfter: date)
        case .previousBusinessDay: target = calendar.businessDay(onOrBefore: date)
        }
        var nominal = occurrence.nominal
        nominal.date = target
        let instant = zone.resolve(nominal).instant
        let shift = HolidayShift(from: date, reason: calendar.reason(for: date) ?? "holiday")
        return Occurrence(instant: instant, utcOffset: zone.offset(at: instant), nominal: nominal, shift: shift)
    }
}
