import Foundation

/// A configured destination: where to post, in which format, how fast.
package struct WebhookTarget: Hashable, Sendable, CustomStringConvertible {
    /// The destination's name; also its rate key, so posts to one destination are paced together.
    package var name: String
    /// The payload format and response rules.
    package var kind: WebhookKind
    /// The webhook URL (a secret).
    package var url: SecretURL { didSet { redactor = Self.redactor(url: url, signingSecret: signingSecret) } }
    /// Signs ``WebhookKind/generic`` posts per Standard Webhooks; ignored by the other kinds.
    package var signingSecret: SigningSecret? { didSet { redactor = Self.redactor(url: url, signingSecret: signingSecret) } }
    /// Pacing for this destination; `nil` uses ``WebhookKind/defaultRateLimit``.
    package var rateLimit: RateLimit?

    /// Creates a target.
    package init(name: String, kind: WebhookKind, url: SecretURL, signingSecret: SigningSecret? = nil, rateLimit: RateLimit? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.signingSecret = signingSecret
        self.rateLimit = rateLimit
        self.redactor = Self.redactor(url: url, signingSecret: signingSecret)
    }

    /// `slack "ops" https://hooks.slack.com/…`.
    package var description: String { "\(kind) \(String(reflecting: name)) \(url)" }

    /// Scrubs this target's URL and signing secret from text. Built once: it percent-encodes
    /// every needle several ways, too slow to repeat for each of a thousand messages.
    package private(set) var redactor: Redactor

    private static func redactor(url: SecretURL, signingSecret: SigningSecret?) -> Redactor {
        Redactor(urls: [url], secrets: signingSecret.map { [$0.original] } ?? [])
    }

    /// The request for one attempt to deliver `message`: ``makeRequest(for:at:)-(WebhookPayload,_)``
    /// with the payload this target's kind makes of it.
    package func makeRequest(for message: ReminderMessage, at attemptTime: Int64) throws(DeliveryError) -> WebhookRequest {
        try makeRequest(for: kind.payload(for: message), at: attemptTime)
    }

    /// The request for one attempt to post `payload`.
    ///
    /// Every kind sends `Content-Type: application/json` and the delivery id as `webhook-id`.
    /// Generic posts also carry `webhook-timestamp` (this attempt's Unix time) and, with a
    /// secret, `webhook-signature`. Only those two headers differ between attempts.
    ///
    /// - Parameter attemptTime: when this attempt is made, in epoch seconds (the signed timestamp).
    /// - Throws: ``DeliveryError/Code/invalidPayload`` when the payload is in another kind's
    ///   format; ``DeliveryError/Code/invalidHeader`` when the delivery id contains CR, LF or NUL.
    package func makeRequest(for payload: WebhookPayload, at attemptTime: Int64) throws(DeliveryError) -> WebhookRequest {
        guard payload.kind == kind else {
            throw DeliveryError(.invalidPayload, "payload formatted for \(payload.kind), but target '\(name)' is \(kind)")
        }
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", payload.deliveryID)]
        if kind == .generic {
            let timestamp = attemptTime
            headers.append(HTTPHeader("webhook-timestamp", String(timestamp)))
            if let signingSecret {
                headers.append(
                    HTTPHeader(
                        "webhook-signature", signingSecret.signature(messageID: payload.deliveryID, timestamp: timestamp, body: payload.body)))
            }
        }
        let requestURL = payload.query.isEmpty ? url : try url.settingQuery(payload.query)
        return try WebhookRequest(
            url: requestURL,
            headers: headers,
            body: payload.body,
            rateKey: name,
            rateLimit: rateLimit ?? kind.defaultRateLimit,
            redactor: requestURL == url ? redactor : Redactor(urls: [requestURL]).merging(redactor))
    }
}
