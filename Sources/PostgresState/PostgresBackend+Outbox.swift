import Foundation
import PostgresNIO
import StateStore

// The reminder outbox. Several instances claim from the same queue: a claim skips rows another
// transaction holds (`FOR UPDATE SKIP LOCKED`), and every outcome is written only while its
// claimer still holds the lease (`lease_owner` in the WHERE clause: zero rows, nothing written).
extension PostgresBackend {
    /// Every column of `delivery`, in the order ``deliveryRecord(_:)`` reads them.
    static let deliveryColumns = """
        id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state, attempts,
        next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at, last_attempt_at, last_status,
        last_error, delivered_at, created_at, checklist_item
        """

    /// A row selected with ``deliveryColumns``, by position.
    static func deliveryRecord(_ row: PostgresRandomAccessRow) throws -> DeliveryRecord {
        guard let state = DeliveryState(rawValue: try row.string(7)) else {
            throw PostgresDecodingError.Code.failure
        }
        var record = DeliveryRecord(
            occurrenceId: try row.int64(1), playbookId: try row.string(2), target: try row.string(3), beforeSeconds: try row.int(4),
            reminderAt: try row.int64(5), idempotencyKey: try row.string(6), state: state, nextAttemptAt: try row.int64(9),
            expiresAt: try row.int64(10), createdAt: try row.int64(18), lastError: try row.optionalString(16), checklistItem: try row.int(19))
        record.id = try row.int64(0)
        record.attempts = try row.int(8)
        record.leaseOwner = try row.optionalString(11)
        record.leaseExpiresAt = try row.optionalInt64(12)
        record.firstAttemptAt = try row.optionalInt64(13)
        record.lastAttemptAt = try row.optionalInt64(14)
        record.lastStatus = try row.optionalInt(15)
        record.deliveredAt = try row.optionalInt64(17)
        return record
    }

    /// Rows left in `sending` whose lease has run out: their claimer died (or stalled) mid-send.
    ///
    /// Unlike on SQLite, other instances may be alive and sending right now (no file lock keeps
    /// them out), so a row whose lease has not run out is left alone, whoever holds it. Rows
    /// are locked with `FOR UPDATE SKIP LOCKED`, so two instances recovering at once take
    /// each row once. As on SQLite, the attempt counts and the row is retried with the same
    /// `webhook-id`, or is dead once it has used up its target's attempts (`attemptLimit`).
    package func recoverInterruptedDeliveries(now: Int64, attemptLimit: (String) -> Int) throws(StateError) -> (requeued: Int, dead: Int) {
        // Nearly every tick finds none: one lone read says so without a transaction.
        let anyExpired = try query("SELECT EXISTS (SELECT 1 FROM delivery WHERE state = 'sending' AND lease_expires_at < \(now))")
        guard try decode(anyExpired, { try $0.bool(0) }).first == true else { return (0, 0) }
        return try write { transaction in
            var requeued = 0
            var dead = 0
            let rows = try transaction.rows(
                """
                SELECT id, target, attempts FROM delivery WHERE state = 'sending' AND lease_expires_at < \(now)
                ORDER BY id FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                let (id, target, attempts) = (try row.int64(0), try row.string(1), try row.int(2))
                if attempts >= attemptLimit(target) {
                    try transaction.run(
                        """
                        UPDATE delivery SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL,
                            last_error = 'gave up after ' || attempts || ' attempts: the process was stopped while sending each time; it may have been delivered'
                        WHERE id = \(id)
                        """)
                    dead += 1
                } else {
                    try transaction.run(
                        """
                        UPDATE delivery SET state = 'retrying', lease_owner = NULL, lease_expires_at = NULL,
                            next_attempt_at = LEAST(next_attempt_at, \(now)),
                            last_error = 'interrupted while sending; resent with the same webhook-id'
                        WHERE id = \(id)
                        """)
                    requeued += 1
                }
            }
            if requeued > 0 { try transaction.notifyWork() }
            return (requeued, dead)
        }
    }

    /// Marks queued deliveries whose deadline passed as expired.
    package func expireOverdueDeliveries(now: Int64) throws(StateError) -> Int {
        // One statement, atomic by itself (and a no-op when run again): no BEGIN and COMMIT.
        try changes(
            """
            UPDATE delivery SET state = 'expired',
                last_error = COALESCE(last_error || '; ', '') || 'not delivered within grace of its reminder time'
            WHERE state IN ('pending', 'retrying') AND expires_at < \(now)
            """)
    }

    /// Records a batch of outcomes and claims the next batch, in one transaction, as
    /// ``SQLiteBackend/record(_:owner:now:thenClaim:lease:)``: the claim runs in a savepoint, so
    /// its failure leaves the outcomes committed and comes back in `claimed`.
    package func record(_ outcomes: [StateStore.Outcome], owner: String, now: Int64, thenClaim limit: Int, lease: Int64) throws(StateError)
        -> (written: [Int64], claimed: Result<[ClaimedDelivery], StateError>)
    {
        let location = self.location
        return try write { transaction in
            let written = try Self.record(transaction, outcomes, owner: owner, now: now)
            var claimed: Result<[ClaimedDelivery], StateError> = .success([])
            if limit > 0 {
                do {
                    claimed = .success(try transaction.inSavepoint("claim") { try Self.claim(transaction, now: now, owner: owner, lease: lease, limit: limit) })
                } catch {
                    // A lost connection cannot commit the outcomes either: that is the operation's error.
                    if transaction.connection.isClosed { throw error }
                    claimed = .failure(StateError(postgres: error, location: location))
                }
            }
            return (written, claimed)
        }
    }

    /// The due rows, locked and skipped when another instance holds them, are picked once in a
    /// CTE (never `IN (SELECT … LIMIT … FOR UPDATE)`, which PostgreSQL may evaluate again and
    /// so update more rows than the limit), then leased to `owner`.
    private static func claim(_ transaction: PostgresTransaction, now: Int64, owner: String, lease: Int64, limit: Int) throws -> [ClaimedDelivery] {
        let returning = deliveryColumns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        var query: PostgresQuery = """
            WITH picked AS (
                SELECT id FROM delivery
                WHERE state IN ('pending', 'retrying') AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            UPDATE delivery d SET state = 'sending', lease_owner = \(owner), lease_expires_at = \(now + lease),
                attempts = d.attempts + 1, first_attempt_at = COALESCE(d.first_attempt_at, \(now)), last_attempt_at = \(now)
            FROM picked WHERE d.id = picked.id
            """
        query.sql += " RETURNING " + returning
        var claimed = try transaction.rows(query).map { ClaimedDelivery(record: try deliveryRecord($0)) }
        // RETURNING has no order: sorted as SQLite's claim returns them.
        claimed.sort { ($0.record.nextAttemptAt, $0.record.id ?? 0) < ($1.record.nextAttemptAt, $1.record.id ?? 0) }
        let ids = claimed.compactMap(\.record.id)
        if !ids.isEmpty {
            var payloads: [Int64: DeliveryPayload] = [:]
            for row in try transaction.rows("SELECT delivery_id, kind, query, body FROM delivery_payload WHERE delivery_id = ANY(\(ids))") {
                payloads[try row.int64(0)] = DeliveryPayload(body: try row.data(3), kind: try row.string(1), query: try row.string(2))
            }
            for index in claimed.indices {
                claimed[index].payload = claimed[index].record.id.flatMap { payloads[$0] }
            }
        }
        return claimed
    }

    /// Each outcome is written only while `owner` holds the row's lease; the ids written.
    private static func record(_ transaction: PostgresTransaction, _ outcomes: [StateStore.Outcome], owner: String, now: Int64) throws -> [Int64] {
        var written: [Int64] = []
        for outcome in outcomes {
            let id = outcome.id
            let refund = outcome.refundAttempt ? 1 : 0
            let query: PostgresQuery
            switch outcome.resolution {
            case .delivered(let status, let note):
                query = """
                    UPDATE delivery SET state = 'delivered', delivered_at = \(now), last_status = \(status), last_error = \(note),
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            case .retry(let at, let status, let error) where outcome.wasNotSent:
                // Assignments read the row as it was: `attempts` is the count with this claim.
                query = """
                    UPDATE delivery SET
                        state = CASE WHEN attempts <= 1 THEN 'pending' ELSE 'retrying' END,
                        first_attempt_at = CASE WHEN attempts <= 1 THEN NULL ELSE first_attempt_at END,
                        last_attempt_at = CASE WHEN attempts <= 1 THEN NULL ELSE last_attempt_at END,
                        next_attempt_at = \(at), last_status = COALESCE(\(status)::integer, last_status), last_error = \(error),
                        lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - \(refund)
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            case .retry(let at, let status, let error):
                query = """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = \(at), last_status = \(status), last_error = \(error),
                        lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - \(refund)
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            case .dead(let status, let error):
                query = """
                    UPDATE delivery SET state = 'dead', last_status = \(status), last_error = \(error),
                        lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - \(refund)
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            case .expired(let status, let error):
                query = """
                    UPDATE delivery SET state = 'expired', last_status = \(status), last_error = \(error),
                        lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - \(refund)
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            case .cancelled(let reason):
                // The claim counted an attempt that was never made.
                query = """
                    UPDATE delivery SET state = 'dropped', last_error = \(reason), attempts = attempts - 1,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending' RETURNING id
                    """
            }
            if try !transaction.rows(query).isEmpty { written.append(id) }
        }
        return written
    }

    /// Stores payloads as ``SQLiteBackend/storePayloads(_:owner:)``: only while `owner` holds
    /// the lease, replacing one only for another kind.
    package func storePayloads(_ payloads: [Int64: DeliveryPayload], owner: String) throws(StateError) {
        guard !payloads.isEmpty else { return }
        try write { transaction in
            for (id, payload) in payloads.sorted(by: { $0.key < $1.key }) {
                try transaction.run(
                    """
                    INSERT INTO delivery_payload (delivery_id, kind, query, body)
                    SELECT id, \(payload.kind), \(payload.query), \(payload.body) FROM delivery
                    WHERE id = \(id) AND lease_owner = \(owner) AND state = 'sending'
                    ON CONFLICT (delivery_id) DO UPDATE SET kind = excluded.kind, query = excluded.query, body = excluded.body
                    WHERE delivery_payload.kind IS DISTINCT FROM excluded.kind
                    """)
            }
        }
    }

    /// The stored payload of a delivery, if it has one.
    package func payload(ofDelivery id: Int64) throws(StateError) -> DeliveryPayload? {
        try decode(query("SELECT kind, query, body FROM delivery_payload WHERE delivery_id = \(id)")) { row in
            DeliveryPayload(body: try row.data(2), kind: try row.string(0), query: try row.string(1))
        }.first
    }

    /// The earliest time a queued delivery becomes due, if any.
    package func nextDeliveryDue() throws(StateError) -> Int64? {
        try decode(query("SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('pending', 'retrying')")) { try $0.optionalInt64(0) }.first ?? nil
    }

    /// Delivery counts per playbook.
    package func deliveryCounts() throws(StateError) -> [String: DeliveryCounts] {
        var result: [String: DeliveryCounts] = [:]
        let rows = try decode(query("SELECT playbook_id, state, COUNT(*) FROM delivery GROUP BY playbook_id, state")) { row in
            (try row.string(0), try row.string(1), try row.int(2))
        }
        for (playbook, state, n) in rows {
            var counts = result[playbook] ?? DeliveryCounts()
            counts.add(n, in: state)
            result[playbook] = counts
        }
        return result
    }

    /// Deliveries, newest first, optionally filtered by state.
    package func deliveries(states: [DeliveryState]?, limit: Int) throws(StateError) -> [DeliveryRecord] {
        var query: PostgresQuery
        if let states {
            query = "SELECT * FROM delivery WHERE state = ANY(\(states.map(\.rawValue))) ORDER BY id DESC LIMIT \(limit)"
        } else {
            query = "SELECT * FROM delivery ORDER BY id DESC LIMIT \(limit)"
        }
        query.sql = query.sql.replacingOccurrences(of: "SELECT *", with: "SELECT " + Self.deliveryColumns)
        return try decode(self.query(query), Self.deliveryRecord)
    }

    package func delivery(id: Int64) throws(StateError) -> DeliveryRecord? {
        var query: PostgresQuery = "SELECT * FROM delivery WHERE id = \(id)"
        query.sql = query.sql.replacingOccurrences(of: "SELECT *", with: "SELECT " + Self.deliveryColumns)
        return try decode(self.query(query), Self.deliveryRecord).first
    }

    /// Queues deliveries again by hand, as ``SQLiteBackend/requeue(ids:now:expiresAt:)``.
    package func requeue(ids: [Int64], now: Int64, expiresAt: Int64) throws(StateError) -> Int {
        try write { transaction in
            let changed = try transaction.changes(
                """
                UPDATE delivery SET state = 'retrying', next_attempt_at = \(now), expires_at = \(expiresAt),
                    attempts = 0, first_attempt_at = NULL, last_attempt_at = NULL,
                    last_error = COALESCE(last_error || ' ', '') || '(requeued by hand)'
                WHERE id = ANY(\(ids)) AND state = ANY(\(DeliveryState.retryable.map(\.rawValue)))
                """)
            if changed > 0 { try transaction.notifyWork() }
            return changed
        }
    }

    /// Ids of every dead delivery.
    package func deadDeliveryIds() throws(StateError) -> [Int64] {
        try decode(query("SELECT id FROM delivery WHERE state = 'dead' ORDER BY id")) { try $0.int64(0) }
    }

    /// Drops a queued or failed delivery by hand; false when it cannot be dropped.
    package func drop(id: Int64) throws(StateError) -> Bool {
        try write { transaction in
            try transaction.changes("UPDATE delivery SET state = 'dropped' WHERE id = \(id) AND state IN ('pending', 'retrying', 'dead', 'expired')") > 0
        }
    }

    /// Decodes rows read outside a transaction body, mapping decoding errors to ``StateError``.
    func decode<T>(_ rows: [PostgresRandomAccessRow], _ body: (PostgresRandomAccessRow) throws -> T) throws(StateError) -> [T] {
        do {
            return try rows.map(body)
        } catch {
            throw StateError(postgres: error, location: location)
        }
    }
}
