import Agendas
import Foundation
import Logging
import Playbooks
import Recurrence
import StateStore

/// The scheduler: one `tick` records what fell due, renders agendas, queues reminders and sends
/// what is due. `opscadence tick` runs one; `opscadence run` runs them as a service.
public final class Engine: Sendable {
    public let workspace: Workspace
    public let store: StateStore
    let logger: Logger
    /// Identifies this process in delivery leases.
    let owner: String
    let renderers: RendererCache

    public init(workspace: Workspace, store: StateStore, logger: Logger) {
        self.workspace = workspace
        self.store = store
        self.logger = logger
        renderers = RendererCache(root: workspace.root)
        owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// Options of one tick.
    public struct TickOptions: Sendable {
        /// The current instant (the clock, or `--now`).
        public var now: Int64
        /// Where a playbook's first tick starts instead of `now`.
        public var since: Int64?
        /// How long the tick may spend sending before it leaves the rest for the next tick.
        public var sendBudget: Duration
        /// Asked between batches: false stops claiming new deliveries (graceful shutdown).
        public var keepSending: @Sendable () -> Bool

        public init(
            now: Int64, since: Int64? = nil, sendBudget: Duration = .seconds(40), keepSending: @escaping @Sendable () -> Bool = { true }
        ) {
            self.now = now
            self.since = since
            self.sendBudget = sendBudget
            self.keepSending = keepSending
        }
    }

    /// Runs one tick. The caller holds the workspace lock.
    ///
    /// - Throws: ``StateError`` or ``EngineError`` for problems the user must fix; delivery
    ///   failures are recorded for retry, never thrown.
    public func tick(_ options: TickOptions) async throws -> TickReport {
        let now = options.now
        var report = TickReport(now: RFC3339.formatUTC(now), dryRun: false)
        report.warnings = workspace.warnings.map(\.description)

        // We hold the lock: anything still `sending` belongs to a process that died mid-send.
        report.recovered = try store.recoverInterruptedDeliveries(now: now)
        if report.recovered > 0 {
            logger.warning("recovered deliveries interrupted by a crash; resending with the same webhook-id", metadata: ["count": "\(report.recovered)"])
        }

        let plans = try plan(now: now, since: options.since)
        let rendered = try record(plans, now: now, report: &report)
        if options.since != nil { report.started = [] }
        report.expired = try store.expireOverdueDeliveries(now: now)
        try await deliverDue(
            now: now, budget: options.sendBudget, keepSending: options.keepSending, rendered: rendered, report: &report)
        report.nextDue = try nextDue(after: now).map { RFC3339.format($0, offset: workspace.configuration.timeZone.offset(at: $0)) }
        return report
    }

    /// What a tick would do, without writing, rendering or sending anything.
    public static func dryRun(workspace: Workspace, store: StateStore?, now: Int64, since: Int64?) throws -> TickReport {
        var report = TickReport(now: RFC3339.formatUTC(now), dryRun: true)
        report.warnings = workspace.warnings.map(\.description)
        let watermarks = try store?.watermarks() ?? [:]
        let planner = TickPlanner()
        let enabled = Set(workspace.configuration.targets.filter(\.isEnabled).map(\.name))
        for playbook in workspace.playbooks {
            let plan = planner.plan(playbook, watermark: watermarks[playbook.id], now: now, since: since, enabledTargets: enabled)
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

    func plan(now: Int64, since: Int64?) throws -> [TickPlanner.Plan] {
        let watermarks = try store.watermarks()
        let planner = TickPlanner()
        let enabled = Set(workspace.configuration.targets.filter(\.isEnabled).map(\.name))
        return workspace.playbooks.map { playbook in
            planner.plan(playbook, watermark: watermarks[playbook.id], now: now, since: since, enabledTargets: enabled)
        }
    }

    /// Renders agendas of handled occurrences, then records occurrences, deliveries and
    /// watermarks in one transaction. Rendering first means a crash can at worst render an
    /// agenda twice (the same file, atomically replaced), never record one without its file.
    ///
    /// - Returns: The agendas it built, with their Markdown, for the reminders of this tick.
    func record(_ plans: [TickPlanner.Plan], now: Int64, report: inout TickReport) throws -> RenderedAgendas {
        var items: [OccurrenceBatchItem] = []
        var watermarks: [String: Int64] = [:]
        var jobs: [AgendaJob] = []
        // Templates load only when something is due: the idle tick never pays for them.
        var writer: AgendaWriter?
        // On an error below, still let the files already started finish (no stray temp files).
        defer { writer?.waitForAll() }
        let source = AgendaSource(workspace: workspace, store: store)
        for plan in plans {
            watermarks[plan.playbookId] = plan.watermark
            if plan.isFirstTick { report.started.append(plan.playbookId) }
            guard let playbook = workspace.playbook(id: plan.playbookId) else { continue }
            for planned in plan.occurrences {
                var agendaPath: String?
                if planned.status == .handled {
                    let instant = planned.occurrence.instant
                    let agenda = try source.agenda(for: playbook, at: instant, now: now)
                    let output = workspace.configuration.outputPath
                    let markdown = AgendaFiles.path(output: output, playbook: playbook, instant: instant, format: .markdown)
                    let html = AgendaFiles.path(output: output, playbook: playbook, instant: instant, format: .html)
                    let job = AgendaJob(key: RenderedAgendas.key(playbook.id, instant), agenda: agenda, markdownPath: markdown, htmlPath: html)
                    if writer == nil { writer = AgendaWriter(renderer: try renderers.renderer()) }
                    // Rendered and written on other threads while the next agenda is built here.
                    writer?.submit(job, index: jobs.count)
                    jobs.append(job)
                    agendaPath = markdown
                }
                items.append(batchItem(planned, playbook: playbook, now: now, agendaPath: agendaPath))
                report.occurrences.append(Engine.line(for: planned, playbook: playbook, agenda: agendaPath))
                // Built inside the autoclosure: nothing is formatted unless info is logged.
                logger.info(
                    "occurrence \(planned.status.rawValue)",
                    metadata: {
                        var metadata: Logger.Metadata = ["playbook": "\(playbook.id)", "occurrence": "\(planned.occurrence.rfc3339)"]
                        if let reason = planned.reason { metadata["reason"] = "\(reason)" }
                        if let agendaPath { metadata["agenda"] = "\(agendaPath)" }
                        return metadata
                    }())
            }
        }
        let rendered = try writer?.finish(jobs) ?? RenderedAgendas()
        try store.commit(items, watermarks: watermarks, now: now)
        return rendered
    }

    /// One agenda to render in both formats and write.
    struct AgendaJob: Sendable {
        var key: String
        var agenda: Agenda
        var markdownPath: String
        var htmlPath: String
    }

    func batchItem(_ planned: TickPlanner.PlannedOccurrence, playbook: Playbook, now: Int64, agendaPath: String?) -> OccurrenceBatchItem {
        let o = planned.occurrence
        let record = OccurrenceRecord(
            playbookId: playbook.id, scheduledAt: o.instant, utcOffset: o.utcOffset, nominalLocal: o.nominal.description,
            status: planned.status, recordedAt: now, agendaPath: agendaPath)
        let deliveries = planned.deliveries.map { d in
            DeliveryRecord(
                occurrenceId: 0, playbookId: playbook.id, target: d.target, beforeSeconds: d.before, reminderAt: d.reminderAt,
                idempotencyKey: TickPlanner.idempotencyKey(playbook: playbook.id, instant: o.instant, before: d.before, target: d.target),
                state: d.state, nextAttemptAt: d.reminderAt, expiresAt: d.reminderAt + Int64(playbook.grace), createdAt: now,
                lastError: d.note)
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
                    note: d.note)
            })
    }

    /// The next instant anything needs attention: an occurrence opening or a delivery coming due.
    public func nextDue(after now: Int64) throws -> Int64? {
        let watermarks = try store.watermarks()
        var candidates: [Int64] = []
        for playbook in workspace.playbooks {
            if let next = TickPlanner.nextOpening(of: playbook, after: max(watermarks[playbook.id] ?? now, now)) { candidates.append(next) }
        }
        if let delivery = try store.nextDeliveryDue() { candidates.append(max(delivery, now)) }
        return candidates.min()
    }
}
