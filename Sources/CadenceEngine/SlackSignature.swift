import Crypto
import Foundation

/// Slack's request signing (v0): `X-Slack-Signature: v0=HEX` where HEX is HMAC-SHA256 under
/// the app's signing secret over `v0:TIMESTAMP:BODY`, with `X-Slack-Request-Timestamp` as
/// TIMESTAMP and the raw body as sent. A request older than five minutes is refused whatever
/// its signature, so a captured one cannot be replayed later.
package enum SlackSignature {
    /// The oldest (or most future) timestamp accepted, in seconds from now.
    package static let maximumSkew: Int64 = 300

    /// Why a request is refused.
    package enum Failure: Error, Equatable, CustomStringConvertible {
        case missingHeaders
        case stale(seconds: Int64)
        case mismatch

        package var description: String {
            switch self {
            case .missingHeaders: "X-Slack-Signature and X-Slack-Request-Timestamp are required"
            case .stale(let seconds): "the request's timestamp is \(seconds) s away from now (at most \(SlackSignature.maximumSkew) s)"
            case .mismatch: "the signature does not match any Slack target's signing_secret"
            }
        }
    }

    /// `v0=` and the hex HMAC-SHA256 of `v0:timestamp:body` under `secret`.
    package static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        var message = Array("v0:\(timestamp):".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "v0=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// The index in `secrets` of the one that signed the request.
    package static func verify(
        signature given: String?, timestamp: String?, body: [UInt8], secrets: [String], now: Int64
    ) -> Result<Int, Failure> {
        guard let given, let timestamp, let seconds = Int64(timestamp), String(seconds) == timestamp else { return .failure(.missingHeaders) }
        let skew = seconds > now ? seconds - now : now - seconds
        guard skew <= maximumSkew else { return .failure(.stale(seconds: skew)) }
        // Every secret is tried, so the time taken does not tell which one matched.
        var matched: Int?
        for (index, secret) in secrets.enumerated() {
            if ActionLinks.constantTimeEqual(given, signature(secret: secret, timestamp: timestamp, body: body)) && matched == nil {
                matched = index
            }
        }
        return matched.map { .success($0) } ?? .failure(.mismatch)
    }
}
