import GRDB

/// What `opscadence doctor` and `run`'s periodic check learn about a state file.
package struct StateHealth: Sendable, Equatable {
    /// `ok`, or SQLite's findings (a damaged page, a broken index).
    package var integrity: String
    /// The newest migration applied (`v3`).
    package var schema: String
    /// When a tick last stored a playbook's progress; nil before the first tick.
    package var lastTickAt: Int64?
    /// Playbooks with recorded progress, by id (to find ones no longer in the workspace).
    package var recordedPlaybooks: [String]
    /// Deliveries whose occurrence row is missing.
    package var orphanedDeliveries: Int
    /// Deliveries left `sending` whose lease has ended: a process died mid-send and no tick has
    /// run since to recover them.
    package var abandonedClaims: Int
    /// Deliveries that failed for good.
    package var deadDeliveries: Int

    package init(
        integrity: String, schema: String, lastTickAt: Int64?, recordedPlaybooks: [String], orphanedDeliveries: Int, abandonedClaims: Int,
        deadDeliveries: Int
    ) {
        self.integrity = integrity
        self.schema = schema
        self.lastTickAt = lastTickAt
        self.recordedPlaybooks = recordedPlaybooks
        self.orphanedDeliveries = orphanedDeliveries
        self.abandonedClaims = abandonedClaims
        self.deadDeliveries = deadDeliveries
    }
}

extension SQLiteBackend {
    /// `PRAGMA quick_check`: "ok" or SQLite's findings. Reads every page, so it finds damage
    /// that no query has touched, in a fraction of `integrity_check`'s time.
    package func quickCheck() throws(StateError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA quick_check").joined(separator: "; ") }
    }

    package func leaseHolders(now: Int64) throws(StateError) -> [(owner: String, count: Int)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT lease_owner, COUNT(*) FROM delivery WHERE state = 'sending' AND lease_expires_at >= ?
                    GROUP BY lease_owner ORDER BY lease_owner
                    """, arguments: [now]
            ).map { (owner: $0[0] as String? ?? "?", count: $0[1] as Int) }
        }
    }

    /// Everything `doctor` reports about the file. `thorough` runs `integrity_check` instead of
    /// `quick_check`.
    package func health(now: Int64, thorough: Bool = true) throws(StateError) -> StateHealth {
        try read { db in
            let check = thorough ? "PRAGMA integrity_check" : "PRAGMA quick_check"
            return StateHealth(
                integrity: try String.fetchAll(db, sql: check).joined(separator: "; "),
                schema: Schema.newest(try Schema.migrator.appliedIdentifiers(db)) ?? "none",
                lastTickAt: try Int64.fetchOne(db, sql: "SELECT MAX(updated_at) FROM playbook_state"),
                recordedPlaybooks: try String.fetchAll(db, sql: "SELECT playbook_id FROM playbook_state ORDER BY playbook_id"),
                orphanedDeliveries: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM delivery WHERE occurrence_id NOT IN (SELECT id FROM occurrence)") ?? 0,
                abandonedClaims: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'sending' AND COALESCE(lease_expires_at, 0) < ?", arguments: [now]) ?? 0,
                deadDeliveries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'dead'") ?? 0)
        }
    }
}

/// What `/metrics` exports: counts a monitor alerts on.
package struct StateMetrics: Sendable, Equatable {
    /// Deliveries by state name.
    package var deliveries: [String: Int]
    /// Queued deliveries whose time has come (pending or retrying, due at or before now).
    package var due: Int
    /// When the last tick started (or, before any was noted, the last progress a tick
    /// recorded), if ever.
    package var lastTickAt: Int64?
    /// How long the last tick took, in seconds, if one was noted.
    package var lastTickDuration: Double?
    /// Playbooks whose last tick failed.
    package var failingPlaybooks: Int

    package init(deliveries: [String: Int], due: Int, lastTickAt: Int64?, lastTickDuration: Double? = nil, failingPlaybooks: Int) {
        self.deliveries = deliveries
        self.due = due
        self.lastTickAt = lastTickAt
        self.lastTickDuration = lastTickDuration
        self.failingPlaybooks = failingPlaybooks
    }
}

extension SQLiteBackend {
    /// The numbers `/metrics` exports, read in one transaction.
    package func metrics(now: Int64) throws(StateError) -> StateMetrics {
        let tick = lastTick()
        return try read { db in
            var deliveries = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") {
                deliveries[row["state"]] = row["n"]
            }
            let progress = try Int64.fetchOne(db, sql: "SELECT MAX(updated_at) FROM playbook_state")
            return StateMetrics(
                deliveries: deliveries,
                due: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM delivery WHERE state IN ('pending', 'retrying') AND next_attempt_at <= ?", arguments: [now]) ?? 0,
                lastTickAt: [progress, tick?.at].compactMap { $0 }.max(),
                lastTickDuration: tick.map { Double($0.milliseconds) / 1000 },
                failingPlaybooks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM playbook_state WHERE last_error IS NOT NULL") ?? 0)
        }
    }
}
