import Foundation
import Timekeeping

/// What to do with a delivery after one attempt: done, try again later, or give up.
///
/// Decide it with ``classify(result:kind:attempt:firstAttemptAt:now:policy:)``; every text in
/// it is redacted and fit for logs and the state store.
package enum DeliveryOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The destination has the message (or, for Teams Workflows, accepted it).
    case delivered(Delivered)
    /// Not delivered yet; try again at ``Retry/at``.
    case retry(Retry)
    /// Permanently failed; do not retry.
    case dead(Dead)

    /// Details of a successful delivery.
    package struct Delivered: Hashable, Sendable {
        /// The HTTP status that confirmed it.
        package let statusCode: Int
        /// A remark worth recording, e.g. "accepted, processed asynchronously".
        package let note: String?
    }

    /// When and why to try again.
    package struct Retry: Hashable, Sendable {
        /// The earliest time for the next attempt, in epoch seconds (``delay`` rounded up).
        package let at: Int64
        /// ``at`` minus the classification time.
        package let delay: Duration
        /// Whether this attempt counts against ``RetryPolicy/maxAttempts`` (429s and local
        /// pacing do not).
        package let consumesAttempt: Bool
        /// The attempt may have taken effect although no success was seen: a transport failure
        /// after the request went out (a time-out, a reset, an empty reply). For destinations
        /// that do not deduplicate (``WebhookKind/deduplicatesDeliveries``), retrying may then
        /// post twice. False when the destination answered with an error status.
        package let mayHaveBeenDelivered: Bool
        /// One redacted line saying what happened.
        package let reason: String
        /// The HTTP status, when there was a response.
        package let statusCode: Int?
    }

    /// Why the delivery was given up.
    package struct Dead: Hashable, Sendable {
        /// One redacted line saying why.
        package let reason: String
        /// The HTTP status, when there was a response.
        package let statusCode: Int?
        /// The response body's first 500 bytes, redacted, control characters stripped.
        package let responseExcerpt: String?
        /// The destination itself looks gone or misconfigured (401, 403, 404, 410, a 3xx, a
        /// refused address or protocol): other deliveries to it will fail the same way.
        package let destinationUnusable: Bool

        /// The reason, followed by the response excerpt unless the reason already quotes it:
        /// the line to record and show.
        package var summary: String {
            guard let excerpt = responseExcerpt, !excerpt.isEmpty, !reason.contains(excerpt) else { return reason }
            return "\(reason): \(excerpt)"
        }
    }

    /// True for ``delivered(_:)``.
    package var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    /// The retry details, for ``retry(_:)``.
    package var retryDetails: Retry? {
        if case .retry(let retry) = self { return retry }
        return nil
    }

    /// The reason, for ``dead(_:)``.
    package var deadDetails: Dead? {
        if case .dead(let dead) = self { return dead }
        return nil
    }

    /// One redacted line.
    package var description: String {
        switch self {
        case .delivered(let delivered):
            "delivered (HTTP \(delivered.statusCode))" + (delivered.note.map { ": \($0)" } ?? "")
        case .retry(let retry):
            "retry at \(Date(timeIntervalSince1970: TimeInterval(retry.at)).formatted(.iso8601)) (in \(Int(retry.delay.seconds.rounded())) s): \(retry.reason)"
        case .dead(let dead):
            "dead: \(dead.reason)"
        }
    }
}
