import ArgumentParser
import Playbooks
import Recurrence
import StateStore

/// An error for the user: one line, and an exit code (2: fix your input; 1: something failed).
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32 = 2

    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }

    /// Our library errors, as the CLI reports them.
    static func describe(_ error: any Error) -> CLIError? {
        switch error {
        case let error as RecurrenceError: return CLIError(error.message)
        case let error as WorkspaceError:
            // One line per problem, compiler style, so editors can jump to it.
            let lines = error.issues.map { "\($0.location): error: \($0.message)" }
            return CLIError(lines.joined(separator: "\n"), exitCode: 2).asPrefixed
        case let error as StateError: return CLIError(error.description, exitCode: 1)
        default: return nil
        }
    }

    /// Marks a message that already carries its own `file:line:column: error:` prefixes.
    private var asPrefixed: CLIError {
        var copy = self
        copy.message = CLIError.prefixedMarker + message
        return copy
    }

    static let prefixedMarker = "\u{1}"

    /// `tick` exits with this when it did its work but something needs a person: a playbook
    /// failed, or a delivery died. Distinct from 1 (the workspace could not be worked on) and 2
    /// (the input is wrong), so cron mail and monitors can tell them apart.
    static let attentionExitCode: Int32 = 3
}
