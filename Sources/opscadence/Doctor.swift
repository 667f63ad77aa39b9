import Agendas
import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the workspace, the state file and the scheduler's health, and say what to do about each problem.",
            discussion: """
                Checks: the workspace and its templates are valid; libcurl loads; every target is configured; the state \
                file is ours, of a schema this version knows, and undamaged (SQLite integrity_check reads \
                every page, so it finds damage no command has touched); who holds the workspace lock; when \
                a tick last ran; on a shared (PostgreSQL) state, which instances ticked recently; deliveries that died, were left mid-send by a crash, or lost their occurrence; \
                state of playbooks that no longer exist. Exit 0 when nothing failed (warnings included), 1 \
                when a check failed.

                Examples:
                  opscadence doctor
                  opscadence doctor --workspace /srv/ops --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        /// One finding.
        struct Check: Encodable {
            enum Level: String, Encodable { case ok, warning, error }
            var name: String
            var level: Level
            var detail: String
        }

        /// A tick older than this, with enabled playbooks, means cron or the service stopped.
        static let staleTick: Int64 = 15 * 60

        /// On a shared state, no instance ticking within this long, with enabled playbooks,
        /// means every instance stopped (each ticks once a minute).
        static let quietInstances: Int64 = 10 * 60

        func run() async throws {
            let now = try clock.instant()
            var checks: [Check] = []
            let loaded = Result { () throws(WorkspaceError) -> Workspace in
                try Workspace.load(at: workspaceOptions.workspace, environment: ProcessInfo.processInfo.environment)
            }
            guard case .success(let workspace) = loaded else {
                let issues = loaded.failure?.issues ?? []
                let shown = issues.prefix(3).map(\.description).joined(separator: "; ")
                let more = issues.count > 3 ? "; and \(issues.count - 3) more: run `opscadence validate`" : ""
                checks.append(Check(name: "workspace", level: .error, detail: shown + more))
                return try finish(checks)
            }
            checks.append(Check(name: "workspace", level: .ok, detail: "\(workspace.playbooks.count) playbooks, \(workspace.configuration.targets.count) targets"))
            do {
                _ = try AgendaRenderer(workspaceRoot: workspace.root)
                checks.append(Check(name: "templates", level: .ok, detail: "agenda templates parse"))
            } catch {
                checks.append(Check(name: "templates", level: .error, detail: error.issues.map(\.description).joined(separator: "; ")))
            }
            switch Notifications.libcurl() {
            case .success(let version): checks.append(Check(name: "libcurl", level: .ok, detail: "libcurl \(version)"))
            case .failure(let error):
                checks.append(
                    Check(name: "libcurl", level: .error, detail: "\(error): no reminder can be sent; install libcurl4 (7.66 or later)"))
            }
            let unconfigured = workspace.configuration.targets.filter { !$0.isEnabled }.map(\.name)
            checks.append(
                unconfigured.isEmpty
                    ? Check(name: "targets", level: .ok, detail: "every target is configured")
                    : Check(name: "targets", level: .warning, detail: "not configured (their variables are unset): \(unconfigured.joined(separator: ", "))"))

            let statePath = workspace.stateDescription
            let shared = workspace.sharesState
            let store: StateStore?
            do {
                store = try workspace.openStateIfPresent(readOnly: true)
            } catch {
                checks.append(Check(name: "state", level: .error, detail: "\(error)"))
                return try finish(checks)
            }
            guard let store else {
                checks.append(Check(name: "state", level: .warning, detail: "no state yet at \(statePath): run `opscadence tick` once"))
                return try finish(checks)
            }
            let health: StateHealth
            do {
                health = try store.health(now: now)
            } catch {
                checks.append(
                    Check(
                        name: "state", level: .error,
                        detail: "\(error); stop ticks, copy the file aside, and restore it from a backup"))
                return try finish(checks)
            }
            checks.append(
                health.integrity == "ok"
                    ? Check(
                        name: "state", level: .ok,
                        detail: "\(statePath): schema \(health.schema), "
                            + (shared ? "connected (PostgreSQL checks its own pages)" : "integrity ok"))
                    : Check(
                        name: "state", level: .error,
                        detail: "\(statePath) is damaged: \(health.integrity); stop ticks, copy the file aside, and restore it from a backup"))
            if shared {
                let holders = try store.leaseHolders(now: now)
                checks.append(
                    Check(
                        name: "leases", level: .ok,
                        detail: holders.isEmpty
                            ? "no delivery claimed right now"
                            : holders.map { "\($0.owner): \($0.count) in flight" }.joined(separator: "; ")))
            } else {
                checks.append(
                    Check(
                        name: "lock", level: .ok,
                        detail: WorkspaceLock.holder(statePath: workspace.configuration.statePath).map { "held by \($0)" } ?? "free"))
            }

            let enabled = workspace.playbooks.contains(where: \.isEnabled)
            if let last = health.lastTickAt {
                let age = now - last
                let text = "last tick \(DurationText.format(Int(max(0, age)))) ago (\(RFC3339.formatUTC(last)))"
                checks.append(
                    enabled && age > Doctor.staleTick
                        ? Check(name: "ticks", level: .warning, detail: text + ": is cron (or `opscadence run`) still running?")
                        : Check(name: "ticks", level: .ok, detail: text))
            } else {
                checks.append(Check(name: "ticks", level: .warning, detail: "no tick has run yet"))
            }
            if shared {
                // Instances seen in the last day, as `status` lists them; only the last
                // minutes count as alive.
                let seen = try store.instances(seenSince: now - 24 * 3600)
                let alive = seen.filter { now - $0.lastTickAt <= Doctor.quietInstances }
                func listed(_ instances: [InstanceRecord]) -> String {
                    instances.map { "\($0.name) (\($0.version), last tick \(DurationText.format(Int(max(0, now - $0.lastTickAt)))) ago)" }
                        .joined(separator: "; ")
                }
                let quiet = seen.filter { now - $0.lastTickAt > Doctor.quietInstances }
                if alive.isEmpty && enabled {
                    checks.append(
                        Check(
                            name: "instances", level: .warning,
                            detail: "no instance ticked in the last \(DurationText.format(Int(Doctor.quietInstances)))"
                                + (seen.isEmpty ? "" : " (seen today: \(listed(seen)))") + ": is cron (or `opscadence run`) running on any host?"))
                } else {
                    checks.append(
                        Check(
                            name: "instances", level: .ok,
                            detail: seen.isEmpty
                                ? "none has ticked yet"
                                : "\(alive.count) ticked in the last \(DurationText.format(Int(Doctor.quietInstances))): \(listed(alive))"
                                    + (quiet.isEmpty ? "" : "; \(quiet.count) more today, quiet since: \(listed(quiet))")))
                }
            }

            var problems: [String] = []
            if health.deadDeliveries > 0 {
                problems.append("\(health.deadDeliveries) dead (see `opscadence outbox list --state dead`, retry with `opscadence outbox retry --dead`)")
            }
            if health.abandonedClaims > 0 {
                problems.append("\(health.abandonedClaims) left mid-send by a stopped process (the next tick resends them)")
            }
            if health.orphanedDeliveries > 0 { problems.append("\(health.orphanedDeliveries) without their occurrence") }
            checks.append(
                problems.isEmpty
                    ? Check(name: "deliveries", level: .ok, detail: "none dead, none stuck")
                    : Check(name: "deliveries", level: .warning, detail: problems.joined(separator: "; ")))

            let gone = health.recordedPlaybooks.filter { workspace.playbook(id: $0) == nil }
            if !gone.isEmpty {
                checks.append(
                    Check(
                        name: "history", level: .ok,
                        detail: "state kept for playbooks no longer in the workspace: \(gone.joined(separator: ", ")) (their history stays; nothing is sent)"))
            }
            try finish(checks)
        }

        private func finish(_ checks: [Check]) throws {
            if format == .json {
                try Output.json(checks)
            } else {
                for check in checks {
                    let mark = switch check.level {
                    case .ok: "ok     "
                    case .warning: "warning"
                    case .error: "ERROR  "
                    }
                    Output.line("\(mark)  \(check.name): \(check.detail)")
                }
            }
            if checks.contains(where: { $0.level == .error }) { throw ExitCode(1) }
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
