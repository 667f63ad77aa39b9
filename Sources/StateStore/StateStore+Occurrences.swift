import GRDB

/// An occurrence to record, with the deliveries it queues.
package struct OccurrenceBatchItem: Sendable {
    package var occurrence: OccurrenceRecord
    package var deliveries: [DeliveryRecord]

    package init(occurrence: OccurrenceRecord, deliveries: [DeliveryRecord]) {
        self.occurrence = occurrence
        self.deliveries = deliveries
    }
}

/// How many occurrences and deliveries a commit actually added (duplicates are ignored).
package struct CommitSummary: Sendable, Equatable {
    package var occurrences = 0
    package var deliveries = 0

    package init(occurrences: Int = 0, deliveries: Int = 0) {
        self.occurrences = occurrences
        self.deliveries = deliveries
    }
}

/// How far a playbook has been planned: its watermark and what it was computed for.
package struct PlaybookProgress: Sendable, Hashable {
    /// Every occurrence opening at or before it has been decided.
    package var watermark: Int64
    /// The playbook's ``plan key`` when the watermark was stored; nil in files from before v3.
    package var planKey: String?
    /// When a tick last stored it.
    package var updatedAt: Int64
    /// Why the playbook's last tick failed, if it did and has not succeeded since.
    package var lastError: String?
    package var lastErrorAt: Int64?

    package init(watermark: Int64, planKey: String?, updatedAt: Int64, lastError: String? = nil, lastErrorAt: Int64? = nil) {
        self.watermark = watermark
        self.planKey = planKey
        self.updatedAt = updatedAt
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

extension SQLiteBackend {
    /// Every playbook's progress.
    package func progress() throws(StateError) -> [String: PlaybookProgress] {
        try read { db in
            var result: [String: PlaybookProgress] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT playbook_id, watermark, plan_key, updated_at, last_error, last_error_at FROM playbook_state")
            {
                result[row[0]] = PlaybookProgress(
                    watermark: row[1], planKey: row[2], updatedAt: row[3], lastError: row[4], lastErrorAt: row[5])
            }
            return result
        }
    }

    /// Every playbook's watermark.
    package func watermarks() throws(StateError) -> [String: Int64] {
        try read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT playbook_id, watermark FROM playbook_state") {
                result[row["playbook_id"]] = row["watermark"]
            }
            return result
        }
    }

    /// The progress of `playbooks` as stored now.
    package func progress(of playbooks: [String]) throws(StateError) -> [String: PlaybookProgress] {
        let wanted = Set(playbooks)
        return try progress().filter { wanted.contains($0.key) }
    }

    /// Every playbook: one process at a time plans a SQLite state (the workspace lock).
    package func claimPlanning(_ playbooks: [String]) throws(StateError) -> [String] {
        playbooks
    }

    /// Nothing to give back (see ``claimPlanning(_:)``).
    package func releasePlanning(_ playbooks: [String]) throws(StateError) {}

    /// Records occurrences with their deliveries and moves watermarks forward, in one transaction.
    ///
    /// An occurrence already recorded (same playbook and instant) keeps its status and its
    /// deliveries; if it was handled and the item is too, reminders it does not have yet (a lead
    /// or target added to the playbook since) are queued, each still at most once. A watermark
    /// never moves backwards; `planKeys` are stored with it.
    @discardableResult
    package func commit(
        _ items: [OccurrenceBatchItem], watermarks: [String: Int64], planKeys: [String: String] = [:], now: Int64
    ) throws(StateError) -> CommitSummary {
        try write { db in
            var summary = CommitSummary()
            for item in items {
                var occurrence = item.occurrence
                try occurrence.insert(db, onConflict: .ignore)
                let occurrenceId: Int64
                if db.changesCount > 0, let id = occurrence.id {
                    summary.occurrences += 1
                    occurrenceId = id
                } else {
                    guard item.occurrence.status == .handled,
                        let existing = try Row.fetchOne(
                            db, sql: "SELECT id, status FROM occurrence WHERE playbook_id = ? AND scheduled_at = ?",
                            arguments: [item.occurrence.playbookId, item.occurrence.scheduledAt]),
                        existing[1] == OccurrenceStatus.handled.rawValue
                    else { continue }
                    occurrenceId = existing[0]
                }
                for var delivery in item.deliveries {
                    delivery.occurrenceId = occurrenceId
                    try delivery.insert(db, onConflict: .ignore)
                    if db.changesCount > 0 { summary.deliveries += 1 }
                }
            }
            for (playbook, watermark) in watermarks {
                try db.execute(
                    sql: """
                        INSERT INTO playbook_state (playbook_id, watermark, updated_at, plan_key) VALUES (?, ?, ?, ?)
                        ON CONFLICT (playbook_id) DO UPDATE SET
                            watermark = MAX(watermark, excluded.watermark), updated_at = excluded.updated_at,
                            plan_key = COALESCE(excluded.plan_key, plan_key), last_error = NULL, last_error_at = NULL
                        """, arguments: [playbook, watermark, now, planKeys[playbook]])
            }
            return summary
        }
    }

    /// Records that a playbook's tick failed: its watermark stays, so the next tick tries the
    /// same occurrences again; `status` shows the error until a tick succeeds.
    package func recordFailure(playbook: String, error: String, now: Int64) throws(StateError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE playbook_state SET last_error = ?, last_error_at = ? WHERE playbook_id = ?
                    """, arguments: [error, now, playbook])
        }
    }

    /// Handled occurrences whose start lies in `range`, oldest first.
    package func handledOccurrences(startingIn range: ClosedRange<Int64>, playbook: String? = nil) throws(StateError) -> [OccurrenceRecord] {
        try read { db in
            var request = OccurrenceRecord.filter(
                Column("status") == OccurrenceStatus.handled.rawValue && Column("scheduled_at") >= range.lowerBound
                    && Column("scheduled_at") <= range.upperBound)
            if let playbook { request = request.filter(Column("playbook_id") == playbook) }
            return try request.order(Column("scheduled_at"), Column("playbook_id")).fetchAll(db)
        }
    }

    /// Drops the queued deliveries of occurrences that no longer exist (the playbook's schedule
    /// changed after they were recorded), with `reason`. Returns how many were dropped.
    @discardableResult
    package func dropQueuedDeliveries(ofOccurrences ids: [Int64], reason: String) throws(StateError) -> Int {
        guard !ids.isEmpty else { return 0 }
        return try write { db in
            var dropped = 0
            for id in ids {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'dropped', last_error = ? WHERE occurrence_id = ? AND state IN ('pending', 'retrying')",
                    arguments: [reason, id])
                dropped += db.changesCount
            }
            return dropped
        }
    }

    /// The most recent recorded occurrence of each playbook.
    package func lastOccurrences() throws(StateError) -> [String: OccurrenceRecord] {
        try read { db in
            let records = try OccurrenceRecord.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM occurrence o
                    JOIN (SELECT playbook_id, MAX(scheduled_at) AS latest FROM occurrence GROUP BY playbook_id) m
                    ON o.playbook_id = m.playbook_id AND o.scheduled_at = m.latest
                    """)
            return Dictionary(uniqueKeysWithValues: records.map { ($0.playbookId, $0) })
        }
    }

    /// Recorded occurrences of a playbook, newest first.
    package func occurrences(playbook: String, limit: Int = 100) throws(StateError) -> [OccurrenceRecord] {
        try read { db in
            try OccurrenceRecord.filter(Column("playbook_id") == playbook).order(Column("scheduled_at").desc).limit(limit)
                .fetchAll(db)
        }
    }

    /// Every recorded occurrence, oldest first (for checks and exports).
    package func allOccurrences() throws(StateError) -> [OccurrenceRecord] {
        try read { db in try OccurrenceRecord.order(Column("scheduled_at"), Column("playbook_id")).fetchAll(db) }
    }
}
