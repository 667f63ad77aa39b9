import Playbooks
import PostgresNIO
import StateStore

extension PostgresBackend {
    /// Who holds deliveries in flight now (unexpired leases), by owner: with several instances,
    /// which ones are sending.
    package func leaseHolders(now: Int64) throws(StateError) -> [(owner: String, count: Int)] {
        let rows = try read { transaction in
            try transaction.rows(
                """
                SELECT COALESCE(lease_owner, '?'), COUNT(*) FROM delivery WHERE state = 'sending' AND lease_expires_at >= \(now)
                GROUP BY lease_owner ORDER BY COALESCE(lease_owner, '?') COLLATE "C"
                """)
        }
        return try decode(rows) { row in (owner: try row.string(0), count: try row.int(1)) }
    }

    /// Wake-ups from a LISTEN connection of its own (``PostgresWakeups``).
    package func workNotifications() -> AsyncStream<Void>? {
        PostgresWakeups.stream(location: location, logger: logger)
    }

    /// A store over the database `url` names, its tables created on first use.
    package static func store(url: String, readOnly: Bool) throws(StateError) -> StateStore {
        let location = try PostgresLocation(url)
        return StateStore(backend: try PostgresBackend(location: location, readOnly: readOnly), path: location.description)
    }

    /// A store over the database `url` names if it holds a state; nil when nothing was recorded
    /// there yet, creating nothing.
    package static func storeIfPresent(url: String, readOnly: Bool) throws(StateError) -> StateStore? {
        let location = try PostgresLocation(url)
        guard let present = try PostgresBackend.openIfPresent(location: location) else { return nil }
        let backend = readOnly ? present : try PostgresBackend(location: location, readOnly: false)
        return StateStore(backend: backend, path: location.description)
    }
}
