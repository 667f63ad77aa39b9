extension WebhookKind {
    /// The exact body bytes this kind posts for `message`: compact JSON with a fixed member
    /// order, identical for every attempt.
    public func body(for message: ReminderMessage) -> [UInt8] {
        document(for: message).bytes
    }

    /// The same JSON as ``body(for:)``, indented, for documentation and debugging.
    public func prettyBody(for message: ReminderMessage) -> String {
        document(for: message).prettyText
    }

    /// The URL this kind posts to: Discord adds `wait=true`; Google Chat adds `threadKey`,
    /// `messageReplyOption` and `requestId`; the others post to `base` unchanged. Existing query
    /// parameters are kept (and replaced when they have the same name).
    public func url(_ base: SecretURL, for message: ReminderMessage) throws(DeliveryError) -> SecretURL {
        switch self {
        case .discord: try DiscordFormat.url(base)
        case .googlechat: try GoogleChatFormat.url(base, for: message)
        case .slack, .msteams, .mattermost, .generic: base
        }
    }

    private func document(for message: ReminderMessage) -> JSONValue {
        switch self {
        case .slack: SlackFormat.body(for: message)
        case .mattermost: MattermostFormat.body(for: message)
        case .discord: DiscordFormat.body(for: message)
        case .msteams: TeamsFormat.body(for: message)
        case .googlechat: GoogleChatFormat.body(for: message)
        case .generic: GenericFormat.body(for: message)
        }
    }
}
