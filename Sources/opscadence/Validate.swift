import Agendas
import ArgumentParser
import Foundation
import Playbooks

extension OpsCadence {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a workspace (configuration, playbooks, agenda templates) and report every problem with file:line:column.",
            discussion: """
                Exits 0 when the workspace is valid, 2 when it is not. Every other command validates the \
                same way first and writes nothing when the workspace is invalid.

                Examples:
                  opscadence validate
                  opscadence validate ~/ops --format json
                """)

        @Argument(help: ArgumentHelp("The workspace folder (default: --workspace, or the current folder).", valueName: "WORKSPACE"))
        var path: String?

        @OptionGroup var options: WorkspaceOptions

        @Option(help: "text, or json: a list of {file, line, column, message, severity} (error or warning).")
        var format: TextOrJSON = .text

        /// An issue as `--format json` lists it: errors fail validation, warnings do not.
        struct Reported: Encodable {
            var file: String
            var line: Int
            var column: Int
            var message: String
            var severity: String

            init(_ issue: ValidationIssue, severity: String) {
                (file, line, column, message, self.severity) = (issue.file, issue.line, issue.column, issue.message, severity)
            }
        }

        func run() async throws {
            var target = options
            if let path { target.workspace = path }
            // Playbooks and templates are checked together, so one run reports every problem.
            var issues: [ValidationIssue] = []
            var loaded: Workspace?
            do {
                loaded = try target.load()
            } catch let error as WorkspaceError {
                issues += error.issues
            }
            do {
                _ = try AgendaRenderer(workspaceRoot: target.workspace)
            } catch {
                issues += error.issues
            }
            guard let workspace = loaded, issues.isEmpty else {
                if format == .json {
                    try Output.json(issues.map { Reported($0, severity: "error") })
                    throw ExitCode(2)
                }
                throw WorkspaceError(issues: issues)
            }
            if format == .json {
                try Output.json(workspace.warnings.map { Reported($0, severity: "warning") })
            } else {
                for warning in workspace.warnings { Output.warning("\(warning.location): \(warning.message)") }
                let enabled = workspace.playbooks.filter(\.isEnabled).count
                let targets = workspace.configuration.targets
                Output.line(
                    "ok: \(workspace.playbooks.count) playbooks (\(enabled) enabled), \(targets.count) targets (\(targets.filter(\.isEnabled).count) configured)")
            }
        }
    }
}
