import Timekeeping

/// How often and for how long a failed delivery is retried.
///
/// Backoff is exponential with full jitter: after failed attempt *n* the delay is a random
/// value in `[0, min(cap, base · 2^(n-1))]`. A delivery is dead after ``maxAttempts`` attempts
/// that count (429 answers do not) or once its next attempt would fall past ``maxAge`` after
/// the first attempt.
package struct RetryPolicy: Hashable, Sendable {
    /// Attempts that count against the budget before giving up. Default 12.
    package var maxAttempts: Int
    /// Give up when the next attempt would be later than this after the first. Default 24 h.
    package var maxAge: Duration
    /// The backoff ceiling for the first retry. Default 30 s.
    package var base: Duration
    /// The largest backoff ceiling. Default 1 h.
    package var cap: Duration
    /// The longest `Retry-After` (or Discord `retry_after`) honoured; longer values are clamped.
    /// Default 1 h.
    package var retryAfterCap: Duration

    /// Creates a policy; every parameter has the documented default.
    package init(
        maxAttempts: Int = 12,
        maxAge: Duration = .seconds(24 * 3600),
        base: Duration = .seconds(30),
        cap: Duration = .seconds(3600),
        retryAfterCap: Duration = .seconds(3600)
    ) {
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.base = base
        self.cap = cap
        self.retryAfterCap = retryAfterCap
    }

    /// The upper end of the jitter range after failed attempt `attempt` (1-based):
    /// `min(cap, base · 2^(attempt-1))`.
    package func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let exponent = max(0, attempt - 1)
        // Past 2^62 the product only matters as "more than cap".
        guard exponent < 62 else { return cap }
        let ceiling = base.seconds * Double(UInt64(1) << UInt64(exponent))
        return ceiling >= cap.seconds ? cap : .seconds(double: ceiling)
    }

    /// A full-jitter delay after failed attempt `attempt`: uniform in `[0, backoffCeiling]`.
    package func backoffDelay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoffCeiling(afterAttempt: attempt).seconds
        guard ceiling > 0 else { return .zero }
        return .seconds(double: Double.random(in: 0...ceiling, using: &generator))
    }
}
