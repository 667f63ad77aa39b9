import GRDB

/// The state schema, as migrations. Instants are UTC epoch seconds; dates are `YYYY-MM-DD`.
enum Schema {
    /// `PRAGMA application_id` of an OpsCadence state file ("OPCA"), so that a file of another
    /// application is recognised and refused instead of receiving our tables.
    static let applicationID: Int32 = 0x4F50_4341

    /// The tables of schema v2, the last one written without ``applicationID``: a file with no
    /// application id is adopted as ours only if it holds these and nothing else.
    static let legacyTables: Set<String> = [
        "grdb_migrations", "playbook_state", "occurrence", "delivery", "delivery_payload", "checklist_mark", "action_item",
        "kpi_value", "assessment", "plan",
    ]

    /// Refuses a file that is not ours (another application's database, an empty file) and one
    /// written by a newer opscadence, before anything reads or writes it.
    static func checkIdentity(_ db: Database, path: String) throws {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if id != applicationID {
            let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            guard id == 0, tables.contains("grdb_migrations"), tables.contains("occurrence"), tables.isSubset(of: legacyTables) else {
                let what = tables.isEmpty && id == 0 ? "an empty database" : "a database of another application"
                throw StateError(.foreign, path: path, detail: "not an OpsCadence state file (\(what))")
            }
        }
        let applied = try migrator.appliedIdentifiers(db)
        guard applied.isSubset(of: Set(migrator.migrations)) else {
            throw StateError(
                .newerSchema, path: path,
                detail: "written by a newer opscadence (schema \(Schema.newest(applied) ?? "?")); this version knows up to \(migrator.migrations.last ?? "?"); upgrade opscadence")
        }
    }

    /// The newest of these migrations by number (`v10` after `v9`, which text order puts first).
    static func newest(_ identifiers: some Sequence<String>) -> String? {
        identifiers.max { Int($0.dropFirst()) ?? 0 < Int($1.dropFirst()) ?? 0 }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // How far each playbook has been processed: occurrences that open at or before the
            // watermark are recorded. It never moves backwards, so a clock stepping back never
            // re-fires anything.
            try db.execute(
                sql: """
                    CREATE TABLE playbook_state (
                        playbook_id TEXT PRIMARY KEY,
                        watermark INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE occurrence (
                        id INTEGER PRIMARY KEY,
                        playbook_id TEXT NOT NULL,
                        scheduled_at INTEGER NOT NULL,
                        utc_offset INTEGER NOT NULL,
                        nominal_local TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('handled', 'coalesced', 'missed')),
                        recorded_at INTEGER NOT NULL,
                        agenda_path TEXT,
                        UNIQUE (playbook_id, scheduled_at)
                    );
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY,
                        occurrence_id INTEGER NOT NULL REFERENCES occurrence(id),
                        playbook_id TEXT NOT NULL,
                        target TEXT NOT NULL,
                        before_seconds INTEGER NOT NULL,
                        reminder_at INTEGER NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'retrying', 'delivered', 'dead',
                            'missed', 'expired', 'coalesced', 'skipped', 'dropped')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        first_attempt_at INTEGER,
                        last_attempt_at INTEGER,
                        last_status INTEGER,
                        last_error TEXT,
                        delivered_at INTEGER,
                        payload BLOB,
                        created_at INTEGER NOT NULL,
                        UNIQUE (occurrence_id, target, before_seconds)
                    );
                    CREATE INDEX delivery_due ON delivery (state, next_attempt_at);
                    CREATE INDEX delivery_playbook ON delivery (playbook_id, state);
                    CREATE TABLE checklist_mark (
                        playbook_id TEXT NOT NULL,
                        scheduled_at INTEGER NOT NULL,
                        item_index INTEGER NOT NULL,
                        item TEXT NOT NULL,
                        done_at INTEGER NOT NULL,
                        PRIMARY KEY (playbook_id, scheduled_at, item_index)
                    );
                    CREATE TABLE action_item (
                        id INTEGER PRIMARY KEY,
                        playbook_id TEXT,
                        text TEXT NOT NULL,
                        owner TEXT,
                        due_date TEXT,
                        created_at INTEGER NOT NULL,
                        done_at INTEGER,
                        plan_item TEXT,
                        plan_phase TEXT
                    );
                    CREATE INDEX action_open ON action_item (playbook_id, done_at);
                    CREATE TABLE kpi_value (
                        kpi TEXT NOT NULL,
                        measured_on TEXT NOT NULL,
                        value REAL NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        PRIMARY KEY (kpi, measured_on)
                    );
                    CREATE TABLE assessment (
                        quarter TEXT PRIMARY KEY,
                        inventory INTEGER NOT NULL CHECK (inventory BETWEEN 1 AND 5),
                        fulfillment INTEGER NOT NULL CHECK (fulfillment BETWEEN 1 AND 5),
                        planning INTEGER NOT NULL CHECK (planning BETWEEN 1 AND 5),
                        reporting INTEGER NOT NULL CHECK (reporting BETWEEN 1 AND 5),
                        governance INTEGER NOT NULL CHECK (governance BETWEEN 1 AND 5),
                        notes TEXT NOT NULL DEFAULT '{}',
                        recorded_at INTEGER NOT NULL
                    );
                    CREATE TABLE plan (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        start_month TEXT NOT NULL,
                        assessment_quarter TEXT,
                        created_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2") { db in
            // v1 kept each delivery's message, as JSON, in a `payload` column of the delivery
            // row: every attempt decoded and formatted it again, and every claim and outcome
            // rewrote those bytes with the row. The body as sent now lives in a table of its
            // own, with the kind it is formatted for and the query parameters that kind adds to
            // the URL. The table is rebuilt without the column (SQLite's documented procedure;
            // DROP COLUMN needs 3.35). Old payloads are not carried over: a delivery without
            // one builds it again, with the same webhook-id.
            //
            // Its indexes cover only rows in flight or waiting, so a claim reads the queue in
            // order (v1's index on state and time made it sort every waiting row per batch) and
            // a state change touches one small index instead of two; finished rows, the bulk of
            // the table after a while, are in none (status and outbox listings scan them, which
            // for years of reminders is milliseconds).
            try db.execute(
                sql: """
                    CREATE TABLE delivery_v2 (
                        id INTEGER PRIMARY KEY,
                        occurrence_id INTEGER NOT NULL REFERENCES occurrence(id),
                        playbook_id TEXT NOT NULL,
                        target TEXT NOT NULL,
                        before_seconds INTEGER NOT NULL,
                        reminder_at INTEGER NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'retrying', 'delivered', 'dead',
                            'missed', 'expired', 'coalesced', 'skipped', 'dropped')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        first_attempt_at INTEGER,
                        last_attempt_at INTEGER,
                        last_status INTEGER,
                        last_error TEXT,
                        delivered_at INTEGER,
                        created_at INTEGER NOT NULL,
                        UNIQUE (occurrence_id, target, before_seconds)
                    );
                    INSERT INTO delivery_v2
                        SELECT id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state,
                            attempts, next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at,
                            last_attempt_at, last_status, last_error, delivered_at, created_at
                        FROM delivery;
                    DROP TABLE delivery;
                    ALTER TABLE delivery_v2 RENAME TO delivery;
                    CREATE INDEX delivery_queue ON delivery (next_attempt_at, id) WHERE state IN ('pending', 'retrying');
                    CREATE INDEX delivery_in_flight ON delivery (lease_expires_at) WHERE state = 'sending';
                    CREATE TABLE delivery_payload (
                        delivery_id INTEGER PRIMARY KEY REFERENCES delivery(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        query TEXT NOT NULL,
                        body BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3") { db in
            // Marks the file as ours (files made before v3 are recognised by their tables).
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // What the watermark was computed for (the schedule, its zone, holiday policy and
            // the longest reminder lead): when it changes, the next tick looks again at the
            // occurrences still ahead, so a new reminder lead or a moved meeting is not skipped.
            try db.execute(sql: "ALTER TABLE playbook_state ADD COLUMN plan_key TEXT")
            // The last failure of one playbook in a tick (a render or template error): its
            // occurrences wait, the others go on, and status shows why. Cleared by the next success.
            try db.execute(sql: "ALTER TABLE playbook_state ADD COLUMN last_error TEXT")
            try db.execute(sql: "ALTER TABLE playbook_state ADD COLUMN last_error_at INTEGER")
        }
        migrator.registerMigration("v4") { db in
            // The web app: one-time sign-in links and sessions, kept only as digests of their
            // random tokens (a copy of this file signs nobody in), meeting notes, each
            // attendee's 1-10 rating of a meeting, acknowledgements (the first one stands), and
            // who made each change from a page.
            try db.execute(
                sql: """
                    CREATE TABLE web_invite (
                        token_digest TEXT PRIMARY KEY,
                        person TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        used_at INTEGER
                    );
                    CREATE TABLE web_session (
                        token_digest TEXT PRIMARY KEY,
                        person TEXT NOT NULL,
                        csrf_token TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX web_session_person ON web_session (person);
                    CREATE TABLE meeting_note (
                        playbook_id TEXT NOT NULL,
                        scheduled_at INTEGER NOT NULL,
                        text TEXT NOT NULL,
                        updated_by TEXT,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (playbook_id, scheduled_at)
                    );
                    CREATE TABLE meeting_rating (
                        playbook_id TEXT NOT NULL,
                        scheduled_at INTEGER NOT NULL,
                        person TEXT NOT NULL,
                        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
                        rated_at INTEGER NOT NULL,
                        PRIMARY KEY (playbook_id, scheduled_at, person)
                    );
                    CREATE TABLE acknowledgement (
                        playbook_id TEXT NOT NULL,
                        scheduled_at INTEGER NOT NULL,
                        acknowledged_by TEXT,
                        via TEXT NOT NULL,
                        acknowledged_at INTEGER NOT NULL,
                        PRIMARY KEY (playbook_id, scheduled_at)
                    );
                    ALTER TABLE checklist_mark ADD COLUMN done_by TEXT;
                    ALTER TABLE action_item ADD COLUMN created_by TEXT;
                    ALTER TABLE action_item ADD COLUMN done_by TEXT;
                    ALTER TABLE kpi_value ADD COLUMN recorded_by TEXT;
                    """)
        }
        migrator.registerMigration("v5") { db in
            // Answers to chat services about a click on a reminder's button (Slack's
            // `response_url`): an outbox of their own, since they belong to no reminder. Written
            // once the click is recorded, sent by whoever claims one first (the web app at once,
            // else the next tick), retried while the service still takes it.
            try db.execute(
                sql: """
                    CREATE TABLE chat_reply (
                        id INTEGER PRIMARY KEY,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        target TEXT NOT NULL,
                        url TEXT NOT NULL,
                        body BLOB NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        last_status INTEGER,
                        last_error TEXT,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER
                    );
                    CREATE INDEX chat_reply_queue ON chat_reply (next_attempt_at) WHERE state IN ('pending', 'sending');
                    """)
        }
        migrator.registerMigration("v6") { db in
            // A checklist item with `remind: true` has reminders of its own (at its due time,
            // and a late one at the start) to the same targets as the meeting's: the item's
            // 1-based number joins the row's identity, 0 for a meeting reminder or escalation,
            // so an item reminder at the same lead as a meeting reminder is a row of its own.
            // A UNIQUE constraint cannot be altered: the table is rebuilt (SQLite's documented
            // procedure, as in v2; GRDB runs a migration with foreign keys off and checks them
            // after, so delivery_payload's rows stay), rows keep their ids and get 0. The partial
            // indexes are recreated exactly as v2 made them. The table is written out in full
            // rather than shared with v2: a migration is a record of what a file looked like,
            // and must not change when a later one does.
            try db.execute(
                sql: """
                    CREATE TABLE delivery_v6 (
                        id INTEGER PRIMARY KEY,
                        occurrence_id INTEGER NOT NULL REFERENCES occurrence(id),
                        playbook_id TEXT NOT NULL,
                        target TEXT NOT NULL,
                        before_seconds INTEGER NOT NULL,
                        reminder_at INTEGER NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'retrying', 'delivered', 'dead',
                            'missed', 'expired', 'coalesced', 'skipped', 'dropped')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_expires_at INTEGER,
                        first_attempt_at INTEGER,
                        last_attempt_at INTEGER,
                        last_status INTEGER,
                        last_error TEXT,
                        delivered_at INTEGER,
                        created_at INTEGER NOT NULL,
                        checklist_item INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (occurrence_id, target, before_seconds, checklist_item)
                    );
                    INSERT INTO delivery_v6
                        SELECT id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state,
                            attempts, next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at,
                            last_attempt_at, last_status, last_error, delivered_at, created_at, 0
                        FROM delivery;
                    DROP TABLE delivery;
                    ALTER TABLE delivery_v6 RENAME TO delivery;
                    CREATE INDEX delivery_queue ON delivery (next_attempt_at, id) WHERE state IN ('pending', 'retrying');
                    CREATE INDEX delivery_in_flight ON delivery (lease_expires_at) WHERE state = 'sending';
                    """)
        }
        migrator.registerMigration("v7") { db in
            // The processes that tick on this state, one row per `host:pid`, so that `status`
            // and `doctor` can say which instances of a shared (PostgreSQL) state are alive and
            // on which version. Only a shared state writes rows: on SQLite, one process at a
            // time ticks, and an idle tick must stay free of write transactions. The table
            // exists here all the same so that both backends hold the same tables and
            // `state copy` carries the rows either way.
            try db.execute(
                sql: """
                    CREATE TABLE instance (
                        name TEXT PRIMARY KEY,
                        host TEXT NOT NULL,
                        pid INTEGER NOT NULL,
                        version TEXT NOT NULL,
                        started_at INTEGER NOT NULL,
                        last_tick_at INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v8") { db in
            // An action item's id is never given again: a plain INTEGER PRIMARY KEY hands the
            // id of the newest item, once deleted, to the next one, so an open page, a link or
            // `action done N` typed from an old agenda would act on another item. AUTOINCREMENT
            // keeps the highest id ever used. The table is rebuilt (its key cannot be altered),
            // rows keep their ids, and the index is recreated as v1 made it.
            try db.execute(
                sql: """
                    CREATE TABLE action_item_v8 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        playbook_id TEXT,
                        text TEXT NOT NULL,
                        owner TEXT,
                        due_date TEXT,
                        created_at INTEGER NOT NULL,
                        done_at INTEGER,
                        plan_item TEXT,
                        plan_phase TEXT,
                        created_by TEXT,
                        done_by TEXT
                    );
                    INSERT INTO action_item_v8
                        SELECT id, playbook_id, text, owner, due_date, created_at, done_at, plan_item, plan_phase, created_by, done_by
                        FROM action_item;
                    DROP TABLE action_item;
                    ALTER TABLE action_item_v8 RENAME TO action_item;
                    CREATE INDEX action_open ON action_item (playbook_id, done_at);
                    """)
        }
        migrator.registerMigration("v9") { db in
            // How long an instance's last tick took, for /metrics
            // (`opscadence_last_tick_duration_seconds`); NULL until it ticks again.
            try db.execute(sql: "ALTER TABLE instance ADD COLUMN last_tick_duration_ms INTEGER")
        }
        return migrator
    }()
}
