import GRDB

/// One OpsCadence process that ticks on a shared state, as `status` and `doctor` list them.
package struct InstanceRecord: Sendable, Hashable, Codable {
    /// The key, so that what ticks again updates its own row: `host:pid` for an `opscadence
    /// run` process; `host:/workspace/folder` for the `tick`s cron (or a timer) starts there,
    /// a new process each minute that is one instance all the same.
    package var name: String
    package var host: String
    package var pid: Int
    /// The binary's version (`opscadence --version`), to spot an instance left on an old release.
    package var version: String
    /// The first tick this process recorded (epoch seconds).
    package var startedAt: Int64
    /// Its latest tick (epoch seconds, the tick's clock: `--now` in a replay).
    package var lastTickAt: Int64

    package init(name: String, host: String, pid: Int, version: String, startedAt: Int64, lastTickAt: Int64) {
        self.name = name
        self.host = host
        self.pid = pid
        self.version = version
        self.startedAt = startedAt
        self.lastTickAt = lastTickAt
    }

    /// The workspace folder of an instance made of scheduled `tick`s; nil for a `run` process.
    package var tickFolder: String? {
        guard name.hasPrefix(host + ":") else { return nil }
        let rest = name.dropFirst(host.count + 1)
        return rest.hasPrefix("/") ? String(rest) : nil
    }
}

extension StateStore {
    /// Notes that the instance `name` (see ``InstanceRecord/name``) ticked at `now`, in one short transaction:
    /// the first call inserts it (`started_at` = `now`), later ones move `last_tick_at` (and
    /// the version, host and pid, which a name reused after a restart may change).
    package func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64) throws(StateError) {
        try backend.recordInstance(name: name, host: host, pid: pid, version: version, now: now)
    }

    /// Instances whose last tick is at or after `since`, newest tick first.
    package func instances(seenSince since: Int64) throws(StateError) -> [InstanceRecord] {
        try backend.instances(seenSince: since)
    }
}

extension SQLiteBackend {
    package func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64) throws(StateError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO instance (name, host, pid, version, started_at, last_tick_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version,
                        last_tick_at = excluded.last_tick_at
                    """, arguments: [name, host, pid, version, now, now])
        }
    }

    package func instances(seenSince since: Int64) throws(StateError) -> [InstanceRecord] {
        try read { db in
            // A file opened read-only is not migrated: one still at v6 has no such table, and
            // simply has no instances to show.
            guard try db.tableExists("instance") else { return [] }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT name, host, pid, version, started_at, last_tick_at FROM instance WHERE last_tick_at >= ?
                    ORDER BY last_tick_at DESC, name
                    """, arguments: [since]
            ).map { row in
                InstanceRecord(
                    name: row[0], host: row[1], pid: row[2], version: row[3], startedAt: row[4], lastTickAt: row[5])
            }
        }
    }
}
