import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge an occurrence (the check was done, the meeting held): its escalations are not sent.",
            discussion: """
                Without --at, the latest occurrence that has started. The first acknowledgement stands; \
                acknowledging again shows it. Playbooks with acknowledge: escalate when nobody acknowledges \
                in time (docs/ACKNOWLEDGE.md).

                Examples:
                  opscadence ack daily-red-alert-check
                  opscadence ack daily-red-alert-check --by "Ops Lead"
                  opscadence ack weekly-kpi-review --at 2026-12-07 --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Argument(help: "The playbook id.")
        var playbook: String

        @Option(help: ArgumentHelp("last, next, nearest, an RFC 3339 instant, or a date YYYY-MM-DD.", valueName: "WHEN"))
        var at: String = "last"

        @Option(help: ArgumentHelp("Who did it (recorded and shown).", valueName: "NAME"))
        var by: String?

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        struct Acknowledged: Encodable {
            var playbook: String
            var occurrence: String
            var by: String?
            var via: String
            var acknowledgedAt: String
            var escalationsCancelled: Int
            enum CodingKeys: String, CodingKey {
                case playbook, occurrence, by, via, acknowledgedAt = "acknowledged_at", escalationsCancelled = "escalations_cancelled"
            }
        }

        func run() async throws {
            try Arguments.requireOneLine((playbook, "PLAYBOOK"), (at, "--at"), (by, "--by"))
            let workspace = try workspaceOptions.load()
            let now = try clock.instant()
            let owning = try workspace.requirePlaybook(playbook)
            let occurrence = try owning.occurrence(at: at, now: now)
            let store = try workspaceOptions.openStore(workspace)
            let (record, cancelled) = try workspaceOptions.change(["at": "--at", "by": "--by"]) {
                try workspaceOptions.teamwork(workspace, store: store).acknowledge(
                    playbook: owning, occurrence: occurrence.instant, by: by, via: "cli", now: now)
            }
            let zone = owning.timeZone
            let when = RFC3339.format(record.at, offset: zone.offset(at: record.at))
            if format == .json {
                return try Output.json(
                    Acknowledged(
                        playbook: owning.id, occurrence: occurrence.rfc3339, by: record.by, via: record.via, acknowledgedAt: when,
                        escalationsCancelled: cancelled))
            }
            let who = record.by.map { " by \($0)" } ?? ""
            Output.line("\(owning.id) \(occurrence.rfc3339): acknowledged\(who) (\(record.via)) at \(when)")
            if cancelled > 0 { Output.line("\(cancelled) escalation\(cancelled == 1 ? "" : "s") cancelled") }
        }
    }
}
