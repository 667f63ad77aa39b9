/// One HTTP POST to a webhook, ready for ``WebhookClient``.
///
/// Build one per attempt with ``WebhookTarget/makeRequest(for:at:)``; the body bytes are the
/// same on every attempt, only time-dependent headers (the Standard Webhooks timestamp and
/// signature) change.
package struct WebhookRequest: Sendable, CustomStringConvertible {
    /// Where to post. Redacted whenever printed.
    package let url: SecretURL
    /// Extra request headers, in order. `Content-Length` and friends are set by the client.
    package let headers: [HTTPHeader]
    /// The exact body bytes.
    package let body: [UInt8]
    /// Requests with the same key are paced by ``rateLimit`` and start in order (e.g. the
    /// destination's name).
    package let rateKey: String
    /// The pacing for ``rateKey``; `nil` defers to ``WebhookClient/Configuration/rateLimits``.
    package let rateLimit: RateLimit?
    /// Scrubs this request's URL and secrets from any text about it.
    package let redactor: Redactor

    /// Creates a request after checking every header.
    ///
    /// - Parameters:
    ///   - additionalSecrets: more strings to scrub from error texts about this request, such
    ///     as a signing secret.
    /// - Throws: ``DeliveryError/Code/invalidHeader`` when a name is not an HTTP token, names a
    ///   header the client sets itself, or a value contains CR, LF or NUL.
    package init(
        url: SecretURL,
        headers: [HTTPHeader] = [],
        body: [UInt8],
        rateKey: String,
        rateLimit: RateLimit? = nil,
        additionalSecrets: [String] = []
    ) throws(DeliveryError) {
        for header in headers { try header.validate() }
        self.url = url
        self.headers = headers
        self.body = body
        self.rateKey = rateKey
        self.rateLimit = rateLimit
        self.redactor = Redactor(urls: [url], secrets: additionalSecrets)
    }

    /// A request with a ready-made redactor, which must know `url` (a target builds it once and
    /// reuses it for every message).
    init(url: SecretURL, headers: [HTTPHeader], body: [UInt8], rateKey: String, rateLimit: RateLimit?, redactor: Redactor)
        throws(DeliveryError)
    {
        for header in headers { try header.validate() }
        self.url = url
        self.headers = headers
        self.body = body
        self.rateKey = rateKey
        self.rateLimit = rateLimit
        self.redactor = redactor
    }

    /// `POST https://host/… (123 bytes, key "ops-slack")`.
    package var description: String {
        "POST \(url) (\(body.count) bytes, key \(String(reflecting: rateKey)))"
    }

    /// The value of the first header called `name` (case-insensitive).
    package func headerValue(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
