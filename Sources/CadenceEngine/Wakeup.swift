import Synchronization
import Timekeeping

/// Why the service woke up before its deadline.
package enum WakeReason: Hashable, Sendable {
    case reload
    case shutdown
    /// Another instance or a command queued work in the shared database.
    case work
}

/// Lets signal handlers, the file watcher and graceful shutdown interrupt the service's sleep.
final class Wakeup: Sendable {
    private struct State {
        var pending: Set<WakeReason> = []
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Records a reason and wakes the sleeper, if any.
    func signal(_ reason: WakeReason) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.pending.insert(reason)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    var isShuttingDown: Bool { state.withLock { $0.pending.contains(.shutdown) } }

    /// Sleeps for `duration` (monotonic) or until signalled; returns the reasons, cleared
    /// except for shutdown, which stays.
    func wait(for duration: Duration, on timeline: Timeline) async -> Set<WakeReason> {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await timeline.sleep(for: duration) }
            group.addTask { await self.nextSignal() }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { s in
            let reasons = s.pending
            s.pending = s.pending.intersection([.shutdown])
            return reasons
        }
    }

    private func nextSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if !s.pending.isEmpty || Task.isCancelled { return true }
                    s.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume()
        }
    }
}
