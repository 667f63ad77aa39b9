import NativeThreads
import Glibc
import Synchronization
import Timekeeping

/// The thread-safe side of the delivery loop: a mailbox that callers post batches and
/// cancellations to, a socket pair whose write end wakes the loop thread out of `curl_multi_poll`, and the
/// thread itself. Everything libcurl lives in ``LoopRunner`` on that thread.
final class DeliveryLoop: Sendable {
    /// A batch of requests and what to call, on the loop thread, with their results.
    struct Submission: Sendable {
        let id: UInt64
        let requests: [WebhookRequest]
        /// The client's timeline read at submission: the pacing budget counts from here.
        let submittedAt: Duration
        let completion: @Sendable ([WebhookResult]) -> Void
    }

    /// What the loop thread takes from the mailbox on each turn.
    struct Mail {
        var submissions: [Submission]
        var cancellations: Set<UInt64>
        var shuttingDown: Bool
    }

    private struct Mailbox {
        var submissions: [Submission] = []
        /// Batches handed out by makeID() and not yet complete.
        var live: Set<UInt64> = []
        /// Kept until the batch completes, so a cancellation that arrives before its batch is
        /// not lost; only live batches can be cancelled, so a late one is not kept forever.
        var cancellations: Set<UInt64> = []
        var shuttingDown = false
        var nextID: UInt64 = 1
    }

    let configuration: WebhookClient.Configuration
    /// The client's one source of time; the loop thread reads it too.
    let timeline: Timeline
    private let mailbox = Mutex(Mailbox())
    /// A non-blocking socket pair: callers write a byte to wake the loop thread out of
    /// `curl_multi_poll`, which watches the read end. Never closed while a caller could still
    /// write to it: it is closed in `deinit`, after the client and the thread have both let go.
    private let wakeReadEnd: Int32
    private let wakeWriteEnd: Int32
    private let thread = Mutex<NativeThread?>(nil)
    private let startupError: DeliveryLoopError?

    init(configuration: WebhookClient.Configuration, timeline: Timeline) {
        self.configuration = configuration
        self.timeline = timeline
        // A socket pair rather than pipe(2): close-on-exec and non-blocking are set atomically,
        // so a child process spawned at the same moment can never inherit it.
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        if socketpair(AF_UNIX, type, 0, &ends) == 0 {
            startupError = nil
        } else {
            startupError = DeliveryLoopError("could not create the wake-up socket pair: \(String(cString: strerror(errno)))")
        }
        wakeReadEnd = ends[0]
        wakeWriteEnd = ends[1]
    }

    deinit {
        if wakeReadEnd >= 0 { close(wakeReadEnd) }
        if wakeWriteEnd >= 0 { close(wakeWriteEnd) }
    }

    /// A fresh batch id; the batch counts as live until ``forget(id:)``.
    func makeID() -> UInt64 {
        mailbox.withLock { box in
            defer { box.nextID += 1 }
            box.live.insert(box.nextID)
            return box.nextID
        }
    }

    /// Hands a batch to the loop thread, starting the thread on first use.
    func submit(id: UInt64, _ requests: [WebhookRequest], completion: @escaping @Sendable ([WebhookResult]) -> Void) {
        if let error = startupError ?? startThreadIfNeeded() {
            forget(id: id)
            completion(requests.map { _ in Self.internalFailure(error.description) })
            return
        }
        let submission = Submission(id: id, requests: requests, submittedAt: timeline.monotonic, completion: completion)
        mailbox.withLock { $0.submissions.append(submission) }
        wake()
    }

    /// Asks the loop to cancel batch `id`; its unfinished requests come back as
    /// ``TransportFailure/Code/cancelled``.
    func cancel(id: UInt64) {
        let live = mailbox.withLock { box in
            guard box.live.contains(id) else { return false }
            box.cancellations.insert(id)
            return true
        }
        if live { wake() }
    }

    /// Called by the loop thread each turn.
    func takeMail() -> Mail {
        mailbox.withLock { box in
            defer { box.submissions.removeAll() }
            return Mail(submissions: box.submissions, cancellations: box.cancellations, shuttingDown: box.shuttingDown)
        }
    }

    /// Called by the loop thread when batch `id` is complete.
    func forget(id: UInt64) {
        mailbox.withLock { box in
            box.live.remove(id)
            box.cancellations.remove(id)
        }
    }

    /// Stops the loop thread after cancelling whatever it still has, and waits for it.
    func shutdown() {
        mailbox.withLock { $0.shuttingDown = true }
        wake()
        guard let thread = thread.withLock({ $0 }) else { return }
        // A client released from inside a completion would otherwise wait for itself.
        if thread.isCurrent { thread.detach() } else { thread.join() }
    }

    /// Clears pending wake-ups; called by the loop thread after each poll.
    func drainWakeups() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeReadEnd, &buffer, buffer.count) > 0 {}
    }

    var descriptorForPolling: Int32 { wakeReadEnd }

    /// Wakes the loop thread out of its poll; safe from any thread.
    func wake() {
        // A full buffer already means "wake up", so a failed write loses nothing.
        var byte: UInt8 = 1
        _ = write(wakeWriteEnd, &byte, 1)
    }

    private func startThreadIfNeeded() -> DeliveryLoopError? {
        thread.withLock { thread -> DeliveryLoopError? in
            guard thread == nil else { return nil }
            do throws(NativeThread.StartError) {
                thread = try NativeThread { [self] in
                    LoopRunner(loop: self).run()
                }
                return nil
            } catch {
                return DeliveryLoopError("could not start the delivery thread: \(error)")
            }
        }
    }

    static func internalFailure(_ message: String) -> WebhookResult {
        .failure(TransportFailure(code: .internalError, requestMayHaveBeenSent: false, message: message))
    }
}

/// The delivery loop could not be set up (no thread, no event descriptor).
struct DeliveryLoopError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
