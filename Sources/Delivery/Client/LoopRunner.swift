internal import CCurl
import Foundation
import Glibc
import Timekeeping

/// One request waiting for its turn, and the batch it belongs to.
struct PendingJob {
    let batch: BatchState
    let index: Int
    let request: WebhookRequest
    /// Submission order across all batches; the oldest startable job goes first.
    let sequence: UInt64
    let interval: Duration
}

/// The results of one ``WebhookClient/send(_:)`` call as they come in.
final class BatchState {
    let id: UInt64
    /// Requests whose rate limit would hold them past this reading of the client's timeline are
    /// deferred instead.
    let pacingDeadline: Duration
    private var results: [WebhookResult?]
    private var remaining: Int
    private let completion: @Sendable ([WebhookResult]) -> Void

    init(_ submission: DeliveryLoop.Submission, pacingBudget: Duration) {
        id = submission.id
        pacingDeadline = submission.submittedAt + pacingBudget
        results = Array(repeating: nil, count: submission.requests.count)
        remaining = submission.requests.count
        completion = submission.completion
    }

    /// Records one result; returns true when that was the last one and the caller was told.
    func record(_ result: WebhookResult, at index: Int) -> Bool {
        guard results[index] == nil else { return false }
        results[index] = result
        remaining -= 1
        guard remaining == 0 else { return false }
        completion(results.map { $0 ?? DeliveryLoop.internalFailure("no result recorded") })
        return true
    }
}

/// The delivery loop's thread: owns the multi handle and every transfer, paces rate keys, and
/// completes batches. Nothing here is touched from any other thread.
///
/// Every instant here is a reading of the client's ``Timeline`` (`monotonic`), so pacing, the
/// pacing budget and skips follow whatever clock the client was given; only libcurl's own
/// time-outs run on real time.
final class LoopRunner {
    private let loop: DeliveryLoop
    private let configuration: WebhookClient.Configuration
    private let timeline: Timeline

    private var batches: [UInt64: BatchState] = [:]
    /// Waiting jobs per rate key, in submission order.
    private var queues: [String: [PendingJob]] = [:]
    /// When each rate key may start its next request.
    private var nextStart: [String: Duration] = [:]
    /// Start slots already promised to deferred requests, so that they are spaced too.
    private var reservedUntil: [String: Duration] = [:]
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var sequence: UInt64 = 0
    /// Time-outs in a row per rate key, reset by any response. While a key has one, it runs
    /// one request at a time, so slots freed by its time-outs do not start more of them.
    private var timeoutStreak: [String: Int] = [:]
    /// Requests in flight per rate key.
    private var inFlight: [String: Int] = [:]
    /// Rate keys given up on for a while: their requests come back unsent until `until`.
    private var skipped: [String: (reason: String, until: Duration)] = [:]
    /// A task asleep on the timeline until the next pacing wake-up, which then wakes this thread
    /// through the wake-up socket. The poll's time-out alone serves a real clock, but a manual
    /// one moves without real time passing: only the timeline can tell when a turn has come.
    private var alarm: (at: Duration, task: Task<Void, Never>)?

    init(loop: DeliveryLoop) {
        self.loop = loop
        self.configuration = loop.configuration
        self.timeline = loop.timeline
    }

    func run() {
        let multi: MultiHandle
        do {
            multi = try MultiHandle()
        } catch {
            runWithoutCurl(reason: error.description)
            return
        }
        while true {
            let mail = loop.takeMail()
            for submission in mail.submissions { accept(submission) }
            for id in mail.cancellations where batches[id] != nil { cancel(batchID: id, multi: multi) }
            if mail.shuttingDown {
                for id in Array(batches.keys) { cancel(batchID: id, multi: multi) }
                setAlarm(nil)
                return
            }

            let wakeAt = schedule(multi: multi)
            setAlarm(wakeAt)
            var finishedAny = false
            do {
                try multi.perform()
                finishedAny = collectFinished(multi: multi)
            } catch {
                failActive(multi: multi, message: error.description)
                finishedAny = true
            }
            // Freed slots may let waiting jobs start right away.
            if finishedAny { continue }

            do {
                try multi.poll(timeoutMilliseconds: pollTimeout(until: wakeAt), wakeDescriptor: loop.descriptorForPolling)
            } catch {
                failActive(multi: multi, message: error.description)
            }
            loop.drainWakeups()
        }
    }

    // MARK: Batches

    private func accept(_ submission: DeliveryLoop.Submission) {
        let batch = BatchState(submission, pacingBudget: configuration.pacingBudget)
        batches[batch.id] = batch
        for (index, request) in submission.requests.enumerated() {
            sequence += 1
            let limit = request.rateLimit ?? configuration.rateLimits[request.rateKey] ?? configuration.defaultRateLimit
            let job = PendingJob(batch: batch, index: index, request: request, sequence: sequence, interval: limit.minimumInterval)
            if let skip = skipped[request.rateKey] {
                if skip.until > timeline.monotonic {
                    complete(job, with: .failure(TransportFailure(code: .notAttempted, requestMayHaveBeenSent: false, message: skip.reason)))
                    continue
                }
                // Time to try the destination again, from a clean slate.
                skipped[request.rateKey] = nil
                timeoutStreak[request.rateKey] = nil
            }
            queues[request.rateKey, default: []].append(job)
        }
    }

    /// Counts time-outs per rate key; at the limit, gives back every waiting request of the key.
    private func track(_ result: WebhookResult, key: String) {
        let limit = configuration.timeoutsBeforeSkipping
        guard limit > 0, skipped[key] == nil else { return }
        switch result {
        case .response:
            timeoutStreak[key] = nil
        case .failure(let failure) where failure.code == .timeout:
            let streak = (timeoutStreak[key] ?? 0) + 1
            timeoutStreak[key] = streak
            guard streak >= limit else { return }
            let reason = "\(streak) requests in a row to this destination timed out; not sent in this round"
            skipped[key] = (reason, timeline.monotonic + configuration.skipDuration)
            for job in queues.removeValue(forKey: key) ?? [] {
                complete(job, with: .failure(TransportFailure(code: .notAttempted, requestMayHaveBeenSent: false, message: reason)))
            }
        case .failure, .deferred:
            break
        }
    }

    private func complete(_ job: PendingJob, with result: WebhookResult) {
        if job.batch.record(result, at: job.index) {
            batches.removeValue(forKey: job.batch.id)
            loop.forget(id: job.batch.id)
        }
    }

    private func cancel(batchID: UInt64, multi: MultiHandle) {
        let now = timeline.monotonic
        for (handle, transfer) in active where transfer.job.batch.id == batchID {
            detach(handle, multi: multi)
            complete(transfer.job, with: transfer.cancelledResult(now: now))
        }
        for key in Array(queues.keys) {
            let (cancelled, kept) = queues[key, default: []].partitioned { $0.batch.id == batchID }
            queues[key] = kept.isEmpty ? nil : kept
            for job in cancelled {
                complete(
                    job,
                    with: .failure(
                        TransportFailure(
                            code: .cancelled, requestMayHaveBeenSent: false, message: "the send was cancelled before the request started")))
            }
        }
    }

    // MARK: Pacing and starting

    /// Defers what the pacing budget cannot fit, starts what may start now, and returns when the
    /// next paced job becomes startable.
    private func schedule(multi: MultiHandle) -> Duration? {
        let now = timeline.monotonic

        for key in Array(queues.keys) {
            guard var queue = queues[key] else { continue }
            // Only a job its pacing really holds back (its key's next start is still ahead) is
            // deferred; one that merely waited in the queue behind others may start now.
            while let head = queue.first, let earliest = nextStart[key], earliest > now, earliest > head.batch.pacingDeadline {
                let slot = max(earliest, reservedUntil[key] ?? earliest)
                reservedUntil[key] = slot + head.interval
                queue.removeFirst()
                complete(head, with: .deferred(for: slot - now))
            }
            queues[key] = queue.isEmpty ? nil : queue
        }

        while active.count < max(1, configuration.maxConcurrent) {
            var best: (key: String, job: PendingJob)?
            for (key, queue) in queues {
                guard let head = queue.first else { continue }
                if let earliest = nextStart[key], earliest > now { continue }
                if timeoutStreak[key] != nil, inFlight[key, default: 0] > 0 { continue }
                if best == nil || head.sequence < best!.job.sequence { best = (key, head) }
            }
            guard let (key, job) = best else { break }
            queues[key]!.removeFirst()
            if queues[key]!.isEmpty { queues[key] = nil }
            nextStart[key] = now + job.interval
            start(job, multi: multi, now: now)
        }

        var wakeAt: Duration?
        for key in queues.keys {
            guard let earliest = nextStart[key], earliest > now else { continue }
            wakeAt = min(wakeAt ?? earliest, earliest)
        }
        forgetIdleKeys(now: now)
        return wakeAt
    }

    /// Drops pacing state that no longer holds anything back, so a long-lived client that has
    /// seen many rate keys does not keep them all.
    private func forgetIdleKeys(now: Duration) {
        guard nextStart.count + reservedUntil.count > 256 else { return }
        nextStart = nextStart.filter { $0.value > now || queues[$0.key] != nil }
        reservedUntil = reservedUntil.filter { $0.value > now }
    }

    private func start(_ job: PendingJob, multi: MultiHandle, now: Duration) {
        do {
            let transfer = try Transfer(job: job, configuration: configuration, now: now)
            do {
                try multi.add(transfer.easy)
            } catch {
                complete(job, with: DeliveryLoop.internalFailure(error.description))
                return
            }
            active[transfer.easy.raw] = transfer
            inFlight[job.request.rateKey, default: 0] += 1
        } catch {
            let failure = TransportFailure(
                code: .internalError, requestMayHaveBeenSent: false,
                message: "could not set up the request: \(job.request.redactor.redact(error.description))", curlError: error)
            complete(job, with: .failure(failure))
        }
    }

    // MARK: Finishing

    private func collectFinished(multi: MultiHandle) -> Bool {
        let finished = multi.finishedTransfers()
        guard !finished.isEmpty else { return false }
        let now = timeline.monotonic
        for (handle, code) in finished {
            guard let transfer = detach(handle, multi: multi) else { continue }
            let result = transfer.result(for: code, now: now)
            complete(transfer.job, with: result)
            track(result, key: transfer.job.request.rateKey)
        }
        return true
    }

    private func failActive(multi: MultiHandle, message: String) {
        let now = timeline.monotonic
        for (handle, transfer) in active {
            detach(handle, multi: multi)
            let pretransfer = (try? transfer.easy.info(offset: CURLINFO_PRETRANSFER_TIME_T)) ?? 0
            let failure = TransportFailure(
                code: .internalError, requestMayHaveBeenSent: pretransfer > 0, message: message, elapsed: now - transfer.startedAt)
            complete(transfer.job, with: .failure(failure))
        }
    }

    /// Takes a transfer off the multi handle and the books; nil when it was not ours.
    @discardableResult
    private func detach(_ handle: UnsafeMutableRawPointer, multi: MultiHandle) -> Transfer? {
        multi.remove(handle)
        guard let transfer = active.removeValue(forKey: handle) else { return nil }
        let key = transfer.job.request.rateKey
        inFlight[key] = inFlight[key, default: 1] > 1 ? inFlight[key, default: 1] - 1 : nil
        return transfer
    }

    private func pollTimeout(until wakeAt: Duration?) -> Int32 {
        // Without work, sleep until woken; the bound only guards against a lost wake-up.
        let idleBound: Duration = active.isEmpty && queues.isEmpty ? .seconds(60) : .seconds(1)
        guard let wakeAt else { return Int32(idleBound.milliseconds) }
        let wait = min(max(wakeAt - timeline.monotonic, .milliseconds(1)), idleBound)
        return Int32(wait.milliseconds)
    }

    /// Keeps one alarm set for `wakeAt`, the next pacing wake-up, or none.
    ///
    /// On a real clock the alarm and the poll's time-out both fire at about that moment; the
    /// time-out stays, because the alarm's task may resume late when the cooperative pool is
    /// busy (which is why the transfers have a thread of their own).
    private func setAlarm(_ wakeAt: Duration?) {
        guard alarm?.at != wakeAt else { return }
        alarm?.task.cancel()
        alarm = nil
        guard let wakeAt else { return }
        let (timeline, loop) = (self.timeline, self.loop)
        let task = Task {
            // Cancelled: the wake-up moved or the loop is stopping, so there is nothing to wake.
            guard (try? await timeline.sleep(until: wakeAt)) != nil else { return }
            loop.wake()
        }
        alarm = (wakeAt, task)
    }

    /// libcurl could not be set up: answer every batch with that failure until shutdown.
    private func runWithoutCurl(reason: String) {
        while true {
            let mail = loop.takeMail()
            for submission in mail.submissions {
                submission.completion(submission.requests.map { _ in DeliveryLoop.internalFailure("libcurl is unavailable: \(reason)") })
                loop.forget(id: submission.id)
            }
            if mail.shuttingDown { return }
            var descriptor = pollfd(fd: loop.descriptorForPolling, events: Int16(POLLIN), revents: 0)
            _ = Glibc.poll(&descriptor, 1, 60_000)
            loop.drainWakeups()
        }
    }
}

@available(*, unavailable, message: "The runner belongs to the delivery loop's thread.")
extension LoopRunner: Sendable {}

@available(*, unavailable, message: "A batch belongs to the delivery loop's thread.")
extension BatchState: Sendable {}

extension Array {
    /// The elements that match, and the rest, each in their original order.
    func partitioned(by belongsInFirst: (Element) -> Bool) -> ([Element], [Element]) {
        var first: [Element] = []
        var second: [Element] = []
        for element in self {
            if belongsInFirst(element) { first.append(element) } else { second.append(element) }
        }
        return (first, second)
    }
}
