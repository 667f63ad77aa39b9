import Timekeeping

/// The HTTP response to one webhook request.
package struct WebhookResponse: Hashable, Sendable, CustomStringConvertible {
    /// The final status code (interim 1xx responses are skipped).
    package let statusCode: Int
    /// Response headers with lowercased names; repeated headers are joined with `", "`.
    package let headers: [String: String]
    /// The body, at most ``WebhookClient/Configuration/maxResponseBytes`` long.
    package let body: [UInt8]
    /// True when the body was longer than the cap and reading stopped there.
    package let bodyWasTruncated: Bool
    /// From handing the request to libcurl to the end of the response, on the client's timeline.
    package let elapsed: Duration
    /// The body's first 500 bytes as text, redacted, control characters stripped: safe to print.
    /// Made when asked for: most responses are a delivered `ok` nobody prints.
    package var bodyExcerpt: String { redactor.excerpt(of: body) }
    private let redactor: Redactor

    /// Creates a response; `redactor` prepares ``bodyExcerpt``.
    package init(
        statusCode: Int,
        headers: [String: String] = [:],
        body: [UInt8] = [],
        bodyWasTruncated: Bool = false,
        elapsed: Duration = .zero,
        redactor: Redactor = Redactor()
    ) {
        self.statusCode = statusCode
        var lowercased: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            lowercased[key] = lowercased[key].map { "\($0), \(value)" } ?? value
        }
        self.headers = lowercased
        self.body = body
        self.bodyWasTruncated = bodyWasTruncated
        self.elapsed = elapsed
        self.redactor = redactor
    }

    package static func == (lhs: WebhookResponse, rhs: WebhookResponse) -> Bool {
        (lhs.statusCode, lhs.headers, lhs.body, lhs.bodyWasTruncated, lhs.elapsed)
            == (rhs.statusCode, rhs.headers, rhs.body, rhs.bodyWasTruncated, rhs.elapsed)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(statusCode)
        hasher.combine(headers)
        hasher.combine(body)
        hasher.combine(bodyWasTruncated)
        hasher.combine(elapsed)
    }

    /// The body decoded as UTF-8, invalid bytes replaced. Not redacted: do not log it.
    package var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// `HTTP 404 after 12 ms (27 bytes)`; never the body.
    package var description: String {
        let size = bodyWasTruncated ? "more than \(body.count) bytes, truncated" : "\(body.count) bytes"
        return "HTTP \(statusCode) after \(elapsed.millisecondsText) (\(size))"
    }
}

extension Duration {
    var millisecondsText: String {
        "\(Int((seconds * 1000).rounded())) ms"
    }

    /// Clamped to ±100 years (NaN is zero): a server's `Retry-After: Fri, 31 Dec 9999 …` is
    /// 8,000 years away, more nanoseconds than Int64 holds, and must not trap. Callers clamp
    /// further to their own caps.
    static func seconds(double value: Double) -> Duration {
        guard !value.isNaN else { return .zero }
        let limit = 100 * 366 * 86_400.0
        return .nanoseconds(Int64((min(max(value, -limit), limit) * 1e9).rounded()))
    }
}
