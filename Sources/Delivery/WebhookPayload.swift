/// What one delivery posts on every attempt: the body bytes, and the query parameters its
/// kind adds to the target's URL.
///
/// Build it once with ``WebhookKind/payload(for:)`` and store it before the first attempt:
/// retries then send these bytes without formatting the message again, the same even if a
/// later version formats messages differently. Only the attempt's headers are made per
/// attempt, by ``WebhookTarget/makeRequest(for:at:)-(WebhookPayload,_)``.
package struct WebhookPayload: Hashable, Sendable {
    /// The format the body is in; a target of another kind cannot send it.
    package var kind: WebhookKind
    /// The delivery's idempotency key, sent as `webhook-id` (and signed for generic targets).
    package var deliveryID: String
    /// The exact body bytes.
    package var body: [UInt8]
    /// Query parameters to set on the target's URL (Discord's `wait`, Google Chat's thread and
    /// request ids): percent-encoded `name=value` pairs joined by `&`, empty for most kinds.
    package var query: String

    /// Creates a payload from its stored parts.
    package init(kind: WebhookKind, deliveryID: String, body: [UInt8], query: String = "") {
        self.kind = kind
        self.deliveryID = deliveryID
        self.body = body
        self.query = query
    }
}

extension WebhookKind {
    /// The payload this kind posts for `message`.
    package func payload(for message: ReminderMessage) -> WebhookPayload {
        let query = queryItems(for: message).map { SecretURL.encodeQueryComponent($0.name) + "=" + SecretURL.encodeQueryComponent($0.value) }
        return WebhookPayload(kind: self, deliveryID: message.deliveryID, body: body(for: message), query: query.joined(separator: "&"))
    }
}
