import Foundation

/// A webhook URL. Slack, Discord, Teams Workflows and Google Chat authenticate by the URL
/// alone, so the whole URL is a bearer credential.
///
/// Every printable form (`description`, `debugDescription`, `dump`, `Encodable`) keeps only the
/// scheme and host (and port), e.g. `https://hooks.slack.com/…`; user info, path and query never
/// appear. Use ``revealedString`` only to hand the URL to libcurl. ``Redactor`` scrubs the full
/// URL and its parts from any other text.
package struct SecretURL: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    /// The complete URL, credentials included. Never log it.
    package let revealedString: String
    /// The scheme, lowercased (`https`).
    package let scheme: String
    /// The host without brackets, lowercased; empty for URLs such as `file:///etc/passwd`.
    package let host: String
    /// The explicit port, if the URL has one.
    package let port: Int?

    let percentEncodedUser: String?
    let percentEncodedPassword: String?
    let percentEncodedPath: String
    let percentEncodedQuery: String?
    let fragment: String?

    /// Parses an absolute URL.
    ///
    /// Any scheme is accepted here; the client refuses everything but `http` and `https` when it
    /// sends (`CURLOPT_PROTOCOLS_STR`, or `CURLOPT_PROTOCOLS` before libcurl 7.85), so the policy lives in one place.
    /// - Throws: ``DeliveryError/Code/invalidURL`` with a message that does not contain the URL.
    package init(_ string: String) throws(DeliveryError) {
        if string.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            throw DeliveryError(.invalidURL, "webhook URL contains whitespace or control characters")
        }
        guard let components = URLComponents(string: string), let scheme = components.scheme, !scheme.isEmpty else {
            throw DeliveryError(.invalidURL, "webhook URL is not an absolute URL")
        }
        revealedString = string
        self.scheme = scheme.lowercased()
        var host = (components.percentEncodedHost ?? "").lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        port = components.port
        percentEncodedUser = components.percentEncodedUser
        percentEncodedPassword = components.percentEncodedPassword
        percentEncodedPath = components.percentEncodedPath
        percentEncodedQuery = components.percentEncodedQuery
        fragment = components.percentEncodedFragment
    }

    /// An `http` or `https` URL with a host: the only kind the sender posts to.
    package var isWeb: Bool { (scheme == "http" || scheme == "https") && !host.isEmpty }

    /// `scheme://host[:port]/…`: what may be shown in logs and errors.
    package var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let shownPort = port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(shownHost)\(shownPort)/…"
    }

    package var debugDescription: String { "SecretURL(\(description))" }
    package var customMirror: Mirror { Mirror(self, children: ["url": description]) }

    /// Encodes the redacted ``description``, never the URL.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The same URL with the parameters of `query` (percent-encoded `name=value` pairs joined
    /// by `&`) set: existing parameters with those names are replaced, the others (and their
    /// order) kept, and the new ones appended in order.
    func settingQuery(_ query: String) throws(DeliveryError) -> SecretURL {
        func name(_ part: String) -> String {
            let rawName = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? part
            return rawName.removingPercentEncoding ?? rawName
        }
        let added = query.split(separator: "&", omittingEmptySubsequences: true).map(String.init)
        let names = Set(added.map(name))
        var parts = (percentEncodedQuery ?? "").split(separator: "&", omittingEmptySubsequences: true).map(String.init)
        parts.removeAll { names.contains(name($0)) }
        parts += added

        // Rebuild from the original text so that user info, host and path stay byte-for-byte.
        var base = revealedString
        if let hashIndex = base.firstIndex(of: "#") { base = String(base[..<hashIndex]) }
        if let queryIndex = base.firstIndex(of: "?") { base = String(base[..<queryIndex]) }
        var rebuilt = base + "?" + parts.joined(separator: "&")
        if let fragment { rebuilt += "#" + fragment }
        return try SecretURL(rebuilt)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func encodeQueryComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
