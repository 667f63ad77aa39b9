import Delivery
import Foundation

/// A secret value (a webhook URL, a signing secret, a key) that never prints itself: the one
/// secret type of the package.
///
/// `description`, `debugDescription`, `dump` and the `Encodable` form show only the URL's scheme,
/// host and port (`https://hooks.slack.com/…`) or `[REDACTED]`; the value is read through
/// ``value`` at the one place that sends it.
package struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    /// The secret text itself. Do not log it.
    package let value: String
    /// Where it came from, e.g. `${env:OPS_SLACK_WEBHOOK}`: safe to print.
    package let reference: String

    package init(value: String, reference: String) {
        self.value = value
        self.reference = reference
    }

    package var description: String { Secret.redactedURL(value) ?? "[REDACTED]" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["value": description, "reference": reference]) }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `https://hooks.slack.com/…` (or `http://127.0.0.1:8065/…`) for a URL, nil for anything
    /// else: scheme, host and port, as the sender's logs show them (``SecretURL``'s own form).
    package static func redactedURL(_ text: String) -> String? {
        guard let url = try? SecretURL(text), !url.host.isEmpty else { return nil }
        return url.description
    }
}

/// `${env:NAME}` and `${file:PATH}` references inside a configuration value.
enum SecretReference {
    enum Failure: Error, Equatable {
        case unsetVariable(String)
        /// Set, but to nothing (`export NAME=`): as good as unset, and said apart for the one fixing it.
        case emptyVariable(String)
        case unreadableFile(String)
        case malformed(String)
    }

    /// Whether `text` contains any reference.
    static func containsReference(_ text: String) -> Bool { text.contains("${") }

    /// Replaces every reference with its value. File contents lose one trailing newline.
    static func resolve(_ text: String, environment: [String: String], baseDirectory: String) -> Result<String, Failure> {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                return .failure(.malformed(String(rest[start.lowerBound...])))
            }
            let body = rest[start.upperBound..<end]
            rest = rest[rest.index(after: end)...]
            if body.hasPrefix("env:") {
                let name = String(body.dropFirst(4))
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    return .failure(.malformed("${\(body)}"))
                }
                guard let value = environment[name] else { return .failure(.unsetVariable(name)) }
                guard !value.isEmpty else { return .failure(.emptyVariable(name)) }
                output += value
            } else if body.hasPrefix("file:") {
                var path = String(body.dropFirst(5))
                if !path.hasPrefix("/") { path = baseDirectory + "/" + path }
                guard let data = FileManager.default.contents(atPath: path), var value = String(data: data, encoding: .utf8)
                else { return .failure(.unreadableFile(String(body.dropFirst(5)))) }
                if value.hasSuffix("\r\n") { value.removeLast(2) } else if value.hasSuffix("\n") { value.removeLast() }
                output += value
            } else {
                return .failure(.malformed("${\(body)}"))
            }
        }
        output += rest
        return .success(output)
    }
}

extension Secret {
    /// A secret given on a command line as `${env:NAME}` or `${file:PATH}` (single-quoted for
    /// the shell), so that it never appears in the process list. `what` names the option in
    /// errors; the value is never quoted.
    package static func fromArgument(
        _ text: String, what: String, environment: [String: String], baseDirectory: String
    ) -> Result<Secret, SecretArgumentError> {
        switch SecretReference.resolve(text, environment: environment, baseDirectory: baseDirectory) {
        case .success(let value): .success(Secret(value: value, reference: text))
        case .failure(.unsetVariable(let name)): .failure(SecretArgumentError(message: "\(what): environment variable \(name) is not set"))
        case .failure(.emptyVariable(let name)): .failure(SecretArgumentError(message: "\(what): environment variable \(name) is empty"))
        case .failure(.unreadableFile(let path)): .failure(SecretArgumentError(message: "\(what): cannot read \(path)"))
        case .failure(.malformed): .failure(SecretArgumentError(message: "\(what): malformed reference (expected ${env:NAME} or ${file:PATH})"))
        }
    }

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`, any case).
    package static func isPostgresURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Whether a URL carries a password (`user:password@host`, or a `password` parameter).
    package static func urlHasPassword(_ text: String) -> Bool {
        DatabaseURL.hasPassword(text)
    }

    /// Whether `text` holds a `${env:…}` or `${file:…}` reference.
    package static func isReference(_ text: String) -> Bool { SecretReference.containsReference(text) }
}

/// A secret argument that cannot be resolved.
package struct SecretArgumentError: Error, Sendable {
    package var message: String
}
