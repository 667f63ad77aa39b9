import Foundation

/// The wall clock the scheduler reads: the system's, or one started at a chosen instant that
/// then advances in real time (`opscadence run --now`, for demos and tests).
///
/// Due-ness follows the wall clock because reminders are defined in wall time; sleeping and
/// time-outs use the monotonic clock, so a clock step never stretches or shortens a wait.
public struct WallClock: Sendable {
    private let origin: Double?
    private let startedAt: ContinuousClock.Instant

    /// The system clock.
    public static var system: WallClock { WallClock(origin: nil) }

    /// A clock that reads `instant` now and advances with real time.
    public static func starting(at instant: Int64) -> WallClock { WallClock(origin: Double(instant)) }

    private init(origin: Double?) {
        self.origin = origin
        startedAt = .now
    }

    /// Seconds since the epoch, fractional.
    public var seconds: Double {
        guard let origin else { return Date().timeIntervalSince1970 }
        let elapsed = ContinuousClock.now - startedAt
        return origin + Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Whole seconds since the epoch.
    public var now: Int64 { Int64(seconds.rounded(.down)) }
}
