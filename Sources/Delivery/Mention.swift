/// Someone a reminder mentions (the meeting's owner or an attendee), with their handle on each
/// chat platform. Each format writes the mention in its own syntax where a handle for its kind
/// exists, and the plain name (escaped like any other text) where none does.
///
/// Handles come from the workspace's `people:` list, which validates them; the formats still
/// only ever write a handle that fits its platform's pattern (``handle(for:)``), so that no
/// text can widen a mention into a broadcast or a link.
package struct Mention: Hashable, Sendable, Codable {
    /// Who it is: the name as the playbook writes it (`Ops Lead`).
    package var name: String
    /// Whether they run the meeting or attend it.
    package var role: Role
    /// Their handles, per platform.
    package var handles: Handles

    /// Creates a mention.
    package init(name: String, role: Role, handles: Handles) {
        self.name = name
        self.role = role
        self.handles = handles
    }

    /// Whether the person runs the meeting or attends it.
    package enum Role: String, Hashable, Sendable, Codable {
        /// The playbook's `owner`.
        case owner
        /// One of the playbook's `attendees`.
        case attendee
    }

    /// A person's handle on each platform; nil where they have none.
    package struct Handles: Hashable, Sendable, Codable {
        /// A Slack member id, `U012AB3CD` (written `<@U012AB3CD>`).
        package var slack: String?
        /// A Discord user id, a snowflake of 17 to 20 digits (written `<@123…>`).
        package var discord: String?
        /// A Teams user's email or user principal name (an `msteams.entities` mention).
        package var msteams: String?
        /// A Google Chat user id, digits (written `<users/123…>`).
        package var googlechat: String?
        /// A Mattermost username, `opslead` (written `@opslead`).
        package var mattermost: String?
        /// An email address; Teams uses it when `msteams` is not set.
        package var email: String?

        /// Creates a set of handles.
        package init(
            slack: String? = nil, discord: String? = nil, msteams: String? = nil, googlechat: String? = nil, mattermost: String? = nil,
            email: String? = nil
        ) {
            self.slack = slack
            self.discord = discord
            self.msteams = msteams
            self.googlechat = googlechat
            self.mattermost = mattermost
            self.email = email
        }

        /// Whether no handle is set.
        package var isEmpty: Bool { self == Handles() }

        /// The handles that are set, in a fixed order, keyed as in `opscadence.yaml`.
        package var all: [(key: String, value: String)] {
            [("slack", slack), ("discord", discord), ("msteams", msteams), ("googlechat", googlechat), ("mattermost", mattermost), ("email", email)]
                .compactMap { key, value in value.map { (key, $0) } }
        }
    }

    /// The handle to mention on `kind`, when there is one that fits the platform's pattern.
    package func handle(for kind: WebhookKind) -> String? {
        switch kind {
        case .slack: return handles.slack.flatMap { MentionHandle.isSlackMemberID($0) ? $0 : nil }
        case .discord: return handles.discord.flatMap { MentionHandle.isDiscordID($0) ? $0 : nil }
        case .msteams: return (handles.msteams ?? handles.email).flatMap { MentionHandle.isEmail($0) ? $0 : nil }
        case .googlechat: return handles.googlechat.flatMap { MentionHandle.isGoogleChatID($0) ? $0 : nil }
        case .mattermost: return handles.mattermost.flatMap { MentionHandle.isMattermostUsername($0) ? $0 : nil }
        case .generic: return nil
        }
    }
}

/// The shapes of chat handles: what `people:` accepts, and all the formats ever write.
package enum MentionHandle {
    /// A Slack member id: `U` or `W`, then uppercase letters and digits (`U012AB3CD`).
    package static func isSlackMemberID(_ text: String) -> Bool {
        guard let first = text.first, first == "U" || first == "W", (7...21).contains(text.count) else { return false }
        return text.dropFirst().allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    /// A Discord user id: a snowflake of 17 to 20 digits.
    package static func isDiscordID(_ text: String) -> Bool {
        (17...20).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A Google Chat user id: 1 to 30 digits.
    package static func isGoogleChatID(_ text: String) -> Bool {
        (1...30).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Names every Mattermost server reserves for notifying a whole channel.
    static let broadcastNames: Set<String> = ["all", "channel", "here", "everyone"]

    /// A Mattermost username: a lowercase letter, then lowercase letters, digits, `.`, `_` and
    /// `-`, at most 64 characters; never `all`, `channel`, `here` or `everyone`.
    package static func isMattermostUsername(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase, text.count <= 64, !broadcastNames.contains(text) else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    /// An email address or user principal name: `local@domain.tld`, printable ASCII without
    /// spaces, quotes or angle brackets, at most 254 characters.
    package static func isEmail(_ text: String) -> Bool {
        guard text.count <= 254 else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, !domain.isEmpty else { return false }
        let allowed = { (c: Character) in
            c.isASCII && (c.isLetter || c.isNumber || "._%+-'".contains(c))
        }
        guard local.allSatisfy(allowed), domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && $0.first != "-" && $0.last != "-" }
    }
}
