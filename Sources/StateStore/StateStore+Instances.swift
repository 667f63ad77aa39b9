import Foundation
import GRDB
import Timekeeping

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
    package func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64, tickDuration: Duration? = nil) throws(StateError) {
        try backend.recordInstance(name: name, host: host, pid: pid, version: version, now: now, tickDuration: tickDuration)
    }

    /// Notes that a tick of the instance `name` ended: it started at `now` and took `duration`
    /// (`/metrics` shows the last one). PostgreSQL keeps it in the instance's row; SQLite in a
    /// small file beside the state file, since an idle tick makes no commit there.
    package func recordTick(name: String, host: String, pid: Int, version: String, now: Int64, duration: Duration) throws(StateError) {
        try backend.recordTick(name: name, host: host, pid: pid, version: version, now: now, duration: duration)
    }

    /// Instances whose last tick is at or after `since`, newest tick first.
    package func instances(seenSince since: Int64) throws(StateError) -> [InstanceRecord] {
        try backend.instances(seenSince: since)
    }
}

extension SQLiteBackend {
    package func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64, tickDuration: Duration?) throws(StateError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO instance (name, host, pid, version, started_at, last_tick_at, last_tick_duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version,
                        last_tick_at = excluded.last_tick_at, last_tick_duration_ms = excluded.last_tick_duration_ms
                    """, arguments: [name, host, pid, version, now, now, tickDuration.map { Int64($0.milliseconds) }])
        }
    }

    /// `state.sqlite.last-tick` beside the state file: one process at a time ticks on SQLite, and
    /// an idle tick must stay free of write transactions (each is a durable commit), so the
    /// last tick is noted in a file, replaced whole (written aside, then renamed), not synced:
    /// losing it to a power cut loses a metric, nothing else.
    var lastTickPath: String { path + ".last-tick" }

    package func recordTick(name: String, host: String, pid: Int, version: String, now: Int64, duration: Duration) throws(StateError) {
        let text = Array("{\"at\": \(now), \"duration_ms\": \(duration.milliseconds)}\n".utf8)
        // A new file of its own (mkstemp: never a name another process or a link already holds).
        var template = Array((lastTickPath + ".XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw StateError(.unreadable, path: lastTickPath, detail: "cannot write it (\(String(cString: strerror(errno))))")
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let written = text.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == text.count
        fchmod(descriptor, 0o644)
        guard close(descriptor) == 0, written, rename(temporary, lastTickPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StateError(.unreadable, path: lastTickPath, detail: "cannot write it (\(reason))")
        }
    }

    /// The last tick noted by ``recordTick(name:host:pid:version:now:duration:)``: when it
    /// started and how long it took (milliseconds); nil if none was, or the file is not one.
    func lastTick() -> (at: Int64, milliseconds: Int64)? {
        guard let data = FileManager.default.contents(atPath: lastTickPath),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let at = (object["at"] as? NSNumber)?.int64Value, let milliseconds = (object["duration_ms"] as? NSNumber)?.int64Value
        else { return nil }
        return (at, milliseconds)
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
