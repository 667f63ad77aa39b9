/// The POSIX `TZ` rule at the end of a TZif file (RFC 8536 section 3.3), such as
/// `EST5EDT,M3.2.0,M11.1.0` or `<+1030>-10:30<+11>-11,M10.1.0,M4.1.0`.
///
/// TZif files list explicit transitions only up to some year; this rule produces every later one.
struct PosixTimeZoneRule: Hashable, Sendable {
    /// Offsets are seconds east of UTC (the TZif convention), the opposite sign of POSIX text.
    var standardOffset: Int32
    var standardAbbreviation: String
    var daylight: Daylight?

    struct Daylight: Hashable, Sendable {
        var offset: Int32
        var abbreviation: String
        var start: DateRule
        var startTime: Int32
        var end: DateRule
        var endTime: Int32
    }

    enum DateRule: Hashable, Sendable {
        /// `Jn`: day 1...365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: day 0...365, February 29 counted.
        case zeroBasedDay(Int)
        /// `Mm.w.d`: weekday d of week w (5 = last) of month m.
        case monthWeekDay(month: Int, week: Int, weekday: Int)

        func date(in year: Int) -> CivilDate {
            switch self {
            case .julianNoLeap(let n):
                var day = n
                if CivilDate.isLeapYear(year) && n >= 60 { day += 1 }
                return CivilDate(year: year, month: 1, day: 1).adding(days: day - 1)
            case .zeroBasedDay(let n):
                return CivilDate(year: year, month: 1, day: 1).adding(days: n)
            case .monthWeekDay(let month, let week, let weekday):
                let first = CivilDate(year: year, month: month, day: 1)
                let firstMatch = 1 + (weekday - first.weekday.rawValue + 7) % 7
                var day = firstMatch + (week - 1) * 7
                let length = CivilDate.daysInMonth(year: year, month: month)
                while day > length { day -= 7 }
                return CivilDate(year: year, month: month, day: day)
            }
        }
    }

    struct Transition: Hashable, Sendable {
        var instant: Int64
        var offsetBefore: Int32
        var offsetAfter: Int32
        var abbreviationAfter: String
    }

    /// The (at most two) transitions whose local date falls in `year`, in instant order.
    func transitions(in year: Int) -> [Transition] {
        guard let dst = daylight else { return [] }
        let startLocal = Int64(dst.start.date(in: year).dayNumber) * 86_400 + Int64(dst.startTime)
        let endLocal = Int64(dst.end.date(in: year).dayNumber) * 86_400 + Int64(dst.endTime)
        // The change to daylight time happens when standard time reaches the start time, and back.
        let start = Transition(
            instant: startLocal - Int64(standardOffset), offsetBefore: standardOffset,
            offsetAfter: dst.offset, abbreviationAfter: dst.abbreviation)
        let end = Transition(
            instant: endLocal - Int64(dst.offset), offsetBefore: dst.offset,
            offsetAfter: standardOffset, abbreviationAfter: standardAbbreviation)
        return start.instant <= end.instant ? [start, end] : [end, start]
    }

    /// The DST start and end instants of `year` (no allocation: this runs for every
    /// occurrence past the precomputed table).
    @inline(__always)
    func daylightBounds(in year: Int) -> (start: Int64, end: Int64)? {
        guard let dst = daylight else { return nil }
        let start = Int64(dst.start.date(in: year).dayNumber) * 86_400 + Int64(dst.startTime) - Int64(standardOffset)
        let end = Int64(dst.end.date(in: year).dayNumber) * 86_400 + Int64(dst.endTime) - Int64(dst.offset)
        return (start, end)
    }

    /// Whether daylight time is in effect at `instant`.
    @inline(__always)
    func isDaylight(at instant: Int64) -> Bool {
        let year = CivilDate(dayNumber: Int(floorDiv(instant + Int64(standardOffset), 86_400))).year
        guard let (start, end) = daylightBounds(in: year) else { return false }
        // Northern rules start before they end within a year; southern ones wrap around it.
        return start <= end ? (instant >= start && instant < end) : !(instant >= end && instant < start)
    }

    /// The offset in effect at `instant`.
    @inline(__always)
    func offset(at instant: Int64) -> Int32 {
        guard let dst = daylight, isDaylight(at: instant) else { return standardOffset }
        return dst.offset
    }

    /// The abbreviation in effect at `instant`.
    func abbreviation(at instant: Int64) -> String {
        guard let dst = daylight, isDaylight(at: instant) else { return standardAbbreviation }
        return dst.abbreviation
    }

    // MARK: Parsing

    init?(parsing text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let stdName = scanner.name(), let stdOffset = scanner.offset() else { return nil }
        standardAbbreviation = stdName
        standardOffset = -stdOffset
        if scanner.atEnd {
            daylight = nil
            return
        }
        guard let dstName = scanner.name() else { return nil }
        var dstOffset = standardOffset + 3600
        if let explicit = scanner.offset() { dstOffset = -explicit }
        guard scanner.consume(UInt8(ascii: ",")), let start = scanner.dateRule() else { return nil }
        var startTime: Int32 = 7200
        if scanner.consume(UInt8(ascii: "/")) {
            guard let t = scanner.offset() else { return nil }
            startTime = t
        }
        guard scanner.consume(UInt8(ascii: ",")), let end = scanner.dateRule() else { return nil }
        var endTime: Int32 = 7200
        if scanner.consume(UInt8(ascii: "/")) {
            guard let t = scanner.offset() else { return nil }
            endTime = t
        }
        guard scanner.atEnd else { return nil }
        daylight = Daylight(
            offset: dstOffset, abbreviation: dstName, start: start, startTime: startTime, end: end, endTime: endTime)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func name() -> String? {
            if consume(UInt8(ascii: "<")) {
                let start = index
                while let b = peek, b != UInt8(ascii: ">") { index += 1 }
                let name = String(decoding: bytes[start..<index], as: UTF8.self)
                return consume(UInt8(ascii: ">")) ? name : nil
            }
            let start = index
            while let b = peek, (b | 0x20) >= UInt8(ascii: "a"), (b | 0x20) <= UInt8(ascii: "z") { index += 1 }
            return index - start >= 3 ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        mutating func number() -> Int? {
            let start = index
            var value = 0
            while let b = peek, b >= 48, b <= 57 {
                value = value * 10 + Int(b - 48)
                index += 1
            }
            return index > start ? value : nil
        }

        /// `[+-]hh[:mm[:ss]]`, in seconds, POSIX sign (positive = west).
        mutating func offset() -> Int32? {
            var sign: Int32 = 1
            if consume(UInt8(ascii: "-")) { sign = -1 } else { _ = consume(UInt8(ascii: "+")) }
            guard let h = number() else { return nil }
            var seconds = h * 3600
            if consume(UInt8(ascii: ":")) {
                guard let m = number() else { return nil }
                seconds += m * 60
                if consume(UInt8(ascii: ":")) {
                    guard let s = number() else { return nil }
                    seconds += s
                }
            }
            return sign * Int32(seconds)
        }

        mutating func dateRule() -> DateRule? {
            if consume(UInt8(ascii: "J")) {
                guard let n = number(), (1...365).contains(n) else { return nil }
                return .julianNoLeap(n)
            }
            if consume(UInt8(ascii: "M")) {
                guard let m = number(), consume(UInt8(ascii: ".")), let w = number(), consume(UInt8(ascii: ".")),
                    let d = number(), (1...12).contains(m), (1...5).contains(w), (0...6).contains(d)
                else { return nil }
                return .monthWeekDay(month: m, week: w, weekday: d)
            }
            guard let n = number(), (0...365).contains(n) else { return nil }
            return .zeroBasedDay(n)
        }
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : (a - b + 1) / b
}
