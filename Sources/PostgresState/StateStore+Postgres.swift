import StateStore

extension StateStore {
    /// Opens the PostgreSQL state at `url` (see ``PostgresLocation`` for its form), creating
    /// its tables unless `readOnly`. The store's `path` is the URL without its password.
    package convenience init(postgresURL url: String, readOnly: Bool = false) throws(StateError) {
        let location = try PostgresLocation(url)
        self.init(backend: try PostgresBackend(location: location, readOnly: readOnly), path: location.description)
    }

    /// Whether `path` names a PostgreSQL database rather than a SQLite file.
    package static func isPostgresURL(_ path: String) -> Bool {
        path.hasPrefix("postgres://") || path.hasPrefix("postgresql://")
    }
}
