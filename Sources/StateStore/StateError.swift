import Diagnostics

/// What ``StateStore/version()`` returns: equal values mean no commit in between.
package struct StateVersion: Hashable, Sendable {
    /// `PRAGMA data_version`: moves when another connection (process) commits.
    package var otherConnections: Int64
    /// `total_changes()`: the rows this store's own connection changed.
    package var ownChanges: Int64

    package init(otherConnections: Int64, ownChanges: Int64) {
        self.otherConnections = otherConnections
        self.ownChanges = ownChanges
    }
}

/// A state file that cannot be used. The message says what to do; the file is left as it is.
package struct StateError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case notADatabase, foreign, corrupted, locked, unreadable, newerSchema, notFound, other }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        package static let notADatabase = Code(.notADatabase)
        /// A SQLite database, but not an OpsCadence state file (another application's, or empty).
        package static let foreign = Code(.foreign)
        package static let corrupted = Code(.corrupted)
        package static let locked = Code(.locked)
        package static let unreadable = Code(.unreadable)
        package static let newerSchema = Code(.newerSchema)
        package static let notFound = Code(.notFound)
        package static let other = Code(.other)
    }

    package let code: Code
    package let path: String
    package let detail: String

    package init(_ code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    package var description: String {
        var text = "state file \(path): \(detail)"
        if code == .notADatabase || code == .corrupted || code == .foreign {
            text += "; it was left untouched — restore a backup or move it aside to start with empty state"
        }
        return text
    }
}

extension StateError: UserFacingError {
    /// The file is there, but it cannot be used as it is: a matter for whoever runs the machine.
    package var failure: FailureKind { .environment }
}
