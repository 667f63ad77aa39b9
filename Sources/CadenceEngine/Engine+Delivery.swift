import Agendas
import Delivery
import Foundation
import Logging
import Playbooks
import Recurrence
import StateStore
import Synchronization
import Timekeeping

extension Engine {
    /// The longest a request may take (`delivery.timeout`); leases are longer so a live sender
    /// never loses one.
    var requestTimeout: Duration { .seconds(workspace.configuration.deliveryTimeout) }

    /// How long a receiver may send nothing before the request is given up: half of
    /// `delivery.timeout`, at least 10 s (and never more than the time-out itself).
    static func lowSpeedTime(for timeout: Duration) -> Duration { min(timeout, max(.seconds(10), timeout / 2)) }
    var lease: Int64 { requestTimeout.wholeSecondsRoundedUp * 2 + 60 }

    /// The largest body posted to any target: a backstop behind each format's own budget.
    static let maximumBodyBytes = 1 << 20

    /// One request on the wire, with what its outcome needs.
    struct Job: Sendable {
        var row: DeliveryRecord
        var target: Target
        var kind: WebhookKind
        var request: WebhookRequest
        var id: Int64 { row.id ?? 0 }
    }

    /// Claimed deliveries turned into requests, and the outcomes of those not sent: cancelled (an
    /// escalation acknowledged meanwhile) or dead (it could not even be built).
    struct Prepared {
        var jobs: [Job] = []
        var unsent: [StateStore.Outcome] = []
        var unsentLines: [Int64: TickReport.DeliveryLine] = [:]
    }

    /// What one send reuses across its claims.
    struct SendContext {
        /// One per target: building a target parses its URL and secret.
        var webhooks: [String: WebhookTarget] = [:]
        var source: AgendaSource
        /// Agendas rendered in this tick, by occurrence; a reminder reuses them.
        var rendered: RenderedAgendas
    }

    /// Sends every delivery that is due until none is due, the budget is spent, or
    /// `keepSending` says stop.
    ///
    /// At most `delivery.concurrency` deliveries are claimed at a time, each under a lease with
    /// its attempt counted, and only as many as can go on the wire at once: the client answers
    /// a request its destination's pacing cannot start now at once, unsent, and it is queued
    /// again for its turn without using up an attempt. Each outcome is recorded as its answer
    /// arrives (the answers that arrived while the previous commit ran share one commit), and
    /// the freed places are claimed in the same transaction. A process killed mid-send therefore
    /// resends at most the requests on the wire at that moment, each with its `webhook-id`.
    func deliverDue(budget: Duration, keepSending: @Sendable () -> Bool, rendered: RenderedAgendas, report: inout TickReport) async throws {
        let deadline = timeline.monotonic + budget
        let capacity = workspace.configuration.deliveryConcurrency
        func mayClaim() -> Bool { timeline.monotonic < deadline && keepSending() }
        guard mayClaim() else { return }
        var claimed = try store.claimDueDeliveries(now: timeline.now, owner: owner, lease: lease, limit: capacity)
        // The idle tick stops here: nothing due, so libcurl is never loaded.
        if claimed.isEmpty { return }

        var context = SendContext(source: AgendaSource(workspace: workspace, store: store), rendered: rendered)
        let inbox = ResultInbox()
        var sender: WebhookClient?
        var inFlight: [Int64: Job] = [:]
        var unrecorded: [StateStore.Outcome] = []
        var unrecordedLines: [Int64: TickReport.DeliveryLine] = [:]
        // A claim that fails stops the claiming; what is on the wire is still recorded.
        var claimError: StateError?
        // The latest turn a destination's pacing gave a request of this send: the send waits for
        // those turns within its budget, but not for reminders that are simply due later.
        var pacedUntil: Int64?

        try await withThrowingDiscardingTaskGroup { group in
            while true {
                if !claimed.isEmpty {
                    let prepared = try prepare(claimed, context: &context)
                    claimed = []
                    unrecorded += prepared.unsent
                    unrecordedLines.merge(prepared.unsentLines) { $1 }
                    // libcurl starts only when something is actually due.
                    if !prepared.jobs.isEmpty, sender == nil { sender = makeClient() }
                    if let sender {
                        for job in prepared.jobs {
                            inFlight[job.id] = job
                            group.addTask {
                                let result = await sender.send([job.request]).first ?? .failure(TransportFailure(code: .cancelled, requestMayHaveBeenSent: false, message: "the client returned no result"))
                                inbox.put(job.id, result)
                            }
                        }
                    }
                }
                if inFlight.isEmpty && unrecorded.isEmpty {
                    guard claimError == nil, mayClaim() else { break }
                    claimed = try store.claimDueDeliveries(now: timeline.now, owner: owner, lease: lease, limit: capacity)
                    if claimed.isEmpty {
                        guard let until = pacedUntil, try await sleepUntilNextDue(through: until, deadline: deadline, keepSending: keepSending)
                        else { break }
                    }
                    continue
                }
                let arrived = inFlight.isEmpty ? [] : await inbox.take()
                let now = timeline.now
                var outcomes = unrecorded
                var lines = unrecordedLines
                for (id, result) in arrived {
                    guard let job = inFlight.removeValue(forKey: id) else { continue }
                    let (outcome, line) = classify(result, for: job.row, target: job.target, kind: job.kind, now: now)
                    // Pacing gave it a turn within this send: wait for it. A destination given up on
                    // for this round (time-outs in a row) is not waited for.
                    if case .deferred = result, case .retry(let at, _, _) = outcome.resolution { pacedUntil = max(pacedUntil ?? at, at) }
                    outcomes.append(outcome)
                    lines[id] = line
                }
                let limit = claimError == nil && mayClaim() ? max(0, capacity - inFlight.count) : 0
                let (written, next) = try store.record(outcomes, owner: owner, now: now, thenClaim: limit, lease: lease)
                self.report(outcomes: outcomes, lines: lines, written: Set(written), into: &report)
                unrecorded = []
                unrecordedLines = [:]
                switch next {
                case .success(let rows): claimed = rows
                case .failure(let error): claimError = error
                }
            }
        }
        if let claimError { throw claimError }
    }

    /// Sleeps until the next queued delivery is due, if it is due by `until` (the turns pacing
    /// gave this send) and before the budget ends; false when there is nothing to wait for.
    private func sleepUntilNextDue(through until: Int64, deadline: Duration, keepSending: () -> Bool) async throws -> Bool {
        guard let next = try store.nextDeliveryDue(), next <= until, keepSending() else { return false }
        let wake = timeline.monotonic + .seconds(max(0, Double(next) - timeline.seconds))
        guard wake < deadline else { return false }
        // In steps of at most a second, so that a shutdown is noticed.
        try await timeline.sleep(until: min(wake, timeline.monotonic + .seconds(1)))
        return true
    }

    /// Builds the requests of claimed deliveries. A body is built at the first attempt and stored
    /// before it is sent, so a retry sends identical bytes. Building one renders the agenda of a
    /// meeting not yet over again, so that the file the reminder links to is current.
    func prepare(_ claimed: [ClaimedDelivery], context: inout SendContext) throws -> Prepared {
        var prepared = Prepared()
        var payloads: [Int64: DeliveryPayload] = [:]
        let now = timeline.now
        for claim in claimed {
            let row = claim.record
            guard let id = row.id else { continue }
            // An escalation whose occurrence was acknowledged since it was queued is not sent.
            if row.isEscalation,
                let ack = try store.acknowledgement(playbook: row.playbookId, scheduledAt: row.reminderAt + Int64(row.beforeSeconds))
            {
                let reason = "not sent: acknowledged\(ack.by.map { " by \($0)" } ?? "") (\(ack.via))"
                prepared.unsent.append(StateStore.Outcome(id: id, resolution: .cancelled(reason: reason)))
                prepared.unsentLines[id] = line(row, outcome: "cancelled", status: nil, detail: reason)
                continue
            }
            // Nor is a checklist item's reminder whose item was ticked since: ticking drops the
            // waiting ones, and this look right before sending covers one claimed meanwhile.
            if row.isChecklistReminder,
                let mark = try store.checklistMarks(playbook: row.playbookId, scheduledAt: row.reminderAt + Int64(row.beforeSeconds))[row.checklistItem]
            {
                let reason = ChecklistMark.notSentReason(by: mark.doneBy)
                prepared.unsent.append(StateStore.Outcome(id: id, resolution: .cancelled(reason: reason)))
                prepared.unsentLines[id] = line(row, outcome: "cancelled", status: nil, detail: reason)
                continue
            }
            do {
                guard let target = workspace.configuration.target(named: row.target) else {
                    throw EngineError("target '\(row.target)' is no longer defined in opscadence.yaml")
                }
                guard let webhook = try context.webhooks[target.name] ?? target.webhookTarget() else {
                    throw EngineError("target '\(row.target)' is not configured (optional target without its URL)")
                }
                context.webhooks[target.name] = webhook
                let payload: WebhookPayload
                if let stored = claim.payload, stored.kind == webhook.kind.rawValue {
                    payload = WebhookPayload(kind: webhook.kind, deliveryID: row.idempotencyKey, body: [UInt8](stored.body), query: stored.query)
                } else {
                    // The first attempt, or the target's kind changed since the last one: the
                    // stored body is in another format, so the reminder is built again.
                    guard let playbook = workspace.playbook(id: row.playbookId) else {
                        throw EngineError("playbook '\(row.playbookId)' no longer exists")
                    }
                    try refreshAgenda(of: playbook, at: row.reminderAt + Int64(row.beforeSeconds), context: &context, now: now)
                    let message = try ReminderMessages.message(
                        for: row, playbook: playbook, source: context.source, renderer: try renderers.renderer(), now: now,
                        rendered: context.rendered)
                    payload = webhook.kind.payload(for: message)
                    guard payload.body.count <= Engine.maximumBodyBytes else {
                        throw EngineError(
                            "the message is \(payload.body.count / 1024) KB, over the \(Engine.maximumBodyBytes / 1024) KB limit for a webhook body")
                    }
                    payloads[id] = DeliveryPayload(body: Data(payload.body), kind: payload.kind.rawValue, query: payload.query)
                }
                prepared.jobs.append(Job(row: row, target: target, kind: webhook.kind, request: try webhook.makeRequest(for: payload, at: now)))
            } catch let error as StateError {
                throw error
            } catch {
                let text = workspace.redact("\(error)")
                prepared.unsent.append(StateStore.Outcome(id: id, resolution: .dead(status: nil, error: text)))
                // Logged at error level with the other outcomes, once recorded.
                prepared.unsentLines[id] = line(row, outcome: "dead", status: nil, detail: text)
            }
        }
        try store.storePayloads(payloads, owner: owner)
        return prepared
    }

    /// Renders the agenda of the occurrence a reminder is about, once per tick, if the meeting is
    /// not over yet.
    private func refreshAgenda(of playbook: Playbook, at start: Int64, context: inout SendContext, now: Int64) throws {
        guard context.rendered.agenda(playbook: playbook.id, at: start) == nil, now < start + Int64(playbook.duration) else { return }
        let job = try agendaJob(for: playbook, at: start, source: context.source, now: now)
        let writer = AgendaWriter(renderer: try renderers.renderer(), outputRoot: workspace.configuration.outputPath)
        context.rendered.byKey[job.key] = (job.agenda, try writer.write(job))
    }

    /// Adds recorded outcomes, of requests sent and of deliveries not sent alike, to the report
    /// and the log; `written` are those the store kept. Only an outcome that is `dead` and was
    /// written counts as a death: a cancelled escalation did what it should.
    func report(
        outcomes: [StateStore.Outcome], lines: [Int64: TickReport.DeliveryLine], written: Set<Int64>, into report: inout TickReport
    ) {
        for outcome in outcomes {
            guard var line = lines[outcome.id] else { continue }
            if !written.contains(outcome.id) { line.outcome += " (lease lost; another process owns it)" }
            report.deliveries.append(line)
            let died = { if case .dead = outcome.resolution { return true } else { return false } }()
            if died && written.contains(outcome.id) { report.dead += 1 }
            // Built inside the autoclosure: nothing is formatted unless the level is logged.
            logger.log(
                level: died ? .error : .info, "delivery \(line.outcome)",
                metadata: {
                    var metadata: Logger.Metadata = [
                        "delivery": "\(line.id)", "playbook": "\(line.playbook)", "target": "\(line.target)", "attempt": "\(line.attempt)",
                    ]
                    if let status = line.status { metadata["status"] = "\(status)" }
                    // Already redacted: built from the outcome with the workspace's secrets removed.
                    if let detail = line.detail { metadata["detail"] = "\(detail)" }
                    return metadata
                }())
        }
    }

    func makeClient() -> WebhookClient {
        WebhookClient(
            configuration: WebhookClient.Configuration(
                maxConcurrent: workspace.configuration.deliveryConcurrency, totalTimeout: requestTimeout,
                // A team that allows a slow receiver more time (delivery.timeout) allows it
                // longer silences too: half the time-out, never under the default 10 s.
                lowSpeedTime: Self.lowSpeedTime(for: requestTimeout),
                denyPrivateNetworks: workspace.configuration.denyPrivateNetworks,
                // A request its destination's pacing cannot start now comes back at once, unsent,
                // and waits in the queue: a claimed row is one about to go on the wire.
                pacingBudget: .zero),
            // Pacing on the engine's clock: a destination's next turn is on the same timeline as
            // the retry times, leases and budget it becomes (a `--now` replay, a test's clock).
            timeline: timeline)
    }

    /// What one result means for its delivery, and the report line for it.
    func classify(_ result: WebhookResult, for row: DeliveryRecord, target: Target, kind: WebhookKind, now: Int64)
        -> (StateStore.Outcome, TickReport.DeliveryLine)
    {
        let id = row.id ?? 0
        let policy = RetryPolicy(maxAttempts: target.maxAttempts, maxAge: .seconds(target.maxAge))
        let outcome = DeliveryOutcome.classify(
            result: result, kind: kind, attempt: row.attempts, firstAttemptAt: row.firstAttemptAt ?? now, now: now, policy: policy)
        let notSent: Bool
        switch result {
        case .deferred: notSent = true
        case .failure(let failure): notSent = failure.code == .notAttempted
        case .response: notSent = false
        }
        let resolution: DeliveryResolution
        var refund = false
        let label: String
        var status: Int?
        var detail: String?
        switch outcome {
        case .delivered(let delivered):
            resolution = .delivered(status: delivered.statusCode, note: delivered.note)
            label = "delivered"
            status = delivered.statusCode
            detail = delivered.note
        case .retry(let retry):
            // At least a second on: the tick claims what is due at `now`, so a retry due at
            // `now` (a zero jitter, `Retry-After: 0`) would be sent again at once, and a rate
            // limit refunds its attempt: that loop would run until the budget is spent.
            let at = max(retry.at, now + 1)
            let reason = workspace.redact(retry.reason)
            status = retry.statusCode
            refund = !retry.consumesAttempt
            if at > row.expiresAt {
                resolution = .expired(status: retry.statusCode, error: reason + "; still failing after grace")
                label = "expired"
                detail = reason
            } else {
                resolution = .retry(at: at, status: retry.statusCode, error: reason)
                label = notSent ? "waiting until \(RFC3339.formatUTC(at))" : "retry at \(RFC3339.formatUTC(at))"
                detail = reason
            }
        case .dead(let dead):
            let reason = workspace.redact(dead.summary)
            resolution = .dead(status: dead.statusCode, error: reason)
            label = "dead"
            status = dead.statusCode
            detail = reason
        }
        return (
            StateStore.Outcome(id: id, resolution: resolution, refundAttempt: refund, wasNotSent: notSent),
            line(row, outcome: label, status: status, detail: detail)
        )
    }

    func line(_ row: DeliveryRecord, outcome: String, status: Int?, detail: String?) -> TickReport.DeliveryLine {
        TickReport.DeliveryLine(
            id: row.id ?? 0, playbook: row.playbookId, target: row.target, reminderAt: RFC3339.formatUTC(row.reminderAt),
            attempt: row.attempts, outcome: outcome, status: status, detail: detail)
    }
}

/// Where the delivery tasks leave their results; the engine takes everything that has arrived
/// in one go, so the answers that came in while it was committing share the next commit.
final class ResultInbox: Sendable {
    private struct State {
        var results: [(Int64, WebhookResult)] = []
        var waiter: CheckedContinuation<[(Int64, WebhookResult)], Never>?
    }

    private let state = Mutex(State())

    func put(_ id: Int64, _ result: WebhookResult) {
        let handoff = state.withLock { state -> (CheckedContinuation<[(Int64, WebhookResult)], Never>, [(Int64, WebhookResult)])? in
            state.results.append((id, result))
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            defer { state.results = [] }
            return (waiter, state.results)
        }
        if let (waiter, results) = handoff { waiter.resume(returning: results) }
    }

    /// Every result that has arrived, waiting for the first when there is none yet.
    func take() async -> [(Int64, WebhookResult)] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [(Int64, WebhookResult)]? in
                if state.results.isEmpty {
                    state.waiter = continuation
                    return nil
                }
                defer { state.results = [] }
                return state.results
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

