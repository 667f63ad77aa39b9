/// Expands a cron expression day by day in a zone, in ascending instant order.
///
/// Days far from any offset change take a fast path: one offset for the whole day, instants by
/// arithmetic. Days near a transition resolve every wall time: a time in a gap fires at the
/// pre-gap offset (02:30 → 03:30 EDT); a time in an overlap fires once at its first occurrence,
/// or at both when the minute or hour field contains `*` (cronie's rule for wildcard jobs).
struct CronOccurrences: IteratorProtocol {
    private let cron: CronExpression
    private let zone: ZoneRules
    private let after: Int64
    private let hours: [Int]
    private let minutes: [Int]
    private var day: Int
    private let lastDay: Int
    private var ready: [Occurrence] = []
    private var readyIndex = 0
    private var pending = ReorderBuffer()
    private var nextTransition: Int64 = .min
    private var scratch: [Occurrence] = []

    init(cron: CronExpression, zone: ZoneRules, after: Int64) {
        self.cron = cron
        self.zone = zone
        self.after = after
        hours = cron.hourList
        minutes = cron.minuteList
        // Start a day early: the local date of `after` may already be the next day somewhere.
        day = Int(floorDiv(after + Int64(zone.offset(at: after)), 86_400)) - 1
        lastDay = CivilDate(year: 9999, month: 12, day: 31).dayNumber
        ready.reserveCapacity(hours.count * minutes.count)
    }

    mutating func next() -> Occurrence? {
        while true {
            if readyIndex < ready.count {
                defer { readyIndex += 1 }
                return ready[readyIndex]
            }
            guard fill() else { return nil }
        }
    }

    /// Generates days until some occurrences are ready; false at the end of year 9999.
    private mutating func fill() -> Bool {
        ready.removeAll(keepingCapacity: true)
        readyIndex = 0
        var scannedWithoutMatch = 0
        while ready.isEmpty {
            guard day <= lastDay else {
                while let o = pending.release(below: .max) { ready.append(o) }
                return !ready.isEmpty
            }
            let date = CivilDate(dayNumber: day)
            let dayStart = Int64(day) * 86_400
            if cron.matches(date) {
                scannedWithoutMatch = 0
                if nextTransition <= dayStart - 57_600 {
                    nextTransition = zone.nextTransition(after: dayStart - 57_600)?.instant ?? .max
                }
                let isQuiet = nextTransition > dayStart + 86_400 + 57_600
                if isQuiet {
                    // No offset change within 16 h of this day: whatever earlier days left pending
                    // comes before all of this day's instants.
                    while let o = pending.release(below: .max) { ready.append(o) }
                    fastDay(date, dayStart: dayStart)
                } else {
                    slowDay(date, dayStart: dayStart)
                    // Nothing from a later day can land before the next day's earliest instant.
                    while let o = pending.release(below: dayStart + 86_400 - 64_800) { ready.append(o) }
                }
            } else {
                scannedWithoutMatch += 1
                // Flush what is pending once we are far past it, even on days without matches.
                while let o = pending.release(below: dayStart - 64_800) { ready.append(o) }
                if scannedWithoutMatch > 146_097 { day = lastDay + 1 }
            }
            day += 1
        }
        return true
    }

    private mutating func fastDay(_ date: CivilDate, dayStart: Int64) {
        let offset = zone.offset(at: dayStart)
        for h in hours {
            for m in minutes {
                let instant = dayStart + Int64(h * 3600 + m * 60) - Int64(offset)
                if instant > after {
                    ready.append(Occurrence(instant: instant, utcOffset: offset, nominal: LocalDateTime(date: date, hour: h, minute: m)))
                }
            }
        }
    }

    private mutating func slowDay(_ date: CivilDate, dayStart: Int64) {
        for h in hours {
            for m in minutes {
                let nominal = LocalDateTime(date: date, hour: h, minute: m)
                switch zone.resolve(localSeconds: dayStart + Int64(h * 3600 + m * 60)) {
                case .unique(let u), .gap(let u):
                    add(u, nominal)
                case .overlap(let first, let second):
                    add(first, nominal)
                    if cron.hasWildcardTime { add(second, nominal) }
                }
            }
        }
    }

    private mutating func add(_ instant: Int64, _ nominal: LocalDateTime) {
        guard instant > after else { return }
        pending.insert(Occurrence(instant: instant, utcOffset: zone.offset(at: instant), nominal: nominal))
    }
}
