/// The kind of chat or webhook destination, which decides the payload format and how a
/// response is judged.
package enum WebhookKind: String, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// Slack incoming webhook: Block Kit, success is `200` with body `ok`.
    case slack
    /// Discord execute-webhook, posted with `?wait=true`.
    case discord
    /// Microsoft Teams Workflows (Power Automate) webhook with an Adaptive Card; answers `202`.
    case msteams
    /// Google Chat incoming webhook with `cardsV2`; deduplicates by `requestId`.
    case googlechat
    /// Mattermost incoming webhook (Slack-compatible); success is `200` with body `ok`.
    case mattermost
    /// Any other receiver: a fixed JSON document, signed per Standard Webhooks when a secret is set.
    case generic

    /// True when the destination itself drops a repeated delivery id, so a retry after an
    /// in-doubt send cannot post twice: Google Chat (`requestId`) and generic receivers
    /// (`webhook-id`, which Standard Webhooks consumers are told to deduplicate on).
    package var deduplicatesDeliveries: Bool {
        switch self {
        case .googlechat, .generic: true
        case .slack, .discord, .msteams, .mattermost: false
        }
    }

    /// The pacing used when a target sets none: Slack's documented 1 message/s per webhook,
    /// Google Chat's ~1 write/s per space, and about 2/s for Discord (whose per-webhook
    /// limit is roughly 5 per 2 s); none for the rest.
    package var defaultRateLimit: RateLimit {
        switch self {
        case .slack, .googlechat: .perSecond(1)
        case .discord: .perSecond(2)
        case .msteams, .mattermost, .generic: .none
        }
    }

    package var description: String { rawValue }
}
