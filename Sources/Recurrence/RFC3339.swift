/// RFC 3339 timestamps: the instant format of every `--format json` output and `--now`/`--after` input.
package enum RFC3339 {
    /// `2026-03-09T09:00:00-04:00` for `instant` shown at `offset` seconds east of UTC.
    package static func format(_ instant: Int64, offset: Int32) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        append(instant, offset: offset, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2026-03-09T14:00:00Z`.
    package static func formatUTC(_ instant: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendDateTime(LocalDateTime(localSeconds: instant), to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 text for `instant` at `offset` to a byte buffer, without allocating.
    @inline(__always)
    package static func append(_ instant: Int64, offset: Int32, to bytes: inout [UInt8]) {
        appendDateTime(LocalDateTime(localSeconds: instant + Int64(offset)), to: &bytes)
        appendOffset(offset, to: &bytes)
    }

    @inline(__always)
    static func appendDateTime(_ local: LocalDateTime, to bytes: inout [UInt8]) {
        appendDate(local.date, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTwoDigits(local.hour, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(local.minute, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(local.second, to: &bytes)
    }

    @inline(__always)
    static func appendDate(_ date: CivilDate, to bytes: inout [UInt8]) {
        let y = date.year
        bytes.append(UInt8(48 + y / 1000 % 10))
        bytes.append(UInt8(48 + y / 100 % 10))
        bytes.append(UInt8(48 + y / 10 % 10))
        bytes.append(UInt8(48 + y % 10))
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(date.month, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(date.day, to: &bytes)
    }

    @inline(__always)
    static func appendOffset(_ offset: Int32, to bytes: inout [UInt8]) {
        bytes.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = Int(offset.magnitude)
        appendTwoDigits(magnitude / 3600, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(magnitude / 60 % 60, to: &bytes)
    }

    @inline(__always)
    static func appendTwoDigits(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(48 + value / 10))
        bytes.append(UInt8(48 + value % 10))
    }

    /// Parses an RFC 3339 instant (`2026-03-08T06:00:00Z`, `2026-03-08T01:00:00-05:00`, fractional
    /// seconds allowed and truncated) into seconds since the epoch, or returns nil.
    package static func parseInstant(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let local = LocalDateTime(iso: String(decoding: bytes[0..<19], as: UTF8.self)),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " ")
        else { return nil }
        var i = 19
        if bytes[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "Z") || bytes[i] == UInt8(ascii: "z") {
            return i + 1 == bytes.count ? local.localSeconds : nil
        }
        guard bytes.count == i + 6, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-"),
            bytes[i + 3] == UInt8(ascii: ":"), let h = parseDigits(bytes[(i + 1)..<(i + 3)]),
            let m = parseDigits(bytes[(i + 4)..<(i + 6)]), h < 24, m < 60
        else { return nil }
        let offset = Int64(h * 3600 + m * 60) * (bytes[i] == UInt8(ascii: "-") ? -1 : 1)
        return local.localSeconds - offset
    }
}

extension RFC3339 {
    /// Formats many instants in a row, reusing the date part while the day stays the same and
    /// the offset part while the offset does: `next --count 1000000` spends its time here.
    package struct StreamingFormatter {
        private var day = Int64.min
        private var datePrefix: [UInt8] = []
        private var offset = Int32.min
        private var offsetSuffix: [UInt8] = []

        package init() {}

        /// Appends `2026-03-09T09:00:00-04:00` for `instant` at `offset` to `bytes`.
        @inline(__always)
        package mutating func append(_ instant: Int64, offset: Int32, to bytes: inout [UInt8]) {
            let local = instant + Int64(offset)
            let localDay = floorDiv(local, 86_400)
            if localDay != day {
                day = localDay
                datePrefix.removeAll(keepingCapacity: true)
                RFC3339.appendDate(CivilDate(dayNumber: Int(localDay)), to: &datePrefix)
                datePrefix.append(UInt8(ascii: "T"))
            }
            if offset != self.offset {
                self.offset = offset
                offsetSuffix.removeAll(keepingCapacity: true)
                RFC3339.appendOffset(offset, to: &offsetSuffix)
            }
            let second = Int(local - localDay * 86_400)
            bytes.append(contentsOf: datePrefix)
            RFC3339.appendTwoDigits(second / 3600, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            RFC3339.appendTwoDigits(second / 60 % 60, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            RFC3339.appendTwoDigits(second % 60, to: &bytes)
            bytes.append(contentsOf: offsetSuffix)
        }
    }
}
