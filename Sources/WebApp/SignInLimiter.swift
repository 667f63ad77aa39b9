import Synchronization
import Timekeeping

/// Sign-in attempts per client address: at most ``limit`` in ``window``, so that guessing a
/// link (2^256 of them) is not even tried at speed, and one noisy client cannot lock out others.
final class SignInLimiter: Sendable {
    static let limit = 10
    static let window: Duration = .seconds(600)

    private let timeline: Timeline
    private let attempts = Mutex<[String: [Duration]]>([:])

    init(timeline: Timeline) { self.timeline = timeline }

    /// Counts an attempt; false when the address is over the limit.
    func allow(_ address: String) -> Bool {
        let now = timeline.monotonic
        return attempts.withLock { attempts in
            if attempts.count > 10_000 { attempts = attempts.filter { $0.value.contains { now - $0 < Self.window } } }
            var recent = (attempts[address] ?? []).filter { now - $0 < Self.window }
            guard recent.count < Self.limit else {
                attempts[address] = recent
                return false
            }
            recent.append(now)
            attempts[address] = recent
            return true
        }
    }
}
