import GRDB

/// The state schema, as migrations. Instants are UTC epoch seconds; dates are `YYYY-MM-DD`.
enum Schema {
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
        return migrator
    }()
}
