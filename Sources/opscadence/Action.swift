import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Action: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "action",
            abstract: "Track action items: they stay open, and carried into their playbook's agendas, until done.",
            discussion: """
                Without --playbook, a new item belongs to the playbook whose meeting happened most recently \
                (among those whose agenda carries action items over).

                Examples:
                  opscadence action add "Fix the label printer" --owner Sam --due 2026-12-04
                  opscadence action list
                  opscadence action done 12
                """,
            subcommands: [Add.self, List.self, Done.self, Reopen.self], defaultSubcommand: List.self)

        /// One item as `--format json` prints it, in every subcommand.
        struct Row: Encodable {
            var id: Int64
            var playbook: String?
            var text: String
            var owner: String?
            var due: String?
            var done: Bool
            var overdue: Bool

            init(_ item: ActionItem, today: String) {
                id = item.id ?? 0
                playbook = item.playbookId
                text = item.text
                owner = item.owner
                due = item.dueDate
                done = item.isDone
                overdue = item.isOverdue(today: today)
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add", abstract: "Add an action item.",
                discussion: """
                    Examples:
                      opscadence action add \"Fix the label printer\" --owner Sam --due 2026-12-04
                      opscadence action add \"Review carrier rates\" --playbook monthly-process-improvement --format json
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "What needs doing.")
            var text: String

            @Option(help: "Who does it.")
            var owner: String?

            @Option(help: ArgumentHelp("Due date, YYYY-MM-DD.", valueName: "DATE"))
            var due: String?

            @Option(help: ArgumentHelp("The playbook whose agendas carry it.", valueName: "ID"))
            var playbook: String?

            @Option(help: "text or json (the new item, with its id).")
            var format: TextOrJSON = .text

            func run() async throws {
                try Arguments.requireOneLine((text, "TEXT"), (owner, "--owner"), (due, "--due"), (playbook, "--playbook"))
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError("the action item text must not be empty") }
                if let due { _ = try Arguments.date(due, option: "--due") }
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let owning: Playbook
                if let playbook {
                    owning = try workspace.requirePlaybook(playbook)
                } else {
                    let candidates = workspace.playbooks.filter { $0.isEnabled && $0.agenda.contains(where: \.carryOver) }
                    guard
                        let latest = candidates.compactMap({ p in p.schedule.previous(atOrBefore: now).map { (p, $0.instant) } })
                            .max(by: { $0.1 < $1.1 })?.0
                    else { throw CLIError("no playbook carries action items over; give --playbook ID") }
                    owning = latest
                }
                let names = ["text": "TEXT", "owner": "--owner", "due": "--due"]
                _ = try workspaceOptions.change(names) { try Teamwork.actionFields(text: text, owner: owner, due: due) }
                let store = try workspaceOptions.openStore(workspace)
                let item = try workspaceOptions.change(names) {
                    try workspaceOptions.teamwork(workspace, store: store).addAction(playbook: owning, text: text, owner: owner, due: due, by: nil, now: now)
                }
                if format == .json { return try Output.json(Row(item, today: workspace.configuration.date(at: now).description)) }
                Output.line("added #\(item.id ?? 0) to \(owning.id): \(text)\(owner.map { " — \($0)" } ?? "")\(due.map { ", due \($0)" } ?? "")")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List open action items (overdue ones flagged).",
                discussion: """
                    Examples:
                      opscadence action list
                      opscadence action list --all --playbook weekly-kpi-review --format json
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Flag(help: "Include done items.")
            var all = false

            @Option(help: ArgumentHelp("Only this playbook's items.", valueName: "ID"))
            var playbook: String?

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            func run() async throws {
                try Arguments.requireOneLine((playbook, "--playbook"))
                let workspace = try workspaceOptions.load()
                if let playbook { _ = try workspace.requirePlaybook(playbook) }
                let now = try clock.instant()
                let today = workspace.configuration.date(at: now).description
                let items = try workspaceOptions.openStoreIfPresent(workspace)?.actions(playbook: playbook, includeDone: all) ?? []
                let rows = items.map { Row($0, today: today) }
                if format == .json {
                    try Output.json(rows)
                    return
                }
                if rows.isEmpty { Output.line(all ? "no action items" : "no open action items") }
                for r in rows {
                    var line = "#\(r.id) [\(r.done ? "x" : " ")] \(r.text)"
                    if let owner = r.owner { line += " — \(owner)" }
                    if let due = r.due { line += ", due \(due)" }
                    if r.overdue { line += "  OVERDUE" }
                    if let p = r.playbook { line += "  (\(p))" }
                    Output.line(line)
                }
            }
        }

        struct Done: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "done", abstract: "Mark an action item done.",
                discussion: """
                    Examples:
                      opscadence action done 12
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The item id.")
            var id: Int64

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                guard let store = try workspaceOptions.openExistingStore(workspace), try store.action(id: id) != nil else {
                    throw CLIError("no action item #\(id) (see `opscadence action list --all`)")
                }
                let item = try workspaceOptions.teamwork(workspace, store: store).setDone(action: id, done: true, by: nil, now: now)
                if format == .json { return try Output.json(Row(item, today: workspace.configuration.date(at: now).description)) }
                Output.line("done #\(id): \(item.text)")
            }
        }

        struct Reopen: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "reopen", abstract: "Open a done action item again.",
                discussion: """
                    Examples:
                      opscadence action reopen 12
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The item id.")
            var id: Int64

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                guard let store = try workspaceOptions.openExistingStore(workspace), try store.action(id: id) != nil else {
                    throw CLIError("no action item #\(id) (see `opscadence action list --all`)")
                }
                let item = try workspaceOptions.teamwork(workspace, store: store).setDone(action: id, done: false, by: nil, now: now)
                if format == .json { return try Output.json(Row(item, today: workspace.configuration.date(at: now).description)) }
                Output.line("reopened #\(id): \(item.text)")
            }
        }
    }
}
