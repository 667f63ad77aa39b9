import Foundation
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
        let rows = try decode(query("SELECT playbook_id, watermark, plan_key, updated_at, last_error, last_error_at FROM playbook_state")) { row in
            (
                try row.string(0),
                PlaybookProgress(
                    watermark: try row.int64(1), planKey: try row.optionalString(2), updatedAt: try row.int64(3), lastError: try row.optionalString(4),
                    lastErrorAt: try row.optionalInt64(5))
            )
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// Every playbook's watermark.
    package func watermarks() throws(StateError) -> [String: Int64] {
        let rows = try decode(query("SELECT playbook_id, watermark FROM playbook_state")) { (try $0.string(0), try $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// Records occurrences with their deliveries and moves watermarks forward, in one
    /// transaction, as ``SQLiteBackend/commit(_:watermarks:planKeys:now:)``.
    ///
    /// Instances plan the same playbooks: the transaction first takes an advisory lock per
    /// playbook it touches (in sorted order, so two of them never wait on each other), so
    /// planning is serialized per playbook, not globally. Inserts that meet an existing row do
    /// nothing and are not counted. A commit that queued deliveries wakes waiting daemons.
    package func commit(_ items: [OccurrenceBatchItem], watermarks: [String: Int64], planKeys: [String: String], now: Int64) throws(StateError)
        -> CommitSummary
    {
        try write { transaction in
            let playbooks = Set(items.map(\.occurrence.playbookId)).union(watermarks.keys).sorted()
            for playbook in playbooks {
                try transaction.run("SELECT pg_advisory_xact_lock(hashtextextended('opscadence:playbook:' || \(playbook), 0))")
            }
            var summary = CommitSummary()
            for item in items {
                let occurrence = item.occurrence
                let inserted = try transaction.rows(
                    """
                    INSERT INTO occurrence (id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at, agenda_path)
                    VALUES (COALESCE(\(occurrence.id), nextval(pg_get_serial_sequence('occurrence', 'id'))), \(occurrence.playbookId),
                        \(occurrence.scheduledAt), \(Int64(occurrence.utcOffset)), \(occurrence.nominalLocal), \(occurrence.status.rawValue),
                        \(occurrence.recordedAt), \(occurrence.agendaPath))
                    ON CONFLICT DO NOTHING RETURNING id
                    """)
                let occurrenceId: Int64
                if let row = inserted.first {
                    summary.occurrences += 1
                    occurrenceId = try row.int64(0)
                } else {
                    guard occurrence.status == .handled,
                        let existing = try transaction.rows(
                            "SELECT id, status FROM occurrence WHERE playbook_id = \(occurrence.playbookId) AND scheduled_at = \(occurrence.scheduledAt)"
                        ).first,
                        try existing.string(1) == OccurrenceStatus.handled.rawValue
                    else { continue }
                    occurrenceId = try existing.int64(0)
                }
                for delivery in item.deliveries {
                    let inserted = try transaction.rows(
                        """
                        INSERT INTO delivery (id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state, attempts,
                            next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at, last_attempt_at, last_status,
                            last_error, delivered_at, created_at, checklist_item)
                        VALUES (COALESCE(\(delivery.id), nextval(pg_get_serial_sequence('delivery', 'id'))), \(occurrenceId), \(delivery.playbookId),
                            \(delivery.target), \(delivery.beforeSeconds), \(delivery.reminderAt), \(delivery.idempotencyKey), \(delivery.state.rawValue),
                            \(delivery.attempts), \(delivery.nextAttemptAt), \(delivery.expiresAt), \(delivery.leaseOwner), \(delivery.leaseExpiresAt),
                            \(delivery.firstAttemptAt), \(delivery.lastAttemptAt), \(delivery.lastStatus), \(delivery.lastError), \(delivery.deliveredAt),
                            \(delivery.createdAt), \(delivery.checklistItem))
                        ON CONFLICT DO NOTHING RETURNING id
                        """)
                    summary.deliveries += inserted.count
                }
            }
            for (playbook, watermark) in watermarks.sorted(by: { $0.key < $1.key }) {
                try transaction.run(
                    """
                    INSERT INTO playbook_state (playbook_id, watermark, updated_at, plan_key) VALUES (\(playbook), \(watermark), \(now), \(planKeys[playbook]))
                    ON CONFLICT (playbook_id) DO UPDATE SET
                        watermark = GREATEST(playbook_state.watermark, excluded.watermark), updated_at = excluded.updated_at,
                        plan_key = COALESCE(excluded.plan_key, playbook_state.plan_key), last_error = NULL, last_error_at = NULL
                    """)
            }
            if summary.deliveries > 0 { try transaction.notifyWork() }
            return summary
        }
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
