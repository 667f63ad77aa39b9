/// How closely requests that share a rate key may start one after another.
///
/// Requests with the same ``WebhookRequest/rateKey`` start in submission order and no closer
/// together than ``minimumInterval``.
public struct RateLimit: Hashable, Sendable, CustomStringConvertible {
    /// The shortest gap between the starts of two requests with the same key.
    public let minimumInterval: Duration

    /// A limit with an explicit minimum gap; negative gaps count as zero.
    public init(minimumInterval: Duration) {
        self.minimumInterval = max(minimumInterval, .zero)
    }

    /// No pacing.
    public static let none = RateLimit(minimumInterval: .zero)

    /// At most `count` request starts per second (`.perSecond(1)` is Slack's documented rate).
    public static func perSecond(_ count: Double) -> RateLimit {
        count > 0 ? RateLimit(minimumInterval: .nanoseconds(Int64((1e9 / count).rounded(.up)))) : .none
    }

    /// At most `count` request starts per minute.
    public static func perMinute(_ count: Double) -> RateLimit {
        count > 0 ? RateLimit(minimumInterval: .nanoseconds(Int64((60e9 / count).rounded(.up)))) : .none
    }

    public var description: String {
        minimumInterval == .zero ? "none" : "one start per \(minimumInterval)"
    }
}
