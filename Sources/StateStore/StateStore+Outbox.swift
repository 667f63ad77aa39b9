import Foundation
import GRDB

/// The result of one delivery attempt, as the engine decided it.
package enum DeliveryResolution: Sendable, Equatable {
    case delivered(status: Int, note: String?)
    /// Try again at `at`. Whether the attempt counts is the ``Outcome``'s `refundAttempt`.
    case retry(at: Int64, status: Int?, error: String)
    case dead(status: Int?, error: String)
    case expired(status: Int?, error: String)
    /// Not sent, and never will be: an escalation whose occurrence was acknowledged meanwhile.
    case cancelled(reason: String)
}

/// Counts of deliveries per state.
package struct DeliveryCounts: Sendable, Equatable, Codable {
    package var delivered = 0
    package var pending = 0
    package var retrying = 0
    package var dead = 0
    package var missed = 0
    package var expired = 0
    /// Superseded by a later reminder of the same occurrence (a late tick catching up).
    package var coalesced = 0
    /// Not sent because their target was not configured.
    package var skipped = 0
    /// Dropped by hand.
    package var dropped = 0
    package var other = 0

    package init() {}

    /// Counts `n` deliveries in the state named `state` (a name this version does not know is
    /// `other`; one in flight counts as pending).
    package mutating func add(_ n: Int, in state: String) {
        switch DeliveryState(rawValue: state) {
        case .delivered: delivered += n
        case .pending, .sending: pending += n
        case .retrying: retrying += n
        case .dead: dead += n
        case .missed: missed += n
        case .expired: expired += n
        case .coalesced: coalesced += n
        case .skipped: skipped += n
        case .dropped: dropped += n
        case nil: other += n
        }
    }
}

extension SQLiteBackend {
    /// Rows left in `sending` by a process that died. Call only while holding the workspace lock:
    /// then no live process can own them. The request may have reached the target, so the
    /// attempt counts and the row is retried with the same `webhook-id`; a row that has used
    /// up its target's attempts (`attemptLimit`) is dead instead, so a process killed again and
    /// again mid-send stops re-posting like any other failing delivery.
    ///
    /// - Returns: how many rows were queued again and how many were given up.
    @discardableResult
    package func recoverInterruptedDeliveries(now: Int64, attemptLimit: (String) -> Int = { _ in .max }) throws(StateError)
        -> (requeued: Int, dead: Int)
    {
        try write { db in
            var requeued = 0
            var dead = 0
            let rows = try Row.fetchAll(db, sql: "SELECT id, target, attempts FROM delivery WHERE state = 'sending'")
            for row in rows {
                let (id, target, attempts): (Int64, String, Int) = (row[0], row[1], row[2])
                if attempts >= attemptLimit(target) {
                    try db.execute(
                        sql: """
                            UPDATE delivery SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL,
                                last_error = 'gave up after ' || attempts || ' attempts: the process was stopped while sending each time; it may have been delivered'
                            WHERE id = ?
                            """, arguments: [id])
                    dead += 1
                } else {
                    try db.execute(
                        sql: """
                            UPDATE delivery SET state = 'retrying', lease_owner = NULL, lease_expires_at = NULL,
                                next_attempt_at = MIN(next_attempt_at, ?),
                                last_error = 'interrupted while sending; resent with the same webhook-id'
                            WHERE id = ?
                            """, arguments: [now, id])
                    requeued += 1
                }
            }
            return (requeued, dead)
        }
    }

    /// Marks queued deliveries whose deadline passed as expired.
    @discardableResult
    package func expireOverdueDeliveries(now: Int64) throws(StateError) -> Int {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'expired',
                        last_error = COALESCE(last_error || '; ', '') || 'not delivered within grace of its reminder time'
                    WHERE state IN ('pending', 'retrying') AND expires_at < ?
                    """, arguments: [now])
            return db.changesCount
        }
    }

    /// Records a batch of outcomes and claims the next batch, in one transaction: one durable
    /// commit per batch instead of two. See ``record(_:owner:now:)`` and
    /// ``claimDueDeliveries(now:owner:lease:limit:)``; `limit` zero claims nothing.
    ///
    /// The claim runs in a savepoint: if it fails, the outcomes are still committed (they are
    /// of requests already sent; losing them would send those again) and the claim's error comes
    /// back in `claimed`.
    ///
    /// - Returns: the ids whose outcome was written, and the deliveries claimed.
    /// - Throws: ``StateError`` when the outcomes could not be committed.
    package func record(
        _ outcomes: [StateStore.Outcome], owner: String, now: Int64, thenClaim limit: Int, lease: Int64
    ) throws(StateError) -> (written: [Int64], claimed: Result<[ClaimedDelivery], StateError>) {
        let path = self.path
        return try write { db in
            let written = try record(db, outcomes, owner: owner, now: now)
            var claimed: Result<[ClaimedDelivery], StateError> = .success([])
            if limit > 0 {
                do {
                    try db.inSavepoint {
                        claimed = .success(try claim(db, now: now, owner: owner, lease: lease, limit: limit))
                        return .commit
                    }
                } catch {
                    claimed = .failure(StateError(mapping: error, path: path))
                }
            }
            return (written, claimed)
        }
    }

    private func claim(_ db: Database, now: Int64, owner: String, lease: Int64, limit: Int) throws -> [ClaimedDelivery] {
        var claimed: [ClaimedDelivery] = []
        let rows = try db.cachedStatement(
            sql: """
                UPDATE delivery SET state = 'sending', lease_owner = ?, lease_expires_at = ?,
                    attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?), last_attempt_at = ?
                WHERE id IN (
                    SELECT id FROM delivery WHERE state IN ('pending', 'retrying') AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?)
                RETURNING \(DeliveryRecord.columnList)
                """)
        let cursor = try Row.fetchCursor(rows, arguments: [owner, now + lease, now, now, now, limit])
        while let row = try cursor.next() { claimed.append(ClaimedDelivery(record: DeliveryRecord(columnsInOrder: row))) }
        let payloads = try db.cachedStatement(sql: DeliveryPayload.selectByDelivery)
        for index in claimed.indices {
            claimed[index].payload = try Row.fetchOne(payloads, arguments: [claimed[index].record.id]).map(DeliveryPayload.init(row:))
        }
        return claimed.sorted { ($0.record.nextAttemptAt, $0.record.id ?? 0) < ($1.record.nextAttemptAt, $1.record.id ?? 0) }
    }

    /// Stores the payload of claimed deliveries that have none for their target's kind yet, so
    /// every attempt sends the same bytes. A payload is replaced only when the target's kind
    /// changed (the old one cannot be sent to it), and only while `owner` holds the lease.
    package func storePayloads(_ payloads: [Int64: DeliveryPayload], owner: String) throws(StateError) {
        guard !payloads.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO delivery_payload (delivery_id, kind, query, body)
                    SELECT id, ?, ?, ? FROM delivery WHERE id = ? AND lease_owner = ? AND state = 'sending'
                    ON CONFLICT (delivery_id) DO UPDATE SET kind = excluded.kind, query = excluded.query, body = excluded.body
                    WHERE kind IS NOT excluded.kind
                    """)
            for (id, payload) in payloads {
                try statement.execute(arguments: [payload.kind, payload.query, payload.body, id, owner])
            }
        }
    }

    /// The stored payload of a delivery, if it has one.
    package func payload(ofDelivery id: Int64) throws(StateError) -> DeliveryPayload? {
        try read { db in
            try Row.fetchOne(db, sql: DeliveryPayload.selectByDelivery, arguments: [id]).map(DeliveryPayload.init(row:))
        }
    }

    private func record(_ db: Database, _ outcomes: [StateStore.Outcome], owner: String, now: Int64) throws -> [Int64] {
        var written: [Int64] = []
        let fence = "WHERE id = ? AND lease_owner = ? AND state = 'sending'"
        for outcome in outcomes {
            let id = outcome.id
            let refund = outcome.refundAttempt ? ", attempts = attempts - 1" : ""
            let sql: String
            let arguments: StatementArguments
            switch outcome.resolution {
            case .delivered(let status, let note):
                sql = """
                    UPDATE delivery SET state = 'delivered', delivered_at = ?, last_status = ?, last_error = ?,
                        lease_owner = NULL, lease_expires_at = NULL \(fence)
                    """
                arguments = [now, status, note, id, owner]
            case .retry(let at, let status, let error) where outcome.wasNotSent:
                // Assignments read the row as it was: `attempts` is the count with this claim.
                sql = """
                    UPDATE delivery SET
                        state = CASE WHEN attempts <= 1 THEN 'pending' ELSE 'retrying' END,
                        first_attempt_at = CASE WHEN attempts <= 1 THEN NULL ELSE first_attempt_at END,
                        last_attempt_at = CASE WHEN attempts <= 1 THEN NULL ELSE last_attempt_at END,
                        next_attempt_at = ?, last_status = COALESCE(?, last_status), last_error = ?,
                        lease_owner = NULL, lease_expires_at = NULL\(refund) \(fence)
                    """
                arguments = [at, status, error, id, owner]
            case .retry(let at, let status, let error):
                sql = """
                    UPDATE delivery SET state = 'retrying', next_attempt_at = ?, last_status = ?, last_error = ?,
                        lease_owner = NULL, lease_expires_at = NULL\(refund) \(fence)
                    """
                arguments = [at, status, error, id, owner]
            case .dead(let status, let error):
                sql = """
                    UPDATE delivery SET state = 'dead', last_status = ?, last_error = ?,
                        lease_owner = NULL, lease_expires_at = NULL \(fence)
                    """
                arguments = [status, error, id, owner]
            case .expired(let status, let error):
                sql = """
                    UPDATE delivery SET state = 'expired', last_status = ?, last_error = ?,
                        lease_owner = NULL, lease_expires_at = NULL \(fence)
                    """
                arguments = [status, error, id, owner]
            case .cancelled(let reason):
                // The claim counted an attempt that was never made.
                sql = """
                    UPDATE delivery SET state = 'dropped', last_error = ?, attempts = attempts - 1,
                        lease_owner = NULL, lease_expires_at = NULL \(fence)
                    """
                arguments = [reason, id, owner]
            }
            // Compiled once per connection and kept: a thousand outcomes share a few statements.
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
            if db.changesCount > 0 { written.append(id) }
        }
        return written
    }

    /// The earliest time a queued delivery becomes due, if any.
    package func nextDeliveryDue() throws(StateError) -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('pending', 'retrying')")
        }
    }

    /// Delivery counts per playbook.
    package func deliveryCounts() throws(StateError) -> [String: DeliveryCounts] {
        try read { db in
            var result: [String: DeliveryCounts] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT playbook_id, state, COUNT(*) AS n FROM delivery GROUP BY playbook_id, state") {
                let playbook: String = row["playbook_id"]
                let n: Int = row["n"]
                var counts = result[playbook] ?? DeliveryCounts()
                counts.add(n, in: row["state"])
                result[playbook] = counts
            }
            return result
        }
    }

    /// Deliveries, newest first, optionally filtered by state.
    package func deliveries(states: [DeliveryState]? = nil, limit: Int = 200) throws(StateError) -> [DeliveryRecord] {
        try read { db in
            var request = DeliveryRecord.order(Column("id").desc).limit(limit)
            if let states { request = request.filter(states.map(\.rawValue).contains(Column("state"))) }
            return try request.fetchAll(db)
        }
    }

    package func delivery(id: Int64) throws(StateError) -> DeliveryRecord? {
        try read { db in try DeliveryRecord.fetchOne(db, key: id) }
    }

    /// Queues deliveries again by hand: due at `now`, with a fresh, bounded chance: no attempts
    /// counted, no first attempt (so the age limit counts from the retry), and a deadline of
    /// `expiresAt`. Only dead, expired or missed deliveries (``DeliveryState/retryable``)
    /// change; returns how many did.
    @discardableResult
    package func requeue(ids: [Int64], now: Int64, expiresAt: Int64) throws(StateError) -> Int {
        let retryable = DeliveryState.retryable.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try write { db in
            var changed = 0
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE delivery SET state = 'retrying', next_attempt_at = ?, expires_at = ?,
                            attempts = 0, first_attempt_at = NULL, last_attempt_at = NULL,
                            last_error = COALESCE(last_error || ' ', '') || '(requeued by hand)'
                        WHERE id = ? AND state IN (\(retryable))
                        """, arguments: [now, expiresAt, id])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Ids of every dead delivery.
    package func deadDeliveryIds() throws(StateError) -> [Int64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM delivery WHERE state = 'dead' ORDER BY id") }
    }

    /// Drops a queued or failed delivery by hand; it will not be sent. False when it cannot be dropped.
    @discardableResult
    package func drop(id: Int64) throws(StateError) -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'dropped' WHERE id = ? AND state IN ('pending', 'retrying', 'dead', 'expired')",
                arguments: [id])
            return db.changesCount > 0
        }
    }
}
