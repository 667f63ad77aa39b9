import Crypto
import Foundation
import Playbooks
import Recurrence

/// Signed links a reminder carries so that the people reading it can act without signing in:
/// `/a/ack/PLAYBOOK/OCCURRENCE/EXPIRY/SIGNATURE` and `/a/done/PLAYBOOK/OCCURRENCE/ITEM/EXPIRY/SIGNATURE`
/// (no query: `&` needs escaping in some chat formats). The signature (HMAC-SHA256 under
/// `web.secret`) binds the verb, the checklist item, the playbook, the occurrence and the
/// expiry, so a link cannot be reused for another meeting or item or kept for ever. Opening one
/// only shows a button: chat unfurlers and mail scanners fetch links and must not act. Slack
/// and Mattermost buttons carry the same path as their value.
package enum ActionLinks {
    /// How long after the meeting's end a link still works.
    package static let validity: Int64 = 7 * 86_400

    /// The acknowledge link of an occurrence, when the workspace has a public address and a
    /// secret and the playbook asks for acknowledgement.
    package static func acknowledge(playbook: Playbook, occurrence: Int64, workspace: Workspace) -> String? {
        guard playbook.acknowledgement != nil else { return nil }
        return link(.acknowledge, playbook: playbook, occurrence: occurrence, workspace: workspace)
    }

    /// The link that ticks checklist item `item` (1-based) of an occurrence, when the workspace
    /// has a public address and a secret.
    package static func done(item: Int, playbook: Playbook, occurrence: Int64, workspace: Workspace) -> String? {
        link(.done(item: item), playbook: playbook, occurrence: occurrence, workspace: workspace)
    }

    private static func link(_ verb: SignedAction.Verb, playbook: Playbook, occurrence: Int64, workspace: Workspace) -> String? {
        guard let base = workspace.configuration.web.url, let secret = workspace.configuration.web.secret?.value else { return nil }
        let action = SignedAction(
            verb: verb, playbook: playbook.id, occurrence: occurrence, expires: occurrence + Int64(playbook.duration) + validity, secret: secret)
        return base + action.path
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
        return constantTimeEqual(given, expected)
    }

    /// Equality whose time does not depend on where two strings differ: digest equality in
    /// swift-crypto is constant-time.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        SHA256.hash(data: Array(a.utf8)) == SHA256.hash(data: Array(b.utf8))
    }
}

/// One signed action as a link or a chat button carries it: what it does, to which occurrence,
/// until when, and its signature. Parsing checks only the shape; ``verify(secret:)`` checks the
/// signature.
package struct SignedAction: Sendable, Hashable {
    package enum Verb: Sendable, Hashable {
        /// Acknowledge the occurrence.
        case acknowledge
        /// Tick checklist item `item` (1-based).
        case done(item: Int)

        /// The verb as the signature binds it.
        var signed: String {
            switch self {
            case .acknowledge: "ack"
            case .done(let item): "done:\(item)"
            }
        }
    }

    package var verb: Verb
    package var playbook: String
    package var occurrence: Int64
    package var expires: Int64
    package var signature: String

    package init(verb: Verb, playbook: String, occurrence: Int64, expires: Int64, signature: String) {
        self.verb = verb
        self.playbook = playbook
        self.occurrence = occurrence
        self.expires = expires
        self.signature = signature
    }

    /// A new action signed with `secret`.
    package init(verb: Verb, playbook: String, occurrence: Int64, expires: Int64, secret: String) {
        self.init(
            verb: verb, playbook: playbook, occurrence: occurrence, expires: expires,
            signature: ActionLinks.signature(verb: verb.signed, playbook: playbook, occurrence: occurrence, expires: expires, secret: secret))
    }

    /// Reads the path of a link (`/a/ack/…`, `/a/done/…`), or a full URL ending in one (a chat
    /// button's value); nil when it is not one.
    package init?(path text: String) {
        var text = Substring(text)
        if let scheme = text.range(of: "://") {
            // The base URL is not signed: only the path from `/a/` on matters.
            let afterAuthority = text[scheme.upperBound...].drop { $0 != "/" }
            text = afterAuthority
        }
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<query] }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // Counted from the end: the web app may live under a path prefix (web.url =
        // https://host/ops), and a playbook may be called `a`.
        let verb: Verb
        let values: [String]
        let n = parts.count
        if n >= 7, parts[0].isEmpty, parts[n - 6] == "a", parts[n - 5] == "ack" {
            verb = .acknowledge
            values = Array(parts[(n - 4)...])
        } else if n >= 8, parts[0].isEmpty, parts[n - 7] == "a", parts[n - 6] == "done" {
            let text = parts[n - 3]
            guard let item = Int(text), (1...1000).contains(item), String(item) == text else { return nil }
            verb = .done(item: item)
            values = [parts[n - 5], parts[n - 4], parts[n - 2], parts[n - 1]]
        } else {
            return nil
        }
        guard !values[0].isEmpty, let occurrence = RFC3339.parseInstant(values[1]), let expires = Int64(values[2]),
            values[3].count == 64, values[3].allSatisfy(\.isHexDigit)
        else { return nil }
        self.init(verb: verb, playbook: values[0], occurrence: occurrence, expires: expires, signature: values[3])
    }

    /// The path under the web app's address.
    package var path: String {
        switch verb {
        case .acknowledge: "/a/ack/\(playbook)/\(RFC3339.formatUTC(occurrence))/\(expires)/\(signature)"
        case .done(let item): "/a/done/\(playbook)/\(RFC3339.formatUTC(occurrence))/\(item)/\(expires)/\(signature)"
        }
    }

    /// Whether the signature is the one `secret` makes (constant time).
    package func verify(secret: String) -> Bool {
        ActionLinks.verify(verb: verb.signed, playbook: playbook, occurrence: occurrence, expires: expires, signature: signature, secret: secret)
    }
}
