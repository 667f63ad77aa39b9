internal import Crypto
import Foundation

/// A Standard Webhooks signing secret, used to sign generic webhooks with HMAC-SHA256.
///
/// Accepts `whsec_<base64>` as Standard Webhooks shows it, the same base64 without the prefix,
/// and, as a last resort, a raw secret that is not base64, whose UTF-8 bytes are then the key.
/// Never prints its value.
package struct SigningSecret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let key: [UInt8]
    /// The secret as configured, for the ``Redactor``.
    let original: String

    /// Reads a secret.
    /// - Throws: ``DeliveryError/Code/invalidSigningSecret`` when it is empty or has the
    ///   `whsec_` prefix but is not valid base64.
    package init(_ text: String) throws(DeliveryError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw DeliveryError(.invalidSigningSecret, "signing secret is empty") }
        original = trimmed
        if trimmed.hasPrefix("whsec_") {
            guard let decoded = Self.decodeBase64(String(trimmed.dropFirst(6))), !decoded.isEmpty else {
                throw DeliveryError(.invalidSigningSecret, "signing secret starts with whsec_ but the rest is not base64")
            }
            key = decoded
        } else if let decoded = Self.decodeBase64(trimmed), !decoded.isEmpty {
            key = decoded
        } else {
            key = Array(trimmed.utf8)
        }
    }

    /// The `webhook-signature` value for one attempt: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
    package func signature(messageID: String, timestamp: Int64, body: [UInt8]) -> String {
        var signed = Array("\(messageID).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    package var description: String { "whsec_\(Redactor.marker)" }
    package var debugDescription: String { "SigningSecret(\(Redactor.marker))" }
    package var customMirror: Mirror { Mirror(self, children: ["key": Redactor.marker]) }

    private static func decodeBase64(_ text: String) -> [UInt8]? {
        var padded = text
        if padded.count % 4 != 0 { padded += String(repeating: "=", count: 4 - padded.count % 4) }
        return Data(base64Encoded: padded).map(Array.init)
    }
}
