extension WebhookKind {
    /// The exact body bytes this kind posts for `message`: compact JSON with a fixed member
    /// order, identical for every attempt.
    package func body(for message: ReminderMessage) -> [UInt8] {
        document(for: message).bytes
    }

    /// The same JSON as ``body(for:)``, indented, for documentation and debugging.
    package func prettyBody(for message: ReminderMessage) -> String {
        document(for: message).prettyText
    }

    /// The query parameters this kind sets on the target's URL: Discord adds `wait=true`;
    /// Google Chat adds `threadKey`, `messageReplyOption` and `requestId`; the others none.
    /// Existing parameters of the URL are kept (and replaced when they have the same name).
    func queryItems(for message: ReminderMessage) -> [(name: String, value: String)] {
        switch self {
        case .discord: DiscordFormat.queryItems
        case .googlechat: GoogleChatFormat.queryItems(for: message)
        case .slack, .msteams, .mattermost, .generic: []
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
