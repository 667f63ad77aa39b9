import Foundation
import Playbooks
import PostgresNIO
import StateStore

// The web app's sign-in, sessions, notes, ratings and acknowledgements.
extension PostgresBackend {
    /// Stores a one-time sign-in link by the digest of its token.
    package func createInvite(tokenDigest: String, person: String, now: Int64, expiresAt: Int64) throws(StateError) {
        try write { transaction in
            try transaction.run(
                "INSERT INTO web_invite (token_digest, person, created_at, expires_at) VALUES (\(tokenDigest), \(person), \(now), \(expiresAt))")
        }
    }

    /// Whose unused, unexpired sign-in link this is, without using it up.
    package func invitee(tokenDigest: String, now: Int64) throws(StateError) -> String? {
        try decode(query("SELECT person FROM web_invite WHERE token_digest = \(tokenDigest) AND used_at IS NULL AND expires_at > \(now)")) {
            try $0.string(0)
        }.first
    }

    /// Uses a sign-in link up and opens a session, in one transaction: the link's row is
    /// updated only while unused (the row lock makes a second browser wait, then find it used),
    /// so two browsers racing with the same link get one session between them.
    package func redeemInvite(tokenDigest: String, now: Int64, session: (tokenDigest: String, csrfToken: String, expiresAt: Int64)) throws(StateError)
        -> String?
    {
        try write { transaction in
            guard
                let person = try transaction.rows(
                    """
                    UPDATE web_invite SET used_at = \(now) WHERE token_digest = \(tokenDigest) AND used_at IS NULL AND expires_at > \(now) RETURNING person
                    """
                ).first?.string(0)
            else { return nil }
            try transaction.run(
                """
                INSERT INTO web_session (token_digest, person, csrf_token, created_at, expires_at)
                VALUES (\(session.tokenDigest), \(person), \(session.csrfToken), \(now), \(session.expiresAt))
                """)
            return person
        }
    }

    private static func sessionQuery(tokenDigest: String, now: Int64) -> PostgresQuery {
        "SELECT person, csrf_token, expires_at FROM web_session WHERE token_digest = \(tokenDigest) AND expires_at > \(now)"
    }

    private static func session(_ row: PostgresRandomAccessRow) throws -> WebSession {
        WebSession(person: try row.string(0), csrfToken: try row.string(1), expiresAt: try row.int64(2))
    }

    /// The live session with this token digest, if any.
    package func session(tokenDigest: String, now: Int64) throws(StateError) -> WebSession? {
        try decode(query(Self.sessionQuery(tokenDigest: tokenDigest, now: now)), Self.session).first
    }

    /// The live session and the state's version (``version()``), in one statement: every page
    /// request needs both. A lone statement reads one snapshot, the one `pg_current_snapshot()`
    /// describes, so the two agree, in one round trip instead of a transaction's four.
    package func sessionAndVersion(tokenDigest: String, now: Int64) throws(StateError) -> (WebSession?, StateVersion) {
        let rows = try query(
            """
            SELECT pg_snapshot_xmax(s)::text::bigint, (SELECT count(*) FROM pg_snapshot_xip(s)), w.person, w.csrf_token, w.expires_at
            FROM pg_current_snapshot() AS s LEFT JOIN web_session AS w ON w.token_digest = \(tokenDigest) AND w.expires_at > \(now)
            """)
        let version = try version(rows)
        do {
            guard let row = rows.first, try row.optionalString(2) != nil else { return (nil, version) }
            return (WebSession(person: try row.string(2), csrfToken: try row.string(3), expiresAt: try row.int64(4)), version)
        } catch {
            throw StateError(postgres: error, location: location)
        }
    }

    /// Ends one session (signing out).
    package func endSession(tokenDigest: String) throws(StateError) {
        try write { transaction in try transaction.run("DELETE FROM web_session WHERE token_digest = \(tokenDigest)") }
    }

    /// Ends every session of a person (compared without regard to case) and voids their unused
    /// links; also drops anything expired.
    package func revoke(person: String, now: Int64) throws(StateError) -> (sessions: Int, invites: Int) {
        try write { transaction in
            let sessions = try transaction.changes("DELETE FROM web_session WHERE lower(person) = lower(\(person))")
            let invites = try transaction.changes("DELETE FROM web_invite WHERE lower(person) = lower(\(person)) AND used_at IS NULL")
            try transaction.run("DELETE FROM web_session WHERE expires_at <= \(now)")
            try transaction.run("DELETE FROM web_invite WHERE expires_at <= \(now - 30 * 86_400)")
            return (sessions, invites)
        }
    }

    /// Ends the sessions and voids the unused links of everyone not in `people`.
    package func revokeEveryone(except people: [String]) throws(StateError) -> Int {
        try write { transaction in
            let keep = Set(people.map { $0.lowercased() })
            var ended = 0
            for row in try transaction.rows("SELECT DISTINCT person FROM web_session UNION SELECT DISTINCT person FROM web_invite") {
                let person = try row.string(0)
                guard !keep.contains(person.lowercased()) else { continue }
                ended += try transaction.changes("DELETE FROM web_session WHERE person = \(person)")
                try transaction.run("DELETE FROM web_invite WHERE person = \(person) AND used_at IS NULL")
            }
            return ended
        }
    }

    /// Open sessions and unused, unexpired links per person.
    package func webAccess(now: Int64) throws(StateError) -> [String: (sessions: Int, invites: Int)] {
        let (sessions, invites) = try read { transaction in
            (
                try transaction.rows("SELECT person, COUNT(*) FROM web_session WHERE expires_at > \(now) GROUP BY person"),
                try transaction.rows("SELECT person, COUNT(*) FROM web_invite WHERE used_at IS NULL AND expires_at > \(now) GROUP BY person")
            )
        }
        var access: [String: (sessions: Int, invites: Int)] = [:]
        for (person, n) in try decode(sessions, { (try $0.string(0), try $0.int(1)) }) { access[person, default: (0, 0)].sessions = n }
        for (person, n) in try decode(invites, { (try $0.string(0), try $0.int(1)) }) { access[person, default: (0, 0)].invites = n }
        return access
    }

    package func meetingNote(playbook: String, scheduledAt: Int64) throws(StateError) -> MeetingNote? {
        try decode(query("SELECT text, updated_by, updated_at FROM meeting_note WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)")) {
            MeetingNote(text: try $0.string(0), updatedBy: try $0.optionalString(1), updatedAt: try $0.int64(2))
        }.first
    }

    /// Replaces a meeting's notes; empty text removes them.
    package func saveMeetingNote(playbook: String, scheduledAt: Int64, text: String, by person: String?, now: Int64) throws(StateError) {
        try write { transaction in
            if text.isEmpty {
                try transaction.run("DELETE FROM meeting_note WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)")
            } else {
                try transaction.run(
                    """
                    INSERT INTO meeting_note (playbook_id, scheduled_at, text, updated_by, updated_at) VALUES (\(playbook), \(scheduledAt), \(text), \(person), \(now))
                    ON CONFLICT (playbook_id, scheduled_at) DO UPDATE SET
                        text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """)
            }
        }
    }

    /// Records an acknowledgement (the first one stands) and cancels the occurrence's
    /// escalations still waiting, in one transaction.
    package func acknowledge(playbook: String, scheduledAt: Int64, by person: String?, via: String, now: Int64) throws(StateError)
        -> (acknowledgement: AcknowledgementRecord, cancelled: Int)
    {
        try write { transaction in
            try transaction.run(
                """
                INSERT INTO acknowledgement (playbook_id, scheduled_at, acknowledged_by, via, acknowledged_at)
                VALUES (\(playbook), \(scheduledAt), \(person), \(via), \(now)) ON CONFLICT (playbook_id, scheduled_at) DO NOTHING
                """)
            guard
                let row = try transaction.rows(
                    "SELECT acknowledged_by, via, acknowledged_at FROM acknowledgement WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)"
                ).first
            else { throw StateError(.other, path: self.location.description, detail: "the acknowledgement just written cannot be read back") }
            let record = AcknowledgementRecord(
                playbookId: playbook, scheduledAt: scheduledAt, by: try row.optionalString(0), via: try row.string(1), at: try row.int64(2))
            let who = record.by.map { " by \($0)" } ?? ""
            let cancelled = try transaction.changes(
                """
                UPDATE delivery SET state = 'dropped', last_error = \("not sent: acknowledged\(who) (\(record.via))")
                WHERE before_seconds < 0 AND checklist_item = 0 AND state IN ('pending', 'retrying')
                  AND occurrence_id IN (SELECT id FROM occurrence WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt))
                """)
            return (record, cancelled)
        }
    }

    /// The acknowledgement of one occurrence, if any.
    package func acknowledgement(playbook: String, scheduledAt: Int64) throws(StateError) -> AcknowledgementRecord? {
        try decode(
            query("SELECT acknowledged_by, via, acknowledged_at FROM acknowledgement WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)")
        ) {
            AcknowledgementRecord(playbookId: playbook, scheduledAt: scheduledAt, by: try $0.optionalString(0), via: try $0.string(1), at: try $0.int64(2))
        }.first
    }

    /// One playbook's acknowledgement times, checklist marks and ratings for the occurrences
    /// that start in `range`, in one read.
    package func meetingRecords(playbook: String, startingIn range: ClosedRange<Int64>) throws(StateError)
        -> (acknowledgedAt: [Int64: Int64], checklistDoneAt: [Int64: [Int64]], ratings: [Int64: [Int]])
    {
        let (low, high) = (range.lowerBound, range.upperBound)
        let (acknowledgements, marks, ratingRows) = try read { transaction in
            (
                try transaction.rows(
                    "SELECT scheduled_at, acknowledged_at FROM acknowledgement WHERE playbook_id = \(playbook) AND scheduled_at BETWEEN \(low) AND \(high)"),
                try transaction.rows(
                    "SELECT scheduled_at, done_at FROM checklist_mark WHERE playbook_id = \(playbook) AND scheduled_at BETWEEN \(low) AND \(high)"),
                try transaction.rows(
                    "SELECT scheduled_at, rating FROM meeting_rating WHERE playbook_id = \(playbook) AND scheduled_at BETWEEN \(low) AND \(high)")
            )
        }
        var acknowledged: [Int64: Int64] = [:]
        for (at, ackAt) in try decode(acknowledgements, { (try $0.int64(0), try $0.int64(1)) }) { acknowledged[at] = ackAt }
        var done: [Int64: [Int64]] = [:]
        for (at, doneAt) in try decode(marks, { (try $0.int64(0), try $0.int64(1)) }) { done[at, default: []].append(doneAt) }
        var ratings: [Int64: [Int]] = [:]
        for (at, rating) in try decode(ratingRows, { (try $0.int64(0), try $0.int(1)) }) { ratings[at, default: []].append(rating) }
        return (acknowledged, done, ratings)
    }

    /// Every rating of one meeting, by person.
    package func ratings(playbook: String, scheduledAt: Int64) throws(StateError) -> [String: Int] {
        let rows = try decode(query("SELECT person, rating FROM meeting_rating WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)")) {
            (try $0.string(0), try $0.int(1))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// Records (or changes) one person's rating of a meeting.
    package func rate(playbook: String, scheduledAt: Int64, person: String, rating: Int, now: Int64) throws(StateError) {
        try write { transaction in
            try transaction.run(
                """
                INSERT INTO meeting_rating (playbook_id, scheduled_at, person, rating, rated_at) VALUES (\(playbook), \(scheduledAt), \(person), \(rating), \(now))
                ON CONFLICT (playbook_id, scheduled_at, person) DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at
                """)
        }
    }
}
