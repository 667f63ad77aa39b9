import Foundation
import GRDB

/// An answer to a chat service about a click on a reminder's button, to post to the URL the
/// service gave (Slack's `response_url`).
package struct ChatReply: Sendable, Hashable {
    package var id: Int64
    /// Unique per click, so a click Slack retries queues one answer.
    package var idempotencyKey: String
    /// The target whose button was clicked, for the logs and the address policy.
    package var target: String
    package var url: String
    package var body: [UInt8]
    package var attempts: Int
    package var createdAt: Int64

    package init(id: Int64, idempotencyKey: String, target: String, url: String, body: [UInt8], attempts: Int, createdAt: Int64) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.target = target
        self.url = url
        self.body = body
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// What became of one attempt to post a reply.
package enum ChatReplyOutcome: Sendable, Hashable {
    case delivered(status: Int)
    case retry(at: Int64, status: Int?, error: String, consumesAttempt: Bool)
    case dead(status: Int?, error: String)
}

// The chat-reply outbox: queued when a click is recorded, claimed with a lease, each attempt's
// outcome recorded as it arrives, like reminder deliveries.
extension SQLiteBackend {
    /// Queues a reply; false when one with this key is already queued (a repeated click).
    @discardableResult
    package func enqueueReply(key: String, target: String, url: String, body: [UInt8], now: Int64, expiresAt: Int64) throws(StateError) -> Bool {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO chat_reply (idempotency_key, target, url, body, state, next_attempt_at, expires_at, created_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
                    """, arguments: [key, target, url, Data(body), now, expiresAt, now])
            return db.changesCount > 0
        }
    }

    /// Claims replies that are due (or whose claimer's lease ran out: it may have died
    /// mid-send), counting an attempt for each, and gives up those past their expiry.
    package func claimReplies(owner: String, now: Int64, lease: Int64, limit: Int = 16) throws(StateError) -> [ChatReply] {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE chat_reply SET state = 'dead', last_error = 'not sent: the chat service no longer takes it', finished_at = ?,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE state IN ('pending', 'sending') AND expires_at <= ?
                    """, arguments: [now, now])
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, idempotency_key, target, url, body, attempts, created_at FROM chat_reply
                    WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_expires_at <= ?)
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, arguments: [now, now, limit])
            var claimed: [ChatReply] = []
            for row in rows {
                let id: Int64 = row["id"]
                try db.execute(
                    sql: "UPDATE chat_reply SET state = 'sending', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ? WHERE id = ?",
                    arguments: [owner, now + lease, id])
                claimed.append(
                    ChatReply(
                        id: id, idempotencyKey: row["idempotency_key"], target: row["target"], url: row["url"], body: [UInt8](row["body"] as Data),
                        attempts: row["attempts"] + 1, createdAt: row["created_at"]))
            }
            return claimed
        }
    }

    /// Records one attempt's outcome, if this owner still holds the reply.
    package func recordReply(id: Int64, owner: String, outcome: ChatReplyOutcome, now: Int64) throws(StateError) {
        try write { db in
            switch outcome {
            case .delivered(let status):
                try db.execute(
                    sql: """
                        UPDATE chat_reply SET state = 'delivered', last_status = ?, last_error = NULL, finished_at = ?, lease_owner = NULL,
                            lease_expires_at = NULL WHERE id = ? AND lease_owner = ?
                        """, arguments: [status, now, id, owner])
            case .retry(let at, let status, let error, let consumes):
                try db.execute(
                    sql: """
                        UPDATE chat_reply SET state = 'pending', next_attempt_at = ?, last_status = ?, last_error = ?,
                            attempts = attempts - ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?
                        """, arguments: [at, status, error, consumes ? 0 : 1, id, owner])
            case .dead(let status, let error):
                try db.execute(
                    sql: """
                        UPDATE chat_reply SET state = 'dead', last_status = ?, last_error = ?, finished_at = ?, lease_owner = NULL,
                            lease_expires_at = NULL WHERE id = ? AND lease_owner = ?
                        """, arguments: [status, error, now, id, owner])
            }
        }
    }

    /// Replies by state, newest first, for `outbox` and tests.
    package func replies(limit: Int = 100) throws(StateError) -> [(key: String, target: String, state: String, attempts: Int, lastError: String?)] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT idempotency_key, target, state, attempts, last_error FROM chat_reply ORDER BY id DESC LIMIT ?", arguments: [limit]
            ).map { ($0["idempotency_key"], $0["target"], $0["state"], $0["attempts"], $0["last_error"]) }
        }
    }

    /// When the next queued reply is due, if any.
    package func nextReplyDue() throws(StateError) -> Int64? {
        try read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_expires_at END) FROM chat_reply WHERE state IN ('pending', 'sending')")
        }
    }
}
