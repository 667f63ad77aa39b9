import ArgumentParser
import CadenceEngine
import Diagnostics
import Playbooks
import StateStore

/// An error the CLI itself finds in its arguments (or a library error it words for the
/// command), with the exit status it means: 2 when the input is wrong, 1 when something failed.
struct CLIError: UserFacingError {
    var message: String
    var exitCode: Int32 = 2

    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }

    /// A message of several lines is several problems.
    var diagnostics: [Diagnostic] { message.split(separator: "\n", omittingEmptySubsequences: false).map { Diagnostic(String($0)) } }

    var failure: FailureKind { exitCode == 2 ? .input : .environment }

    /// `tick` exits with this when it did its work but something needs a person: a playbook
    /// failed, or a delivery died. Distinct from 1 (the workspace could not be worked on) and 2
    /// (the input is wrong), so cron mail and monitors can tell them apart.
    static let attentionExitCode: Int32 = 3
}

extension WorkspaceOptions {
    /// Makes a change through ``Teamwork`` as the command line does: a field the change names is
    /// shown by its option or argument name, and agendas that could not be rendered again after
    /// a recorded change are a warning, not a failure (the change stands).
    func change<T>(_ names: [String: String], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ChangeError {
            throw CLIError("\(names[error.field] ?? error.field): \(error.message)")
        }
    }

    /// The changes people make, as the command line makes them: agendas that cannot be
    /// rendered again after a recorded change are a warning, not a failure (the change stands).
    func teamwork(_ workspace: Workspace, store: StateStore) -> Teamwork {
        Teamwork(workspace: workspace, store: store) { Output.warning($0.description) }
    }
}
