import Diagnostics

/// A place in a workspace file, 1-based like compilers print it.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file, relative to the workspace root (`playbooks/weekly-kpi-review.yaml`).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a workspace: where, and what was expected.
public struct ValidationIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        file = location.file
        line = location.line
        column = location.column
        self.message = message
    }

    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// `playbooks/weekly.yaml:12:5: reminder target 'ops' is not defined …` — one line.
    public var description: String { "\(location): \(message)" }
}

/// A workspace that cannot be used: every problem found, in file order.
public struct WorkspaceError: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    /// One line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

extension WorkspaceError: UserFacingError {
    /// One per problem, each at its file:line:column, in file order.
    public var diagnostics: [Diagnostic] { issues.map { Diagnostic($0.message, at: $0.location.description) } }
    public var failure: FailureKind { .input }
}
