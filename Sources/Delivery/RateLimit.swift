/// How closely requests that share a rate key may start one after another.
///
/// Requests with the same ``WebhookRequest/rateKey`` start in submission order and no closer
/// together than ``minimumInterval``.
package struct RateLimit: Hashable, Sendable, CustomStringConvertible {
    /// The shortest gap between the starts of two requests with the same key.
    package let minimumInterval: Duration

    /// A limit with an explicit minimum gap; negative gaps count as zero.
    package init(minimumInterval: Duration) {
        self.minimumInterval = max(minimumInterval, .zero)
    }

    /// No pacing.
    package static let none = RateLimit(minimumInterval: .zero)

    /// At most `count` request starts per second (`.perSecond(1)` is Slack's documented rate).
    /// Zero, negative, infinite or NaN counts mean no pacing; tiny ones are capped at one start
    /// per 100 years.
    package static func perSecond(_ count: Double) -> RateLimit {
        gap(nanoseconds: 1e9 / count, valid: count > 0 && count.isFinite)
    }

    /// At most `count` request starts per minute; see ``perSecond(_:)`` for odd counts.
    package static func perMinute(_ count: Double) -> RateLimit {
        gap(nanoseconds: 60e9 / count, valid: count > 0 && count.isFinite)
    }

    private static func gap(nanoseconds: Double, valid: Bool) -> RateLimit {
        guard valid else { return .none }
        // 100 years in nanoseconds is far inside Int64; a bigger Double would trap on conversion.
        let capped = min(nanoseconds.rounded(.up), 100 * 366 * 86_400 * 1e9)
        return RateLimit(minimumInterval: .nanoseconds(Int64(capped)))
    }

    package var description: String {
        minimumInterval == .zero ? "none" : "one start per \(minimumInterval)"
    }
}
