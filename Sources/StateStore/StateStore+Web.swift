import GRDB

/// A signed-in browser, as stored: the token itself lives only in the cookie.
package struct WebSession: Sendable, Hashable {
    package var person: String
    /// The synchronizer token every form of this session carries.
    package var csrfToken: String
    package var expiresAt: Int64

    package init(person: String, csrfToken: String, expiresAt: Int64) {
        self.person = person
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// Someone said an occurrence happened (the daily check was done, the meeting was held).
package struct AcknowledgementRecord: Sendable, Hashable, Codable {
    package var playbookId: String
    package var scheduledAt: Int64
    /// Who, when known (a signed-in person, `ack --by`, a named link).
    package var by: String?
    /// `web`, `cli`, `link`.
    package var via: String
    package var at: Int64

    package init(playbookId: String, scheduledAt: Int64, by: String?, via: String, at: Int64) {
        self.playbookId = playbookId
        self.scheduledAt = scheduledAt
        self.by = by
        self.via = via
        self.at = at
    }
}

/// A meeting's notes, as last saved.
package struct MeetingNote: Sendable, Hashable, Codable {
    package var text: String
    package var updatedBy: String?
    package var updatedAt: Int64

    package init(text: String, updatedBy: String?, updatedAt: Int64) {
        self.text = text
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

// The web app's sign-in, sessions, notes, and the edits only a page makes.
extension SQLiteBackend {
    // MARK: Sign-in links and sessions

    /// Stores a one-time sign-in link by the digest of its token.
    package func createInvite(tokenDigest: String, person: String, now: Int64, expiresAt: Int64) throws(StateError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO web_invite (token_digest, person, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [tokenDigest, person, now, expiresAt])
        }
    }

    /// Whose unused, unexpired sign-in link this is, without using it up.
    package func invitee(tokenDigest: String, now: Int64) throws(StateError) -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT person FROM web_invite WHERE token_digest = ? AND used_at IS NULL AND expires_at > ?", arguments: [tokenDigest, now])
        }
    }

    /// Uses a sign-in link up and opens a session, in one transaction: two browsers racing
    /// with the same link get one session between them.
    ///
    /// - Returns: The person signed in, or nil when the link is unknown, used or expired.
    package func redeemInvite(
        tokenDigest: String, now: Int64, session: (tokenDigest: String, csrfToken: String, expiresAt: Int64)
    ) throws(StateError) -> String? {
        try write { db in
            guard
                let person = try String.fetchOne(
                    db, sql: "SELECT person FROM web_invite WHERE token_digest = ? AND used_at IS NULL AND expires_at > ?",
                    arguments: [tokenDigest, now])
            else { return nil }
            try db.execute(sql: "UPDATE web_invite SET used_at = ? WHERE token_digest = ?", arguments: [now, tokenDigest])
            try db.execute(
                sql: "INSERT INTO web_session (token_digest, person, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [session.tokenDigest, person, session.csrfToken, now, session.expiresAt])
            return person
        }
    }

    /// The live session with this token digest, if any.
    package func session(tokenDigest: String, now: Int64) throws(StateError) -> WebSession? {
        try read { db in try Self.session(db, tokenDigest: tokenDigest, now: now) }
    }

    /// The live session and the state's version (``version()``), in one statement: every page
    /// request needs both, so this is the one state read of a page served from the cache.
    ///
    /// One SELECT outside a transaction, on one of the read-only connections
    /// (``readStatementConcurrently(_:)``): a lone statement reads one snapshot, so the session
    /// and the version agree, and it stays prepared from one request to the next. On its own
    /// connection, `data_version` also moves with the store's own commits.
    package func sessionAndVersion(tokenDigest: String, now: Int64) throws(StateError) -> (WebSession?, StateVersion) {
        let ((session, dataVersion), connection) = try readStatementConcurrently { db -> (WebSession?, Int64) in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT (SELECT data_version FROM pragma_data_version), s.person, s.csrf_token, s.expires_at
                    FROM (SELECT 1) LEFT JOIN web_session AS s ON s.token_digest = ? AND s.expires_at > ?
                    """)
            // Run to its end (one row, the token digest is the key): the statement's read
            // transaction ends with it, not whenever a cursor happens to be released.
            let rows = try Row.fetchAll(statement, arguments: [tokenDigest, now])
            guard let row = rows.first else { return (nil, 0) }
            guard let person: String = row[1] else { return (nil, row[0]) }
            return (WebSession(person: person, csrfToken: row[2], expiresAt: row[3]), row[0])
        }
        return (session, StateVersion(otherConnections: dataVersion, ownChanges: 0, connection: connection))
    }

    private static func session(_ db: Database, tokenDigest: String, now: Int64) throws -> WebSession? {
        let statement = try db.cachedStatement(
            sql: "SELECT person, csrf_token, expires_at FROM web_session WHERE token_digest = ? AND expires_at > ?")
        return try Row.fetchOne(statement, arguments: [tokenDigest, now]).map {
            WebSession(person: $0["person"], csrfToken: $0["csrf_token"], expiresAt: $0["expires_at"])
        }
    }

    /// Ends one session (signing out).
    package func endSession(tokenDigest: String) throws(StateError) {
        try write { db in try db.execute(sql: "DELETE FROM web_session WHERE token_digest = ?", arguments: [tokenDigest]) }
    }

    /// Ends every session of a person and voids their unused sign-in links; also drops
    /// anything expired. Returns how many sessions and links were ended.
    package func revoke(person: String, now: Int64) throws(StateError) -> (sessions: Int, invites: Int) {
        try write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE person = ? COLLATE NOCASE", arguments: [person])
            let sessions = db.changesCount
            try db.execute(sql: "DELETE FROM web_invite WHERE person = ? COLLATE NOCASE AND used_at IS NULL", arguments: [person])
            let invites = db.changesCount
            try db.execute(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: "DELETE FROM web_invite WHERE expires_at <= ?", arguments: [now - 30 * 86_400])
            return (sessions, invites)
        }
    }

    /// Ends the sessions and voids the unused links of everyone not in `people` (compared
    /// without regard to case): someone removed from `people:` stays out if the name comes back.
    /// Returns how many sessions were ended.
    @discardableResult
    package func revokeEveryone(except people: [String]) throws(StateError) -> Int {
        try write { db in
            let keep = Set(people.map { $0.lowercased() })
            var ended = 0
            for person in try String.fetchAll(db, sql: "SELECT DISTINCT person FROM web_session UNION SELECT DISTINCT person FROM web_invite")
            where !keep.contains(person.lowercased()) {
                try db.execute(sql: "DELETE FROM web_session WHERE person = ?", arguments: [person])
                ended += db.changesCount
                try db.execute(sql: "DELETE FROM web_invite WHERE person = ? AND used_at IS NULL", arguments: [person])
            }
            return ended
        }
    }

    /// Open sessions and unused, unexpired links per person.
    package func webAccess(now: Int64) throws(StateError) -> [String: (sessions: Int, invites: Int)] {
        try read { db in
            var access: [String: (sessions: Int, invites: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT person, COUNT(*) AS n FROM web_session WHERE expires_at > ? GROUP BY person", arguments: [now]) {
                access[row["person"], default: (0, 0)].sessions = row["n"]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT person, COUNT(*) AS n FROM web_invite WHERE used_at IS NULL AND expires_at > ? GROUP BY person", arguments: [now])
            {
                access[row["person"], default: (0, 0)].invites = row["n"]
            }
            return access
        }
    }

    // MARK: Meeting notes

    package func meetingNote(playbook: String, scheduledAt: Int64) throws(StateError) -> MeetingNote? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT text, updated_by, updated_at FROM meeting_note WHERE playbook_id = ? AND scheduled_at = ?",
                arguments: [playbook, scheduledAt]
            ).map { MeetingNote(text: $0["text"], updatedBy: $0["updated_by"], updatedAt: $0["updated_at"]) }
        }
    }

    /// Replaces a meeting's notes; empty text removes them.
    package func saveMeetingNote(playbook: String, scheduledAt: Int64, text: String, by person: String?, now: Int64) throws(StateError) {
        try write { db in
            if text.isEmpty {
                try db.execute(sql: "DELETE FROM meeting_note WHERE playbook_id = ? AND scheduled_at = ?", arguments: [playbook, scheduledAt])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO meeting_note (playbook_id, scheduled_at, text, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (playbook_id, scheduled_at) DO UPDATE SET
                            text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at
                        """, arguments: [playbook, scheduledAt, text, person, now])
            }
        }
    }

    // MARK: Acknowledgements

    /// Records that an occurrence was acknowledged, and in the same transaction cancels its
    /// escalations still waiting to be sent. The first acknowledgement stands; a later one
    /// changes nothing and returns the first.
    ///
    /// - Returns: The acknowledgement that stands, and how many escalations were cancelled.
    package func acknowledge(playbook: String, scheduledAt: Int64, by person: String?, via: String, now: Int64) throws(StateError)
        -> (acknowledgement: AcknowledgementRecord, cancelled: Int)
    {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO acknowledgement (playbook_id, scheduled_at, acknowledged_by, via, acknowledged_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (playbook_id, scheduled_at) DO NOTHING
                    """, arguments: [playbook, scheduledAt, person, via, now])
            let row = try Row.fetchOne(
                db, sql: "SELECT acknowledged_by, via, acknowledged_at FROM acknowledgement WHERE playbook_id = ? AND scheduled_at = ?",
                arguments: [playbook, scheduledAt])!
            let record = AcknowledgementRecord(
                playbookId: playbook, scheduledAt: scheduledAt, by: row["acknowledged_by"], via: row["via"], at: row["acknowledged_at"])
            let who = record.by.map { " by \($0)" } ?? ""
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'dropped', last_error = ?
                    WHERE before_seconds < 0 AND checklist_item = 0 AND state IN ('pending', 'retrying')
                      AND occurrence_id IN (SELECT id FROM occurrence WHERE playbook_id = ? AND scheduled_at = ?)
                    """, arguments: ["not sent: acknowledged\(who) (\(record.via))", playbook, scheduledAt])
            return (record, db.changesCount)
        }
    }

    /// The acknowledgement of one occurrence, if any.
    package func acknowledgement(playbook: String, scheduledAt: Int64) throws(StateError) -> AcknowledgementRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT acknowledged_by, via, acknowledged_at FROM acknowledgement WHERE playbook_id = ? AND scheduled_at = ?",
                arguments: [playbook, scheduledAt]
            ).map { AcknowledgementRecord(playbookId: playbook, scheduledAt: scheduledAt, by: $0["acknowledged_by"], via: $0["via"], at: $0["acknowledged_at"]) }
        }
    }

    /// One playbook's acknowledgement times, checklist marks (their times) and ratings for the
    /// occurrences that start in `range`, by occurrence: what meeting health reads, in three
    /// queries instead of three per occurrence.
    package func meetingRecords(playbook: String, startingIn range: ClosedRange<Int64>) throws(StateError)
        -> (acknowledgedAt: [Int64: Int64], checklistDoneAt: [Int64: [Int64]], ratings: [Int64: [Int]])
    {
        try read { db in
            let arguments: StatementArguments = [playbook, range.lowerBound, range.upperBound]
            let window = "WHERE playbook_id = ? AND scheduled_at BETWEEN ? AND ?"
            var acknowledged: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT scheduled_at, acknowledged_at FROM acknowledgement \(window)", arguments: arguments) {
                acknowledged[row["scheduled_at"]] = row["acknowledged_at"]
            }
            var marks: [Int64: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT scheduled_at, done_at FROM checklist_mark \(window)", arguments: arguments) {
                marks[row["scheduled_at"], default: []].append(row["done_at"])
            }
            var ratings: [Int64: [Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT scheduled_at, rating FROM meeting_rating \(window)", arguments: arguments) {
                ratings[row["scheduled_at"], default: []].append(row["rating"])
            }
            return (acknowledged, marks, ratings)
        }
    }

    // MARK: Meeting ratings

    /// Every rating of one meeting, by person.
    package func ratings(playbook: String, scheduledAt: Int64) throws(StateError) -> [String: Int] {
        try read { db in
            var ratings: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT person, rating FROM meeting_rating WHERE playbook_id = ? AND scheduled_at = ?", arguments: [playbook, scheduledAt])
            {
                ratings[row["person"]] = row["rating"]
            }
            return ratings
        }
    }

    /// Records (or changes) one person's rating of a meeting.
    package func rate(playbook: String, scheduledAt: Int64, person: String, rating: Int, now: Int64) throws(StateError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO meeting_rating (playbook_id, scheduled_at, person, rating, rated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (playbook_id, scheduled_at, person) DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at
                    """, arguments: [playbook, scheduledAt, person, rating, now])
        }
    }

    // MARK: Edits

    /// One action item by id.
    package func action(id: Int64) throws(StateError) -> ActionItem? {
        try read { db in try ActionItem.fetchOne(db, key: id) }
    }

    /// Replaces an action item's text, owner and due date. Returns the item, or nil when there is no such id.
    package func editAction(id: Int64, text: String?, owner: FieldChange<String>, dueDate: FieldChange<String>) throws(StateError) -> ActionItem? {
        // Read and written in one immediate transaction: no other edit comes in between.
        try write { db in
            guard var item = try ActionItem.fetchOne(db, key: id) else { return nil }
            item.text = text ?? item.text
            item.owner = owner.applied(to: item.owner)
            item.dueDate = dueDate.applied(to: item.dueDate)
            try item.update(db)
            return item
        }
    }

    /// Deletes an action item; false when there was none with this id.
    package func deleteAction(id: Int64) throws(StateError) -> Bool {
        try write { db in try ActionItem.deleteOne(db, key: id) }
    }

    /// Deletes one KPI value; false when there was none.
    package func deleteKPIValue(kpi: String, measuredOn: String) throws(StateError) -> Bool {
        try write { db in try KPIValue.deleteOne(db, key: ["kpi": kpi, "measured_on": measuredOn]) }
    }
}
