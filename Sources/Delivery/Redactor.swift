import Foundation

/// Scrubs known secrets from text before it is shown anywhere: libcurl error texts, response
/// bodies echoed in errors and outcomes, log lines.
///
/// For every webhook URL it knows, it removes the whole URL (replaced by the URL's redacted
/// form, e.g. `https://hooks.slack.com/…`) and each part that could carry the credential on its
/// own: user info, path, query, query values and long path segments. For every secret it
/// removes the value, its percent-encoded forms and its percent-decoded form.
///
/// ```swift
/// let redactor = Redactor(urls: [target.url], secrets: ["s3cr3t-token"])
/// logger.error("\(redactor.redact(message))")
/// ```
package struct Redactor: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    /// What a removed secret is replaced with.
    package static let marker = "[REDACTED]"

    /// Replacements, longest needle first so that a URL goes before its parts.
    private var rules: [Rule] = []

    private struct Rule: Hashable, Sendable {
        let needle: String
        let replacement: String
    }

    /// Below this length a URL part is too likely to be ordinary text (`/hook`, `v1`) to be
    /// scrubbed on its own; the URL, its path and its query are still scrubbed whole.
    private static let minimumFragmentLength = 8

    /// A redactor that knows no secrets yet.
    package init() {}

    /// A redactor for these webhook URLs and secret strings.
    package init(urls: [SecretURL] = [], secrets: [String] = []) {
        for url in urls { add(url) }
        for secret in secrets { add(secret: secret) }
    }

    /// Teaches the redactor a webhook URL and its parts.
    package mutating func add(_ url: SecretURL) {
        let redacted = url.description
        addNeedle(url.revealedString, replacement: redacted)
        var withoutUserInfo = "\(url.scheme)://"
        withoutUserInfo += url.host.contains(":") ? "[\(url.host)]" : url.host
        if let port = url.port { withoutUserInfo += ":\(port)" }
        withoutUserInfo += url.percentEncodedPath
        if let query = url.percentEncodedQuery { withoutUserInfo += "?\(query)" }
        addNeedle(withoutUserInfo, replacement: redacted)

        if let user = url.percentEncodedUser {
            let userInfo = user + (url.percentEncodedPassword.map { ":\($0)" } ?? "")
            addNeedle(userInfo + "@", replacement: Self.marker + "@")
            addNeedle(userInfo, replacement: Self.marker)
            // libcurl turns URL credentials into "Authorization: Basic <base64>"; a server that
            // echoes headers would otherwise leak them in that form.
            let decoded = userInfo.removingPercentEncoding ?? userInfo
            addNeedle(Data(decoded.utf8).base64EncodedString(), replacement: Self.marker)
        }
        if let password = url.percentEncodedPassword, password.count >= Self.minimumFragmentLength {
            addNeedle(password, replacement: Self.marker)
        }
        let path = url.percentEncodedPath
        if path.count > 1 {
            if let query = url.percentEncodedQuery { addNeedle(path + "?" + query, replacement: "/" + Self.marker) }
            addNeedle(path, replacement: "/" + Self.marker)
            for segment in path.split(separator: "/") where segment.count >= Self.minimumFragmentLength {
                addNeedle(String(segment), replacement: Self.marker)
            }
        }
        if let query = url.percentEncodedQuery, !query.isEmpty {
            addNeedle("?" + query, replacement: "?" + Self.marker)
            addNeedle(query, replacement: Self.marker)
            for item in query.split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if pair.count == 2, pair[1].count >= Self.minimumFragmentLength {
                    addNeedle(String(pair[1]), replacement: Self.marker)
                }
            }
        }
        if let fragment = url.fragment, fragment.count >= Self.minimumFragmentLength {
            addNeedle(fragment, replacement: Self.marker)
        }
    }

    /// Teaches the redactor a secret string (a token, a signing secret).
    ///
    /// A Standard Webhooks secret (`whsec_<base64>`) is also taken without its prefix: the key
    /// itself, which a receiver may echo in that form.
    package mutating func add(secret: String) {
        guard !secret.isEmpty else { return }
        addNeedle(secret, replacement: Self.marker)
        let key = secret.dropFirst("whsec_".count)
        if secret.hasPrefix("whsec_"), key.count >= Self.minimumFragmentLength {
            addNeedle(String(key), replacement: Self.marker)
        }
    }

    /// This redactor plus everything `other` knows.
    package func merging(_ other: Redactor) -> Redactor {
        var merged = self
        for rule in other.rules where !merged.rules.contains(rule) { merged.rules.append(rule) }
        merged.rules.sort(by: Self.ordered)
        return merged
    }

    /// `Redactor(4 rules)`: never the secrets it knows.
    package var description: String { "Redactor(\(rules.count) rules)" }

    /// Hides the secrets from `dump` and `Mirror`, for every value that holds a redactor.
    package var customMirror: Mirror { Mirror(self, children: ["rules": rules.count]) }

    /// `text` with every known secret replaced, in any letter case: a receiver or proxy that
    /// echoes a URL may have changed it (host names are case-insensitive, some servers lowercase
    /// paths), and hiding text that merely differs in case from a secret costs nothing.
    package func redact(_ text: String) -> String {
        var result = text
        for rule in rules where result.range(of: rule.needle, options: .caseInsensitive) != nil {
            result = result.replacingOccurrences(of: rule.needle, with: rule.replacement, options: .caseInsensitive)
        }
        return result
    }

    /// A printable excerpt of a response body: decoded as UTF-8 (invalid bytes replaced),
    /// redacted, control characters stripped, then cut to at most `maxBytes` UTF-8 bytes on a
    /// character boundary. Redaction runs before the cut so that no prefix of a secret that
    /// straddles the limit survives.
    package func excerpt(of body: [UInt8], maxBytes: Int = 500) -> String {
        let text = Self.strippingControlCharacters(redact(String(decoding: body, as: UTF8.self)))
        var out = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > maxBytes { break }
            out.append(character)
            used += size
        }
        return out
    }

    /// `text` with tabs and line breaks turned into spaces and every other control character
    /// (C0, DEL, C1, and the bidirectional overrides used to forge log lines) removed.
    package static func strippingControlCharacters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: scalars.append(" ")
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    private mutating func addNeedle(_ needle: String, replacement: String) {
        guard !needle.isEmpty else { return }
        var variants = [needle]
        if let decoded = needle.removingPercentEncoding { variants.append(decoded) }
        if let encoded = needle.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
            variants.append(encoded)
            // Percent-encoders differ in hex case; scrub both.
            variants.append(Self.lowercasingPercentEscapes(encoded))
        }
        if let encoded = needle.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { variants.append(encoded) }
        for variant in variants where !variant.isEmpty {
            let rule = Rule(needle: variant, replacement: replacement)
            if !rules.contains(rule) { rules.append(rule) }
        }
        rules.sort(by: Self.ordered)
    }

    private static func ordered(_ a: Rule, _ b: Rule) -> Bool {
        a.needle.utf8.count != b.needle.utf8.count ? a.needle.utf8.count > b.needle.utf8.count : a.needle < b.needle
    }

    private static func lowercasingPercentEscapes(_ text: String) -> String {
        var out = ""
        var pending = 0
        for character in text {
            if character == "%" {
                pending = 2
                out.append(character)
            } else if pending > 0 {
                out.append(contentsOf: character.lowercased())
                pending -= 1
            } else {
                out.append(character)
            }
        }
        return out
    }
}
