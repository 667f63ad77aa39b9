import GRDB

/// An occurrence to record, with the deliveries it queues.
public struct OccurrenceBatchItem: Sendable {
    public var occurrence: OccurrenceRecord
    public var deliveries: [DeliveryRecord]

    public init(occurrence: OccurrenceRecord, deliveries: [DeliveryRecord]) {
        self.occurrence = occurrence
        self.deliveries = deliveries
    }
}

/// How many occurrences and deliveries a commit actually added (duplicates are ignored).
public struct CommitSummary: Sendable, Equatable {
    public var occurrences = 0
    public var deliveries = 0
}

extension StateStore {
    /// Every playbook's watermark.
    public func watermarks() throws(StateError) -> [String: Int64] {
        try read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT playbook_id, watermark FROM playbook_state") {
                result[row["playbook_id"]] = row["watermark"]
            }
            return result
        }
    }

    /// Records occurrences with their deliveries and moves watermarks forward, in one transaction.
    ///
    /// An occurrence already recorded (same playbook and instant) is left as it is and its
    /// deliveries are not queued again; a watermark never moves backwards.
    @discardableResult
    public func commit(_ items: [OccurrenceBatchItem], watermarks: [String: Int64], now: Int64) throws(StateError) -> CommitSummary {
        try write { db in
            var summary = CommitSummary()
            for item in items {
                var occurrence = item.occurrence
                try occurrence.insert(db, onConflict: .ignore)
                guard db.changesCount > 0, let occurrenceId = occurrence.id else { continue }
                summary.occurrences += 1
                for var delivery in item.deliveries {
                    delivery.occurrenceId = occurrenceId
                    try delivery.insert(db, onConflict: .ignore)
                    if db.changesCount > 0 { summary.deliveries += 1 }
                }
            }
            for (playbook, watermark) in watermarks {
                try db.execute(
                    sql: """
                        INSERT INTO playbook_state (playbook_id, watermark, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (playbook_id) DO UPDATE SET
                            watermark = MAX(watermark, excluded.watermark), updated_at = excluded.updated_at
                        """, arguments: [playbook, watermark, now])
            }
            return summary
        }
    }

    /// The most recent recorded occurrence of each playbook.
    public func lastOccurrences() throws(StateError) -> [String: OccurrenceRecord] {
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
    public func occurrences(playbook: String, limit: Int = 100) throws(StateError) -> [OccurrenceRecord] {
        try read { db in
            try OccurrenceRecord.filter(Column("playbook_id") == playbook).order(Column("scheduled_at").desc).limit(limit)
                .fetchAll(db)
        }
    }

    /// Every recorded occurrence, oldest first (for checks and exports).
    public func allOccurrences() throws(StateError) -> [OccurrenceRecord] {
        try read { db in try OccurrenceRecord.order(Column("scheduled_at"), Column("playbook_id")).fetchAll(db) }
    }
}
