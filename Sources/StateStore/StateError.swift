import Diagnostics

/// What ``StateStore/version()`` returns: equal values mean no commit in between.
package struct StateVersion: Hashable, Sendable {
    /// `PRAGMA data_version`: moves when another connection (process) commits.
    package var otherConnections: Int64
    /// `total_changes()`: the rows this store's own connection changed.
    package var ownChanges: Int64
    /// Which of the store's connections read it: two connections count from different
    /// points, so their values are only compared with their own.
    package var connection: Int

    package init(otherConnections: Int64, ownChanges: Int64, connection: Int = 0) {
        self.otherConnections = otherConnections
        self.ownChanges = ownChanges
        self.connection = connection
    }
}

/// A state file that cannot be used. The message says what to do; the file is left as it is.
package struct StateError: Error, Sendable, CustomStringConvertible {
    package struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case notADatabase, foreign, corrupted, locked, unreadable, newerSchema, notFound, other, unavailable, denied, readOnly, invalidLocation, notEmpty }
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
        /// The database server cannot be reached, or the connection to it was lost.
        package static let unavailable = Code(.unavailable)
        /// The server refused the credentials, or the user lacks a permission.
        package static let denied = Code(.denied)
        /// The server takes no writes (a PostgreSQL hot standby, SQLSTATE 25006).
        package static let readOnly = Code(.readOnly)
        /// A database URL that cannot be used as written.
        package static let invalidLocation = Code(.invalidLocation)
        /// A copy's destination already holds a state (a copy goes only into an empty one).
        package static let notEmpty = Code(.notEmpty)
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
        // A database URL (always without its password) names a database, not a file.
        let isDatabase = path.hasPrefix("postgres://") || path.hasPrefix("postgresql://")
        var text = "\(isDatabase ? "state database" : "state file") \(path): \(detail)"
        if !isDatabase && (code == .notADatabase || code == .corrupted || code == .foreign) {
            text += "; it was left untouched — restore a backup or move it aside to start with empty state"
        }
        return text
    }
}

extension StateError: UserFacingError {
    /// The file or database is there, but it cannot be used as it is: a matter for whoever runs
    /// the machine. A database URL that does not parse is the user's to fix, like any input.
    package var failure: FailureKind { code == .invalidLocation || code == .notEmpty ? .input : .environment }
}
