/// A recurrence in a time zone, with an optional holiday policy: the one form that cron
/// expressions, RRULEs and cadence phrases all compile to.
package struct Schedule: Sendable, CustomStringConvertible {
    /// The rule part of a schedule.
    package enum Rule: Sendable {
        case cron(CronExpression)
        case rrule(RecurrenceRule, start: LocalDateTime, anchored: Bool)
    }

    /// How the schedule was written, for messages and `explain`.
    package enum Source: Hashable, Sendable {
        case cron(String)
        case rrule(String)
        case phrase(String)
    }

    package let rule: Rule
    package let source: Source
    package let zone: ZoneRules
    /// Weekends and holidays for the holiday policy.
    package var calendar: BusinessCalendar
    /// What to do with occurrences on non-business days.
    package var holidayPolicy: HolidayPolicy

    package init(
        rule: Rule, source: Source, zone: ZoneRules, calendar: BusinessCalendar = BusinessCalendar(),
        holidayPolicy: HolidayPolicy = .ignore
    ) {
        self.rule = rule
        self.source = source
        self.zone = zone
        self.calendar = calendar
        self.holidayPolicy = holidayPolicy
    }

    /// A cron schedule.
    package static func cron(_ text: String, zone: ZoneRules) throws(RecurrenceError) -> Schedule {
        Schedule(rule: .cron(try CronExpression(parsing: text)), source: .cron(text), zone: zone)
    }

    package var description: String {
        switch source {
        case .cron(let text): return "cron \"\(text)\" in \(zone.identifier)"
        case .rrule(let text): return "RRULE \(text) in \(zone.identifier)"
        case .phrase(let text): return "\"\(text)\" in \(zone.identifier)"
        }
    }

    /// Occurrences strictly after `instant`, ascending, without duplicate instants; ends after
    /// year 9999 or when a finite rule (COUNT, UNTIL) is exhausted.
    package func occurrences(after instant: Int64) -> Occurrences {
        Occurrences(schedule: self, after: instant)
    }

    /// All occurrences in `(start, end]`.
    package func occurrences(after start: Int64, through end: Int64) -> [Occurrence] {
        var result: [Occurrence] = []
        for o in occurrences(after: start) {
            if o.instant > end { break }
            result.append(o)
        }
        return result
    }

    /// The first occurrence strictly after `instant`.
    package func next(after instant: Int64) -> Occurrence? {
        var iterator = occurrences(after: instant).makeIterator()
        return iterator.next()
    }

    /// The last occurrence at or before `instant`, searching back up to 400 years.
    package func previous(atOrBefore instant: Int64) -> Occurrence? {
        var window: Int64 = 86_400 * 2
        while window < 400 * 366 * 86_400 {
            if let last = occurrences(after: instant - window, through: instant).last { return last }
            window *= 4
        }
        return nil
    }

    /// A lazily computed, streaming sequence of occurrences.
    package struct Occurrences: Sequence, Sendable {
        let schedule: Schedule
        let after: Int64

        package func makeIterator() -> Iterator { Iterator(schedule: schedule, after: after) }

        package struct Iterator: IteratorProtocol {
            // Optionals rather than an enum with payloads: mutating through optional chaining is
            // in place, while extracting a payload would copy the iterator's buffers on every call.
            private var plain: BaseIterator?
            private var adjusted: HolidayAdjustedOccurrences<BaseIterator>?

            init(schedule: Schedule, after: Int64) {
                let calendar = schedule.calendar
                let needsAdjustment =
                    schedule.holidayPolicy != .ignore && (calendar.weekend.count > 0 || !calendar.holidayDays.isEmpty)
                if needsAdjustment {
                    let start =
                        schedule.holidayPolicy == .nextBusinessDay
                        ? after - HolidayAdjustedOccurrences<BaseIterator>.lookBehind(calendar: calendar) : after
                    adjusted = HolidayAdjustedOccurrences(
                        base: BaseIterator(schedule: schedule, after: start), zone: schedule.zone,
                        calendar: calendar, policy: schedule.holidayPolicy, after: after)
                } else {
                    plain = BaseIterator(schedule: schedule, after: after)
                }
            }

            @inline(__always)
            package mutating func next() -> Occurrence? {
                if plain != nil { return plain?.next() }
                return adjusted?.next()
            }
        }

        struct BaseIterator: IteratorProtocol {
            private var cron: CronOccurrences?
            private var rrule: RRuleOccurrences?

            init(schedule: Schedule, after: Int64) {
                switch schedule.rule {
                case .cron(let expression):
                    cron = CronOccurrences(cron: expression, zone: schedule.zone, after: after)
                case .rrule(let rule, let start, let anchored):
                    rrule = RRuleOccurrences(rule: rule, start: start, anchored: anchored, zone: schedule.zone, after: after)
                }
            }

            @inline(__always)
            mutating func next() -> Occurrence? {
                if cron != nil { return cron?.next() }
                return rrule?.next()
            }
        }
    }
}
