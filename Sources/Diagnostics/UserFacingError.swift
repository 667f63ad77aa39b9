/// An error a person reads and acts on: the CLI prints it, and (next) the web app shows it.
///
/// Every library error that can reach a person conforms, so that one place decides how it is
/// shown and what it means for the exit status, instead of each command matching types. Its
/// text never holds a secret: conforming types redact before they build it.
package protocol UserFacingError: Error, CustomStringConvertible {
    /// What the person reads: one entry per problem, each with its own position when it has one.
    var diagnostics: [Diagnostic] { get }
    /// Whose move it is: fix the input, or look at the machine.
    var failure: FailureKind { get }
}

extension UserFacingError {
    package var diagnostics: [Diagnostic] { [Diagnostic(description)] }
}

/// One problem, compiler style: `file:line:column: error: message`, or `error: message`.
package struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is (`playbooks/a.yaml:3:7`), if it has a place.
    package var location: String?
    package var message: String

    package init(_ message: String, at location: String? = nil) {
        self.message = message
        self.location = location
    }

    /// The line a terminal shows; editors jump to `location`.
    package var description: String {
        location.map { "\($0): error: \(message)" } ?? "error: \(message)"
    }
}

/// Whose move it is after an error: this decides the exit status (and an HTTP status).
package enum FailureKind: Sendable, Hashable {
    /// The input is wrong (a file, an argument, a form): fix it and try again. Exit 2.
    case input
    /// The input is fine but something it needs failed (the state file, the disk, a lock, the
    /// network): look at the machine. Exit 1.
    case environment

    /// The process exit status documented in docs/OPERATIONS.md.
    package var exitCode: Int32 {
        switch self {
        case .input: 2
        case .environment: 1
        }
    }
}
