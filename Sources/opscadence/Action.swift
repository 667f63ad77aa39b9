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
                Without --playbook, `action add` asks which playbook's agendas carry the item (on a \
                terminal), or fails naming the playbooks to choose from.

                Examples:
                  opscadence action add "Fix the label printer" --owner Sam --due 2026-12-04 --playbook weekly-kpi-review
                  opscadence action list
                  opscadence action edit 12 --due 2026-12-11
                  opscadence action done 12
                  opscadence action delete 12
                """,
            subcommands: [Add.self, List.self, Edit.self, Done.self, Reopen.self, Delete.self], defaultSubcommand: List.self)

        /// One item as `--format json` prints it, in every subcommand.
        struct Row: Encodable {
            var id: Int64
            var playbook: String?
            var text: String
            var owner: String?
            var due: String?
            var done: Bool
            var overdue: Bool
            /// Who added it and who completed it, when signed in to the web app (a command
            /// records no one), as `/actions?format=json` shows them.
            var createdBy: String?
            var doneBy: String?

            enum CodingKeys: String, CodingKey {
                case id, playbook, text, owner, due, done, overdue, createdBy = "created_by", doneBy = "done_by"
            }

            init(_ item: ActionItem, today: String) {
                id = item.id ?? 0
                playbook = item.playbookId
                text = item.text
                owner = item.owner
                due = item.dueDate
                done = item.isDone
                overdue = item.isOverdue(today: today)
                createdBy = item.createdBy
                doneBy = item.doneBy
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add", abstract: "Add an action item.",
                discussion: """
                    Without --playbook, asks which playbook on a terminal, and otherwise fails listing them.

                    Examples:
                      opscadence action add \"Fix the label printer\" --owner Sam --due 2026-12-04 --playbook weekly-kpi-review
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

            @Option(help: ArgumentHelp("The playbook whose agendas carry it (asked on a terminal when left out).", valueName: "ID"))
            var playbook: String?

            @Option(help: "text or json (the new item, with its id).")
            var format: TextOrJSON = .text

            func run() async throws {
                try Arguments.requireOneLine((text, "TEXT"), (owner, "--owner"), (due, "--due"), (playbook, "--playbook"))
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError("the action item text must not be empty") }
                if let due { _ = try Arguments.date(due, option: "--due") }
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let names = ["text": "TEXT", "owner": "--owner", "due": "--due"]
                _ = try workspaceOptions.change(names) { try Teamwork.actionFields(text: text, owner: owner, due: due) }
                let owning = try playbook.map(workspace.requirePlaybook) ?? Action.askForPlaybook(in: workspace)
                let store = try workspaceOptions.openStore(workspace)
                let item = try workspaceOptions.change(names) {
                    try workspaceOptions.teamwork(workspace, store: store).addAction(playbook: owning, text: text, owner: owner, due: due, by: nil, now: now)
                }
                if format == .json { return try Output.json(Row(item, today: workspace.configuration.date(at: now).description)) }
                Output.line("added #\(item.id ?? 0) to \(owning.id): \(Action.describe(text: text, owner: owner, due: due))")
            }
        }

        /// The state and the item `id` in it, or the error that there is no such item (without
        /// creating a state file).
        static func existingItem(_ id: Int64, in workspace: Workspace, options: WorkspaceOptions) throws -> (StateStore, ActionItem) {
            guard let store = try options.openExistingStore(workspace), let item = try store.action(id: id) else {
                throw CLIError("no action item #\(id) (see `opscadence action list --all`)")
            }
            return (store, item)
        }

        /// `text — owner, due DATE`, as `add` and `edit` confirm an item.
        static func describe(text: String, owner: String?, due: String?) -> String {
            "\(text)\(owner.map { " — \($0)" } ?? "")\(due.map { ", due \($0)" } ?? "")"
        }

        /// The playbooks a new item may belong to: those whose agendas carry action items over
        /// (all of them when none does).
        static func candidates(in workspace: Workspace) -> [Playbook] {
            let carrying = workspace.playbooks.filter { $0.isEnabled && $0.agenda.contains(where: \.carryOver) }
            return carrying.isEmpty ? workspace.playbooks : carrying
        }

        /// Asks on a terminal which playbook carries a new item; elsewhere (a script, cron) there
        /// is nobody to ask, and guessing would file the item where nobody looks for it.
        static func askForPlaybook(in workspace: Workspace) throws -> Playbook {
            let candidates = candidates(in: workspace)
            let listed = candidates.map { "\($0.id) (\($0.title))" }.joined(separator: ", ")
            guard isatty(0) == 1 else {
                throw CLIError("--playbook: which playbook's agendas should carry the item? Give --playbook ID, one of: \(listed)")
            }
            print("Which playbook's agendas should carry the item?")
            for (index, playbook) in candidates.enumerated() { print("  \(index + 1) \(Output.terminalSafe(playbook.id)) — \(Output.terminalSafe(playbook.title))") }
            while true {
                print("Playbook (number or id): ", terminator: "")
                guard let answer = readLine()?.trimmingCharacters(in: .whitespaces) else {
                    throw CLIError("no playbook chosen; nothing added (give --playbook ID, one of: \(listed))")
                }
                if let number = Int(answer), candidates.indices.contains(number - 1) { return candidates[number - 1] }
                if let chosen = workspace.playbook(id: answer) { return chosen }
                print("Please answer with a number from 1 to \(candidates.count) or a playbook id.")
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
                let (store, _) = try Action.existingItem(id, in: workspace, options: workspaceOptions)
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
                let (store, _) = try Action.existingItem(id, in: workspace, options: workspaceOptions)
                let item = try workspaceOptions.teamwork(workspace, store: store).setDone(action: id, done: false, by: nil, now: now)
                if format == .json { return try Output.json(Row(item, today: workspace.configuration.date(at: now).description)) }
                Output.line("reopened #\(id): \(item.text)")
            }
        }

        struct Edit: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "edit", abstract: "Change an action item's text, owner or due date.",
                discussion: """
                    What is not given stays as it is; an empty --owner or --due clears it.

                    Examples:
                      opscadence action edit 12 --due 2026-12-11
                      opscadence action edit 12 --title "Fix the label printer on line 2" --owner Sam
                      opscadence action edit 12 --due ""
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The item id.")
            var id: Int64

            @Option(name: [.customLong("title"), .customLong("text")], help: ArgumentHelp("What needs doing, instead.", valueName: "TEXT"))
            var title: String?

            @Option(help: "Who does it (empty: nobody).")
            var owner: String?

            @Option(help: ArgumentHelp("Due date, YYYY-MM-DD (empty: none).", valueName: "DATE"))
            var due: String?

            @Option(help: "text or json (the item after the change).")
            var format: TextOrJSON = .text

            func run() async throws {
                try Arguments.requireOneLine((title, "--title"), (owner, "--owner"), (due, "--due"))
                guard title != nil || owner != nil || due != nil else { throw CLIError("nothing to change: give --title, --owner or --due") }
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let (store, _) = try Action.existingItem(id, in: workspace, options: workspaceOptions)
                // What is not given (nil) stays as it is, as on the web.
                let edited = try workspaceOptions.change(["text": "--title", "owner": "--owner", "due": "--due", "id": "ID"]) {
                    try workspaceOptions.teamwork(workspace, store: store).editAction(id: id, text: title, owner: owner, due: due, now: now)
                }
                if format == .json { return try Output.json(Row(edited, today: workspace.configuration.date(at: now).description)) }
                Output.line("edited #\(id): \(Action.describe(text: edited.text, owner: edited.owner, due: edited.dueDate))")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "delete", abstract: "Delete an action item (one added by mistake; a finished one is `done`).",
                discussion: """
                    Examples:
                      opscadence action delete 12
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions
            @Argument(help: "The item id.")
            var id: Int64

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let (store, item) = try Action.existingItem(id, in: workspace, options: workspaceOptions)
                try workspaceOptions.change(["id": "ID"]) { try workspaceOptions.teamwork(workspace, store: store).deleteAction(id: id, now: now) }
                Output.line("deleted #\(id): \(item.text)")
            }
        }
    }
}
