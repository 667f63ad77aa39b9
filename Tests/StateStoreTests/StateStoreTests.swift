import Foundation
import GRDB
import OpsCadenceTesting
import Playbooks
import PostgresState
import Testing

@testable import StateStore

/// The rows the state tests record: an occurrence of a playbook, and a reminder of it.
protocol StateRows {}

extension StateRows {
    func occurrence(_ playbook: String, at instant: Int64) -> OccurrenceRecord {
        OccurrenceRecord(
            playbookId: playbook, scheduledAt: instant, utcOffset: -18_000, nominalLocal: "2026-12-07T09:00:00",
            status: .handled, recordedAt: instant - 900)
    }

    func delivery(_ playbook: String, at instant: Int64, before: Int, target: String = "ops-chat") -> DeliveryRecord {
        DeliveryRecord(
            occurrenceId: 0, playbookId: playbook, target: target, beforeSeconds: before, reminderAt: instant - Int64(before),
            idempotencyKey: "msg_\(playbook)_\(instant)_\(before)_\(target)", state: .pending,
            nextAttemptAt: instant - Int64(before), expiresAt: instant - Int64(before) + 3600, createdAt: instant - 900)
    }
}

@Suite struct StateStoreTests: StateRows {
    /// A fresh state with one weekly occurrence at `t` and its 15-minute and 0-minute reminders.
    func storeWithTwoReminders(at t: Int64) throws -> (TemporaryDirectory, StateStore) {
        let dir = TemporaryDirectory()
        let store = try StateStore(path: dir.file("state.sqlite"))
        try store.commit(
            [OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 900), delivery("weekly", at: t, before: 0)])],
            watermarks: [:], now: t)
        return (dir, store)
    }

    @Test func opensInWALWithFullSync() throws {
        let dir = TemporaryDirectory()
        let store = try StateStore(path: dir.file("state/state.sqlite"))
        let (mode, sync) = try store.sqlite!.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
        #expect(mode == "wal")
        #expect(sync == 2)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func upgradingFromV1ClearsPayloadsStoredAsMessages() throws {
        // v1 stored the message as JSON in `payload`; v2 stores the body as sent, with its kind.
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        let t: Int64 = 1_796_652_000
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO occurrence (id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at)
                        VALUES (1, 'weekly', ?, 0, '2026-12-07T09:00:00', 'handled', ?);
                        INSERT INTO delivery (occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state,
                            next_attempt_at, expires_at, payload, created_at)
                        VALUES (1, 'weekly', 'ops-chat', 0, ?, 'k1', 'retrying', ?, ?, '{"deliveryID":"k1"}', ?);
                        INSERT INTO delivery VALUES (7, 1, 'weekly', 'ops-mail', 900, 11, 'k7', 'dead', 3, 12, 13, 'host:9', 14, 15, 16,
                            503, 'HTTP 503', 17, '{}', 18);
                        """, arguments: [t, t, t, t, t + 3600, t])
            }
        }
        let store = try StateStore(path: path)
        let claimed = try store.claimDueDeliveries(now: t, owner: "host:1", lease: 100, limit: 10)
        #expect(claimed.map(\.record.idempotencyKey) == ["k1"])
        #expect(claimed.first?.payload == nil)
        #expect(try store.sqlite!.read { db in try Schema.migrator.appliedIdentifiers(db) } == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(try store.sqlite!.read { db in try db.columns(in: "delivery").map(\.name) }.contains("payload") == false)
        #expect(try store.integrityCheck() == "ok")
        // Every other column is carried over in its place.
        let kept = try #require(try store.delivery(id: 7))
        #expect(
            [kept.occurrenceId, Int64(kept.beforeSeconds), kept.reminderAt, Int64(kept.attempts), kept.nextAttemptAt, kept.expiresAt]
                == [1, 900, 11, 3, 12, 13])
        #expect([kept.leaseExpiresAt, kept.firstAttemptAt, kept.lastAttemptAt, kept.lastStatus.map(Int64.init), kept.deliveredAt] == [14, 15, 16, 503, 17])
        #expect(kept.createdAt == 18 && kept.playbookId == "weekly" && kept.target == "ops-mail" && kept.idempotencyKey == "k7")
        #expect(kept.state == .dead && kept.leaseOwner == "host:9" && kept.lastError == "HTTP 503")
        let indexes = try store.sqlite!.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery' AND sql IS NOT NULL ORDER BY name") }
        #expect(indexes == ["delivery_in_flight", "delivery_queue"])
    }

    @Test func upgradingFromV5KeepsRowsAsMeetingRemindersAndLetsItemRemindersShareALead() throws {
        // v6 adds the checklist item to a delivery's identity: old rows become meeting
        // reminders (0), keep their ids, columns and payloads, and an item reminder with the
        // same occurrence, target and lead is a row of its own.
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        let t: Int64 = 1_796_652_000
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v5")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO occurrence (id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at)
                        VALUES (1, 'weekly', ?, 0, '2026-12-07T09:00:00', 'handled', ?);
                        INSERT INTO delivery VALUES (3, 1, 'weekly', 'ops-chat', 3600, ?, 'k3', 'pending', 0, ?, ?, NULL, NULL, NULL,
                            NULL, NULL, NULL, NULL, ?);
                        INSERT INTO delivery VALUES (7, 1, 'weekly', 'ops-mail', 900, 11, 'k7', 'dead', 3, 12, 13, 'host:9', 14, 15, 16,
                            503, 'HTTP 503', 17, 18);
                        INSERT INTO delivery_payload (delivery_id, kind, query, body) VALUES (7, 'generic', '', x'7B7D');
                        """, arguments: [t, t, t - 3600, t - 3600, t, t])
            }
        }
        let store = try StateStore(path: path)
        #expect(try store.sqlite!.read { db in try Schema.migrator.appliedIdentifiers(db) }.contains("v6"))
        #expect(try store.integrityCheck() == "ok")
        let kept = try #require(try store.delivery(id: 7))
        #expect(kept.checklistItem == 0 && !kept.isChecklistReminder)
        #expect([kept.occurrenceId, Int64(kept.beforeSeconds), kept.reminderAt, Int64(kept.attempts), kept.nextAttemptAt, kept.expiresAt] == [1, 900, 11, 3, 12, 13])
        #expect([kept.leaseExpiresAt, kept.firstAttemptAt, kept.lastAttemptAt, kept.lastStatus.map(Int64.init), kept.deliveredAt] == [14, 15, 16, 503, 17])
        #expect(kept.createdAt == 18 && kept.state == .dead && kept.leaseOwner == "host:9" && kept.lastError == "HTTP 503" && kept.idempotencyKey == "k7")
        #expect(try store.payload(ofDelivery: 7) == DeliveryPayload(body: Data("{}".utf8), kind: "generic", query: ""))
        let indexes = try store.sqlite!.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery' AND sql IS NOT NULL ORDER BY name")
        }
        #expect(indexes == [
            "CREATE INDEX delivery_in_flight ON delivery (lease_expires_at) WHERE state = 'sending'",
            "CREATE INDEX delivery_queue ON delivery (next_attempt_at, id) WHERE state IN ('pending', 'retrying')",
        ])
        // An item's reminder at the meeting reminder's lead is a row of its own; the same item
        // twice is refused by the identity.
        var item = delivery("weekly", at: t, before: 3600)
        item.occurrenceId = 1
        item.checklistItem = 2
        item.idempotencyKey = "weekly.item2.1h.ops-chat"
        try store.sqlite!.write { db in try item.insert(db) }
        var twice = item
        twice.id = nil
        twice.idempotencyKey = "other"
        #expect(throws: (any Error).self) { try store.sqlite!.write { db in try twice.insert(db) } }
        let claimed = try store.claimDueDeliveries(now: t - 3600, owner: "host:1", lease: 100, limit: 10).map(\.record)
        #expect(claimed.map(\.idempotencyKey).sorted() == ["k3", "weekly.item2.1h.ops-chat"])
        #expect(claimed.first { $0.idempotencyKey == "k3" }?.checklistItem == 0)
        #expect(claimed.first { $0.idempotencyKey != "k3" }?.checklistItem == 2)
    }

    @Test func upgradingToV8KeepsActionItemsAndNeverGivesAnIdAgain() throws {
        // v8 rebuilds action_item with AUTOINCREMENT: rows keep their ids and columns, and the
        // id of the newest item, once deleted, is not handed to the next one (v7 reused it).
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v7")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO action_item (id, playbook_id, text, owner, due_date, created_at, done_at, plan_item, plan_phase, created_by, done_by)
                        VALUES (1, 'weekly', 'Call the carrier', 'Sam', '2026-12-10', 100, NULL, NULL, NULL, 'Ops Lead', NULL),
                               (2, NULL, 'Count the stock', NULL, NULL, 101, 150, 'p1', 'Foundations', NULL, 'Sam');
                        """)
            }
        }
        let store = try StateStore(path: path)
        #expect(try store.sqlite!.read { db in try Schema.migrator.appliedIdentifiers(db) }.contains("v8"))
        let kept = try store.actions(playbook: nil, includeDone: true).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        #expect(kept.map(\.id) == [1, 2] && kept[0].owner == "Sam" && kept[0].createdBy == "Ops Lead" && kept[1].doneBy == "Sam")
        #expect(kept[1].planPhase == "Foundations" && kept[1].doneAt == 150)
        #expect(try store.deleteAction(id: 2))
        let next = try store.addAction(ActionItem(playbookId: "weekly", text: "Next one", owner: nil, dueDate: nil, createdAt: 200))
        #expect(next.id == 3)
        let indexes = try store.sqlite!.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'action_item' AND sql IS NOT NULL")
        }
        #expect(indexes == ["action_open"])
    }

    @Test func upgradingFromV6AddsTheInstanceTableAndKeepsRows() throws {
        // v7 only adds a table: every row of a v6 file stays, and the new table starts empty.
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        let t: Int64 = 1_796_652_000
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v6")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO playbook_state (playbook_id, watermark, updated_at) VALUES ('weekly', ?, ?);
                        INSERT INTO occurrence (id, playbook_id, scheduled_at, utc_offset, nominal_local, status, recorded_at)
                        VALUES (1, 'weekly', ?, 0, '2026-12-07T09:00:00', 'handled', ?);
                        INSERT INTO delivery VALUES (7, 1, 'weekly', 'ops-mail', 900, 11, 'k7', 'dead', 3, 12, 13, 'host:9', 14, 15, 16,
                            503, 'HTTP 503', 17, 18, 2);
                        """, arguments: [t, t, t, t])
            }
        }
        let store = try StateStore(path: path)
        #expect(try store.sqlite!.read { db in try Schema.migrator.appliedIdentifiers(db) }.contains("v7"))
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.watermarks() == ["weekly": t])
        let kept = try #require(try store.delivery(id: 7))
        #expect(kept.checklistItem == 2 && kept.state == .dead && kept.idempotencyKey == "k7" && kept.createdAt == 18)
        #expect(try store.instances(seenSince: 0).isEmpty)
        try store.recordInstance(name: "h:1", host: "h", pid: 1, version: "0.1.0", now: t)
        #expect(try store.instances(seenSince: 0).map(\.name) == ["h:1"])
    }

    @Test func deliveryRowsRoundTripEveryColumn() throws {
        let dir = TemporaryDirectory()
        let store = try StateStore(path: dir.file("state.sqlite"))
        let t: Int64 = 1_796_652_000
        try store.commit([OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [])], watermarks: [:], now: t)
        // A first delivery, so the row under test has an id different from its occurrence id.
        try store.sqlite!.write { db in
            var first = delivery("weekly", at: t, before: 0)
            first.occurrenceId = try Int64.fetchOne(db, sql: "SELECT id FROM occurrence")!
            try first.insert(db)
        }
        var row = delivery("weekly", at: t, before: 900)
        row.occurrenceId = try store.sqlite!.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM occurrence")! }
        // Every column holds a value no other column holds, so reading one in another's place shows.
        row.reminderAt = t - 901
        row.nextAttemptAt = t - 902
        row.expiresAt = t + 3_601
        row.createdAt = t - 903
        row.state = .retrying
        row.attempts = 3
        row.leaseOwner = "host:42"
        row.leaseExpiresAt = t + 120
        row.firstAttemptAt = t - 800
        row.lastAttemptAt = t - 100
        row.lastStatus = 503
        row.lastError = "HTTP 503: try later"
        row.deliveredAt = t + 5
        row.checklistItem = 4
        let inserted = try store.sqlite!.write { db in
            var copy = row
            try copy.insert(db)
            return copy
        }
        #expect(inserted.id != nil)
        let fetched = try store.sqlite!.read { db in try DeliveryRecord.fetchOne(db, key: inserted.id)! }
        #expect(fetched == inserted)
        // Every column of the table is written, none is left to its default.
        let columns = try store.sqlite!.read { db in try db.columns(in: "delivery").map(\.name) }
        #expect(Set(try inserted.databaseDictionary.keys) == Set(columns))

        // The claim reads its rows by position: every column comes back where it belongs.
        let claimed = try #require(try store.claimDueDeliveries(now: t, owner: "host:7", lease: 100, limit: 10).first { $0.record.id == inserted.id }?.record)
        var expected = inserted
        expected.state = .sending
        expected.leaseOwner = "host:7"
        expected.leaseExpiresAt = t + 100
        expected.attempts = 4
        expected.lastAttemptAt = t
        #expect(claimed == expected)
    }

    @Test func corruptedFileIsReportedAndLeftUntouched() throws {
        let dir = TemporaryDirectory()
        let garbage = String(repeating: "this is not sqlite ", count: 300)
        let path = dir.write("state.sqlite", garbage)
        do {
            _ = try StateStore(path: path)
            Issue.record("opened a corrupted file")
        } catch {
            #expect(error.code == .notADatabase)
            #expect(error.description.contains("left untouched"))
        }
        #expect(dir.read("state.sqlite") == garbage)
    }

    /// Another application's SQLite file, or an empty file, is refused before anything is
    /// written: no tables of ours, no journal-mode change, no -wal or -shm beside it.
    @Test(arguments: ["another application's", "empty"])
    func aForeignFileIsRefusedAndLeftUntouched(kind: String) throws {
        let dir = TemporaryDirectory()
        let path = dir.file("other.sqlite")
        if kind == "empty" {
            dir.write("other.sqlite", "")
        } else {
            let other = try DatabaseQueue(path: path)
            try other.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)") }
            try other.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for readOnly in [false, true] {
            do {
                _ = try StateStore(path: path, readOnly: readOnly)
                Issue.record("opened a foreign file (readOnly: \(readOnly))")
            } catch {
                #expect(error.code == .foreign)
                #expect(error.description.contains("not an OpsCadence state file"), "\(error)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    /// A file a newer opscadence migrated is refused for writing as for reading, with the same
    /// message, and left as it was.
    @Test func aNewerSchemaIsRefusedForWritesToo() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        do { _ = try StateStore(path: path) }
        let newer = try DatabaseQueue(path: path)
        try newer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        try newer.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var messages: [String] = []
        for readOnly in [true, false] {
            do {
                _ = try StateStore(path: path, readOnly: readOnly)
                Issue.record("opened a newer schema (readOnly: \(readOnly))")
            } catch {
                #expect(error.code == .newerSchema)
                messages.append(error.description)
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1], "\(messages)")
        #expect(messages.first?.contains("written by a newer opscadence") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func lockedFileGivesAClearError() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        let store = try StateStore(path: path, busyTimeout: 0.2)
        let holder = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? holder.inDatabase { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                release.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }
        thread.start()
        locked.wait()
        defer { release.signal() }
        do {
            try store.commit([], watermarks: ["weekly": 1], now: 1)
            Issue.record("wrote through an exclusive lock")
        } catch {
            #expect(error.code == .locked)
            #expect(error.description.contains("locked by another process"))
        }
    }

    @Test func readOnlyOpenDoesNotCreateState() throws {
        let dir = TemporaryDirectory()
        #expect(try StateStore.openIfPresent(path: dir.file("missing.sqlite")) == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing.sqlite")))
    }
}

/// The backends every behavioural test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// A fresh, empty state of one backend, with what a test needs around it.
struct OpenedState {
    let store: StateStore
    /// Another store over the same state, as a second process (or instance) would open it.
    let reopen: () throws -> StateStore
    /// Makes every further claim fail, as a full disk would.
    let failClaims: () throws -> Void
    /// The temporary folder or database schema, kept alive as long as the state.
    let keep: AnyObject

    /// Nil for PostgreSQL when `OPS_TEST_DATABASE_URL` is not set.
    static func open(_ backend: Backend) throws -> OpenedState? {
        switch backend {
        case .sqlite:
            let dir = TemporaryDirectory()
            let path = dir.file("state.sqlite")
            let store = try StateStore(path: path)
            return OpenedState(
                store: store, reopen: { try StateStore(path: path) },
                failClaims: {
                    try store.sqlite!.write { db in
                        try db.execute(
                            sql: "CREATE TRIGGER no_claims BEFORE UPDATE OF state ON delivery WHEN NEW.state = 'sending' BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
                    }
                }, keep: dir)
        case .postgres:
            guard let database = TestDatabase.make() else { return nil }
            let location = try PostgresLocation(database.url)
            let store = StateStore(backend: try PostgresBackend(location: location), path: location.description)
            return OpenedState(
                store: store, reopen: { StateStore(backend: try PostgresBackend(location: location), path: location.description) },
                failClaims: {
                    try database.psql(
                        """
                        CREATE FUNCTION \(database.schema).no_claims() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN IF NEW.state = 'sending' THEN RAISE EXCEPTION 'disk is full'; END IF; RETURN NEW; END $$;
                        CREATE TRIGGER no_claims BEFORE UPDATE OF state ON \(database.schema).delivery FOR EACH ROW EXECUTE FUNCTION \(database.schema).no_claims();
                        """)
                }, keep: database)
        }
    }
}

/// What every backend must do alike: the SQLite backend is the specification.
@Suite struct StateBackendTests: StateRows {
    /// A fresh state with one weekly occurrence at `t` and its 15-minute and 0-minute reminders.
    func stateWithTwoReminders(_ backend: Backend, at t: Int64) throws -> OpenedState? {
        guard let opened = try OpenedState.open(backend) else { return nil }
        try opened.store.commit(
            [OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 900), delivery("weekly", at: t, before: 0)])],
            watermarks: [:], now: t)
        return opened
    }

    @Test(arguments: Backend.allCases) func aStoredPayloadIsReplacedOnlyForAnotherKind(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        try store.commit([OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 0)])], watermarks: [:], now: t)
        let id = try #require(try store.claimDueDeliveries(now: t, owner: "a", lease: 100, limit: 1).first?.record.id)
        // Another owner's payload is not stored; the first of a kind stays.
        try store.storePayloads([id: .init(body: Data("other owner".utf8), kind: "slack", query: "")], owner: "b")
        #expect(try store.payload(ofDelivery: id) == nil)
        try store.storePayloads([id: .init(body: Data("first".utf8), kind: "generic", query: "")], owner: "a")
        try store.storePayloads([id: .init(body: Data("second".utf8), kind: "generic", query: "")], owner: "a")
        #expect(try store.payload(ofDelivery: id) == DeliveryPayload(body: Data("first".utf8), kind: "generic", query: ""))
        try store.storePayloads([id: .init(body: Data("for discord".utf8), kind: "discord", query: "wait=true")], owner: "a")
        #expect(try store.payload(ofDelivery: id) == DeliveryPayload(body: Data("for discord".utf8), kind: "discord", query: "wait=true"))
        // A retry claims the delivery with its payload.
        #expect(try store.record(.retry(at: t, status: 503, error: "busy"), id: id, owner: "a", now: t))
        let again = try #require(try store.claimDueDeliveries(now: t, owner: "c", lease: 100, limit: 1).first)
        #expect(again.record.id == id && again.payload?.kind == "discord")
    }

    @Test(arguments: Backend.allCases) func commitIsIdempotentAndWatermarksOnlyMoveForward(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        let batch = [OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 900), delivery("weekly", at: t, before: 0)])]
        #expect(try store.commit(batch, watermarks: ["weekly": t], now: t) == CommitSummary(occurrences: 1, deliveries: 2))
        #expect(try store.commit(batch, watermarks: ["weekly": t - 500], now: t) == CommitSummary(occurrences: 0, deliveries: 0))
        #expect(try store.watermarks() == ["weekly": t])
        // A second process opening the same state sees the same state.
        let other = try opened.reopen()
        #expect(try other.deliveries().count == 2)
        #expect(try other.lastOccurrences()["weekly"]?.scheduledAt == t)
        #expect(try other.progress()["weekly"]?.watermark == t)
    }

    @Test(arguments: Backend.allCases) func oneCommitMixesNewRecordedAndRepeatedOccurrences(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        var missed = occurrence("monthly", at: t)
        missed.status = .missed
        try store.commit(
            [
                OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 900)]),
                OccurrenceBatchItem(occurrence: missed, deliveries: []),
            ], watermarks: ["weekly": t, "monthly": t], planKeys: ["weekly": "k1"], now: t)
        // In one batch: a recorded occurrence gains the reminder it lacks, a missed one stays
        // missed without reminders, a new one is recorded once though it comes twice (each copy
        // bringing a target of its own), and a watermark given an older instant stays.
        let summary = try store.commit(
            [
                OccurrenceBatchItem(
                    occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 900), delivery("weekly", at: t, before: 0)]),
                OccurrenceBatchItem(occurrence: occurrence("monthly", at: t), deliveries: [delivery("monthly", at: t, before: 0)]),
                OccurrenceBatchItem(occurrence: occurrence("daily", at: t), deliveries: [delivery("daily", at: t, before: 0, target: "a")]),
                OccurrenceBatchItem(occurrence: occurrence("daily", at: t), deliveries: [delivery("daily", at: t, before: 0, target: "b")]),
            ], watermarks: ["weekly": t - 60, "daily": t], planKeys: ["daily": "k2"], now: t + 1)
        #expect(summary == CommitSummary(occurrences: 1, deliveries: 3))
        let reminders = Dictionary(grouping: try store.deliveries(), by: \.playbookId).mapValues { $0.map { "\($0.target)/\($0.beforeSeconds)" }.sorted() }
        #expect(reminders == ["weekly": ["ops-chat/0", "ops-chat/900"], "daily": ["a/0", "b/0"]])
        let occurrences = try store.lastOccurrences()
        #expect(occurrences["monthly"]?.status == .missed)
        #expect(try store.occurrences(playbook: "daily").count == 1)
        let progress = try store.progress()
        #expect(progress.mapValues(\.watermark) == ["weekly": t, "monthly": t, "daily": t])
        #expect(progress["weekly"]?.planKey == "k1" && progress["daily"]?.planKey == "k2" && progress["weekly"]?.updatedAt == t + 1)
        // The progress of some playbooks, as another instance reads it before planning them.
        #expect(try opened.reopen().progress(of: ["daily", "weekly", "gone"]) == progress.filter { $0.key != "monthly" })
    }

    @Test(arguments: Backend.allCases) func planningClaimsKeepTwoInstancesOffEachOthersPlaybooks(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let (a, b) = (opened.store, try opened.reopen())
        #expect(try a.claimPlanning(["daily", "weekly"]) == ["daily", "weekly"])
        switch backend {
        case .sqlite:
            // One process at a time plans a SQLite state (the workspace lock): nothing to share.
            #expect(try b.claimPlanning(["monthly", "weekly", "daily"]) == ["monthly", "weekly", "daily"])
        case .postgres:
            #expect(try b.claimPlanning(["monthly", "weekly", "daily"]) == ["monthly"])
            // The holder commits its playbooks at once: its claim is the commit's own lock.
            let t: Int64 = 1_796_652_000
            #expect(try a.commit([OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [])], watermarks: ["weekly": t], now: t).occurrences == 1)
            try a.releasePlanning(["weekly"])
            #expect(try b.claimPlanning(["weekly", "daily"]) == ["weekly"])
            // Claims end with the connection, as when an instance dies mid-batch.
            try #require(a.backend as? PostgresBackend).close()
            // The server lets go of a closed session's locks on its own time: a session that
            // waits for the lock (and gives it back) has seen them go.
            let database = try #require(opened.keep as? TestDatabase)
            let key = "hashtextextended('opscadence:\(database.schema):playbook:daily', 0)"
            _ = try database.psql("SELECT pg_advisory_lock(\(key)); SELECT pg_advisory_unlock(\(key))")
            #expect(try b.claimPlanning(["daily"]) == ["daily"])
            #expect(try opened.reopen().claimPlanning(["daily", "weekly", "monthly", "annual"]) == ["annual"])
        }
    }

    @Test(arguments: Backend.allCases) func claimLeaseAndFencing(_ backend: Backend) throws {
        let t: Int64 = 1_796_652_000
        guard let opened = try stateWithTwoReminders(backend, at: t) else { return }
        let store = opened.store
        // Only the 15-minute reminder is due 10 minutes before the start.
        let claimed = try store.claimDueDeliveries(now: t - 600, owner: "a", lease: 120, limit: 10).map(\.record)
        #expect(claimed.map(\.beforeSeconds) == [900])
        #expect(claimed.first?.attempts == 1)
        #expect(try store.claimDueDeliveries(now: t - 600, owner: "b", lease: 120, limit: 10).isEmpty)
        let id = try #require(claimed.first?.id)
        // A process that lost the lease cannot write the outcome.
        #expect(try !store.record(.delivered(status: 200, note: nil), id: id, owner: "b", now: t - 599))
        #expect(try store.record(.delivered(status: 200, note: nil), id: id, owner: "a", now: t - 599))
        #expect(try store.delivery(id: id)?.state == .delivered)
        #expect(try store.deliveryCounts()["weekly"]?.delivered == 1)
        #expect(try store.nextDeliveryDue() == t)
        // An outcome and the next claim in one transaction; a fenced outcome is still refused.
        let next = try #require(try store.claimDueDeliveries(now: t, owner: "a", lease: 120, limit: 10).first?.record.id)
        var both = try store.record([.init(id: next, resolution: .dead(status: 404, error: "gone"))], owner: "b", now: t, thenClaim: 10, lease: 120)
        #expect(try both.written.isEmpty && both.claimed.get().isEmpty)
        both = try store.record([.init(id: next, resolution: .retry(at: t, status: 503, error: "busy"))], owner: "a", now: t, thenClaim: 10, lease: 120)
        #expect(both.written == [next])
        let reclaimed = try both.claimed.get()
        #expect(reclaimed.map(\.record.id) == [next] && reclaimed.first?.record.attempts == 2)
        both = try store.record([.init(id: next, resolution: .dead(status: 404, error: "gone"))], owner: "a", now: t, thenClaim: 0, lease: 120)
        #expect(try both.written == [next] && both.claimed.get().isEmpty)
        #expect(try store.delivery(id: next)?.state == .dead)
        #expect(try store.deadDeliveryIds() == [next])
        let metrics = try store.metrics(now: t)
        #expect(metrics.deliveries["dead"] == 1 && metrics.deliveries["delivered"] == 1 && metrics.due == 0)
        let health = try store.health(now: t)
        #expect(health.integrity == "ok" && health.schema == "v9" && health.deadDeliveries == 1 && health.abandonedClaims == 0)
    }

    /// A tick's end is noted with how long it took, for /metrics: on PostgreSQL in the
    /// instance's row, on SQLite without a commit (an idle tick makes none), seen by another
    /// connection all the same.
    @Test(arguments: Backend.allCases) func aTickIsNotedWithItsDuration(_ backend: Backend) throws {
        let t: Int64 = 1_796_652_000
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        #expect(try store.metrics(now: t).lastTickDuration == nil)
        let version = try store.version()
        try store.recordTick(name: "h:/w", host: "h", pid: 7, version: "0.1.0", now: t, duration: .milliseconds(1234))
        if backend == .sqlite { #expect(try store.version() == version) }
        let other = try opened.reopen()
        var metrics = try other.metrics(now: t + 30)
        #expect(metrics.lastTickAt == t && metrics.lastTickDuration == 1.234)
        try store.recordTick(name: "h:/w", host: "h", pid: 8, version: "0.1.0", now: t + 60, duration: .microseconds(20_100))
        metrics = try other.metrics(now: t + 60)
        #expect(metrics.lastTickAt == t + 60 && metrics.lastTickDuration == 0.021)
    }

    /// `state copy` reads its source read-only, without upgrading it: a state of the schema
    /// before (v8, before the tick's duration) is copied all the same, the new column empty.
    @Test(arguments: Backend.allCases) func aStateOfTheSchemaBeforeIsCopiedAsItIs(_ backend: Backend) throws {
        let t: Int64 = 1_796_652_000
        guard let opened = try OpenedState.open(backend) else { return }
        try opened.store.recordInstance(name: "h:1", host: "h", pid: 1, version: "0.1.0", now: t, tickDuration: .milliseconds(30))
        try opened.store.createInvite(tokenDigest: "i1", person: "Sam", now: t, expiresAt: t + 100)
        let older: StateStore
        if let sqlite = opened.store.sqlite {
            try sqlite.write { db in
                try db.execute(sql: "ALTER TABLE instance DROP COLUMN last_tick_duration_ms; DELETE FROM grdb_migrations WHERE identifier = 'v9'")
            }
            older = try StateStore(path: sqlite.path, readOnly: true)
        } else {
            let database = try #require(opened.keep as? TestDatabase)
            try database.psql(
                "ALTER TABLE \(database.schema).instance DROP COLUMN last_tick_duration_ms; UPDATE \(database.schema).opscadence_schema SET version = 8")
            let location = try PostgresLocation(database.url)
            older = StateStore(backend: try PostgresBackend(location: location, readOnly: true), path: location.description)
        }
        let dump = try older.dump()
        #expect(dump.rows["instance"] == [[.text("h:1"), .text("h"), .integer(1), .text("0.1.0"), .integer(t), .integer(t), .null]])
        #expect(dump.rows["web_invite"]?.count == 1)
    }

    @Test(arguments: Backend.allCases) func instancesAreUpsertedKeepTheirStartAndAreListedNewestFirst(_ backend: Backend) throws {
        let t: Int64 = 1_796_652_000
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        #expect(try store.instances(seenSince: 0).isEmpty)
        try store.recordInstance(name: "a:1", host: "a", pid: 1, version: "0.1.0", now: t)
        try store.recordInstance(name: "b:2", host: "b", pid: 2, version: "0.1.0", now: t + 60)
        // a ticks again, now on a newer build: its start stays, its last tick and version move.
        try store.recordInstance(name: "a:1", host: "a", pid: 1, version: "0.2.0", now: t + 120)
        let other = try opened.reopen()
        #expect(
            try other.instances(seenSince: t) == [
                InstanceRecord(name: "a:1", host: "a", pid: 1, version: "0.2.0", startedAt: t, lastTickAt: t + 120),
                InstanceRecord(name: "b:2", host: "b", pid: 2, version: "0.1.0", startedAt: t + 60, lastTickAt: t + 60),
            ])
        // Only those whose last tick is at or after the bound.
        #expect(try store.instances(seenSince: t + 61).map(\.name) == ["a:1"])
        #expect(try store.instances(seenSince: t + 121).isEmpty)
        // State copies carry them.
        #expect(try store.dump().rows["instance"]?.count == 2)
    }

    @Test(arguments: Backend.allCases) func aFailedClaimKeepsTheOutcomesRecordedWithIt(_ backend: Backend) throws {
        let t: Int64 = 1_796_652_000
        guard let opened = try stateWithTwoReminders(backend, at: t) else { return }
        let store = opened.store
        let sent = try #require(try store.claimDueDeliveries(now: t - 600, owner: "a", lease: 120, limit: 1).first?.record.id)
        // Every further claim fails, as on a full disk.
        try opened.failClaims()
        let both = try store.record([.init(id: sent, resolution: .delivered(status: 200, note: nil))], owner: "a", now: t, thenClaim: 10, lease: 120)
        #expect(both.written == [sent])
        #expect(throws: StateError.self) { try both.claimed.get() }
        // The delivered outcome was committed: it will not be sent again.
        #expect(try opened.reopen().delivery(id: sent)?.state == .delivered)
        #expect(try store.deliveries(states: [.pending], limit: 10).count == 1)
    }

    @Test(arguments: Backend.allCases) func interruptedSendsAreRecoveredAndOverdueOnesExpire(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        try store.commit(
            [OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 0)])],
            watermarks: [:], now: t)
        let claimed = try store.claimDueDeliveries(now: t, owner: "dead-process", lease: 120, limit: 10).map(\.record)
        #expect(claimed.count == 1)
        // Once the lease has run out (PostgreSQL recovers nothing sooner: its owner may be alive).
        #expect(try store.health(now: t + 121).abandonedClaims == 1)
        #expect(try store.recoverInterruptedDeliveries(now: t + 121) == (requeued: 1, dead: 0))
        let row = try #require(try store.delivery(id: claimed[0].id!))
        #expect(row.state == .retrying)
        #expect(row.attempts == 1)
        #expect(row.lastError?.contains("same webhook-id") == true)
        #expect(try store.expireOverdueDeliveries(now: t + 3601) == 1)
        #expect(try store.delivery(id: claimed[0].id!)?.state == .expired)
        #expect(try store.requeue(ids: [claimed[0].id!], now: t + 4000, expiresAt: t + 8000) == 1)
        #expect(try store.delivery(id: claimed[0].id!)?.state == .retrying)
        #expect(try store.drop(id: claimed[0].id!))
        #expect(try store.delivery(id: claimed[0].id!)?.state == .dropped)
        // Dropped by hand stays dropped: only dead, expired or missed deliveries are requeued.
        #expect(try store.requeue(ids: [claimed[0].id!], now: t + 4100, expiresAt: t + 8000) == 0)
        #expect(try store.delivery(id: claimed[0].id!)?.state == .dropped)
        #expect(try store.dropQueuedDeliveries(ofOccurrences: [claimed[0].occurrenceId], reason: "gone") == 0)
    }

    /// A process killed mid-send on every attempt counts an attempt each time, so a crash loop
    /// stops at the target's `max_attempts` like any other failure.
    @Test(arguments: Backend.allCases) func aCrashLoopEndsAtTheAttemptLimit(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        try store.commit(
            [OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [delivery("weekly", at: t, before: 0)])],
            watermarks: [:], now: t)
        for attempt in 1...3 {
            let claimedAt = t + Int64(attempt) * 200
            let claimed = try store.claimDueDeliveries(now: claimedAt, owner: "killed-\(attempt)", lease: 120, limit: 10)
            #expect(claimed.count == 1)
            #expect(claimed.first?.record.attempts == attempt)
            let recovered = try store.recoverInterruptedDeliveries(now: claimedAt + 121) { _ in 3 }
            #expect(recovered == (attempt < 3 ? (requeued: 1, dead: 0) : (requeued: 0, dead: 1)))
        }
        let row = try #require(try store.deliveries(limit: 10).first)
        #expect(row.state == .dead)
        #expect(row.attempts == 3)
        #expect(row.lastError?.contains("stopped while sending") == true)
        #expect(try store.claimDueDeliveries(now: t + 900, owner: "next", lease: 120, limit: 10).isEmpty)
    }

    @Test(arguments: Backend.allCases) func teamDataRoundTrips(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let added = try store.addAction(ActionItem(playbookId: "weekly", text: "Fix pick errors", owner: "Sam", dueDate: "2026-12-01", createdAt: 1))
        #expect(added.id != nil)
        #expect(added.isOverdue(today: "2026-12-02"))
        #expect(!added.isOverdue(today: "2026-12-01"))
        #expect(try store.actions(playbook: "weekly").count == 1)
        _ = try store.setActionDone(id: added.id!, doneAt: 5)
        #expect(try store.actions(playbook: "weekly").isEmpty)
        #expect(try store.actions(playbook: "weekly", includeDone: true).count == 1)
        #expect(try store.setActionDone(id: 999, doneAt: 5) == nil)
        // Fields left out keep what is stored; set to nil they are cleared.
        let edited = try store.editAction(id: added.id!, text: "Fix all pick errors", owner: .keep, dueDate: .set(nil))
        #expect(edited?.text == "Fix all pick errors" && edited?.owner == "Sam" && edited?.dueDate == nil)
        let owned = try store.editAction(id: added.id!, text: nil, owner: .set("Kim"), dueDate: .set("2026-12-09"))
        #expect(owned?.text == "Fix all pick errors" && owned?.owner == "Kim" && owned?.dueDate == "2026-12-09")
        #expect(try store.editAction(id: 999, text: nil, owner: .keep, dueDate: .keep) == nil)
        #expect(try store.action(id: added.id!)?.doneAt == 5)

        try store.check(ChecklistMark(playbookId: "weekly", scheduledAt: 10, itemIndex: 2, item: "Update scorecard", doneAt: 3))
        #expect(try store.checklistMarks(playbook: "weekly", scheduledAt: 10).keys.sorted() == [2])
        try store.uncheck(playbook: "weekly", scheduledAt: 10, itemIndex: 2)
        #expect(try store.checklistMarks(playbook: "weekly", scheduledAt: 10).isEmpty)

        try store.recordKPIValues([KPIValue(kpi: "stockout_rate", measuredOn: "2026-11-02", value: 4.1, recordedAt: 1)])
        try store.recordKPIValues([KPIValue(kpi: "stockout_rate", measuredOn: "2026-11-02", value: 3.9, recordedAt: 2)])
        #expect(try store.kpiValues(kpi: "stockout_rate").map(\.value) == [3.9])
        #expect(try store.kpiValues(since: "2026-12-01").isEmpty)
        // One value, recorded only where there is none unless replacing (the web's and `kpi record`'s check).
        let first = try store.recordKPIValue(KPIValue(kpi: "stockout_rate", measuredOn: "2026-11-09", value: 2.5, recordedAt: 3, recordedBy: "Ada"), replacing: false)
        #expect(first.recorded && first.previous == nil)
        let refused = try store.recordKPIValue(KPIValue(kpi: "stockout_rate", measuredOn: "2026-11-09", value: 9, recordedAt: 4), replacing: false)
        #expect(!refused.recorded && refused.previous?.value == 2.5 && refused.previous?.recordedBy == "Ada")
        #expect(try store.kpiValues(kpi: "stockout_rate", since: "2026-11-09").map(\.value) == [2.5])
        let replaced = try store.recordKPIValue(KPIValue(kpi: "stockout_rate", measuredOn: "2026-11-09", value: 2.2, recordedAt: 5), replacing: true)
        #expect(replaced.recorded && replaced.previous?.value == 2.5)
        let now = try #require(try store.kpiValues(kpi: "stockout_rate", since: "2026-11-09").first)
        #expect(now.value == 2.2 && now.recordedAt == 5 && now.recordedBy == nil)

        try store.saveAssessment(AssessmentRecord(quarter: "2026-Q4", inventory: 2, fulfillment: 3, planning: 1, reporting: 2, governance: 2, notes: ["planning": "no forecast"], recordedAt: 1))
        #expect(try store.assessment(quarter: "2026-Q4")?.notesByDimension == ["planning": "no forecast"])
        // The schema refuses out-of-range scores even if a caller forgot to validate.
        #expect(throws: StateError.self) {
            try store.saveAssessment(AssessmentRecord(quarter: "2027-Q1", inventory: 6, fulfillment: 3, planning: 1, reporting: 2, governance: 2, notes: [:], recordedAt: 1))
        }
        #expect(try store.assessments().map(\.quarter) == ["2026-Q4"])

        try store.savePlan(startMonth: "2027-01", assessmentQuarter: "2026-Q4", items: [ActionItem(playbookId: nil, text: "Plan", owner: nil, dueDate: "2027-02-01", createdAt: 1, planItem: "foundations-1", planPhase: "1")], now: 1)
        #expect(try store.plan()?.startMonth == "2027-01")
        #expect(try store.planItems().map(\.planItem) == ["foundations-1"])
        #expect(try store.deleteAction(id: added.id!))
        #expect(try !store.deleteAction(id: added.id!))
        #expect(try store.deleteKPIValue(kpi: "stockout_rate", measuredOn: "2026-11-02"))
    }

    @Test(arguments: Backend.allCases) func webSessionsNotesAndAcknowledgements(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let store = opened.store
        let t: Int64 = 1_796_652_000
        try store.createInvite(tokenDigest: "i1", person: "Sam", now: t, expiresAt: t + 100)
        #expect(try store.invitee(tokenDigest: "i1", now: t) == "Sam")
        #expect(try store.redeemInvite(tokenDigest: "i1", now: t, session: ("s1", "csrf", t + 1000)) == "Sam")
        #expect(try store.redeemInvite(tokenDigest: "i1", now: t, session: ("s2", "csrf", t + 1000)) == nil)
        let (session, _) = try store.sessionAndVersion(tokenDigest: "s1", now: t)
        #expect(session?.person == "Sam" && session?.csrfToken == "csrf")
        #expect(try store.webAccess(now: t)["Sam"]?.sessions == 1)
        #expect(try store.revoke(person: "sam", now: t) == (sessions: 1, invites: 0))
        #expect(try store.session(tokenDigest: "s1", now: t) == nil)

        let before = try store.version()
        try store.saveMeetingNote(playbook: "weekly", scheduledAt: t, text: "notes", by: "Sam", now: t)
        #expect(try store.version() != before)
        #expect(try store.meetingNote(playbook: "weekly", scheduledAt: t)?.text == "notes")
        try store.rate(playbook: "weekly", scheduledAt: t, person: "Sam", rating: 8, now: t)
        #expect(try store.ratings(playbook: "weekly", scheduledAt: t) == ["Sam": 8])

        var escalation = delivery("weekly", at: t, before: -600)
        escalation.idempotencyKey = "escalation"
        try store.commit([OccurrenceBatchItem(occurrence: occurrence("weekly", at: t), deliveries: [escalation, delivery("weekly", at: t, before: 0)])], watermarks: [:], now: t)
        let first = try store.acknowledge(playbook: "weekly", scheduledAt: t, by: "Sam", via: "web", now: t + 1)
        #expect(first.cancelled == 1 && first.acknowledgement.by == "Sam")
        let second = try store.acknowledge(playbook: "weekly", scheduledAt: t, by: "Kim", via: "cli", now: t + 2)
        #expect(second.acknowledgement == first.acknowledgement && second.cancelled == 0)
        let records = try store.meetingRecords(playbook: "weekly", startingIn: t...t)
        #expect(records.acknowledgedAt == [t: t + 1] && records.ratings == [t: [8]])

        #expect(try store.enqueueReply(key: "r1", target: "chat", url: "https://example.invalid/r", body: [1, 2], now: t, expiresAt: t + 100))
        #expect(try !store.enqueueReply(key: "r1", target: "chat", url: "https://example.invalid/r", body: [1, 2], now: t, expiresAt: t + 100))
        let replies = try store.claimReplies(owner: "a", now: t, lease: 30)
        #expect(replies.map(\.body) == [[1, 2]] && replies.first?.attempts == 1)
        try store.recordReply(id: replies[0].id, owner: "a", outcome: .delivered(status: 200), now: t)
        #expect(try store.replies().first?.state == "delivered")
        #expect(try store.nextReplyDue() == nil)
    }

    /// The session read runs on read-only connections of its own, as many as read at once (the
    /// web server's threads): each of them sees every commit, the store's own and another
    /// process's, and their versions are never taken for one another's.
    @Test func sessionReadsOnSeveralConnectionsEachSeeEveryCommit() throws {
        let dir = TemporaryDirectory()
        let server = try StateStore(path: dir.file("state.sqlite"))
        let cli = try StateStore(path: dir.file("state.sqlite"))
        let sqlite = try #require(server.sqlite)
        let t: Int64 = 1_796_652_000
        try cli.createInvite(tokenDigest: "i1", person: "Sam", now: t, expiresAt: t + 100)
        #expect(try cli.redeemInvite(tokenDigest: "i1", now: t, session: ("s1", "csrf-s1", t + 1000)) == "Sam")

        /// The session as each of two connections reads it: one read runs while the other
        /// connection is taken, the next on the connection that was taken, now free again.
        func readTwice() throws -> [Int: (WebSession?, StateVersion)] {
            let (inner, taken) = try sqlite.readStatementConcurrently { _ in try server.sessionAndVersion(tokenDigest: "s1", now: t) }
            let again = try server.sessionAndVersion(tokenDigest: "s1", now: t)
            #expect(inner.1.connection != taken && again.1.connection == taken)
            return [inner.1.connection: inner, again.1.connection: again]
        }
        let first = try readTwice()
        #expect(first.count == 2)
        #expect(first.values.allSatisfy { $0.0?.csrfToken == "csrf-s1" })
        for (connection, reading) in try readTwice() { #expect(reading.1 == first[connection]?.1) }

        try server.saveMeetingNote(playbook: "weekly", scheduledAt: t, text: "notes", by: "Sam", now: t)
        let afterOwn = try readTwice()
        for (connection, reading) in afterOwn { #expect(reading.1 != first[connection]?.1, "connection \(connection)") }

        try cli.endSession(tokenDigest: "s1")
        let afterOther = try readTwice()
        for (connection, reading) in afterOther {
            #expect(reading.0 == nil)
            #expect(reading.1 != afterOwn[connection]?.1, "connection \(connection)")
        }
    }

    /// The one state read of a page served from the cache: a session ended or revoked, or any
    /// other change, by another connection (another process, here another store) or by this one,
    /// shows in the very next read, however often the same read ran before it (SQLite keeps its
    /// statement prepared between reads: its read must still end with it).
    @Test(arguments: Backend.allCases) func theSessionReadSeesEveryCommitAtOnce(_ backend: Backend) throws {
        guard let opened = try OpenedState.open(backend) else { return }
        let server = opened.store
        let cli = try opened.reopen()
        let t: Int64 = 1_796_652_000
        for (invite, session) in [("i1", "s1"), ("i2", "s2"), ("i3", "s3")] {
            try cli.createInvite(tokenDigest: invite, person: "Sam", now: t, expiresAt: t + 100)
            #expect(try cli.redeemInvite(tokenDigest: invite, now: t, session: (session, "csrf-\(session)", t + 1000)) == "Sam")
        }
        let (first, version) = try server.sessionAndVersion(tokenDigest: "s1", now: t)
        #expect(first == WebSession(person: "Sam", csrfToken: "csrf-s1", expiresAt: t + 1000))
        for _ in 0..<3 {
            let (again, sameVersion) = try server.sessionAndVersion(tokenDigest: "s1", now: t)
            #expect(again == first)
            // PostgreSQL's version counts transactions of the whole cluster (other tests' too).
            if backend == .sqlite { #expect(sameVersion == version) }
        }
        #expect(try server.sessionAndVersion(tokenDigest: "unknown", now: t).0 == nil)

        try cli.endSession(tokenDigest: "s1")
        let (ended, afterEnd) = try server.sessionAndVersion(tokenDigest: "s1", now: t)
        #expect(ended == nil)
        #expect(afterEnd != version)

        _ = try server.sessionAndVersion(tokenDigest: "s2", now: t)
        try cli.saveMeetingNote(playbook: "weekly", scheduledAt: t, text: "notes", by: "Sam", now: t)
        let (live, afterNote) = try server.sessionAndVersion(tokenDigest: "s2", now: t)
        #expect(live?.csrfToken == "csrf-s2")
        #expect(afterNote != afterEnd)

        // A read through a transaction in between (SQLite: it expires the prepared statement).
        #expect(try server.meetingNote(playbook: "weekly", scheduledAt: t)?.text == "notes")
        try server.saveMeetingNote(playbook: "weekly", scheduledAt: t, text: "more notes", by: "Sam", now: t)
        let (_, afterOwnNote) = try server.sessionAndVersion(tokenDigest: "s2", now: t)
        #expect(afterOwnNote != afterNote)

        #expect(try cli.revoke(person: "sam", now: t).sessions == 2)
        #expect(try server.sessionAndVersion(tokenDigest: "s2", now: t).0 == nil)
        #expect(try server.sessionAndVersion(tokenDigest: "s3", now: t).0 == nil)

        // Expired: a session is live strictly before its expiry.
        try cli.createInvite(tokenDigest: "i4", person: "Kim", now: t, expiresAt: t + 100)
        #expect(try cli.redeemInvite(tokenDigest: "i4", now: t, session: ("s4", "csrf-s4", t + 1000)) == "Kim")
        #expect(try server.sessionAndVersion(tokenDigest: "s4", now: t + 999).0?.person == "Kim")
        #expect(try server.sessionAndVersion(tokenDigest: "s4", now: t + 1000).0 == nil)
    }
}
