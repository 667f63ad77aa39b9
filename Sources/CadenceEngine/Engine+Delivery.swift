import Delivery
import Foundation
import Logging
import Playbooks
import Recurrence
import StateStore

extension Engine {
    /// The longest a request may take (`delivery.timeout`); leases are longer so a live sender
    /// never loses one.
    var requestTimeout: Duration { .seconds(workspace.configuration.deliveryTimeout) }
    var lease: Int64 { Int64(requestTimeout.components.seconds) * 2 + 60 }

    /// Claimed deliveries, turned into requests, ready to send.
    struct Batch {
        var jobs: [(row: DeliveryRecord, target: Target, kind: WebhookKind)] = []
        var requests: [WebhookRequest] = []
        /// Deliveries that could not even be built: recorded dead with the batch.
        var failures: [StateStore.Outcome] = []
        var failureLines: [TickReport.DeliveryLine] = []
    }

    static let batchSize = 64

    /// Sends every delivery that is due, in batches, until none is due or the budget is spent.
    ///
    /// Two batches are on the wire at a time (libcurl runs on its own thread, at most
    /// `delivery.concurrency` requests at once across both): while one batch's outcomes are
    /// recorded, the other keeps the connections busy. A batch's outcomes are recorded, and the
    /// next batch claimed, in one transaction as soon as its last request ends. When the budget
    /// is spent or `keepSending` says stop, nothing more is claimed and the batches on the wire
    /// finish.
    func deliverDue(
        now: Int64, budget: Duration, keepSending: @Sendable () -> Bool, rendered: RenderedAgendas = RenderedAgendas(),
        report: inout TickReport
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        guard clock.now < deadline, keepSending() else { return }
        let first = try store.claimDueDeliveries(now: now, owner: owner, lease: lease, limit: Engine.batchSize)
        if first.isEmpty { return }
        // One per target for the whole run: building a target parses its URL and secret.
        var webhooks: [String: WebhookTarget] = [:]
        let source = AgendaSource(workspace: workspace, store: store)
        // libcurl starts only when something is actually due: the idle tick never pays for it.
        let sender = makeClient()
        try await withThrowingTaskGroup(of: (Int, [WebhookResult]).self) { group in
            var onTheWire: [Int: Batch] = [:]
            var launched = 0
            var moreMayBeDue = true
            func mayClaim() -> Bool { moreMayBeDue && clock.now < deadline && keepSending() }
            func launch(_ claimed: [ClaimedDelivery]) throws {
                moreMayBeDue = claimed.count == Engine.batchSize
                if claimed.isEmpty { return }
                let batch = try prepareBatch(claimed, now: now, webhooks: &webhooks, source: source, rendered: rendered)
                let number = launched
                launched += 1
                onTheWire[number] = batch
                let requests = batch.requests
                group.addTask { (number, await sender.send(requests)) }
            }
            try launch(first)
            if mayClaim() { try launch(try store.claimDueDeliveries(now: now, owner: owner, lease: lease, limit: Engine.batchSize)) }
            // A claim that fails stops the claiming; the batch on the wire is still recorded.
            var claimError: StateError?
            while let (number, results) = try await group.next() {
                guard let batch = onTheWire.removeValue(forKey: number) else { continue }
                let claimMore = claimError == nil && mayClaim()
                let classified = classify(batch, results: results, now: now)
                let (written, claimed) = try store.record(
                    classified.outcomes, owner: owner, now: now, thenClaim: claimMore ? Engine.batchSize : 0, lease: lease)
                self.report(batch, lines: classified.lines, written: Set(written), into: &report)
                switch claimed {
                case .success(let claimed) where claimMore: try launch(claimed)
                case .success: break
                case .failure(let error):
                    claimError = error
                    moreMayBeDue = false
                }
            }
            if let claimError { throw claimError }
        }
    }

    /// Builds the requests of claimed deliveries. Payloads are stored before the first send, so
    /// a crash mid-send retries identical bytes.
    func prepareBatch(
        _ claimed: [ClaimedDelivery], now: Int64, webhooks: inout [String: WebhookTarget], source: AgendaSource, rendered: RenderedAgendas
    ) throws -> Batch {
        var batch = Batch()
        var payloads: [Int64: DeliveryPayload] = [:]
        let attemptTime = Date(timeIntervalSince1970: TimeInterval(now))
        for claim in claimed {
            let row = claim.record
            guard let id = row.id else { continue }
            do {
                guard let target = workspace.configuration.target(named: row.target) else {
                    throw EngineError("target '\(row.target)' is no longer defined in opscadence.yaml")
                }
                guard let webhook = try webhooks[target.name] ?? target.webhookTarget() else {
                    throw EngineError("target '\(row.target)' is not configured (optional target without its URL)")
                }
                webhooks[target.name] = webhook
                let payload: WebhookPayload
                if let stored = claim.payload, stored.kind == webhook.kind.rawValue {
                    payload = WebhookPayload(kind: webhook.kind, deliveryID: row.idempotencyKey, body: [UInt8](stored.body), query: stored.query)
                } else {
                    // The first attempt, or the target's kind changed since the last one: the
                    // stored body is in another format, so the reminder is built again.
                    guard let playbook = workspace.playbook(id: row.playbookId) else {
                        throw EngineError("playbook '\(row.playbookId)' no longer exists")
                    }
                    let message = try ReminderMessages.message(
                        for: row, playbook: playbook, source: source, renderer: try renderers.renderer(), now: now, rendered: rendered)
                    payload = webhook.kind.payload(for: message)
                    payloads[id] = DeliveryPayload(body: Data(payload.body), kind: payload.kind.rawValue, query: payload.query)
                }
                batch.requests.append(try webhook.makeRequest(for: payload, at: attemptTime))
                batch.jobs.append((row, target, webhook.kind))
            } catch {
                let text = workspace.redact("\(error)")
                batch.failures.append(StateStore.Outcome(id: id, resolution: .dead(status: nil, error: text)))
                batch.failureLines.append(line(row, outcome: "dead", status: nil, detail: text))
                logger.error("delivery cannot be built", metadata: ["delivery": "\(id)", "reason": "\(text)"])
            }
        }
        try store.storePayloads(payloads, owner: owner)
        return batch
    }

    /// What a sent batch's results mean: the outcomes to record and their report lines.
    func classify(_ batch: Batch, results: [WebhookResult], now: Int64) -> (outcomes: [StateStore.Outcome], lines: [Int64: TickReport.DeliveryLine]) {
        var outcomes = batch.failures
        var lines: [Int64: TickReport.DeliveryLine] = [:]
        for (job, result) in zip(batch.jobs, results) {
            let (outcome, line) = classify(result, for: job.row, target: job.target, kind: job.kind, now: now)
            outcomes.append(outcome)
            lines[outcome.id] = line
        }
        return (outcomes, lines)
    }

    /// Adds a recorded batch to the report and the log; `written` are the outcomes the store kept.
    func report(_ batch: Batch, lines: [Int64: TickReport.DeliveryLine], written: Set<Int64>, into report: inout TickReport) {
        report.deliveries += batch.failureLines
        for job in batch.jobs {
            guard let id = job.row.id, var line = lines[id] else { continue }
            if !written.contains(id) { line.outcome += " (lease lost; another process owns it)" }
            report.deliveries.append(line)
            logger.info(
                "delivery \(line.outcome)",
                metadata: {
                    var metadata: Logger.Metadata = [
                        "delivery": "\(id)", "playbook": "\(job.row.playbookId)", "target": "\(job.row.target)", "attempt": "\(job.row.attempts)",
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
                denyPrivateNetworks: workspace.configuration.denyPrivateNetworks))
    }

    /// What one result means for its delivery, and the report line for it.
    func classify(_ result: WebhookResult, for row: DeliveryRecord, target: Target, kind: WebhookKind, now: Int64)
        -> (StateStore.Outcome, TickReport.DeliveryLine)
    {
        let id = row.id ?? 0
        let policy = RetryPolicy(maxAttempts: target.maxAttempts, maxAge: .seconds(target.maxAge))
        let first = Date(timeIntervalSince1970: TimeInterval(row.firstAttemptAt ?? now))
        let outcome = DeliveryOutcome.classify(
            result: result, kind: kind, attempt: row.attempts, firstAttemptAt: first, now: Date(timeIntervalSince1970: TimeInterval(now)),
            policy: policy)
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
            let at = max(Int64(retry.at.timeIntervalSince1970.rounded(.up)), now + 1)
            let reason = workspace.redact(retry.reason)
            status = retry.statusCode
            refund = !retry.consumesAttempt
            if at > row.expiresAt {
                resolution = .expired(status: retry.statusCode, error: reason + "; still failing after grace")
                label = "expired"
                detail = reason
            } else {
                resolution = .retry(at: at, status: retry.statusCode, error: reason)
                label = "retry at \(RFC3339.formatUTC(at))"
                detail = reason
            }
        case .dead(let dead):
            let reason = workspace.redact(dead.summary)
            resolution = .dead(status: dead.statusCode, error: reason)
            label = "dead"
            status = dead.statusCode
            detail = reason
        }
        return (StateStore.Outcome(id: id, resolution: resolution, refundAttempt: refund), line(row, outcome: label, status: status, detail: detail))
    }

    func line(_ row: DeliveryRecord, outcome: String, status: Int?, detail: String?) -> TickReport.DeliveryLine {
        TickReport.DeliveryLine(
            id: row.id ?? 0, playbook: row.playbookId, target: row.target, reminderAt: RFC3339.formatUTC(row.reminderAt),
            attempt: row.attempts, outcome: outcome, status: status, detail: detail)
    }
}

extension Workspace {
    /// Scrubs every configured secret (and its percent-encoded form) from a text.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secretValues where secret.count >= 6 {
            result = result.replacingOccurrences(of: secret, with: "<secret>")
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                result = result.replacingOccurrences(of: encoded, with: "<secret>")
            }
        }
        return result
    }
}
