import ArgumentParser
import CadenceEngine
import Foundation
import Logging
import Playbooks
import Recurrence
import StateStore
import Timekeeping

extension OpsCadence {
    struct Tick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tick",
            abstract: "Record what fell due, render agendas, queue and send reminders. Run it from cron every minute.",
            discussion: """
                Idempotent: every occurrence is recorded once (unique per playbook and instant), so running \
                it twice, or two at once, never sends a reminder twice. A second tick that starts while one \
                is running exits 0 at once. On a playbook's first tick nothing is backfilled unless --since \
                is given; meetings still ahead are handled. Exit 0 when everything was handled or queued \
                for retry; 3 when a playbook failed (its agenda could not be built) or a delivery died in \
                this tick, so cron's mail or a monitor notices; 1 for a problem of the whole workspace.

                Examples:
                  * * * * * cd /srv/ops && opscadence tick
                  opscadence tick --since 7d                  # catch up on the last week
                  opscadence tick --now 2026-12-07T14:00:00Z  # replay an instant
                  opscadence tick --dry-run --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions
        @OptionGroup var logging: LoggingOptions

        @Option(help: ArgumentHelp("On a playbook's first tick, start here instead of now: an RFC 3339 instant or a duration ago (7d).", valueName: "INSTANT"))
        var since: String?

        @Flag(help: "Print what would happen; write, render and send nothing.")
        var dryRun = false

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        func run() async throws {
            let workspace = try workspaceOptions.load()
            // Templates are checked before anything is locked, opened or recorded.
            let renderer = try workspaceOptions.renderer(for: workspace)
            let timeline = try clock.timeline()
            let now = timeline.now
            let sinceInstant = try since.map { try Arguments.since($0, now: now) }
            if dryRun {
                let report = try Engine.dryRun(
                    workspace: workspace, store: try workspaceOptions.openStoreIfPresent(workspace), now: now, since: sinceInstant)
                try TickOutput.print(report, format: format, workspace: workspace)
                return
            }
            // With --log-format json the log is the record (one JSON line per occurrence and per
            // delivery, on standard error) and the text report is left out, so a cron log holds
            // only JSON lines, and nothing when nothing was due. --format json still prints.
            let logOnly = logging.logFormat == .json && format == .text
            let logger = logging.makeLogger(label: "opscadence.tick", redactor: LiveRedactor(workspace), defaultLevel: logOnly ? .info : .notice)
            // A shared database coordinates instances itself; a state file admits one process at a time.
            let lock = workspace.sharesState ? nil : try WorkspaceLock(statePath: workspace.configuration.statePath)
            if !workspace.sharesState && lock == nil {
                logger.notice("another opscadence process is working on this workspace; nothing to do")
                if format == .text && !logOnly { Output.line("another opscadence tick or run holds the workspace lock; skipped") }
                return
            }
            let store = try workspaceOptions.openStore(workspace)
            let engine = Engine(
                workspace: workspace, store: store, logger: logger, renderer: renderer, timeline: timeline)
            let report = try await engine.tick(Engine.TickOptions(since: sinceInstant))
            withExtendedLifetime(lock) {}
            if !logOnly { try TickOutput.print(report, format: format, workspace: workspace) }
            if report.needsAttention { throw ExitCode(CLIError.attentionExitCode) }
        }
    }
}

/// The human and JSON forms of a tick report.
enum TickOutput {
    static func print(_ report: TickReport, format: TextOrJSON, workspace: Workspace) throws {
        if format == .json {
            try Output.json(report)
            return
        }
        for warning in workspace.warnings { Output.warning("\(warning.location): \(warning.message)") }
        let prefix = report.dryRun ? "would " : ""
        if !report.started.isEmpty {
            Output.line("started: \(report.started.joined(separator: ", ")) (first tick: nothing before now is backfilled; use --since to catch up)")
        }
        if report.recovered > 0 { Output.line("recovered \(report.recovered) interrupted deliveries") }
        for line in report.occurrences {
            var text = "\(line.playbook)  \(line.occurrence)  \(prefix)\(line.status)"
            if let reason = line.reason { text += " (\(reason))" }
            if let agenda = line.agenda { text += "\n    agenda: \(relative(agenda, workspace: workspace))" }
            for reminder in line.reminders {
                let what = reminder.checklistItem.map { "item \($0) reminder" } ?? "reminder"
                text += "\n    \(what) \(reminder.before) before → \(reminder.target) at \(reminder.at): \(reminder.state)"
                if let note = reminder.note { text += " (\(note))" }
            }
            Output.line(text)
        }
        for delivery in report.deliveries {
            var text = "delivery #\(delivery.id) \(delivery.playbook) → \(delivery.target) attempt \(delivery.attempt): \(delivery.outcome)"
            if let status = delivery.status { text += " (HTTP \(status))" }
            if let detail = delivery.detail { text += " — \(detail)" }
            Output.line(text)
        }
        for failure in report.failures {
            Output.line("\(failure.playbook)  FAILED: \(failure.error) (its occurrences wait for the next tick; the other playbooks went on)")
        }
        if report.dead > 0 { Output.line("\(report.dead) deliveries died in this tick: see `opscadence outbox list --state dead`") }
        if report.expired > 0 {
            // Expired: not delivered within the grace of their reminder time, whether they failed or never got a turn.
            Output.line("\(report.expired) \(report.expired == 1 ? "delivery" : "deliveries") expired: not delivered within the grace of the reminder time (see `opscadence outbox list --state expired`)")
        }
        if report.occurrences.isEmpty && report.deliveries.isEmpty && report.failures.isEmpty {
            Output.line("nothing due\(report.nextDue.map { "; next at \($0)" } ?? "")")
        } else if let next = report.nextDue {
            Output.line("next due at \(next)")
        }
    }

    static func relative(_ path: String, workspace: Workspace) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }
}
