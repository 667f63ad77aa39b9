import Foundation
import Timekeeping

extension DeliveryOutcome {
    /// Decides what one attempt's result means, with the system random source for jitter.
    ///
    /// See ``classify(result:kind:attempt:firstAttemptAt:now:policy:using:)``.
    package static func classify(
        result: WebhookResult,
        kind: WebhookKind,
        attempt: Int,
        firstAttemptAt: Int64,
        now: Int64,
        policy: RetryPolicy = RetryPolicy()
    ) -> DeliveryOutcome {
        var generator = SystemRandomNumberGenerator()
        return classify(result: result, kind: kind, attempt: attempt, firstAttemptAt: firstAttemptAt, now: now, policy: policy, using: &generator)
    }

    /// Decides what one attempt's result means. Pure: the same inputs and random values give
    /// the same outcome.
    ///
    /// - 2xx is delivered, with per-kind checks: Slack and Mattermost must answer `ok` (any
    ///   other body is a failure to retry); Teams Workflows' `202` is delivered, "accepted,
    ///   processed asynchronously"; a legacy Teams `200` carrying "Webhook message delivery
    ///   failed" is retried. Google Chat's `409 ALREADY_EXISTS` is delivered (the `requestId`
    ///   was used before).
    /// - 429 waits for `Retry-After` (seconds or HTTP-date), else Discord's JSON `retry_after`,
    ///   else backoff; clamped to ``RetryPolicy/retryAfterCap``; it does not use up an attempt.
    /// - 408, 425, 5xx, time-outs and connection errors retry with full-jitter backoff (a
    ///   `Retry-After` on them is honoured instead) until ``RetryPolicy/maxAttempts`` or
    ///   ``RetryPolicy/maxAge``.
    /// - 3xx is dead: redirects are not followed. Other 4xx are dead with the body excerpt.
    /// - A refused address or protocol and an invalid URL are dead; a deferred request retries
    ///   at its deferral time without using up an attempt.
    ///
    /// - Parameters:
    ///   - attempt: the 1-based number of this attempt among those that count (do not advance
    ///     it after an outcome whose ``Retry/consumesAttempt`` is false).
    ///   - firstAttemptAt: when the first attempt of this delivery was made (epoch seconds, as
    ///     every instant that crosses a module edge).
    ///   - now: when this attempt finished (epoch seconds).
    ///   - generator: the source of jitter.
    package static func classify(
        result: WebhookResult,
        kind: WebhookKind,
        attempt: Int,
        firstAttemptAt: Int64,
        now: Int64,
        policy: RetryPolicy = RetryPolicy(),
        using generator: inout some RandomNumberGenerator
    ) -> DeliveryOutcome {
        var decision = Decision(attempt: attempt, firstAttemptAt: firstAttemptAt, now: now, policy: policy)
        switch result {
        case .deferred(let wait):
            return decision.retry(
                after: max(.zero, wait), consumesAttempt: false, sent: false,
                reason: "not sent: the destination's rate limit left no room within the pacing budget", status: nil)
        case .failure(let failure):
            return classify(failure, decision: &decision, using: &generator)
        case .response(let response):
            return classify(response, kind: kind, decision: &decision, using: &generator)
        }
    }

    private static func classify(
        _ failure: TransportFailure, decision: inout Decision, using generator: inout some RandomNumberGenerator
    ) -> DeliveryOutcome {
        switch failure.code {
        case .addressRefused, .protocolNotAllowed, .invalidURL:
            return .dead(Dead(reason: failure.description, statusCode: nil, responseExcerpt: nil, destinationUnusable: true))
        case .notAttempted:
            // Never sent, so no attempt is used; the destination just timed out, so wait.
            return decision.retry(
                after: decision.policy.backoffDelay(afterAttempt: max(1, decision.attempt), using: &generator), consumesAttempt: false,
                sent: false, reason: failure.description, status: nil)
        case .cancelled:
            // Our own shutdown, not the destination's fault.
            return decision.retry(
                after: .zero, consumesAttempt: false, sent: failure.requestMayHaveBeenSent, reason: failure.description, status: nil)
        default:
            return decision.backoff(sent: failure.requestMayHaveBeenSent, reason: failure.description, status: nil, using: &generator)
        }
    }

    private static func classify(
        _ response: WebhookResponse, kind: WebhookKind, decision: inout Decision, using generator: inout some RandomNumberGenerator
    ) -> DeliveryOutcome {
        let status = response.statusCode
        // Redacting the body is most of classifying a delivered response: only when it is shown.
        lazy var excerpt = response.bodyExcerpt
        lazy var quoted = excerpt.isEmpty ? "an empty body" : "body \(String(reflecting: String(excerpt.prefix(200))))"
        switch status {
        case 200...299:
            switch kind {
            case .slack, .mattermost:
                guard response.bodyText.trimmingWhitespace() == "ok" else {
                    return decision.backoff(sent: false, reason: "HTTP \(status) with \(quoted) instead of \"ok\"", status: status, using: &generator)
                }
                return .delivered(Delivered(statusCode: status, note: nil))
            case .msteams:
                if response.bodyText.contains("Webhook message delivery failed") {
                    return decision.backoff(sent: false, reason: "HTTP \(status) but Teams reports: \(excerpt)", status: status, using: &generator)
                }
                let note = status == 202 ? "accepted, processed asynchronously" : nil
                return .delivered(Delivered(statusCode: status, note: note))
            case .discord, .googlechat, .generic:
                return .delivered(Delivered(statusCode: status, note: nil))
            }
        case 409 where kind == .googlechat && response.bodyText.contains("ALREADY_EXISTS"):
            return .delivered(Delivered(statusCode: status, note: "already delivered: 409 ALREADY_EXISTS for this requestId"))
        case 429:
            let wait = retryAfter(response, now: decision.now)
            let source = wait.map { "\($0.source) \(Int($0.delay.seconds.rounded(.up))) s" } ?? "no usable Retry-After, backing off"
            let delay =
                wait.map { min($0.delay, decision.policy.retryAfterCap) }
                ?? decision.policy.backoffDelay(afterAttempt: decision.attempt, using: &generator)
            return decision.retry(after: delay, consumesAttempt: false, sent: false, reason: "HTTP 429 rate limited (\(source))", status: status)
        case 300...399:
            return .dead(
                Dead(
                    reason: "HTTP \(status) redirect; redirects are not followed (check the webhook URL)",
                    statusCode: status, responseExcerpt: excerpt, destinationUnusable: true))
        case 408, 425, 500...599:
            let reason = "HTTP \(status)" + (excerpt.isEmpty ? "" : ": \(excerpt.prefix(200))")
            if let header = response.headers["retry-after"], let wait = RetryAfter.delay(fromHeader: header, now: decision.now) {
                return decision.retry(
                    after: min(wait, decision.policy.retryAfterCap), consumesAttempt: true, sent: false, reason: reason, status: status)
            }
            return decision.backoff(sent: false, reason: reason, status: status, using: &generator)
        case 400...499:
            var reason = "HTTP \(status): permanent failure"
            if kind == .discord, status == 404, response.bodyText.contains("10015") { reason += " (Discord: unknown webhook, code 10015)" }
            if !excerpt.isEmpty { reason += "; response: \(excerpt)" }
            return .dead(
                Dead(reason: reason, statusCode: status, responseExcerpt: excerpt, destinationUnusable: [401, 403, 404, 410].contains(status)))
        default:
            return decision.backoff(sent: false, reason: "unexpected HTTP status \(status)", status: status, using: &generator)
        }
    }

    /// The wait a 429 asks for: the `Retry-After` header when readable (it wins over the body),
    /// else Discord's JSON `retry_after`.
    private static func retryAfter(_ response: WebhookResponse, now: Int64) -> (delay: Duration, source: String)? {
        if let header = response.headers["retry-after"], let delay = RetryAfter.delay(fromHeader: header, now: now) {
            return (delay, "Retry-After")
        }
        if let delay = RetryAfter.delay(fromJSONBody: response.body) {
            return (delay, "retry_after")
        }
        return nil
    }

    /// The bookkeeping shared by every retry decision: attempt budget and age limit.
    private struct Decision {
        let attempt: Int
        let firstAttemptAt: Int64
        let now: Int64
        let policy: RetryPolicy

        func backoff(sent: Bool, reason: String, status: Int?, using generator: inout some RandomNumberGenerator) -> DeliveryOutcome {
            if attempt >= policy.maxAttempts {
                return .dead(
                    Dead(
                        reason: "gave up after \(attempt) attempts; last: \(reason)", statusCode: status, responseExcerpt: nil,
                        destinationUnusable: false))
            }
            return retry(
                after: policy.backoffDelay(afterAttempt: attempt, using: &generator), consumesAttempt: true, sent: sent, reason: reason,
                status: status)
        }

        func retry(after delay: Duration, consumesAttempt: Bool, sent: Bool, reason: String, status: Int?) -> DeliveryOutcome {
            if consumesAttempt && attempt >= policy.maxAttempts {
                return .dead(
                    Dead(
                        reason: "gave up after \(attempt) attempts; last: \(reason)", statusCode: status, responseExcerpt: nil,
                        destinationUnusable: false))
            }
            // Whole seconds, rounded up: a retry is never due before its delay has passed.
            let at = now + Int64(min(delay.seconds, 1e15).rounded(.up))
            let deadline = firstAttemptAt + Int64(min(policy.maxAge.seconds, 1e15))
            if at > deadline {
                return .dead(
                    Dead(
                        reason:
                            "gave up: the next attempt would be more than \(Int(policy.maxAge.seconds / 3600)) h after the first; last: \(reason)",
                        statusCode: status, responseExcerpt: nil, destinationUnusable: false))
            }
            return .retry(
                Retry(at: at, delay: delay, consumesAttempt: consumesAttempt, mayHaveBeenDelivered: sent, reason: reason, statusCode: status))
        }
    }
}
