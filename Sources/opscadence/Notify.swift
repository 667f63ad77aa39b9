import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence

extension OpsCadence {
    struct Notify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notify",
            abstract: "Send a test message to a target, or print the exact payload a reminder would send.",
            discussion: """
                Webhook URLs are never printed.

                Examples:
                  opscadence notify test ops-chat
                  opscadence notify preview weekly-kpi-review --target ops-chat
                  opscadence notify preview weekly-kpi-review --target audit \\
                      --at 2026-12-07 --before 15m
                """,
            subcommands: [Test.self, Preview.self])

        struct Test: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "test", abstract: "Post a test message and print the outcome.",
                discussion: """
                    Examples:
                      opscadence notify test ops-chat
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The target name.")
            var target: String

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let target = workspace.configuration.target(named: self.target) else {
                    throw CLIError("unknown target '\(self.target)' (expected one of: \(workspace.configuration.targets.map(\.name).joined(separator: ", ")))")
                }
                let result: Notifications.TestResult
                do {
                    result = try await Notifications(workspace: workspace, store: nil, timeline: try clock.timeline()).sendTest(to: target)
                } catch let error as EngineError {
                    throw CLIError(error.message, exitCode: 1)
                }
                if format == .json {
                    try Output.json(result)
                } else {
                    let status = result.status.map { "HTTP \($0)" } ?? "no HTTP answer"
                    // `delivered` says it once; the detail, when there is one, adds to it.
                    Output.line(
                        "\(result.target) (\(result.kind)): \(result.delivered ? "delivered" : "NOT delivered") — \(status) in \(result.milliseconds) ms"
                            + (result.detail.map { " — \($0)" } ?? "") + " (libcurl \(result.libcurl ?? "not loaded"))")
                }
                if !result.delivered { throw ExitCode(1) }
            }
        }

        struct Preview: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "preview", abstract: "Print the exact body a reminder of a playbook would post to a target.",
                discussion: """
                    Examples:
                      opscadence notify preview weekly-kpi-review --target ops-chat
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The playbook id.")
            var playbook: String

            @Option(help: "The target name.")
            var target: String

            @Option(help: ArgumentHelp("next, last, an RFC 3339 instant, or a date YYYY-MM-DD.", valueName: "WHEN"))
            var at: String = "next"

            @Option(help: ArgumentHelp("Which reminder: its lead time (default: the playbook's first reminder to the target, else 0m).", valueName: "DURATION"))
            var before: String?

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let playbook = try workspace.requirePlaybook(self.playbook)
                guard let target = workspace.configuration.target(named: self.target) else {
                    throw CLIError("--target: unknown target '\(self.target)' (expected one of: \(workspace.configuration.targets.map(\.name).joined(separator: ", ")))")
                }
                var lead = playbook.reminders.first { $0.target == target.name }?.before ?? 0
                if let before {
                    lead = try Arguments.duration(before, option: "--before")
                }
                let now = try clock.instant()
                let occurrence = try playbook.occurrence(at: at, now: now)
                let notifications = Notifications(workspace: workspace, store: try workspaceOptions.openStoreIfPresent(workspace))
                let message = try notifications.message(playbook: playbook, occurrence: occurrence.instant, before: lead, target: target.name, now: now)
                var writer = Output.Writer()
                writer.append(Notifications.payload(for: message, kind: target.kind))
                writer.append("\n")
                writer.flush()
            }
        }
    }
}
