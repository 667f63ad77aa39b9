import Foundation
import PostgresNIO
import StateStore

// The chat-reply outbox, as on SQLite; claims skip rows another instance holds.
extension PostgresBackend {
    /// Queues a reply; false when one with this key is already queued. Wakes waiting daemons.
    package func enqueueReply(key: String, target: String, url: String, body: [UInt8], now: Int64, expiresAt: Int64) throws(StateError) -> Bool {
        try write { transaction in
            let inserted = try transaction.rows(
                """
                INSERT INTO chat_reply (idempotency_key, target, url, body, state, next_attempt_at, expires_at, created_at)
                VALUES (\(key), \(target), \(url), \(Data(body)), 'pending', \(now), \(expiresAt), \(now))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """)
            if !inserted.isEmpty { try transaction.notifyWork() }
            return !inserted.isEmpty
        }
    }

    /// Claims replies that are due (or whose claimer's lease ran out), counting an attempt for
    /// each, and gives up those past their expiry.
    package func claimReplies(owner: String, now: Int64, lease: Int64, limit: Int) throws(StateError) -> [ChatReply] {
        try write { transaction in
            try transaction.run(
                """
                UPDATE chat_reply SET state = 'dead', last_error = 'not sent: the chat service no longer takes it', finished_at = \(now),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state IN ('pending', 'sending') AND expires_at <= \(now)
                """)
            let rows = try transaction.rows(
                """
                WITH picked AS (
                    SELECT id FROM chat_reply
                    WHERE (state = 'pending' AND next_attempt_at <= \(now)) OR (state = 'sending' AND lease_expires_at <= \(now))
                    ORDER BY next_attempt_at, id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                UPDATE chat_reply r SET state = 'sending', attempts = r.attempts + 1, lease_owner = \(owner), lease_expires_at = \(now + lease)
                FROM picked WHERE r.id = picked.id
                RETURNING r.id, r.idempotency_key, r.target, r.url, r.body, r.attempts, r.created_at, r.next_attempt_at
                """)
            let claimed = try rows.map { row in
                (
                    try row.int64(7),
                    ChatReply(
                        id: try row.int64(0), idempotencyKey: try row.string(1), target: try row.string(2), url: try row.string(3),
                        body: [UInt8](try row.data(4)), attempts: try row.int(5), createdAt: try row.int64(6))
                )
            }
            return claimed.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
        }
    }

    /// Records one attempt's outcome, if this owner still holds the reply.
    package func recordReply(id: Int64, owner: String, outcome: ChatReplyOutcome, now: Int64) throws(StateError) {
        try write { transaction in
            switch outcome {
            case .delivered(let status):
                try transaction.run(
                    """
                    UPDATE chat_reply SET state = 'delivered', last_status = \(status), last_error = NULL, finished_at = \(now), lease_owner = NULL,
                        lease_expires_at = NULL WHERE id = \(id) AND lease_owner = \(owner)
                    """)
            case .retry(let at, let status, let error, let consumes):
                try transaction.run(
                    """
                    UPDATE chat_reply SET state = 'pending', next_attempt_at = \(at), last_status = \(status), last_error = \(error),
                        attempts = attempts - \(consumes ? 0 : 1), lease_owner = NULL, lease_expires_at = NULL WHERE id = \(id) AND lease_owner = \(owner)
                    """)
            case .dead(let status, let error):
                try transaction.run(
                    """
                    UPDATE chat_reply SET state = 'dead', last_status = \(status), last_error = \(error), finished_at = \(now), lease_owner = NULL,
                        lease_expires_at = NULL WHERE id = \(id) AND lease_owner = \(owner)
                    """)
            }
        }
    }

    /// Replies, newest first.
    package func replies(limit: Int) throws(StateError) -> [(key: String, target: String, state: String, attempts: Int, lastError: String?)] {
        try decode(query("SELECT idempotency_key, target, state, attempts, last_error FROM chat_reply ORDER BY id DESC LIMIT \(limit)")) { row in
            (try row.string(0), try row.string(1), try row.string(2), try row.int(3), try row.optionalString(4))
        }
    }

    /// When the next queued reply is due, if any.
    package func nextReplyDue() throws(StateError) -> Int64? {
        try decode(
            query(
                "SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_expires_at END) FROM chat_reply WHERE state IN ('pending', 'sending')")
        ) { try $0.optionalInt64(0) }.first ?? nil
    }
}
