import Foundation
import Synchronization

/// The UTC offsets of one IANA time zone over time, read from the system's tz database.
///
/// `ZoneRules` answers the two questions a scheduler asks: what is the offset at an instant, and
/// which instant(s) does a wall-clock time denote. It reads the same TZif files cron, systemd and
/// Python's `zoneinfo` read (`$TZDIR` or `/usr/share/zoneinfo`), so all of them agree on a host,
/// and it never goes through `Calendar`, whose DST handling on Linux skips whole days in zones
/// with 30-minute shifts.
package struct ZoneRules: Hashable, Sendable, CustomStringConvertible {
    /// The IANA name, such as `America/New_York`.
    package let identifier: String

    // Explicit transitions, sorted, with the offset and abbreviation in effect after each.
    let instants: [Int64]
    let offsets: [Int32]
    let abbreviations: [String]
    let initialOffset: Int32
    let initialAbbreviation: String
    // Applies after the last explicit transition, for every later year.
    let rule: PosixTimeZoneRule?
    // The last transition the TZif file lists itself; `rule` governs everything after it.
    let ruleStart: Int64
    // Instants from here on are past the precomputed table and need the rule (Int64.max if none).
    let computedFrom: Int64

    /// Explicit transitions are extended with the POSIX rule up to this year at load time, so
    /// ordinary dates take the binary-search path; later years compute transitions on the fly.
    static let precomputedThroughYear = 2200

    init(
        identifier: String, instants: [Int64], offsets: [Int32], abbreviations: [String],
        initialOffset: Int32, initialAbbreviation: String, rule: PosixTimeZoneRule?
    ) {
        ruleStart = instants.last ?? Int64.min
        var instants = instants
        var offsets = offsets
        var abbreviations = abbreviations
        if let rule, rule.daylight != nil {
            let lastExplicit = instants.last ?? Int64.min
            let firstYear = instants.last.map { CivilDate(dayNumber: Int(floorDiv($0, 86_400))).year } ?? 1970
            var previous = offsets.last ?? initialOffset
            for year in firstYear...ZoneRules.precomputedThroughYear {
                for t in rule.transitions(in: year) where t.instant > lastExplicit {
                    // A permanent-DST rule ends one year exactly where the next begins: no change.
                    if let last = instants.last, last == t.instant {
                        offsets[offsets.count - 1] = t.offsetAfter
                        abbreviations[abbreviations.count - 1] = t.abbreviationAfter
                    } else if t.offsetAfter != previous {
                        instants.append(t.instant)
                        offsets.append(t.offsetAfter)
                        abbreviations.append(t.abbreviationAfter)
                    }
                    previous = offsets.last ?? initialOffset
                }
            }
        }
        self.identifier = identifier
        computedFrom =
            rule?.daylight != nil
            ? Int64(CivilDate(year: ZoneRules.precomputedThroughYear, month: 12, day: 1).dayNumber) * 86_400 : Int64.max
        self.instants = instants
        self.offsets = offsets
        self.abbreviations = abbreviations
        self.initialOffset = initialOffset
        self.initialAbbreviation = initialAbbreviation
        self.rule = rule
    }

    /// A fixed offset zone, such as UTC.
    package static func fixed(identifier: String, offset: Int32, abbreviation: String) -> ZoneRules {
        ZoneRules(
            identifier: identifier, instants: [], offsets: [], abbreviations: [], initialOffset: offset,
            initialAbbreviation: abbreviation, rule: nil)
    }

    /// Coordinated Universal Time.
    package static let utc = ZoneRules.fixed(identifier: "UTC", offset: 0, abbreviation: "UTC")

    package var description: String { identifier }

    package static func == (lhs: ZoneRules, rhs: ZoneRules) -> Bool { lhs.identifier == rhs.identifier }
    package func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// Index of the last explicit transition at or before `instant`, or -1.
    @inline(__always)
    private func index(atOrBefore instant: Int64) -> Int {
        var low = 0
        var high = instants.count
        while low < high {
            let mid = (low + high) / 2
            if instants[mid] <= instant { low = mid + 1 } else { high = mid }
        }
        return low - 1
    }

    /// Seconds east of UTC in effect at `instant`.
    @inline(__always)
    package func offset(at instant: Int64) -> Int32 {
        if instant > computedFrom, let rule { return rule.offset(at: instant) }
        let i = index(atOrBefore: instant)
        return i < 0 ? initialOffset : offsets[i]
    }

    /// The abbreviation in effect at `instant`, such as `EDT` or `+0545`.
    package func abbreviation(at instant: Int64) -> String {
        if instant > computedFrom, let rule { return rule.abbreviation(at: instant) }
        let i = index(atOrBefore: instant)
        return i < 0 ? initialAbbreviation : abbreviations[i]
    }

    /// An offset change: at `instant` the offset goes from `offsetBefore` to `offsetAfter`.
    package struct Transition: Hashable, Sendable {
        package var instant: Int64
        package var offsetBefore: Int32
        package var offsetAfter: Int32
    }

    /// The first transition strictly after `instant`, or nil when the offset never changes again.
    package func nextTransition(after instant: Int64) -> Transition? {
        if instant >= computedFrom, let rule, let dst = rule.daylight {
            let year = CivilDate(dayNumber: Int(floorDiv(instant, 86_400))).year
            for y in year...(year + 1) {
                guard let (start, end) = rule.daylightBounds(in: y) else { return nil }
                let into = Transition(instant: start, offsetBefore: rule.standardOffset, offsetAfter: dst.offset)
                let outOf = Transition(instant: end, offsetBefore: dst.offset, offsetAfter: rule.standardOffset)
                let (first, second) = start <= end ? (into, outOf) : (outOf, into)
                if first.instant > instant { return first }
                if second.instant > instant { return second }
            }
            return nil
        }
        let i = index(atOrBefore: instant) + 1
        guard i < instants.count else {
            // Past the table's last transition but before the rule takes over: nothing changes
            // until `computedFrom`, so the answer is the rule's first transition after it.
            return rule?.daylight != nil && instant < computedFrom ? nextTransition(after: computedFrom) : nil
        }
        return Transition(instant: instants[i], offsetBefore: i == 0 ? initialOffset : offsets[i - 1], offsetAfter: offsets[i])
    }

    /// How a wall-clock time maps to real instants.
    package enum Resolution: Hashable, Sendable {
        /// The time exists once.
        case unique(Int64)
        /// The time falls in a gap (spring forward); the instant uses the offset from before the gap,
        /// as RFC 5545 section 3.3.5 says, so 02:30 on a New York spring-forward day is 03:30 EDT.
        case gap(Int64)
        /// The time occurs twice (fall back); both instants, earlier first.
        case overlap(Int64, Int64)

        /// The instant a single occurrence fires at: the shifted gap time or the first of an overlap.
        @inline(__always)
        package var instant: Int64 {
            switch self {
            case .unique(let u), .gap(let u), .overlap(let u, _): return u
            }
        }
    }

    /// Which instant(s) the wall-clock time `local` (seconds on the local timeline) denotes.
    package func resolve(localSeconds local: Int64) -> Resolution {
        // Offsets lie within ±18 h, so only transitions in that window can make `local` ambiguous.
        let windowStart = local - 64_800
        guard let first = nextTransition(after: windowStart), first.instant <= local + 64_800 else {
            return .unique(local - Int64(offset(at: local)))
        }
        var candidates: [Int32] = [first.offsetBefore, first.offsetAfter]
        var transitions = [first]
        var cursor = first.instant
        while let next = nextTransition(after: cursor), next.instant <= local + 64_800 {
            candidates.append(next.offsetAfter)
            transitions.append(next)
            cursor = next.instant
        }
        var valid: [Int64] = []
        for o in candidates {
            let u = local - Int64(o)
            if offset(at: u) == o, !valid.contains(u) { valid.append(u) }
        }
        valid.sort()
        switch valid.count {
        case 0:
            for t in transitions where t.offsetAfter > t.offsetBefore {
                if local >= t.instant + Int64(t.offsetBefore) && local < t.instant + Int64(t.offsetAfter) {
                    return .gap(local - Int64(t.offsetBefore))
                }
            }
            // Unreachable with consistent data; fall back to the offset before the window.
            return .gap(local - Int64(first.offsetBefore))
        case 1:
            return .unique(valid[0])
        default:
            return .overlap(valid[0], valid[valid.count - 1])
        }
    }

    /// Convenience for ``resolve(localSeconds:)``.
    package func resolve(_ local: LocalDateTime) -> Resolution { resolve(localSeconds: local.localSeconds) }

    /// Whether the wall-clock time at `instant` also occurs at another instant (the hour repeated
    /// when clocks fall back). Offset lookups only, no allocation: ``resolve(localSeconds:)``
    /// answers the same for a wall-clock time, but costs more than a tick writing many files
    /// should pay per file.
    package func isRepeated(at instant: Int64) -> Bool {
        let current = offset(at: instant)
        let local = instant + Int64(current)
        for other in [offset(at: instant - 86_400), offset(at: instant + 86_400)] where other != current {
            // The same wall-clock time under the other offset, if that offset is really in force then.
            if offset(at: local - Int64(other)) == other { return true }
        }
        return false
    }

    /// The wall-clock time at `instant`.
    package func localDateTime(at instant: Int64) -> LocalDateTime {
        LocalDateTime(localSeconds: instant + Int64(offset(at: instant)))
    }
}

// MARK: - Loading from the tz database

extension ZoneRules {
    private static let cache = Mutex<[String: ZoneRules]>([:])

    /// Loads the rules of an IANA zone from the system tz database.
    ///
    /// - Throws: ``RecurrenceError`` with code `unknownZone` when the name is not a zone on this host.
    package init(identifier: String) throws(RecurrenceError) {
        if let cached = ZoneRules.cache.withLock({ $0[identifier] }) {
            self = cached
            return
        }
        let loaded = try ZoneRules.load(identifier)
        ZoneRules.cache.withLock { $0[identifier] = loaded }
        self = loaded
    }

    /// The directory holding TZif files: `$TZDIR`, else `/usr/share/zoneinfo`.
    package static var databaseDirectory: String {
        ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo"
    }

    private static func load(_ identifier: String) throws(RecurrenceError) -> ZoneRules {
        let unknown = RecurrenceError(
            .unknownZone, "unknown time zone \"\(identifier)\" (expected an IANA name such as America/New_York)")
        if identifier == "UTC" || identifier == "Etc/UTC" || identifier == "Z" { return .utc }
        // Names are paths inside the database; refuse anything that could leave it.
        let allowed = identifier.utf8.allSatisfy { b in
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 47 || b == 95 || b == 45 || b == 43
        }
        guard !identifier.isEmpty, allowed, !identifier.hasPrefix("/"), !identifier.contains(".."),
            !identifier.hasPrefix("posix"), !identifier.hasPrefix("right")
        else { throw unknown }
        guard let data = FileManager.default.contents(atPath: databaseDirectory + "/" + identifier),
            let rules = TZif.parse(Array(data), identifier: identifier)
        else { throw unknown }
        return rules
    }

    /// The host's zone name: `$TZ`, else the `/etc/localtime` link, else Foundation's idea, else UTC.
    package static var systemIdentifier: String {
        if let tz = ProcessInfo.processInfo.environment["TZ"], !tz.isEmpty {
            return tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
        }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"),
            let range = target.range(of: "zoneinfo/")
        {
            return String(target[range.upperBound...])
        }
        return TimeZone.current.identifier
    }
}

/// Reader for TZif files (RFC 8536), versions 1 to 4.
enum TZif {
    static func parse(_ bytes: [UInt8], identifier: String) -> ZoneRules? {
        guard bytes.count >= 44, bytes[0] == 0x54, bytes[1] == 0x5A, bytes[2] == 0x69, bytes[3] == 0x66 else { return nil }
        let version = bytes[4]
        guard let v1 = Header(bytes, at: 0) else { return nil }
        var position = 44
        var timeSize = 4
        var header = v1
        if version >= UInt8(ascii: "2") {
            // Skip the 32-bit block; the 64-bit block that follows covers every year.
            position += v1.dataLength(timeSize: 4)
            guard let v2 = Header(bytes, at: position) else { return nil }
            header = v2
            position += 44
            timeSize = 8
        }
        let dataEnd = position + header.dataLength(timeSize: timeSize)
        guard dataEnd <= bytes.count else { return nil }

        var instants: [Int64] = []
        instants.reserveCapacity(header.timeCount)
        for i in 0..<header.timeCount {
            instants.append(timeSize == 8 ? readInt64(bytes, position + i * 8) : Int64(readInt32(bytes, position + i * 4)))
        }
        position += header.timeCount * timeSize
        let typeIndices = Array(bytes[position..<(position + header.timeCount)])
        position += header.timeCount
        var types: [(offset: Int32, abbreviationIndex: Int)] = []
        for i in 0..<header.typeCount {
            let base = position + i * 6
            types.append((readInt32(bytes, base), Int(bytes[base + 5])))
        }
        position += header.typeCount * 6
        let chars = Array(bytes[position..<(position + header.charCount)])
        func abbreviation(_ index: Int) -> String {
            guard index < chars.count else { return "" }
            let end = chars[index...].firstIndex(of: 0) ?? chars.count
            return String(decoding: chars[index..<end], as: UTF8.self)
        }
        guard !types.isEmpty, typeIndices.allSatisfy({ Int($0) < types.count }) else { return nil }

        var offsets: [Int32] = []
        var abbreviations: [String] = []
        var keptInstants: [Int64] = []
        var previous = types[0].offset
        for (i, instant) in instants.enumerated() {
            let type = types[Int(typeIndices[i])]
            // Some transitions change only the abbreviation or the DST flag; the offset is what matters.
            if type.offset == previous {
                if !abbreviations.isEmpty { abbreviations[abbreviations.count - 1] = abbreviation(type.abbreviationIndex) }
                continue
            }
            keptInstants.append(instant)
            offsets.append(type.offset)
            abbreviations.append(abbreviation(type.abbreviationIndex))
            previous = type.offset
        }

        var rule: PosixTimeZoneRule?
        if timeSize == 8, dataEnd < bytes.count, bytes[dataEnd] == 0x0A {
            let start = dataEnd + 1
            if let end = bytes[start...].firstIndex(of: 0x0A), end > start {
                rule = PosixTimeZoneRule(parsing: String(decoding: bytes[start..<end], as: UTF8.self))
            }
        }
        return ZoneRules(
            identifier: identifier, instants: keptInstants, offsets: offsets, abbreviations: abbreviations,
            initialOffset: types[0].offset, initialAbbreviation: abbreviation(types[0].abbreviationIndex), rule: rule)
    }

    private struct Header {
        var utIndicatorCount, standardIndicatorCount, leapCount, timeCount, typeCount, charCount: Int

        init?(_ bytes: [UInt8], at offset: Int) {
            guard offset + 44 <= bytes.count, bytes[offset] == 0x54, bytes[offset + 3] == 0x66 else { return nil }
            func count(_ i: Int) -> Int { Int(UInt32(bitPattern: readInt32(bytes, offset + 20 + i * 4))) }
            utIndicatorCount = count(0)
            standardIndicatorCount = count(1)
            leapCount = count(2)
            timeCount = count(3)
            typeCount = count(4)
            charCount = count(5)
        }

        func dataLength(timeSize: Int) -> Int {
            timeCount * timeSize + timeCount + typeCount * 6 + charCount + leapCount * (timeSize + 4)
                + standardIndicatorCount + utIndicatorCount
        }
    }

    private static func readInt32(_ b: [UInt8], _ i: Int) -> Int32 {
        Int32(bitPattern: UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3]))
    }

    private static func readInt64(_ b: [UInt8], _ i: Int) -> Int64 {
        Int64(bitPattern: UInt64(UInt32(bitPattern: readInt32(b, i))) << 32 | UInt64(UInt32(bitPattern: readInt32(b, i + 4))))
    }
}
