import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import PostgresState
import StateStore

extension OpsCadence {
    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "state",
            abstract: "The state itself: copy a workspace's whole history between SQLite and PostgreSQL.",
            subcommands: [Copy.self])

        struct Copy: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "copy",
                abstract: "Copy the whole state (every occurrence, delivery, action item, KPI value, …) into an empty SQLite file or PostgreSQL database.",
                discussion: """
                    Reads the source in one transaction and writes the destination in one: all of it or, on \
                    any error, nothing. The destination must be empty (a new file, or a database or schema \
                    with no OpsCadence rows yet); the copy is then checked by counting every table's rows on \
                    both sides. Ids are kept, so a delivery keeps its webhook-id. Stop cron and `run` while \
                    copying, then point `state:` in opscadence.yaml at the destination.

                    A database URL with a password belongs in a variable or a file, not on the command \
                    line (every user of the machine can read a process's arguments): pass it single-quoted \
                    as '${env:NAME}' or '${file:PATH}'.

                    Examples:
                      opscadence state copy --to '${env:OPS_DATABASE_URL}'
                      opscadence state copy --from .opscadence/state.sqlite --to postgres://ops@db.internal/ops
                      opscadence state copy --from '${env:OPS_DATABASE_URL}' --to backup.sqlite --format json
                    """)

            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Option(help: ArgumentHelp("Where to copy from: a state file or a postgres:// URL (default: the workspace's state).", valueName: "STATE"))
            var from: String?

            @Option(help: ArgumentHelp("Where to copy to: a new state file, or a postgres:// URL of an empty database.", valueName: "STATE"))
            var to: String

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Result: Encodable {
                var from: String
                var to: String
                var tables: [String: Int]
            }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                // Both arguments are checked before either side is opened.
                let fromArgument = try from.map { try StateArgument($0, option: "--from", workspace: workspace) }
                let destination = try StateArgument(to, option: "--to", workspace: workspace)
                let source: StateStore
                let sourceName: String
                if let location = fromArgument {
                    guard let opened = try location.open(create: false) else { throw CLIError("--from: no state at \(location.name)") }
                    (source, sourceName) = (opened, location.name)
                } else {
                    guard let opened = try workspace.openStateIfPresent(readOnly: true) else {
                        throw CLIError("nothing recorded yet at \(workspace.stateDescription): nothing to copy", exitCode: 1)
                    }
                    (source, sourceName) = (opened, workspace.stateDescription)
                }
                guard destination.name != sourceName else { throw CLIError("--to names the source itself (\(sourceName))") }
                guard let target = try destination.open(create: true) else { throw CLIError("--to: cannot create \(destination.name)", exitCode: 1) }

                let dump = try source.dump()
                try target.load(dump)
                let copied = try target.dump().counts
                guard copied == dump.counts else {
                    let differing = dump.counts.keys.sorted().filter { copied[$0] != dump.counts[$0] }
                    throw CLIError("the copy does not match its source in \(differing.joined(separator: ", ")); check \(destination.name)", exitCode: 1)
                }
                let result = Result(from: sourceName, to: destination.name, tables: dump.counts)
                if format == .json { return try Output.json(result) }
                Output.line("copied \(sourceName) → \(destination.name)")
                var rows = [["TABLE", "ROWS"]]
                for table in StateDump.tables { rows.append([table.name, "\(dump.counts[table.name] ?? 0)"]) }
                Table.print(rows)
                Output.line("every table's rows counted on both sides and equal. Point state: in opscadence.yaml at the copy to use it.")
            }
        }
    }
}

/// A state named on the command line: a file path, or a PostgreSQL URL (written out without a
/// password, or through `${env:NAME}`/`${file:PATH}`).
struct StateArgument {
    /// For messages: the path, or the URL without its password.
    var name: String
    private var path: String?
    private var url: Secret?

    init(_ text: String, option: String, workspace: Workspace) throws {
        if Secret.isReference(text) {
            switch Secret.fromArgument(text, what: option, environment: ProcessInfo.processInfo.environment, baseDirectory: FileManager.default.currentDirectoryPath) {
            case .success(let secret):
                guard Secret.isPostgresURL(secret.value) else {
                    throw CLIError("\(option): \(text) must hold a postgres:// URL (name a state file as a path)")
                }
                url = secret
            case .failure(let error): throw CLIError(error.message)
            }
        } else if Secret.isPostgresURL(text) {
            guard !Secret.urlHasPassword(text) else {
                throw CLIError("\(option): a password on the command line is readable by every user of this machine; pass the URL as '${env:NAME}' or '${file:PATH}'")
            }
            url = Secret(value: text, reference: option)
        } else {
            path = text.hasPrefix("/") ? text : FileManager.default.currentDirectoryPath + "/" + text
        }
        if let url {
            name = try PostgresLocation(url.value).description
        } else {
            name = path ?? text
        }
    }

    /// Opens it; `create: false` gives nil when there is no state there.
    func open(create: Bool) throws -> StateStore? {
        if let url {
            return create ? try PostgresBackend.store(url: url.value, readOnly: false) : try PostgresBackend.storeIfPresent(url: url.value, readOnly: true)
        }
        guard let path else { return nil }
        if create {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw CLIError("--to: \(path) already exists; copy into a new file")
            }
            return try StateStore(path: path)
        }
        return FileManager.default.fileExists(atPath: path) ? try StateStore(path: path, readOnly: true) : nil
    }
}
