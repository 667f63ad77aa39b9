import Foundation

/// The one source of time for everything that schedules, records, paces or sleeps.
///
/// It reads two things that must agree: **wall time** (seconds since the Unix epoch), which
/// schedules, outcomes and expiries are written in, and a **monotonic clock**, which waits,
/// budgets, leases in flight and pacing are measured on, so a wall-clock step never stretches or
/// shortens a wait. Callers take a `Timeline` and never read `Date()` or `ContinuousClock` for
/// themselves, as hummingbird's types take `init(_ clock: C = .continuous)`:
///
/// - ``system``: the system's wall clock and `ContinuousClock`.
/// - ``starting(at:)``: wall time starts at a chosen instant and advances with real time
///   (`--now`, for replays and demos): pacing, budgets and outcomes then all live on the same
///   timeline, so a replay of last month never mixes today's date into its records.
/// - ``init(_:startingAt:)``: any `Clock`, such as a test's manual clock; wall time is derived from
///   it, so a test that advances its clock moves both.
///
/// Wall instants cross module edges as `Int64` epoch seconds and lengths as `Duration`.
package struct Timeline: Sendable {
    private let readMonotonic: @Sendable () -> Duration
    private let readWall: @Sendable (Duration) -> Double
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// The system clocks.
    package static var system: Timeline {
        Timeline(ContinuousClock(), wall: { _ in Date().timeIntervalSince1970 })
    }

    /// Wall time that reads `instant` now and then advances in real time.
    package static func starting(at instant: Int64) -> Timeline {
        Timeline(ContinuousClock(), startingAt: instant)
    }

    /// A timeline on `clock`, whose wall time reads `instant` now and advances as `clock` does.
    package init<C: Clock>(_ clock: C, startingAt instant: Int64) where C.Duration == Duration {
        self.init(clock, wall: { elapsed in Double(instant) + elapsed.seconds })
    }

    private init<C: Clock>(_ clock: C, wall: @escaping @Sendable (Duration) -> Double) where C.Duration == Duration {
        let origin = clock.now
        readMonotonic = { origin.duration(to: clock.now) }
        readWall = wall
        sleeper = { deadline in try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil) }
    }

    /// Wall time: whole seconds since the epoch.
    package var now: Int64 { Int64(seconds.rounded(.down)) }

    /// Wall time: seconds since the epoch, fractional.
    package var seconds: Double { readWall(readMonotonic()) }

    /// Monotonic time since this timeline was made: compare two readings, or add a budget to one.
    package var monotonic: Duration { readMonotonic() }

    /// Suspends until the monotonic reading reaches `deadline`.
    package func sleep(until deadline: Duration) async throws { try await sleeper(deadline) }

    /// Suspends for `duration` of monotonic time.
    package func sleep(for duration: Duration) async throws { try await sleeper(monotonic + duration) }
}

extension Duration {
    /// The length in seconds, fractional.
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The length in whole seconds, rounded up: a time-out or a lease is never shortened.
    package var wholeSecondsRoundedUp: Int64 {
        components.seconds + (components.attoseconds > 0 ? 1 : 0)
    }

    /// The length in milliseconds, rounded up, clamped to `Int` (for C time-outs).
    package var milliseconds: Int {
        let ms = components.seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow else { return components.seconds > 0 ? Int.max : Int.min }
        let extra = (components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(clamping: ms.partialValue.addingReportingOverflow(extra).partialValue)
    }
}
