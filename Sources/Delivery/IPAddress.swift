import Glibc

/// An IPv4 or IPv6 address, parsed the way libcurl reads URL hosts, and classified for the
/// connect-time address policy.
///
/// IPv4 text is read with `inet_aton`, so the forms that slip past naive URL filters parse to
/// the address they really mean: `2130706433`, `0x7f.1`, `127.1` and `0177.0.0.1` are all
/// 127.0.0.1. IPv6 text may be bracketed and may carry a zone (`fe80::1%eth0`).
package struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    package let bytes: [UInt8]

    /// Wraps 4 (IPv4) or 16 (IPv6) bytes in network order; `nil` for any other count.
    package init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses an address; `nil` when `text` is not one.
    package init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        // inet_aton stops at the first space and ignores the rest; an address has none.
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else { return nil }
        let string = String(text)
        if string.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, string, &address) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        } else {
            var address = in_addr()
            guard inet_aton(string, &address) != 0 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    /// True for an IPv4 address.
    package var isIPv4: Bool { bytes.count == 4 }

    /// The canonical text form (`inet_ntop`).
    package var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Which network the address belongs to. IPv6 forms that embed an IPv4 address
    /// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and
    /// 6to4 `2002::/16`) are classified by the embedded address.
    package var category: AddressCategory {
        isIPv4 ? Self.classifyIPv4(bytes[0], bytes[1], bytes[2], bytes[3]) : classifyIPv6()
    }

    private func classifyIPv6() -> AddressCategory {
        let b = bytes
        let firstTwelveZero = b[0..<12].allSatisfy { $0 == 0 }
        if firstTwelveZero {
            let last = b[12..<16]
            if last.allSatisfy({ $0 == 0 }) { return .unspecified }
            if last.elementsEqual([0, 0, 0, 1]) { return .loopback }
            // IPv4-compatible (deprecated, but the kernel still routes it).
            return Self.classifyIPv4(b[12], b[13], b[14], b[15])
        }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
            return Self.classifyIPv4(b[12], b[13], b[14], b[15])
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..<12].allSatisfy({ $0 == 0 }) {
            return Self.classifyIPv4(b[12], b[13], b[14], b[15])
        }
        if b[0] == 0x20 && b[1] == 0x02 {
            return Self.classifyIPv4(b[2], b[3], b[4], b[5])
        }
        if b == Self.awsMetadataIPv6 { return .cloudMetadata }
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return .linkLocal }
        if b[0] == 0xFE && (b[1] & 0xC0) == 0xC0 { return .privateNetwork }
        if (b[0] & 0xFE) == 0xFC { return .privateNetwork }
        if b[0] == 0xFF { return .multicast }
        return .publicInternet
    }

    /// fd00:ec2::254, the AWS instance metadata service over IPv6.
    private static let awsMetadataIPv6: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]

    private static func classifyIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> AddressCategory {
        switch (a, b) {
        case (169, 254) where c == 169 && d == 254: return .cloudMetadata
        case (100, 100) where c == 100 && d == 200: return .cloudMetadata
        case (169, 254): return .linkLocal
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (10, _): return .privateNetwork
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (100, 64...127): return .sharedAddressSpace
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .publicInternet
        }
    }
}
