extension RecurrenceRule {
    /// The rule's occurrences as local (floating) date-times, ascending.
    ///
    /// - Parameters:
    ///   - start: DTSTART. In DTSTART mode (`anchored` false) nothing before it is produced and
    ///     COUNT counts from it. In anchored mode (a rule written without DTSTART) it only fixes
    ///     the phase of INTERVAL and the parts the rule leaves out; the rule runs in both directions.
    ///   - from: Produce only instances at or after this local time, jumping straight to the
    ///     period that contains it. Ignored when the rule has a COUNT (counting needs every
    ///     instance since DTSTART).
    ///
    /// Iteration ends after year 9999, at UNTIL (`.date`/`.local`), at COUNT, or when 400 years
    /// (one Gregorian cycle) pass without an instance: such a rule never fires again.
    package func expansion(start: LocalDateTime, anchored: Bool, from: LocalDateTime? = nil) -> Expansion {
        Expansion(rule: self, start: start, anchored: anchored, from: count == nil ? from : nil)
    }

    /// See ``RecurrenceRule/expansion(start:anchored:from:)``.
    package struct Expansion: Sequence, IteratorProtocol {
        // The rule, normalized into masks and sorted lists.
        private let frequency: Frequency
        private let interval: Int
        private let months: UInt16
        private let monthDays: UInt32
        private let negativeMonthDays: UInt32
        private let yearDays: Set<Int>
        private let weekNumbers: [Int]
        private let plainWeekdays: UInt8
        private let numberedWeekdays: [(weekday: Int, ordinal: Int)]
        private let hasByDay: Bool
        /// Ordinals of BYDAY count within the month (MONTHLY, or YEARLY with BYMONTH), so a
        /// month's matching days are a bit mask (dateutil's approach, without its year tables).
        private let usesMonthMasks: Bool
        private let times: [Int]  // seconds of the day, for periods of a day or longer
        private let hours: UInt32
        private let minutes: UInt64
        private let minuteList: [Int]
        private let setPositions: [Int]
        private let weekStart: Int  // Monday-based index
        private let start: LocalDateTime
        private let anchored: Bool
        private var remaining: Int?
        private let untilLocal: Int64?
        private let lowerBound: Int64

        // Iteration state.
        private var period: Int
        private var day: Int  // for HOURLY and MINUTELY: the day being expanded
        private var buffer: [LocalDateTime] = []
        private var bufferIndex = 0
        private var days: [CivilDate] = []
        private var lastProductiveDay: Int
        private var finished = false

        private static let lastDay = CivilDate(year: 9999, month: 12, day: 31).dayNumber

        init(rule: RecurrenceRule, start: LocalDateTime, anchored: Bool, from: LocalDateTime?) {
            frequency = rule.frequency
            interval = rule.interval
            self.start = start
            self.anchored = anchored
            remaining = anchored ? nil : rule.count
            weekStart = rule.weekStart.mondayIndex

            // Parts the rule leaves out come from DTSTART (dateutil's defaults).
            var byMonth = rule.byMonth
            var byMonthDay = rule.byMonthDay
            var byDay = rule.byDay
            if rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty && byMonthDay.isEmpty && byDay.isEmpty {
                switch rule.frequency {
                case .yearly:
                    if byMonth.isEmpty { byMonth = [start.date.month] }
                    byMonthDay = [start.date.day]
                case .monthly: byMonthDay = [start.date.day]
                case .weekly: byDay = [WeekdayNumber(start.date.weekday)]
                default: break
                }
            }
            months = byMonth.reduce(0) { $0 | (1 << UInt16($1)) }
            monthDays = byMonthDay.filter { $0 > 0 }.reduce(0) { $0 | (1 << UInt32($1)) }
            negativeMonthDays = byMonthDay.filter { $0 < 0 }.reduce(0) { $0 | (1 << UInt32(-$1)) }
            yearDays = Set(rule.byYearDay)
            weekNumbers = rule.byWeekNo
            plainWeekdays = byDay.filter { $0.ordinal == nil }.reduce(0) { $0 | UInt8(1 << $1.weekday.rawValue) }
            numberedWeekdays = byDay.compactMap { d in d.ordinal.map { (d.weekday.rawValue, $0) } }
            hasByDay = !byDay.isEmpty
            usesMonthMasks = rule.frequency == .monthly || !byMonth.isEmpty || numberedWeekdays.isEmpty
            let hourList = rule.byHour.isEmpty ? (rule.frequency < .hourly ? [start.hour] : Array(0...23)) : rule.byHour
            let minuteValues = rule.byMinute.isEmpty ? (rule.frequency < .minutely ? [start.minute] : Array(0...59)) : rule.byMinute
            minuteList = minuteValues
            hours = hourList.reduce(0) { $0 | (1 << UInt32($1)) }
            minutes = minuteValues.reduce(0) { $0 | (1 << UInt64($1)) }
            let second = start.second
            times = hourList.flatMap { h in minuteValues.map { m in h * 3600 + m * 60 + second } }.sorted()
            setPositions = rule.bySetPos

            switch rule.until {
            case .date(let d): untilLocal = Int64(d.dayNumber) * 86_400 + 86_399
            case .local(let l): untilLocal = l.localSeconds
            case .utc, nil: untilLocal = nil
            }

            // Start at the period containing the later of DTSTART and `from`, on the INTERVAL phase.
            var target = anchored ? (from ?? start) : start
            if let from, !anchored, from > start { target = from }
            lowerBound = anchored ? (from?.localSeconds ?? Int64.min) : Swift.max(start.localSeconds, from?.localSeconds ?? Int64.min)
            let raw = Expansion.periodIndex(of: target, frequency: rule.frequency, start: start, weekStart: rule.weekStart.mondayIndex)
            period = Expansion.floorDiv(raw, interval) * interval
            day = target.date.dayNumber
            lastProductiveDay = target.date.dayNumber
        }

        /// Rounds toward negative infinity; `b` > 0. Written so that no intermediate overflows.
        private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-(a + 1)) / b) - 1 }

        private static func weekStartDay(_ date: CivilDate, weekStart: Int) -> Int {
            date.dayNumber - ((date.weekday.mondayIndex - weekStart + 7) % 7)
        }

        private static func periodIndex(of local: LocalDateTime, frequency: Frequency, start: LocalDateTime, weekStart: Int) -> Int {
            switch frequency {
            case .yearly: return local.date.year - start.date.year
            case .monthly: return (local.date.year * 12 + local.date.month) - (start.date.year * 12 + start.date.month)
            case .weekly:
                return (weekStartDay(local.date, weekStart: weekStart) - weekStartDay(start.date, weekStart: weekStart)) / 7
            case .daily: return local.date.dayNumber - start.date.dayNumber
            case .hourly: return (local.date.dayNumber * 24 + local.hour) - (start.date.dayNumber * 24 + start.hour)
            case .minutely:
                return (local.date.dayNumber * 1440 + local.hour * 60 + local.minute)
                    - (start.date.dayNumber * 1440 + start.hour * 60 + start.minute)
            }
        }

        package mutating func next() -> LocalDateTime? {
            while !finished {
                while bufferIndex < buffer.count {
                    let value = buffer[bufferIndex]
                    bufferIndex += 1
                    let seconds = value.localSeconds
                    if let untilLocal, seconds > untilLocal {
                        finished = true
                        return nil
                    }
                    guard seconds >= lowerBound else { continue }
                    if let left = remaining {
                        guard left > 0 else {
                            finished = true
                            return nil
                        }
                        remaining = left - 1
                    }
                    lastProductiveDay = value.date.dayNumber
                    return value
                }
                buffer.removeAll(keepingCapacity: true)
                bufferIndex = 0
                fill()
            }
            return nil
        }

        /// Expands the next period (or, for HOURLY and MINUTELY, the next day) into `buffer`.
        private mutating func fill() {
            let first: Int
            switch frequency {
            case .yearly:
                let year = start.date.year + period
                first = CivilDate(year: year, month: 1, day: 1).dayNumber
                guard year <= 9999 else { return finish() }
                days.removeAll(keepingCapacity: true)
                for month in 1...12 where months == 0 || months & (1 << UInt16(month)) != 0 {
                    let length = CivilDate.daysInMonth(year: year, month: month)
                    let firstWeekday = CivilDate(year: year, month: month, day: 1).weekday.rawValue
                    if usesMonthMasks {
                        appendDays(year: year, month: month, length: length, firstWeekday: firstWeekday)
                        continue
                    }
                    for d in 1...length {
                        let date = CivilDate(year: year, month: month, day: d)
                        if matches(date, weekday: (firstWeekday + d - 1) % 7, monthLength: length, periodYear: year) {
                            days.append(date)
                        }
                    }
                }
                emitDays()
            case .monthly:
                let base = start.date.firstOfMonth(addingMonths: period)
                first = base.dayNumber
                guard base.year <= 9999 else { return finish() }
                days.removeAll(keepingCapacity: true)
                if months == 0 || months & (1 << UInt16(base.month)) != 0 {
                    if !setPositions.isEmpty, times.count == 1, yearDays.isEmpty, weekNumbers.isEmpty {
                        emitMonthPositions(year: base.year, month: base.month, length: base.daysInMonth, firstWeekday: base.weekday.rawValue)
                    } else {
                        appendDays(year: base.year, month: base.month, length: base.daysInMonth, firstWeekday: base.weekday.rawValue)
                    }
                }
                emitDays()
            case .weekly:
                first = Expansion.weekStartDay(start.date, weekStart: weekStart) + period * 7
                guard first <= Expansion.lastDay else { return finish() }
                days.removeAll(keepingCapacity: true)
                let firstWeekday = Weekday(dayNumber: first).rawValue
                for (offset, n) in (first..<(first + 7)).enumerated() {
                    let date = CivilDate(dayNumber: n)
                    if matches(date, weekday: (firstWeekday + offset) % 7, monthLength: date.daysInMonth, periodYear: date.year) {
                        days.append(date)
                    }
                }
                emitDays()
            case .daily:
                first = start.date.dayNumber + period
                guard first <= Expansion.lastDay else { return finish() }
                days.removeAll(keepingCapacity: true)
                let date = CivilDate(dayNumber: first)
                if matches(date, weekday: Weekday(dayNumber: first).rawValue, monthLength: date.daysInMonth, periodYear: date.year) {
                    days.append(date)
                }
                emitDays()
            case .hourly, .minutely:
                // With an INTERVAL longer than a day, most days hold no hour or minute on the
                // phase: go straight to the next day that does.
                guard let aligned = nextAlignedDay(atOrAfter: day) else { return finish() }
                day = aligned
                first = day
                guard day <= Expansion.lastDay else { return finish() }
                expandSubDaily(CivilDate(dayNumber: day))
                day += 1
            }
            if frequency < .hourly { period += interval }
            // A rule that stays silent for a whole Gregorian cycle never fires again.
            if buffer.isEmpty, first - lastProductiveDay > 146_097 { finish() }
        }

        private mutating func finish() { finished = true }

        /// Bits 0, 7, 14, 21 and 28: one weekday's days in a month, shifted to its first date.
        private static let everySeventh: UInt32 = 1 | 1 << 7 | 1 << 14 | 1 << 21 | 1 << 28

        /// The days of one month that pass BYMONTHDAY and BYDAY, as bits 1...31.
        @inline(__always)
        private func dayMask(length: Int, firstWeekday: Int) -> UInt32 {
            var mask = (UInt32.max >> UInt32(31 - length)) & ~1
            if monthDays != 0 || negativeMonthDays != 0 {
                var allowed = monthDays
                var negative = negativeMonthDays
                while negative != 0 {
                    let fromEnd = negative.trailingZeroBitCount
                    negative &= negative - 1
                    let day = length + 1 - fromEnd
                    if day >= 1 { allowed |= 1 << UInt32(day) }
                }
                mask &= allowed
            }
            if hasByDay {
                var weekdays: UInt32 = 0
                var plain = plainWeekdays
                while plain != 0 {
                    let weekday = plain.trailingZeroBitCount
                    plain &= plain - 1
                    weekdays |= Expansion.everySeventh << UInt32(1 + (weekday - firstWeekday + 7) % 7)
                }
                let lastWeekday = (firstWeekday + length - 1) % 7
                for (weekday, ordinal) in numberedWeekdays {
                    let day =
                        ordinal > 0
                        ? 1 + (weekday - firstWeekday + 7) % 7 + 7 * (ordinal - 1)
                        : length - (lastWeekday - weekday + 7) % 7 + 7 * (ordinal + 1)
                    if day >= 1 && day <= length { weekdays |= 1 << UInt32(day) }
                }
                mask &= weekdays
            }
            return mask
        }

        /// Appends the matching days of one month (BYMONTH already checked) to `days`.
        private mutating func appendDays(year: Int, month: Int, length: Int, firstWeekday: Int) {
            var mask = dayMask(length: length, firstWeekday: firstWeekday)
            let slowFilters = !yearDays.isEmpty || !weekNumbers.isEmpty
            while mask != 0 {
                let day = mask.trailingZeroBitCount
                mask &= mask - 1
                let date = CivilDate(year: year, month: month, day: day)
                if slowFilters, !matches(date, weekday: (firstWeekday + day - 1) % 7, monthLength: length, periodYear: year) {
                    continue
                }
                days.append(date)
            }
        }

        /// MONTHLY with BYSETPOS and one time of day (`the last business day`, `the second
        /// Tuesday`): the positions pick bits of the month's day mask directly, without listing
        /// the days first. Emits in ascending order, each day once.
        private mutating func emitMonthPositions(year: Int, month: Int, length: Int, firstWeekday: Int) {
            let mask = dayMask(length: length, firstWeekday: firstWeekday)
            let count = mask.nonzeroBitCount
            var selected: UInt32 = 0
            for position in setPositions {
                let index = position > 0 ? position - 1 : count + position
                guard index >= 0, index < count else { continue }
                var rest = mask
                if index < count / 2 {
                    for _ in 0..<index { rest &= rest - 1 }
                    selected |= rest & (~rest &+ 1)
                } else {
                    for _ in 0..<(count - 1 - index) { rest &= ~(1 << UInt32(31 - rest.leadingZeroBitCount)) }
                    selected |= 1 << UInt32(31 - rest.leadingZeroBitCount)
                }
            }
            let t = times[0]
            while selected != 0 {
                let day = selected.trailingZeroBitCount
                selected &= selected - 1
                buffer.append(LocalDateTime(date: CivilDate(year: year, month: month, day: day), hour: t / 3600, minute: t / 60 % 60, second: t % 60))
            }
        }

        /// Days × times of the period, narrowed by BYSETPOS.
        private mutating func emitDays() {
            guard !days.isEmpty else { return }
            if setPositions.isEmpty {
                for date in days {
                    for t in times { buffer.append(LocalDateTime(date: date, hour: t / 3600, minute: t / 60 % 60, second: t % 60)) }
                }
                return
            }
            let total = days.count * times.count
            for position in setPositions {
                let index = position > 0 ? position - 1 : total + position
                guard index >= 0, index < total else { continue }
                let t = times[index % times.count]
                let value = LocalDateTime(date: days[index / times.count], hour: t / 3600, minute: t / 60 % 60, second: t % 60)
                if !buffer.contains(value) { buffer.append(value) }
            }
            buffer.sort()
        }

        /// HOURLY and MINUTELY: the first day at or after `day` with an hour (or minute) on the
        /// INTERVAL phase; nil past any representable day.
        private func nextAlignedDay(atOrAfter day: Int) -> Int? {
            let perDay = frequency == .hourly ? 24 : 1440
            let base = frequency == .hourly ? start.date.dayNumber * 24 + start.hour : (start.date.dayNumber * 24 + start.hour) * 60 + start.minute
            guard interval > perDay else { return day }  // every day has one
            // Units from the phase origin to the start of `day`, rounded up to the phase.
            let offset = day * perDay - base
            let steps = offset >= 0 ? offset / interval + (offset % interval == 0 ? 0 : 1) : -((-offset) / interval)
            let (units, overflow) = steps.multipliedReportingOverflow(by: interval)
            guard !overflow else { return nil }
            let (instant, overflow2) = base.addingReportingOverflow(units)
            guard !overflow2 else { return nil }
            return Swift.max(day, Expansion.floorDiv(instant, perDay))
        }

        /// HOURLY and MINUTELY: each hour (or minute) on the INTERVAL phase is its own period.
        private mutating func expandSubDaily(_ date: CivilDate) {
            guard matches(date, weekday: Weekday(dayNumber: date.dayNumber).rawValue, monthLength: date.daysInMonth, periodYear: date.year)
            else { return }
            let base = start.date.dayNumber * 24 + start.hour
            for h in 0..<24 where hours & (1 << UInt32(h)) != 0 {
                if frequency == .hourly {
                    guard (date.dayNumber * 24 + h - base) % interval == 0 else { continue }
                    var periodMinutes: [Int] = minuteList
                    if !setPositions.isEmpty {
                        periodMinutes = setPositions.compactMap { p in
                            let i = p > 0 ? p - 1 : minuteList.count + p
                            return i >= 0 && i < minuteList.count ? minuteList[i] : nil
                        }
                        periodMinutes = Array(Set(periodMinutes)).sorted()
                    }
                    for m in periodMinutes { buffer.append(LocalDateTime(date: date, hour: h, minute: m, second: start.second)) }
                } else {
                    let minuteBase = base * 60 + start.minute
                    for m in minuteList {
                        guard (date.dayNumber * 1440 + h * 60 + m - minuteBase) % interval == 0 else { continue }
                        // A minute is a one-element set: only positions 1 and -1 select it.
                        if !setPositions.isEmpty, !setPositions.contains(1), !setPositions.contains(-1) { continue }
                        buffer.append(LocalDateTime(date: date, hour: h, minute: m, second: start.second))
                    }
                }
            }
        }

        /// The day-level filters: BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY.
        @inline(__always)
        private func matches(_ date: CivilDate, weekday: Int, monthLength: Int, periodYear: Int) -> Bool {
            if months != 0, months & (1 << UInt16(date.month)) == 0 { return false }
            if monthDays != 0 || negativeMonthDays != 0 {
                let fromEnd = monthLength - date.day + 1
                guard monthDays & (1 << UInt32(date.day)) != 0 || negativeMonthDays & (1 << UInt32(fromEnd)) != 0 else {
                    return false
                }
            }
            if !yearDays.isEmpty {
                let doy = date.dayOfYear
                guard yearDays.contains(doy) || yearDays.contains(doy - CivilDate.daysInYear(date.year) - 1) else { return false }
            }
            if !weekNumbers.isEmpty, !matchesWeekNumber(date, year: periodYear) { return false }
            if hasByDay {
                if plainWeekdays & UInt8(1 << weekday) != 0 { return true }
                for (wd, ordinal) in numberedWeekdays where wd == weekday {
                    // Numbered within the month (MONTHLY, or YEARLY with BYMONTH), else within the year.
                    if frequency == .monthly || months != 0 {
                        let n = ordinal > 0 ? (date.day - 1) / 7 + 1 : -((monthLength - date.day) / 7 + 1)
                        if n == ordinal { return true }
                    } else {
                        let n =
                            ordinal > 0
                            ? (date.dayOfYear - 1) / 7 + 1 : -((CivilDate.daysInYear(date.year) - date.dayOfYear) / 7 + 1)
                        if n == ordinal { return true }
                    }
                }
                return false
            }
            return true
        }

        /// Week numbers as RFC 5545 defines them: week 1 is the first week (starting on WKST) with
        /// at least four days in the year.
        private func matchesWeekNumber(_ date: CivilDate, year: Int) -> Bool {
            func firstWeekStart(_ y: Int) -> Int {
                let jan1 = CivilDate(year: y, month: 1, day: 1)
                let offset = (weekStart - jan1.weekday.mondayIndex + 7) % 7
                return offset >= 4 ? jan1.dayNumber + offset - 7 : jan1.dayNumber + offset
            }
            var weekYear = date.year
            if date.dayNumber < firstWeekStart(weekYear) { weekYear -= 1 } else if date.dayNumber >= firstWeekStart(weekYear + 1) {
                weekYear += 1
            }
            let weekOneStart = firstWeekStart(weekYear)
            let number = (date.dayNumber - weekOneStart) / 7 + 1
            let count = (firstWeekStart(weekYear + 1) - weekOneStart) / 7
            return weekNumbers.contains { n in n > 0 ? n == number : count + 1 + n == number }
        }
    }
}
