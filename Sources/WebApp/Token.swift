import Crypto
import Foundation

/// Random tokens for sign-in links, sessions and forms, and the digests the state keeps of them.
enum Token {
    /// 32 random bytes from the system's generator, base64url without padding (43 characters).
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    /// What the state file stores in place of a token: HMAC-SHA256 under `web.secret` when
    /// there is one (a copy of the state file then opens no session, and a new secret signs
    /// everyone out), else SHA-256.
    static func digest(_ token: String, key: String?) -> String {
        let bytes: [UInt8]
        if let key {
            bytes = Array(HMAC<SHA256>.authenticationCode(for: Array(token.utf8), using: SymmetricKey(data: Array(key.utf8))))
        } else {
            bytes = Array(SHA256.hash(data: Array(token.utf8)))
        }
        return bytes.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xF)] }.joined()
    }

    /// Compares two secrets in time that does not depend on where they differ (digest equality
    /// in swift-crypto is constant-time), so a form token cannot be guessed a byte at a time.
    static func matches(_ given: String, _ expected: String) -> Bool {
        SHA256.hash(data: Array(given.utf8)) == SHA256.hash(data: Array(expected.utf8))
    }

    /// Whether `text` has the shape of a token this app makes (43 base64url characters).
    static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy { base64URLAlphabet.contains($0) }
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }
    private static let base64URLAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
