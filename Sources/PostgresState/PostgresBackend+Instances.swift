import PostgresNIO
import StateStore
import Timekeeping

// The instances that tick on this state, for `status` and `doctor`.
extension PostgresBackend {
    /// Upserts the instance in one statement (its own short transaction): every instance
    /// writes only its own row, so ticks of different instances never wait for each other here.
    package func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64, tickDuration: Duration?) throws(StateError) {
        _ = try query(
            """
            INSERT INTO instance (name, host, pid, version, started_at, last_tick_at, last_tick_duration_ms)
            VALUES (\(name), \(host), \(Int64(pid)), \(version), \(now), \(now), \(tickDuration.map { Int64($0.milliseconds) }))
            ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version,
                last_tick_at = excluded.last_tick_at, last_tick_duration_ms = excluded.last_tick_duration_ms
            """)
    }

    /// In the instance's row: every instance of a shared state notes its ticks there.
    package func recordTick(name: String, host: String, pid: Int, version: String, now: Int64, duration: Duration) throws(StateError) {
        try recordInstance(name: name, host: host, pid: pid, version: version, now: now, tickDuration: duration)
    }

    package func instances(seenSince since: Int64) throws(StateError) -> [InstanceRecord] {
        let rows = try read { transaction -> [PostgresRandomAccessRow] in
            // A read-only open does not upgrade: a schema still at v6 (no instance of this
            // version has written to it yet) has no such table, and no instances to show.
            guard try transaction.rows("SELECT to_regclass('instance') IS NOT NULL").first?.bool(0) == true else { return [] }
            return try transaction.rows(
                """
                SELECT name, host, pid, version, started_at, last_tick_at FROM instance WHERE last_tick_at >= \(since)
                ORDER BY last_tick_at DESC, name COLLATE "C"
                """)
        }
        return try decode(rows) { row in
            InstanceRecord(
                name: try row.string(0), host: try row.string(1), pid: try row.int(2), version: try row.string(3),
                startedAt: try row.int64(4), lastTickAt: try row.int64(5))
        }
    }
}
