import Foundation
import Playbooks
import PostgresState
import StateStore

extension Workspace {
    /// Whether the state is a PostgreSQL database that several instances may share. Then no
    /// file lock is taken: the database coordinates them (claims, leases, per-playbook locks).
    package var sharesState: Bool { configuration.stateDatabase != nil }

    /// The state's location for people: the file's path, or the database URL without its password.
    package var stateDescription: String {
        guard let database = configuration.stateDatabase else { return configuration.statePath }
        return (try? PostgresLocation(database.value).description) ?? "postgres://…"
    }

    /// Whether `other` keeps its state in the same place (a reload may not move it).
    package func hasSameState(as other: Workspace) -> Bool {
        configuration.statePath == other.configuration.statePath
            && configuration.stateDatabase?.value == other.configuration.stateDatabase?.value
    }

    /// Opens the state for writing, creating it (and its tables) on first use.
    package func openState() throws(StateError) -> StateStore {
        guard let database = configuration.stateDatabase else { return try StateStore(path: configuration.statePath) }
        return try PostgresBackend.store(url: database.value, readOnly: false)
    }

    /// Opens the state if something was recorded; nil otherwise, creating nothing (commands that
    /// only read, or that change existing records, must not leave a new state behind).
    package func openStateIfPresent(readOnly: Bool) throws(StateError) -> StateStore? {
        guard let database = configuration.stateDatabase else {
            let path = configuration.statePath
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try StateStore(path: path, readOnly: readOnly)
        }
        return try PostgresBackend.storeIfPresent(url: database.value, readOnly: readOnly)
    }
}
