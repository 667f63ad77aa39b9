/// A secret string (a token, a password, a signing key) that never prints itself.
///
/// `description`, `debugDescription`, `dump` and the `Encodable` form all show `[REDACTED]`.
/// Read the value with ``revealed`` only where it is handed to the wire.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    /// The secret value. Use it only to build a request; never log it.
    public let revealed: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.revealed = value
    }

    public var description: String { Redactor.marker }
    public var debugDescription: String { "Secret(\(Redactor.marker))" }
    public var customMirror: Mirror { Mirror(self, children: ["revealed": Redactor.marker]) }

    /// Encodes as the string `[REDACTED]`, so configuration dumps cannot leak the value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Redactor.marker)
    }
}
