import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show each playbook's next and last occurrence and its deliveries, and the targets.",
            discussion: """
                Webhook URLs are shown as scheme, host and port only. On a state shared by several instances \
                (PostgreSQL), the instances that ticked in the last 24 hours follow: each `opscadence run` process, and the \
                ticks cron starts in one workspace folder on one host as one instance (the pid of its latest tick).

                Examples:
                  opscadence status
                  opscadence status --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        struct PlaybookStatus: Encodable {
            var id: String
            var title: String
            var schedule: String
            var enabled: Bool
            var next: String?
            var last: String?
            var lastStatus: String?
            var deliveries: DeliveryCounts
            /// Why the playbook's last tick failed, while it keeps failing.
            var error: String?
            var errorAt: String?

            enum CodingKeys: String, CodingKey {
                case id, title, schedule, enabled, next, last, lastStatus = "last_status", deliveries, error, errorAt = "error_at"
            }
        }

        struct TargetStatus: Encodable {
            var name: String
            var kind: String
            var configured: Bool
            var url: String?
        }

        /// One process that ticked on the shared state recently.
        struct InstanceStatus: Encodable {
            var name: String
            /// `run` for an `opscadence run` process; `tick` for the ticks cron starts in `folder`.
            var kind: String
            var folder: String?
            var host: String
            var pid: Int
            var version: String
            var startedAt: String
            var lastTickAt: String
            /// Seconds from the last tick to now (0 for a tick recorded at a later `--now`).
            var lastTickAge: Int64

            enum CodingKeys: String, CodingKey {
                case name, kind, folder, host, pid, version, startedAt = "started_at", lastTickAt = "last_tick_at", lastTickAge = "last_tick_age_seconds"
            }
        }

        struct Report: Encodable {
            var now: String
            var state: String
            var playbooks: [PlaybookStatus]
            var targets: [TargetStatus]
            var nextDue: String?
            /// Only for a shared state (PostgreSQL): a SQLite state records no instances.
            var instances: [InstanceStatus]?

            enum CodingKeys: String, CodingKey { case now, state, playbooks, targets, nextDue = "next_due", instances }
        }

        /// How far back `status` looks for instances: one that has not ticked for a day is gone.
        static let instanceWindow: Int64 = 24 * 3600

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let now = try clock.instant()
            let store = try workspaceOptions.openStoreIfPresent(workspace)
            let last = try store?.lastOccurrences() ?? [:]
            let counts = try store?.deliveryCounts() ?? [:]
            let progress = try store?.progress() ?? [:]
            let watermarks = progress.mapValues(\.watermark)
            let zone = workspace.configuration.timeZone
            var nextDue: Int64?
            if let due = try store?.nextDeliveryDue() { nextDue = max(due, now) }
            let playbooks = workspace.playbooks.map { playbook -> PlaybookStatus in
                let next = playbook.isEnabled ? playbook.schedule.next(after: now) : nil
                if let opening = TickPlanner.nextOpening(of: playbook, after: max(watermarks[playbook.id] ?? now, now)) {
                    nextDue = min(nextDue ?? opening, opening)
                }
                let recorded = last[playbook.id]
                return PlaybookStatus(
                    id: playbook.id, title: playbook.title, schedule: playbook.scheduleText, enabled: playbook.isEnabled,
                    next: next?.rfc3339, last: recorded.map { RFC3339.format($0.scheduledAt, offset: $0.utcOffset) },
                    lastStatus: recorded?.status.rawValue, deliveries: counts[playbook.id] ?? DeliveryCounts(),
                    error: progress[playbook.id]?.lastError.map(workspace.redact),
                    errorAt: progress[playbook.id]?.lastErrorAt.map { RFC3339.format($0, offset: zone.offset(at: $0)) })
            }
            let targets = workspace.configuration.targets.map { target in
                TargetStatus(name: target.name, kind: target.kind.rawValue, configured: target.isEnabled, url: target.url?.description)
            }
            var instances: [InstanceStatus]?
            if workspace.sharesState {
                instances = try (store?.instances(seenSince: now - Status.instanceWindow) ?? []).map { instance in
                    InstanceStatus(
                        name: instance.name, kind: instance.tickFolder == nil ? "run" : "tick", folder: instance.tickFolder,
                        host: instance.host, pid: instance.pid, version: instance.version,
                        startedAt: RFC3339.format(instance.startedAt, offset: zone.offset(at: instance.startedAt)),
                        lastTickAt: RFC3339.format(instance.lastTickAt, offset: zone.offset(at: instance.lastTickAt)),
                        lastTickAge: max(0, now - instance.lastTickAt))
                }
            }
            let report = Report(
                now: RFC3339.format(now, offset: zone.offset(at: now)), state: store == nil ? "none yet" : workspace.stateDescription,
                playbooks: playbooks, targets: targets, nextDue: nextDue.map { RFC3339.format($0, offset: zone.offset(at: $0)) },
                instances: instances)
            if format == .json {
                try Output.json(report)
                return
            }
            Output.line("state: \(report.state)")
            var rows = [["PLAYBOOK", "NEXT", "LAST", "DELIVERED", "PENDING", "RETRYING", "DEAD", "MISSED/EXPIRED", "COALESCED/SKIPPED"]]
            for p in playbooks {
                let c = p.deliveries
                rows.append([
                    p.id + (p.enabled ? "" : " (disabled)"), p.next ?? "—", p.last.map { "\($0) \(p.lastStatus ?? "")" } ?? "—",
                    "\(c.delivered)", "\(c.pending)", "\(c.retrying)", "\(c.dead)", "\(c.missed)/\(c.expired)", "\(c.coalesced)/\(c.skipped)",
                ])
            }
            Table.print(rows)
            Output.line()
            var targetRows = [["TARGET", "KIND", "URL"]]
            for t in targets { targetRows.append([t.name, t.kind, t.url ?? "not configured"]) }
            Table.print(targetRows)
            if let instances {
                Output.line()
                if instances.isEmpty {
                    Output.line("INSTANCES: none ticked in the last 24h")
                } else {
                    var instanceRows = [["INSTANCE", "HOST", "PID", "VERSION", "LAST TICK"]]
                    for i in instances {
                        instanceRows.append([i.folder.map { "tick in \($0)" } ?? "run", i.host, "\(i.pid)", i.version, "\(i.lastTickAt) (\(DurationText.format(Int(i.lastTickAge))) ago)"])
                    }
                    Table.print(instanceRows)
                }
            }
            if let next = report.nextDue { Output.line("\nnext due: \(next)") }
            let dead = playbooks.reduce(0) { $0 + $1.deliveries.dead }
            for p in playbooks {
                if let error = p.error { Output.line("\(p.id) is failing (since \(p.errorAt ?? "?")): \(error)") }
            }
            if dead > 0 { Output.line("\(dead) dead deliveries: see `opscadence outbox list --state dead`, retry with `opscadence outbox retry --dead`") }
        }
    }
}

/// Left-aligned columns for terminal tables.
enum Table {
    static func print(_ rows: [[String]]) {
        // A cell is one field: a line break or tab in it would break the columns.
        let rows = rows.map { $0.map { Output.terminalSafe($0, singleLine: true) } }
        guard let first = rows.first else { return }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            let line = row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }.joined()
            Output.line(line)
        }
    }
}
