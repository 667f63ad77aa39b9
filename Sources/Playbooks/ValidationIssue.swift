import Diagnostics

/// A place in a workspace file, 1-based like compilers print it.
package struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file, relative to the workspace root (`playbooks/weekly-kpi-review.yaml`).
    package var file: String
    package var line: Int
    package var column: Int

    package init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    package var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a workspace: where, and what was expected.
package struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var column: Int
    package var message: String

    package init(_ location: SourceLocation, _ message: String) {
        file = location.file
        line = location.line
        column = location.column
        self.message = message
    }

    package var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// `playbooks/weekly.yaml:12:5: reminder target 'ops' is not defined …` — one line.
    package var description: String { "\(location): \(message)" }
}

/// A workspace that cannot be used: every problem found, in file order.
package struct WorkspaceError: Error, Sendable, CustomStringConvertible {
    package var issues: [ValidationIssue]

    package init(issues: [ValidationIssue]) { self.issues = issues }

    /// One line per issue.
    package var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension WorkspaceError: UserFacingError {
    /// One per problem, each at its file:line:column, in file order.
    package var diagnostics: [Diagnostic] { issues.map { Diagnostic($0.message, at: $0.location.description) } }
    package var failure: FailureKind { .input }
}
