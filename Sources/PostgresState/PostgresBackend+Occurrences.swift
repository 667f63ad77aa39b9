import Foundation
import Playbooks
import PostgresNIO
import StateStore

extension PostgresBackend {
    static let occurrenceColumns = "id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at, agenda_path"

    static func occurrenceRecord(_ row: PostgresRandomAccessRow) throws -> OccurrenceRecord {
        guard let status = OccurrenceStatus(rawValue: try row.string(5)) else { throw PostgresDecodingError.Code.failure }
        return OccurrenceRecord(
            id: try row.int64(0), playbookId: try row.string(1), scheduledAt: try row.int64(2), utcOffset: Int32(try row.int64(3)),
            nominalLocal: try row.string(4), status: status, recordedAt: try row.int64(6), agendaPath: try row.optionalString(7))
    }

    /// Occurrences selected by `query`, whose `SELECT *` stands for ``occurrenceColumns``.
    private func occurrences(_ query: PostgresQuery) throws(StateError) -> [OccurrenceRecord] {
        var query = query
        query.sql = query.sql.replacingOccurrences(of: "SELECT *", with: "SELECT " + Self.occurrenceColumns)
        return try decode(self.query(query), Self.occurrenceRecord)
    }

    /// Every playbook's progress.
    package func progress() throws(StateError) -> [String: PlaybookProgress] {
        let rows = try decode(
            query("SELECT playbook_id, watermark, plan_key, updated_at, last_error, last_error_at FROM playbook_state"), Self.progressRow)
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// Every playbook's watermark.
    package func watermarks() throws(StateError) -> [String: Int64] {
        let rows = try decode(query("SELECT playbook_id, watermark FROM playbook_state")) { (try $0.string(0), try $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// The progress of `playbooks` as stored now.
    package func progress(of playbooks: [String]) throws(StateError) -> [String: PlaybookProgress] {
        let rows = try decode(
            query(
                """
                SELECT playbook_id, watermark, plan_key, updated_at, last_error, last_error_at FROM playbook_state
                WHERE playbook_id = ANY(\(playbooks))
                """), Self.progressRow)
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    static func progressRow(_ row: PostgresRandomAccessRow) throws -> (String, PlaybookProgress) {
        (
            try row.string(0),
            PlaybookProgress(
                watermark: try row.int64(1), planKey: try row.optionalString(2), updatedAt: try row.int64(3), lastError: try row.optionalString(4),
                lastErrorAt: try row.optionalInt64(5))
        )
    }

    /// What a playbook's advisory lock key is made from, with the playbook's id. Advisory locks
    /// are shared by the whole database: the schema keeps two workspaces' playbooks of one
    /// name apart.
    var playbookLockPrefix: String { "opscadence:\(location.schema):playbook:" }

    /// Takes the playbooks no other instance is planning: a session-level advisory lock per
    /// playbook, tried without waiting, one round trip for the whole list. It is the lock that
    /// ``commit(_:watermarks:planKeys:now:)`` takes for its transaction, so this session's
    /// commit of these playbooks goes through at once and another instance's waits.
    ///
    /// A claim only saves work: should the connection drop, and the locks with it, two
    /// instances may plan one playbook, and the commit's own lock and unique keys still record
    /// each occurrence once.
    package func claimPlanning(_ playbooks: [String]) throws(StateError) -> [String] {
        guard !playbooks.isEmpty else { return [] }
        let taken = try decode(
            query(
                """
                SELECT p FROM unnest(\(playbooks)::text[]) AS p
                WHERE pg_try_advisory_lock(hashtextextended(\(playbookLockPrefix) || p, 0))
                """)
        ) { try $0.string(0) }
        let claimed = Set(taken)
        return playbooks.filter { claimed.contains($0) }
    }

    /// Gives back playbooks taken by ``claimPlanning(_:)``.
    package func releasePlanning(_ playbooks: [String]) throws(StateError) {
        guard !playbooks.isEmpty else { return }
        _ = try query(
            """
            SELECT count(pg_advisory_unlock(hashtextextended(\(playbookLockPrefix) || p, 0))) FROM unnest(\(playbooks)::text[]) AS p
            """)
    }

    /// Records occurrences with their deliveries and moves watermarks forward, in one
    /// transaction, as ``SQLiteBackend/commit(_:watermarks:planKeys:now:)``.
    ///
    /// Instances plan the same playbooks: the transaction first takes an advisory lock per
    /// playbook it touches (in sorted order, so two of them never wait on each other), so
    /// planning is serialized per playbook, not globally. Inserts that meet an existing row do
    /// nothing and are not counted. A commit that queued deliveries wakes waiting daemons.
    ///
    /// Each step is one statement for the whole batch (the rows travel as one JSON array), so a
    /// commit of ten thousand occurrences costs a handful of round trips, not tens of thousands.
    package func commit(_ items: [OccurrenceBatchItem], watermarks: [String: Int64], planKeys: [String: String], now: Int64) throws(StateError)
        -> CommitSummary
    {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        return try write { transaction in
            let playbooks = Set(items.map(\.occurrence.playbookId)).union(watermarks.keys).sorted()
            guard !playbooks.isEmpty else { return CommitSummary() }
            try transaction.run(
                """
                SELECT count(pg_advisory_xact_lock(hashtextextended(\(playbookLockPrefix) || p, 0))) FROM unnest(\(playbooks)::text[]) AS p
                """)
            var summary = CommitSummary()
            // Where each item's occurrence stands: its id and the status it is stored with.
            var stored: [OccurrenceKey: (id: Int64, status: String)] = [:]
            var inserted: Set<OccurrenceKey> = []
            if !items.isEmpty {
                let rows = try transaction.rows(
                    """
                    INSERT INTO occurrence (id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at, agenda_path)
                    SELECT COALESCE(r.id, nextval(pg_get_serial_sequence('occurrence', 'id'))), r.playbook_id, r.scheduled_at, r.utc_offset,
                        r.nominal_local, r.status, r.recorded_at, r.agenda_path
                    FROM json_to_recordset(\(try json(items.map(\.occurrence)))::json) AS r(id bigint, playbook_id text,
                        scheduled_at bigint, utc_offset integer, nominal_local text, status text, recorded_at bigint, agenda_path text)
                    ON CONFLICT DO NOTHING RETURNING id, playbook_id, scheduled_at, status
                    """)
                summary.occurrences = rows.count
                for row in rows {
                    let key = OccurrenceKey(playbook: try row.string(1), scheduledAt: try row.int64(2))
                    stored[key] = (try row.int64(0), try row.string(3))
                    inserted.insert(key)
                }
                let existing = items.filter { $0.occurrence.status == .handled && stored[OccurrenceKey($0.occurrence)] == nil }
                if !existing.isEmpty {
                    let rows = try transaction.rows(
                        """
                        SELECT o.id, o.playbook_id, o.scheduled_at, o.status FROM occurrence o
                        JOIN json_to_recordset(\(try json(existing.map(\.occurrence)))::json) AS r(playbook_id text, scheduled_at bigint)
                            ON o.playbook_id = r.playbook_id AND o.scheduled_at = r.scheduled_at
                        """)
                    for row in rows {
                        stored[OccurrenceKey(playbook: try row.string(1), scheduledAt: try row.int64(2))] = (try row.int64(0), try row.string(3))
                    }
                }
            }
            var deliveries: [DeliveryRecord] = []
            for item in items {
                let key = OccurrenceKey(item.occurrence)
                guard let occurrence = stored[key] else { continue }
                // Reminders go with the row inserted for this item (the first item of its key),
                // or with a handled row already there when this item is handled too (a lead or
                // target added since).
                let isInsertedRow = inserted.remove(key) != nil
                guard isInsertedRow || (item.occurrence.status == .handled && occurrence.status == OccurrenceStatus.handled.rawValue) else { continue }
                for var delivery in item.deliveries {
                    delivery.occurrenceId = occurrence.id
                    deliveries.append(delivery)
                }
            }
            if !deliveries.isEmpty {
                summary.deliveries = try transaction.changes(
                    """
                    INSERT INTO delivery (id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state, attempts,
                        next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at, last_attempt_at, last_status,
                        last_error, delivered_at, created_at, checklist_item)
                    SELECT COALESCE(r.id, nextval(pg_get_serial_sequence('delivery', 'id'))), r.occurrence_id, r.playbook_id, r.target,
                        r.before_seconds, r.reminder_at, r.idempotency_key, r.state, r.attempts, r.next_attempt_at, r.expires_at, r.lease_owner,
                        r.lease_expires_at, r.first_attempt_at, r.last_attempt_at, r.last_status, r.last_error, r.delivered_at, r.created_at,
                        r.checklist_item
                    FROM json_to_recordset(\(try json(deliveries))::json) AS r(id bigint, occurrence_id bigint, playbook_id text,
                        target text, before_seconds integer, reminder_at bigint, idempotency_key text, state text, attempts integer,
                        next_attempt_at bigint, expires_at bigint, lease_owner text, lease_expires_at bigint, first_attempt_at bigint,
                        last_attempt_at bigint, last_status integer, last_error text, delivered_at bigint, created_at bigint,
                        checklist_item integer)
                    ON CONFLICT DO NOTHING
                    """)
            }
            if !watermarks.isEmpty {
                let rows = watermarks.sorted { $0.key < $1.key }.map { WatermarkRow(playbookId: $0.key, watermark: $0.value, planKey: planKeys[$0.key]) }
                try transaction.run(
                    """
                    INSERT INTO playbook_state (playbook_id, watermark, updated_at, plan_key)
                    SELECT r.playbook_id, r.watermark, \(now), r.plan_key FROM json_to_recordset(\(try json(rows))::json)
                        AS r(playbook_id text, watermark bigint, plan_key text)
                    ON CONFLICT (playbook_id) DO UPDATE SET
                        watermark = GREATEST(playbook_state.watermark, excluded.watermark), updated_at = excluded.updated_at,
                        plan_key = COALESCE(excluded.plan_key, playbook_state.plan_key), last_error = NULL, last_error_at = NULL
                    """)
            }
            if summary.deliveries > 0 { try transaction.notifyWork() }
            return summary
        }
    }

    /// An occurrence's unique key.
    private struct OccurrenceKey: Hashable {
        var playbook: String
        var scheduledAt: Int64

        init(playbook: String, scheduledAt: Int64) {
            self.playbook = playbook
            self.scheduledAt = scheduledAt
        }

        init(_ record: OccurrenceRecord) {
            self.init(playbook: record.playbookId, scheduledAt: record.scheduledAt)
        }
    }

    /// A watermark to store, as the commit's JSON carries it.
    private struct WatermarkRow: Encodable {
        var playbookId: String
        var watermark: Int64
        var planKey: String?
    }

    /// Records that a playbook's tick failed; its watermark stays.
    package func recordFailure(playbook: String, error: String, now: Int64) throws(StateError) {
        try write { transaction in
            try transaction.run("UPDATE playbook_state SET last_error = \(error), last_error_at = \(now) WHERE playbook_id = \(playbook)")
        }
    }

    /// Handled occurrences whose start lies in `range`, oldest first.
    package func handledOccurrences(startingIn range: ClosedRange<Int64>, playbook: String?) throws(StateError) -> [OccurrenceRecord] {
        if let playbook {
            return try occurrences(
                """
                SELECT * FROM occurrence WHERE status = 'handled' AND scheduled_at BETWEEN \(range.lowerBound) AND \(range.upperBound)
                AND playbook_id = \(playbook) ORDER BY scheduled_at, playbook_id COLLATE "C"
                """)
        }
        return try occurrences(
            """
            SELECT * FROM occurrence WHERE status = 'handled' AND scheduled_at BETWEEN \(range.lowerBound) AND \(range.upperBound)
            ORDER BY scheduled_at, playbook_id COLLATE "C"
            """)
    }

    /// Drops the queued deliveries of occurrences that no longer exist, with `reason`.
    package func dropQueuedDeliveries(ofOccurrences ids: [Int64], reason: String) throws(StateError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try write { transaction in
            try transaction.changes(
                "UPDATE delivery SET state = 'dropped', last_error = \(reason) WHERE occurrence_id = ANY(\(ids)) AND state IN ('pending', 'retrying')")
        }
    }

    /// The most recent recorded occurrence of each playbook.
    package func lastOccurrences() throws(StateError) -> [String: OccurrenceRecord] {
        let records = try occurrences(
            """
            SELECT * FROM occurrence o WHERE scheduled_at = (SELECT MAX(scheduled_at) FROM occurrence m WHERE m.playbook_id = o.playbook_id)
            """)
        return Dictionary(records.map { ($0.playbookId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Recorded occurrences of a playbook, newest first.
    package func occurrences(playbook: String, limit: Int) throws(StateError) -> [OccurrenceRecord] {
        try occurrences("SELECT * FROM occurrence WHERE playbook_id = \(playbook) ORDER BY scheduled_at DESC LIMIT \(limit)")
    }

    /// Every recorded occurrence, oldest first.
    package func allOccurrences() throws(StateError) -> [OccurrenceRecord] {
        try occurrences("SELECT * FROM occurrence ORDER BY scheduled_at, playbook_id COLLATE \"C\"")
    }
}
