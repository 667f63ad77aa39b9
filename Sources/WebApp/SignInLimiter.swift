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

/// The calendar feed, rendered once per workspace version and five minutes: a cron schedule
/// expands to many dates, and calendar apps poll.
final class FeedCache: Sendable {
    private let entry = Mutex<(version: Int, at: Duration, text: String)?>(nil)

    func feed(for version: Int, at now: Duration, render: () -> String) -> String {
        if let cached = entry.withLock({ $0 }), cached.version == version, now - cached.at < .seconds(300) { return cached.text }
        let text = render()
        entry.withLock { $0 = (version, now, text) }
        return text
    }
}

/// Which workspace version's `people:` the sessions were last checked against.
final class PeopleCheck: Sendable {
    struct State {
        /// The workspace version whose people were last checked.
        var version: Int?
        /// The check under way, for which version: requests arriving meanwhile wait for it
        /// rather than each writing (and each holding a thread while the state's lock is held).
        var running: (version: Int, task: Task<Void, any Error>)?
    }

    let state = Mutex(State())
}
