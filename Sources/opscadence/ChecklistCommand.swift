import Agendas
import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct ChecklistCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checklist",
            abstract: "Show, check and uncheck the checklist of an occurrence.",
            discussion: """
                Without --at, the occurrence nearest to now: the meeting just held, or the one coming up.

                Examples:
                  opscadence checklist weekly-kpi-review
                  opscadence checklist check weekly-kpi-review 1
                  opscadence checklist uncheck weekly-kpi-review 1 --at last
                """,
            subcommands: [Show.self, Check.self, Uncheck.self], defaultSubcommand: Show.self)

        struct Target: ParsableArguments {
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The playbook id.")
            var playbook: String

            @Option(help: ArgumentHelp("next, last, nearest, an RFC 3339 instant, or a date YYYY-MM-DD.", valueName: "WHEN"))
            var at: String = "nearest"

            /// Refuses line breaks and control characters before anything is read or written.
            func checkArguments() throws {
                try Arguments.requireOneLine((playbook, "PLAYBOOK"), (at, "--at"))
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show the checklist with completion: who ticked each item, and when.",
                discussion: """
                    Examples:
                      opscadence checklist show weekly-kpi-review
                      opscadence checklist show weekly-kpi-review --at last --format json
                    """)
            @OptionGroup var target: Target

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            func run() async throws {
                try target.checkArguments()
                let workspace = try target.workspaceOptions.load()
                let now = try target.clock.instant()
                let playbook = try workspace.requirePlaybook(target.playbook)
                let occurrence = try playbook.occurrence(at: target.at, now: now)
                let agenda = try AgendaSource(workspace: workspace, store: try target.workspaceOptions.openStoreIfPresent(workspace))
                    .agenda(for: playbook, at: occurrence.instant, now: now)
                if format == .json {
                    try Output.json(ChecklistView(playbook: playbook.id, occurrence: agenda.occurrence, items: agenda.checklist))
                    return
                }
                Output.line("\(playbook.title) — \(agenda.date) \(agenda.startTime) \(agenda.zoneAbbreviation)")
                if agenda.checklist.isEmpty { Output.line("no checklist items") }
                for item in agenda.checklist {
                    var line = "[\(item.done ? "x" : " ")] \(item.number). \(item.item)"
                    if let owner = item.owner { line += " — \(owner)" }
                    if let due = item.due { line += " (due \(due))" }
                    // Who ticked it (someone signed in to the web app; a command records no one) and when.
                    if item.done, let when = item.doneAt { line += " — ticked \(item.doneBy.map { "by \($0), " } ?? "")\(when)" }
                    Output.line(line)
                }
                let done = agenda.checklist.filter(\.done).count
                Output.line("\(done)/\(agenda.checklist.count) done")
            }
        }

        struct ChecklistView: Encodable {
            var playbook: String
            var occurrence: String
            var items: [Agenda.ChecklistRow]
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "check", abstract: "Mark a checklist item done.",
                discussion: """
                    Examples:
                      opscadence checklist check weekly-kpi-review 1
                      opscadence checklist check daily-red-alert-check 2 --at 2026-12-01
                    """)
            @OptionGroup var target: Target
            @Argument(help: "The item's number, as `checklist` shows it.")
            var item: Int

            @Option(help: "text or json (the whole checklist after the change).")
            var format: TextOrJSON = .text

            func run() async throws { try mark(target: target, item: item, done: true, format: format) }
        }

        struct Uncheck: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "uncheck", abstract: "Mark a checklist item not done.",
                discussion: """
                    Examples:
                      opscadence checklist uncheck weekly-kpi-review 1 --at last
                    """)
            @OptionGroup var target: Target
            @Argument(help: "The item's number, as `checklist` shows it.")
            var item: Int

            @Option(help: "text or json (the whole checklist after the change).")
            var format: TextOrJSON = .text

            func run() async throws { try mark(target: target, item: item, done: false, format: format) }
        }

        static func mark(target: Target, item: Int, done: Bool, format: TextOrJSON) throws {
            try target.checkArguments()
            let workspace = try target.workspaceOptions.load()
            let now = try target.clock.instant()
            let playbook = try workspace.requirePlaybook(target.playbook)
            let occurrence = try playbook.occurrence(at: target.at, now: now)
            // Checked before the state file is opened, so a wrong number creates nothing.
            try target.workspaceOptions.change(["item": "ITEM"]) { try Teamwork.checkItem(item, of: playbook) }
            let store = try target.workspaceOptions.openStore(workspace)
            _ = try target.workspaceOptions.teamwork(workspace, store: store).mark(
                playbook: playbook, occurrence: occurrence.instant, item: item, done: done, by: nil, now: now)
            if format == .json {
                let agenda = try AgendaSource(workspace: workspace, store: store).agenda(for: playbook, at: occurrence.instant, now: now)
                return try Output.json(ChecklistView(playbook: playbook.id, occurrence: agenda.occurrence, items: agenda.checklist))
            }
            Output.line("\(done ? "checked" : "unchecked") \(item). \(playbook.checklist[item - 1].item) (\(playbook.id) \(occurrence.rfc3339))")
        }
    }
}

private typealias ChecklistTarget = OpsCadence.ChecklistCommand.Target
