import Crypto
import Foundation
import Playbooks
import Recurrence

/// Signed links a reminder carries so that the people reading it can act without signing in:
/// `/a/ack/PLAYBOOK/OCCURRENCE/EXPIRY/SIGNATURE` (no query: `&` needs escaping in some chat
/// formats). The signature (HMAC-SHA256 under
/// `web.secret`) binds the verb, the playbook, the occurrence and the expiry, so a link
/// cannot be reused for another meeting or kept for ever. Opening one only shows a button:
/// chat unfurlers and mail scanners fetch links and must not act.
package enum ActionLinks {
    /// How long after the meeting's end a link still works.
    package static let validity: Int64 = 7 * 86_400

    /// The acknowledge link of an occurrence, when the workspace has a public address and a
    /// secret and the playbook asks for acknowledgement.
    package static func acknowledge(playbook: Playbook, occurrence: Int64, workspace: Workspace) -> String? {
        guard playbook.acknowledgement != nil, let base = workspace.configuration.web.url, let secret = workspace.configuration.web.secret?.value
        else { return nil }
        let expires = occurrence + Int64(playbook.duration) + validity
        let path = "/a/ack/\(playbook.id)/\(RFC3339.formatUTC(occurrence))/\(expires)"
        return "\(base)\(path)/\(signature(verb: "ack", playbook: playbook.id, occurrence: occurrence, expires: expires, secret: secret))"
    }

    /// The hex HMAC-SHA256 over the link's canonical text.
    package static func signature(verb: String, playbook: String, occurrence: Int64, expires: Int64, secret: String) -> String {
        let text = "v1\n\(verb)\n\(playbook)\n\(occurrence)\n\(expires)"
        let code = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a link's signature is the one this workspace makes (compared in constant time).
    package static func verify(
        verb: String, playbook: String, occurrence: Int64, expires: Int64, signature given: String, secret: String
    ) -> Bool {
        let expected = signature(verb: verb, playbook: playbook, occurrence: occurrence, expires: expires, secret: secret)
        // Digest equality in swift-crypto is constant-time.
        return SHA256.hash(data: Array(given.utf8)) == SHA256.hash(data: Array(expected.utf8))
    }
}
