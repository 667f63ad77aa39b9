import Agendas
import Foundation
import Logging
import Playbooks
import Recurrence
import StateStore
import Timekeeping

/// The scheduler: one `tick` records what fell due, renders agendas, queues reminders and sends
/// what is due. `opscadence tick` runs one; `opscadence run` runs them as a service.
///
/// Time comes from one ``Timeline``: the system's, or one started at `--now` for a replay, or a
/// test's manual clock. Schedules, outcomes, leases and pacing all read it.
package final class Engine: Sendable {
    package let workspace: Workspace
    package let store: StateStore
    package let timeline: Timeline
    let logger: Logger
    /// Identifies this process in delivery leases.
    let owner: String
    /// This process's host and pid, and the instance `status` lists on a shared state.
    let host: String
    let pid: Int
    let instanceName: String

    /// What makes one instance in `status` on a shared state.
    package enum Instance: Sendable {
        /// `opscadence run`: one long-lived process (`host:pid`).
        case service
        /// `opscadence tick` from cron or a timer: a new process each time, one instance per
        /// host and workspace folder (`host:/folder`), so the list does not grow by a row a minute.
        case scheduledTicks
    }
    let renderers: RendererCache

    /// - Parameters:
    ///   - renderer: The workspace's templates, already parsed and checked (the CLI and `run`
    ///     do that when they load the workspace); nil loads them when first needed.
    ///   - timeline: Where the engine reads the time.
    ///   - instance: How this process is listed among the instances of a shared state.
    package init(
        workspace: Workspace, store: StateStore, logger: Logger, renderer: AgendaRenderer? = nil, timeline: Timeline = .system,
        instance: Instance = .scheduledTicks
    ) {
        self.workspace = workspace
        self.store = store
        self.logger = logger
        self.timeline = timeline
        renderers = RendererCache(root: workspace.root, renderer: renderer)
        host = ProcessInfo.processInfo.hostName
        pid = Int(ProcessInfo.processInfo.processIdentifier)
        owner = "\(host):\(pid):\(UUID().uuidString.prefix(8))"
        switch instance {
        case .service:
            instanceName = "\(host):\(pid)"
        case .scheduledTicks:
            instanceName = "\(host):\(URL(fileURLWithPath: workspace.root).standardizedFileURL.resolvingSymlinksInPath().path)"
        }
    }

    /// Options of one tick.
    package struct TickOptions: Sendable {
        /// Where a playbook's first tick starts instead of now.
        package var since: Int64?
        /// How long the tick may spend sending before it leaves the rest for the next tick.
        package var sendBudget: Duration
        /// Asked between claims: false stops claiming new deliveries (graceful shutdown).
        package var keepSending: @Sendable () -> Bool

        package init(since: Int64? = nil, sendBudget: Duration = .seconds(40), keepSending: @escaping @Sendable () -> Bool = { true }) {
            self.since = since
            self.sendBudget = sendBudget
            self.keepSending = keepSending
        }
    }

    /// Runs one tick. The caller holds the workspace lock.
    ///
    /// A playbook whose agenda cannot be built or rendered is recorded as failed (logged at error
    /// level, shown by `status`), its occurrences wait for the next tick, and every other
    /// playbook goes on; ``TickReport/needsAttention`` is then true, as it is when a delivery
    /// died in this tick.
    ///
    /// - Throws: ``StateError`` or ``EngineError`` for problems of the whole workspace (the state
    ///   file, the output folder); delivery failures are recorded for retry, never thrown.
    package func tick(_ options: TickOptions = TickOptions()) async throws -> TickReport {
        let now = timeline.now
        let started = timeline.monotonic
        // Also when a step below throws: the instance did tick (it is alive), and `doctor`
        // reports the failure from the state itself.
        defer { recordTick(now: now, duration: timeline.monotonic - started) }
        var report = TickReport(now: RFC3339.formatUTC(now), dryRun: false)
        report.warnings = workspace.warnings.map(\.description)

        // We hold the lock: anything still `sending` belongs to a process that died mid-send.
        let recovered = try store.recoverInterruptedDeliveries(now: now) { [workspace] target in
            workspace.configuration.target(named: target)?.maxAttempts ?? .max
        }
        report.recovered = recovered.requeued
        report.dead += recovered.dead
        if recovered.requeued > 0 {
            logger.warning(
                "recovered deliveries interrupted by a crash; resending with the same webhook-id", metadata: ["count": "\(recovered.requeued)"])
        }
        if recovered.dead > 0 {
            logger.error(
                "deliveries interrupted while sending on every attempt are dead; they may have been delivered",
                metadata: ["count": "\(recovered.dead)"])
        }

        let progress = try store.progress()
        let plans = plan(progress: progress, now: now, since: options.since)
        try dropVanishedOccurrences(plans, now: now)
        let rendered = try record(plans, progress: progress, now: now, since: options.since, report: &report)
        if options.since != nil { report.started = [] }
        try refreshStartedAgendas(since: progress.values.map(\.updatedAt).max(), now: now, rendered: rendered)
        report.expired = try store.expireOverdueDeliveries(now: now)
        try await deliverDue(budget: options.sendBudget, keepSending: options.keepSending, rendered: rendered, report: &report)
        // Answers to chat-button clicks the web app could not post at once (a failure to retry, a crash).
        try await ChatReplies(workspace: workspace, store: store, timeline: timeline, logger: logger, owner: owner).send()
        report.nextDue = try nextDue(after: timeline.now).map { RFC3339.format($0, offset: workspace.configuration.timeZone.offset(at: $0)) }
        return report
    }

    /// Notes that this process ticked at `now` (the tick's clock, so a replay at `--now`
    /// records that instant) and how long the tick took: for `status` and `doctor`, which on
    /// a shared state list the instances that are alive, and for `/metrics`. A failure is
    /// logged, never thrown: the tick's own work is done.
    func recordTick(now: Int64, duration: Duration) {
        do {
            try store.recordTick(name: instanceName, host: host, pid: pid, version: OpsCadenceVersion.current, now: now, duration: duration)
        } catch {
            logger.warning("could not record this instance's tick", metadata: ["error": "\(error)"])
        }
    }

    /// What a tick would do, without writing, rendering or sending anything.
    package static func dryRun(workspace: Workspace, store: StateStore?, now: Int64, since: Int64?) throws -> TickReport {
        var report = TickReport(now: RFC3339.formatUTC(now), dryRun: true)
        report.warnings = workspace.warnings.map(\.description)
        let progress = try store?.progress() ?? [:]
        let planner = TickPlanner()
        let enabled = Set(workspace.configuration.targets.filter(\.isEnabled).map(\.name))
        for playbook in workspace.playbooks {
            let plan = planner.plan(playbook, progress: progress[playbook.id], now: now, since: since, enabledTargets: enabled)
            if plan.isFirstTick && since == nil { report.started.append(playbook.id) }
            report.occurrences += plan.occurrences.map { Engine.line(for: $0, playbook: playbook, agenda: nil) }
        }
        if let store {
            for row in try store.deliveries(states: DeliveryState.open, limit: 10_000) where row.nextAttemptAt <= now {
                report.deliveries.append(
                    TickReport.DeliveryLine(
                        id: row.id ?? 0, playbook: row.playbookId, target: row.target, reminderAt: RFC3339.formatUTC(row.reminderAt),
                        attempt: row.attempts + 1, outcome: "would send", status: nil, detail: nil))
            }
        }
        return report
    }

    // MARK: Planning and recording

    func plan(progress: [String: PlaybookProgress], now: Int64, since: Int64?) -> [TickPlanner.Plan] {
        plan(workspace.playbooks, progress: progress, now: now, since: since)
    }

    func plan(_ playbooks: [Playbook], progress: [String: PlaybookProgress], now: Int64, since: Int64?) -> [TickPlanner.Plan] {
        let planner = TickPlanner()
        let enabled = Set(workspace.configuration.targets.filter(\.isEnabled).map(\.name))
        return playbooks.map { playbook in
            planner.plan(playbook, progress: progress[playbook.id], now: now, since: since, enabledTargets: enabled)
        }
    }

    /// When a playbook's schedule changed, occurrences recorded under the old one that are still
    /// ahead and no longer in the schedule lose their queued reminders: nobody wants "starts in
    /// 15 minutes" for a meeting that moved.
    func dropVanishedOccurrences(_ plans: [TickPlanner.Plan], now: Int64) throws {
        for plan in plans where plan.isReplanned && !plan.isFirstTick {
            guard let playbook = workspace.playbook(id: plan.playbookId) else { continue }
            let ahead = try store.handledOccurrences(startingIn: now...Int64.max, playbook: playbook.id)
            let vanished = ahead.filter { record in
                !playbook.isEnabled || playbook.schedule.next(after: record.scheduledAt - 1)?.instant != record.scheduledAt
            }
            let dropped = try store.dropQueuedDeliveries(
                ofOccurrences: vanished.compactMap(\.id), reason: "the playbook's schedule changed; this occurrence no longer exists")
            if dropped > 0 {
                logger.notice(
                    "dropped reminders of occurrences the new schedule no longer has",
                    metadata: ["playbook": "\(playbook.id)", "count": "\(dropped)"])
            }
        }
    }

    /// How many playbooks an instance on a shared state plans and commits at a time.
    static let planningBatch = 200

    /// Records what `plans` decided (see ``recordBatch(_:progress:now:report:rendered:)``).
    ///
    /// On a SQLite state, in one batch: one process at a time ticks. On a shared state, several
    /// instances tick at once with the same playbooks: each takes batches of
    /// ``planningBatch`` playbooks, skips those another instance is planning at that moment
    /// (a claim held until the batch is committed), and plans the ones it took again from
    /// their progress as now stored, so that a batch another instance has just committed costs
    /// a read, not its rendering. The instances so share the planning, where each would
    /// otherwise render every agenda and then wait on the others' commits; and each batch's
    /// reminders are queued (and other instances woken to send them) as soon as it commits.
    /// A batch skipped because another instance was planning it is that instance's work; if it
    /// dies first, the next tick plans the batch (within the reminders' grace, as after a
    /// missed cron minute).
    ///
    /// - Returns: The agendas rendered, with their Markdown, for the reminders of this tick.
    func record(_ plans: [TickPlanner.Plan], progress: [String: PlaybookProgress], now: Int64, since: Int64?, report: inout TickReport) throws
        -> RenderedAgendas
    {
        var rendered = RenderedAgendas()
        guard workspace.sharesState else {
            try recordBatch(plans, progress: progress, now: now, report: &report, rendered: &rendered)
            return rendered
        }
        for start in stride(from: 0, to: plans.count, by: Self.planningBatch) {
            let batch = plans[start..<min(start + Self.planningBatch, plans.count)].map(\.playbookId)
            let claimed = try store.claimPlanning(batch)
            guard !claimed.isEmpty else { continue }
            do {
                let fresh = try store.progress(of: claimed)
                let playbooks = claimed.compactMap { workspace.playbook(id: $0) }
                try recordBatch(plan(playbooks, progress: fresh, now: now, since: since), progress: fresh, now: now, report: &report, rendered: &rendered)
            } catch {
                // The claims end with the connection anyway; a failure to give them back early
                // only delays the other instances' next try.
                try? store.releasePlanning(claimed)
                throw error
            }
            try store.releasePlanning(claimed)
        }
        return rendered
    }

    /// Renders agendas of handled occurrences, then records occurrences, deliveries and
    /// watermarks in one transaction. Rendering first means a crash can at worst render an
    /// agenda twice (the same file, atomically replaced), never record one without its file.
    ///
    /// A playbook whose agenda fails is left out of the commit (its watermark stays, so the next
    /// tick tries again) and recorded as failed; the others are committed.
    ///
    /// The agendas it built, with their Markdown, are added to `rendered` for the reminders of
    /// this tick.
    func recordBatch(
        _ plans: [TickPlanner.Plan], progress: [String: PlaybookProgress], now: Int64, report: inout TickReport, rendered: inout RenderedAgendas
    ) throws {
        var items: [String: [OccurrenceBatchItem]] = [:]
        var lines: [String: [TickReport.OccurrenceLine]] = [:]
        var failures: [String: String] = [:]
        var jobs: [AgendaJob] = []
        // Templates load only when something is due: the idle tick never pays for them.
        var writer: AgendaWriter?
        // On an error below, still let the files already started finish (no stray temp files).
        defer { writer?.waitForAll() }
        let source = AgendaSource(workspace: workspace, store: store)
        if plans.contains(where: { $0.occurrences.contains { $0.status == .handled } }) {
            try AtomicFile.prepareFolder(workspace.configuration.outputPath)
        }
        for plan in plans {
            guard let playbook = workspace.playbook(id: plan.playbookId) else { continue }
            do {
                for planned in plan.occurrences {
                    var agendaPath: String?
                    if planned.status == .handled {
                        let job = try agendaJob(for: playbook, at: planned.occurrence.instant, source: source, now: now)
                        if writer == nil { writer = AgendaWriter(renderer: try renderers.renderer(), outputRoot: workspace.configuration.outputPath) }
                        // Rendered and written on other threads while the next agenda is built here.
                        writer?.submit(job, index: jobs.count)
                        jobs.append(job)
                        agendaPath = job.markdownPath
                    }
                    items[plan.playbookId, default: []].append(batchItem(planned, playbook: playbook, now: now, agendaPath: agendaPath))
                    lines[plan.playbookId, default: []].append(Engine.line(for: planned, playbook: playbook, agenda: agendaPath))
                }
            } catch let error as WorkspaceError {
                // The templates themselves: every playbook would fail the same way.
                throw error
            } catch {
                failures[plan.playbookId] = workspace.redact("\(error)")
            }
        }
        if let writer {
            let results = writer.finish(jobs)
            for (job, result) in zip(jobs, results) {
                switch result {
                case .success(let markdown): rendered.byKey[job.key] = (job.agenda, markdown)
                case .failure(let error):
                    if failures[job.playbookId] == nil { failures[job.playbookId] = workspace.redact(error.message) }
                }
            }
        }

        var committed: [OccurrenceBatchItem] = []
        var watermarks: [String: Int64] = [:]
        var planKeys: [String: String] = [:]
        for plan in plans where failures[plan.playbookId] == nil {
            watermarks[plan.playbookId] = plan.watermark
            planKeys[plan.playbookId] = plan.planKey
            committed += items[plan.playbookId] ?? []
        }
        try store.commit(committed, watermarks: watermarks, planKeys: planKeys, now: now)

        for plan in plans {
            if let failure = failures[plan.playbookId] {
                report.failures.append(TickReport.Failure(playbook: plan.playbookId, error: failure))
                // Only a playbook that has been seen before has a row to note the failure on.
                if progress[plan.playbookId] != nil { try store.recordFailure(playbook: plan.playbookId, error: failure, now: now) }
                logger.error(
                    "playbook failed; its occurrences wait for the next tick, the others go on",
                    metadata: ["playbook": "\(plan.playbookId)", "error": "\(failure)"])
                continue
            }
            if plan.isFirstTick { report.started.append(plan.playbookId) }
            if plan.unrecorded > 0 {
                logger.notice(
                    "backlog too long to record one by one; only the most recent occurrences were recorded",
                    metadata: ["playbook": "\(plan.playbookId)", "unrecorded": "\(plan.unrecorded)"])
                report.unrecorded += plan.unrecorded
            }
            for line in lines[plan.playbookId] ?? [] {
                report.occurrences.append(line)
                // Built inside the autoclosure: nothing is formatted unless info is logged.
                logger.info(
                    "occurrence \(line.status)",
                    metadata: {
                        var metadata: Logger.Metadata = ["playbook": "\(line.playbook)", "occurrence": "\(line.occurrence)"]
                        if let reason = line.reason { metadata["reason"] = "\(reason)" }
                        if let agenda = line.agenda { metadata["agenda"] = "\(agenda)" }
                        return metadata
                    }())
            }
        }
    }

    /// One agenda to render in both formats and write.
    struct AgendaJob: Sendable {
        var key: String
        var playbookId: String
        var agenda: Agenda
        var markdownPath: String
        var htmlPath: String
    }

    func agendaJob(for playbook: Playbook, at instant: Int64, source: AgendaSource, now: Int64) throws -> AgendaJob {
        let agenda = try source.agenda(for: playbook, at: instant, now: now)
        let output = workspace.configuration.outputPath
        return AgendaJob(
            key: RenderedAgendas.key(playbook.id, instant), playbookId: playbook.id, agenda: agenda,
            markdownPath: AgendaFiles.path(output: output, playbook: playbook, instant: instant, format: .markdown),
            htmlPath: AgendaFiles.path(output: output, playbook: playbook, instant: instant, format: .html))
    }

    /// Renders again the agendas of meetings that started since the last tick, so the file a
    /// reminder links to shows the checklist, KPIs and action items as they stood at the start.
    ///
    /// An occurrence recorded at or after its start was rendered then (by this tick, or by
    /// another instance on a shared state planning it a moment ago): already as it stood.
    func refreshStartedAgendas(since lastTick: Int64?, now: Int64, rendered: RenderedAgendas) throws {
        guard let lastTick, lastTick < now else { return }
        let started = try store.handledOccurrences(startingIn: (lastTick + 1)...now)
            .filter { $0.recordedAt < $0.scheduledAt && rendered.agenda(playbook: $0.playbookId, at: $0.scheduledAt) == nil }
        guard !started.isEmpty else { return }
        try AgendaRefresher(engine: self).refresh(started.map { ($0.playbookId, $0.scheduledAt) }, now: now)
    }

    func batchItem(_ planned: TickPlanner.PlannedOccurrence, playbook: Playbook, now: Int64, agendaPath: String?) -> OccurrenceBatchItem {
        let o = planned.occurrence
        let record = OccurrenceRecord(
            playbookId: playbook.id, scheduledAt: o.instant, utcOffset: o.utcOffset, nominalLocal: o.nominal.description,
            status: planned.status, recordedAt: now, agendaPath: agendaPath)
        let deliveries = planned.deliveries.map { d in
            DeliveryRecord(
                occurrenceId: 0, playbookId: playbook.id, target: d.target, beforeSeconds: d.before, reminderAt: d.reminderAt,
                idempotencyKey: TickPlanner.idempotencyKey(
                    playbook: playbook.id, instant: o.instant, before: d.before, target: d.target, checklistItem: d.checklistItem),
                state: d.state, nextAttemptAt: d.reminderAt, expiresAt: d.reminderAt + Int64(playbook.grace), createdAt: now,
                lastError: d.note, checklistItem: d.checklistItem)
        }
        return OccurrenceBatchItem(occurrence: record, deliveries: deliveries)
    }

    static func line(for planned: TickPlanner.PlannedOccurrence, playbook: Playbook, agenda: String?) -> TickReport.OccurrenceLine {
        TickReport.OccurrenceLine(
            playbook: playbook.id, occurrence: planned.occurrence.rfc3339, status: planned.status.rawValue, reason: planned.reason,
            agenda: agenda,
            reminders: planned.deliveries.map { d in
                TickReport.ReminderLine(
                    target: d.target, before: DurationText.format(d.before),
                    at: RFC3339.format(d.reminderAt, offset: playbook.timeZone.offset(at: d.reminderAt)), state: d.state.rawValue,
                    note: d.note, checklistItem: d.checklistItem > 0 ? d.checklistItem : nil)
            })
    }

    /// The next instant anything needs attention: an occurrence opening or a delivery coming due.
    package func nextDue(after now: Int64) throws -> Int64? {
        let watermarks = try store.watermarks()
        var candidates: [Int64] = []
        for playbook in workspace.playbooks {
            if let next = TickPlanner.nextOpening(of: playbook, after: max(watermarks[playbook.id] ?? now, now)) { candidates.append(next) }
        }
        if let delivery = try store.nextDeliveryDue() { candidates.append(max(delivery, now)) }
        if let reply = try store.nextReplyDue() { candidates.append(max(reply, now)) }
        return candidates.min()
    }
}
