import Diagnostics
import Recurrence

extension Playbook {
    /// Which occurrence a command means by `--at`.
    package enum OccurrenceSelection: Sendable, Equatable {
        /// The next one after now.
        case next
        /// The latest one at or before now.
        case last
        /// Whichever of last and next is closer to now (the meeting just held, or about to be).
        case nearest
        /// The one at exactly this instant.
        case instant(Int64)
        /// The one on this local date.
        case date(CivilDate)

        /// Parses `next`, `last`, `nearest`, an RFC 3339 instant, or a date `YYYY-MM-DD`.
        package init?(_ text: String) {
            switch text {
            case "next": self = .next
            case "last", "previous": self = .last
            case "nearest", "current": self = .nearest
            default:
                if let instant = RFC3339.parseInstant(text) {
                    self = .instant(instant)
                } else if let date = CivilDate(iso: text) {
                    self = .date(date)
                } else {
                    return nil
                }
            }
        }
    }

    /// The selected occurrence, or a one-line explanation of why there is none.
    package func occurrence(_ selection: OccurrenceSelection, now: Int64) -> Result<Occurrence, OccurrenceLookupError> {
        switch selection {
        case .next:
            guard let o = schedule.next(after: now) else { return .failure(.init("\(id) has no occurrence after now")) }
            return .success(o)
        case .last:
            guard let o = schedule.previous(atOrBefore: now) else { return .failure(.init("\(id) has no occurrence before now")) }
            return .success(o)
        case .nearest:
            let last = schedule.previous(atOrBefore: now)
            let next = schedule.next(after: now)
            switch (last, next) {
            case (let l?, let n?): return .success(now - l.instant <= n.instant - now ? l : n)
            case (let l?, nil): return .success(l)
            case (nil, let n?): return .success(n)
            default: return .failure(.init("\(id) has no occurrences"))
            }
        case .instant(let instant):
            if let o = schedule.next(after: instant - 1), o.instant == instant { return .success(o) }
            let before = schedule.previous(atOrBefore: instant).map(\.rfc3339) ?? "none"
            let after = schedule.next(after: instant).map(\.rfc3339) ?? "none"
            return .failure(.init("\(RFC3339.format(instant, offset: timeZone.offset(at: instant))) is not an occurrence of \(id) (the nearest are \(before) and \(after))"))
        case .date(let date):
            let start = timeZone.resolve(LocalDateTime(date: date)).instant - 1
            let end = timeZone.resolve(LocalDateTime(date: date.adding(days: 1))).instant - 1
            guard let o = schedule.occurrences(after: start, through: end).first else {
                let after = schedule.next(after: start).map(\.rfc3339) ?? "none"
                return .failure(.init("\(id) has no occurrence on \(date) (the next one is \(after))"))
            }
            return .success(o)
        }
    }
}

/// Why `--at` found no occurrence.
package struct OccurrenceLookupError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

extension OccurrenceLookupError: UserFacingError {
    package var failure: FailureKind { .input }
}

extension Playbook {
    /// Where the holiday policy moved the occurrence at `instant` from, and why; nil when it
    /// fires as scheduled.
    package func holidayShift(at instant: Int64) -> HolidayShift? {
        guard schedule.holidayPolicy == .nextBusinessDay || schedule.holidayPolicy == .previousBusinessDay else { return nil }
        var occurrences = schedule.occurrences(after: instant - 1).makeIterator()
        guard let occurrence = occurrences.next(), occurrence.instant == instant else { return nil }
        return occurrence.shift
    }

    /// What the holiday policy did between `after` and `through`: occurrences moved (with where
    /// from and why) and those skipped (the date and why), in order.
    package func holidayChanges(after: Int64, through: Int64) -> [(occurrence: Occurrence, note: String)] {
        guard schedule.holidayPolicy != .ignore else { return [] }
        var changes: [(Occurrence, String)] = []
        if schedule.holidayPolicy == .skip {
            var base = schedule
            base.holidayPolicy = .ignore
            for o in base.occurrences(after: after, through: through) {
                if let reason = schedule.calendar.reason(for: o.nominal.date) { changes.append((o, "skipped: \(reason)")) }
            }
        } else {
            for o in schedule.occurrences(after: after, through: through) {
                if let shift = o.shift { changes.append((o, shift.text)) }
            }
        }
        return changes
    }
}
