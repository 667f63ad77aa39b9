import PostgresNIO
import StateStore

extension PostgresBackend {
    /// What `doctor` reports, read in one transaction. `integrity` is "ok" after the round
    /// trip: PostgreSQL checks its own pages as it reads them (``integrityCheck()``), so
    /// `thorough` changes nothing here. `schema` is the stored version (`v9`).
    package func health(now: Int64, thorough: Bool) throws(StateError) -> StateHealth {
        let rows = try read { transaction in
            try transaction.rows(
                """
                SELECT
                    (SELECT version FROM opscadence_schema WHERE application = 'opscadence'),
                    (SELECT MAX(updated_at) FROM playbook_state),
                    (SELECT COUNT(*) FROM delivery d WHERE NOT EXISTS (SELECT 1 FROM occurrence o WHERE o.id = d.occurrence_id)),
                    (SELECT COUNT(*) FROM delivery WHERE state = 'sending' AND COALESCE(lease_expires_at, 0) < \(now)),
                    (SELECT COUNT(*) FROM delivery WHERE state = 'dead'),
                    ARRAY(SELECT playbook_id FROM playbook_state ORDER BY playbook_id COLLATE "C")
                """)
        }
        return try decode(rows) { row in
            StateHealth(
                integrity: "ok", schema: try row.optionalInt(0).map { "v\($0)" } ?? "none", lastTickAt: try row.optionalInt64(1),
                recordedPlaybooks: try row[5].decode([String].self), orphanedDeliveries: try row.int(2), abandonedClaims: try row.int(3),
                deadDeliveries: try row.int(4))
        }.first ?? StateHealth(integrity: "ok", schema: "none", lastTickAt: nil, recordedPlaybooks: [], orphanedDeliveries: 0, abandonedClaims: 0, deadDeliveries: 0)
    }

    /// The numbers `/metrics` exports, read in one transaction.
    package func metrics(now: Int64) throws(StateError) -> StateMetrics {
        let (states, totals) = try read { transaction in
            (
                try transaction.rows("SELECT state, COUNT(*) FROM delivery GROUP BY state"),
                try transaction.rows(
                    """
                    SELECT
                        (SELECT COUNT(*) FROM delivery WHERE state IN ('pending', 'retrying') AND next_attempt_at <= \(now)),
                        (SELECT MAX(updated_at) FROM playbook_state),
                        (SELECT COUNT(*) FROM playbook_state WHERE last_error IS NOT NULL),
                        (SELECT last_tick_at FROM instance ORDER BY last_tick_at DESC, name COLLATE "C" LIMIT 1),
                        (SELECT last_tick_duration_ms FROM instance ORDER BY last_tick_at DESC, name COLLATE "C" LIMIT 1)
                    """)
            )
        }
        var deliveries = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, 0) })
        for (state, n) in try decode(states, { (try $0.string(0), try $0.int(1)) }) { deliveries[state] = n }
        let (due, progress, failing, tickAt, tickMilliseconds) = try decode(totals) {
            (try $0.int(0), try $0.optionalInt64(1), try $0.int(2), try $0.optionalInt64(3), try $0.optionalInt64(4))
        }.first ?? (0, nil, 0, nil, nil)
        // The newest instance's last tick, as every instance notes its ticks in its row.
        return StateMetrics(
            deliveries: deliveries, due: due, lastTickAt: [progress, tickAt].compactMap { $0 }.max(),
            lastTickDuration: tickMilliseconds.map { Double($0) / 1000 }, failingPlaybooks: failing)
    }
}
