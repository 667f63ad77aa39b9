import Foundation
import Synchronization
import OpsCadenceTesting
import Playbooks
import PostgresState
import Testing

@testable import StateStore

/// What only the PostgreSQL backend does: URLs, its schema, several instances at once.
@Suite struct PostgresStateTests {
    let t: Int64 = 1_796_652_000

    func batch(_ count: Int, at t: Int64) -> [OccurrenceBatchItem] {
        let occurrence = OccurrenceRecord(
            playbookId: "weekly", scheduledAt: t, utcOffset: 0, nominalLocal: "2026-12-07T09:00:00", status: .handled, recordedAt: t)
        let deliveries = (0..<count).map { index in
            DeliveryRecord(
                occurrenceId: 0, playbookId: "weekly", target: "target-\(index)", beforeSeconds: 0, reminderAt: t, idempotencyKey: "k\(index)",
                state: .pending, nextAttemptAt: t - Int64(index % 7), expiresAt: t + 3600, createdAt: t)
        }
        return [OccurrenceBatchItem(occurrence: occurrence, deliveries: deliveries)]
    }

    func open(_ database: TestDatabase, readOnly: Bool = false) throws(StateError) -> PostgresBackend {
        try PostgresBackend(location: try PostgresLocation(database.url), readOnly: readOnly)
    }

    // MARK: URLs

    @Test func parsesURLs() throws {
        let full = try PostgresLocation("postgresql://ops:s3cr%40t@db.example.com:6543/opsdb?sslmode=require&schema=team_a")
        #expect(full.user == "ops" && full.password == "s3cr@t" && full.host == "db.example.com" && full.port == 6543)
        #expect(full.database == "opsdb" && full.sslMode == .require && full.schema == "team_a")
        #expect(full.description == "postgres://ops@db.example.com:6543/opsdb?schema=team_a")
        let minimal = try PostgresLocation("postgres://ops@10.0.0.5")
        #expect(minimal.port == 5432 && minimal.database == "ops" && minimal.schema == "public" && minimal.sslMode == .prefer && minimal.password == nil)
        let v6 = try PostgresLocation("postgres://ops:pw@[::1]:5433/db")
        #expect(v6.host == "::1" && v6.port == 5433 && v6.description == "postgres://ops@[::1]:5433/db?schema=public")
    }

    @Test(arguments: [
        ("mysql://ops:hunter2@h/db", "postgres://"),
        ("postgres://h/db", "no user name"),
        ("postgres://ops:hunter2@/db", "no host"),
        ("postgres://ops:hunter2@h:99999/db", "port"),
        ("postgres://ops:hunter2@h:abc/db", "port"),
        ("postgres://ops:hunter2@[::1/db", "IPv6"),
        ("postgres://ops:hunter2@h/db?sslmode=sometimes", "sslmode"),
        ("postgres://ops:hunter2@h/db?schema=Bad-Name", "schema"),
        ("postgres://ops:hunter2@h/db?colour=blue", "unknown parameter"),
        ("postgres://ops:hunter2@h/db#frag", "fragment"),
        ("postgres://ops@h/db?password=hunter2", "a password does not go in the URL's query"),
        ("postgres://ops@h/db?sslmode=bogus&password=hunter2", "sslmode 'bogus'"),
        ("postgres://ops@h/db?PASSWORD=hunter2&sslmode=bogus", "a password does not go in the URL's query"),
    ])
    func refusesBadURLsNamingThePartWithoutThePassword(url: String, part: String) {
        do {
            _ = try PostgresLocation(url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidLocation)
            #expect(error.description.contains(part), "\(error)")
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }

    // MARK: Connections

    @Test func aClosedPortAndAMissingDatabaseGiveClearErrorsWithoutThePassword() throws {
        // Port 1: nobody listens there, the connection is refused.
        let socket = 1
        do {
            _ = try PostgresBackend(location: try PostgresLocation("postgres://ops:hunter2@127.0.0.1:\(socket)/db?connect_timeout=3"))
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.description.contains("cannot connect"), "\(error)")
            #expect(error.description.contains("postgres://ops@127.0.0.1:\(socket)/db"), "\(error)")
            #expect(!error.description.contains("hunter2"))
        }
        guard let database = TestDatabase.make() else { return }
        var location = try PostgresLocation(database.url)
        location.database = "no_such_database_here"
        do {
            _ = try PostgresBackend(location: location)
            Issue.record("opened a missing database")
        } catch {
            #expect(error.code == .notFound, "\(error)")
            #expect(error.description.contains("does not exist"), "\(error)")
            if let password = location.password { #expect(!error.description.contains(password)) }
        }
    }

    @Test func aWrongPasswordIsDeniedWithoutShowingIt() throws {
        guard let database = TestDatabase.make() else { return }
        let role = database.schema + "_role"
        try database.psql("CREATE ROLE \(role) LOGIN PASSWORD 'the-right-one'")
        defer { _ = try? database.psql("DROP ROLE \(role)") }
        var location = try PostgresLocation(database.url)
        location.user = role
        location.password = "hunter2-wrong"
        do {
            // A server that trusts every local login (the throwaway test cluster) lets it in:
            // then there is nothing to check here.
            _ = try PostgresBackend(location: location, readOnly: true)
        } catch where error.code == .notFound || error.code == .denied && error.description.contains("permission denied") {
            return  // let in (trust), but finding no state or no rights
        } catch {
            #expect(error.code == .denied, "\(error)")
            #expect(error.description.contains("check the user and password"), "\(error)")
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("postgres://\(role)@"))
        }
    }

    @Test func aConnectionLostMidTransactionFailsAndSavesNothing() throws {
        guard let database = TestDatabase.make() else { return }
        let backend = try open(database)
        // A KPI named `doom` ends its own session while the transaction is open.
        try database.psql(
            """
            CREATE FUNCTION \(database.schema).doom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.kpi = 'doom' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(1); END IF; RETURN NEW; END $$;
            CREATE TRIGGER doom BEFORE INSERT ON \(database.schema).kpi_value FOR EACH ROW EXECUTE FUNCTION \(database.schema).doom();
            """)
        do {
            try backend.recordKPIValues([
                KPIValue(kpi: "fine", measuredOn: "2026-01-01", value: 1, recordedAt: 1), KPIValue(kpi: "doom", measuredOn: "2026-01-01", value: 2, recordedAt: 1),
            ])
            Issue.record("reported a write done on a lost connection")
        } catch {
            #expect(error.code == .unavailable, "\(error)")
        }
        // The next operation connects again; the first value was not saved either.
        #expect(try backend.kpiValues(kpi: nil, since: nil).isEmpty)
    }

    @Test func aTerminatedConnectionIsOpenedAgainByTheNextOperation() throws {
        guard let database = TestDatabase.make() else { return }
        let backend = try open(database)
        try backend.recordKPIValues([KPIValue(kpi: "k", measuredOn: "2026-01-01", value: 1, recordedAt: 1)])
        // An administrator (or a server restart) ends every session of this schema's backend.
        let pid = try backend.serverProcessID()
        #expect(try database.psql("SELECT pg_terminate_backend(\(pid))") == "t")
        Thread.sleep(forTimeInterval: 0.2)
        try backend.recordKPIValues([KPIValue(kpi: "k", measuredOn: "2026-01-02", value: 2, recordedAt: 2)])
        #expect(try backend.kpiValues(kpi: "k", since: nil).map(\.value) == [1, 2])
        #expect(try backend.serverProcessID() != pid)
    }

    // MARK: Schema

    @Test func migratingTwiceIsANoOpAndReadOnlyOpensCreateNothing() throws {
        guard let database = TestDatabase.make() else { return }
        // No state yet: a read-only open finds none and creates nothing, not even the schema.
        #expect(try PostgresBackend.openIfPresent(location: try PostgresLocation(database.url)) == nil)
        #expect(try database.psql("SELECT count(*) FROM pg_namespace WHERE nspname = '\(database.schema)'") == "0")
        let first = try open(database)
        _ = try first.commit(batch(1, at: t), watermarks: ["weekly": t], planKeys: [:], now: t)
        let second = try open(database)
        #expect(try second.deliveries(states: nil, limit: 10).count == 1)
        #expect(try database.psql("SELECT version FROM \(database.schema).opscadence_schema") == "9")
        #expect(try database.psql("SELECT count(*) FROM pg_tables WHERE schemaname = '\(database.schema)'") == "\(StateDump.tables.count + 1)")
        let reader = try open(database, readOnly: true)
        #expect(try reader.watermarks() == ["weekly": t])
        // The server refuses writes on a read-only session.
        #expect(throws: StateError.self) { try reader.recordFailure(playbook: "weekly", error: "x", now: t) }
    }

    @Test func aV6SchemaIsUpgradedInPlaceKeepingItsRows() throws {
        guard let database = TestDatabase.make() else { return }
        let first = try open(database)
        _ = try first.commit(batch(2, at: t), watermarks: ["weekly": t], planKeys: [:], now: t)
        // As a v6 binary left it: no instance table, version 6.
        try database.psql("DROP TABLE \(database.schema).instance; UPDATE \(database.schema).opscadence_schema SET version = 6")
        // A read-only open does not upgrade, and has no instances to show.
        let reader = try open(database, readOnly: true)
        #expect(try reader.instances(seenSince: 0).isEmpty)
        #expect(try database.psql("SELECT version FROM \(database.schema).opscadence_schema") == "6")
        let upgraded = try open(database)
        #expect(try database.psql("SELECT version FROM \(database.schema).opscadence_schema") == "9")
        #expect(try database.psql("SELECT count(*) FROM pg_tables WHERE schemaname = '\(database.schema)' AND tablename = 'instance'") == "1")
        #expect(try upgraded.deliveries(states: nil, limit: 10).count == 2 && upgraded.watermarks() == ["weekly": t])
        try upgraded.recordInstance(name: "h:1", host: "h", pid: 1, version: "0.1.0", now: t, tickDuration: .milliseconds(40))
        #expect(try upgraded.metrics(now: t).lastTickDuration == 0.04)
        #expect(try reader.instances(seenSince: 0).map(\.name) == ["h:1"])
        #expect(try upgraded.health(now: t, thorough: false).schema == "v9")
        // Opening again changes nothing.
        _ = try open(database)
        #expect(try database.psql("SELECT version FROM \(database.schema).opscadence_schema") == "9")
    }

    @Test func aNewerSchemaIsRefusedForReadsAndWrites() throws {
        guard let database = TestDatabase.make() else { return }
        _ = try open(database)
        try database.psql("UPDATE \(database.schema).opscadence_schema SET version = 10")
        for readOnly in [false, true] {
            do {
                _ = try open(database, readOnly: readOnly)
                Issue.record("opened a newer schema (readOnly: \(readOnly))")
            } catch {
                #expect(error.code == .newerSchema)
                #expect(error.description.contains("newer opscadence (schema v10)"), "\(error)")
            }
        }
    }

    @Test func aForeignSchemaIsRefused() throws {
        guard let database = TestDatabase.make() else { return }
        try database.psql("CREATE SCHEMA \(database.schema); CREATE TABLE \(database.schema).invoices (id int)")
        for readOnly in [false, true] {
            do {
                _ = try open(database, readOnly: readOnly)
                Issue.record("opened another application's schema")
            } catch {
                #expect(error.code == .foreign)
                #expect(error.description.contains("schema=NAME"), "\(error)")
            }
        }
        #expect(try database.psql("SELECT count(*) FROM pg_tables WHERE schemaname = '\(database.schema)'") == "1")
    }

    // MARK: Several instances

    @Test func twoInstancesClaimingAtOnceGetDisjointSetsCoveringAll() throws {
        guard let database = TestDatabase.make() else { return }
        let setup = try open(database)
        #expect(try setup.commit(batch(200, at: t), watermarks: [:], planKeys: [:], now: t).deliveries == 200)
        let instances = [try open(database), try open(database)]
        let claimed = Mutex<[String: [Int64]]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let owner = "instance-\(index)"
            var mine: [Int64] = []
            while let batch = try? instances[index].record([], owner: owner, now: t, thenClaim: 7, lease: 120).claimed.get(), !batch.isEmpty {
                mine += batch.compactMap(\.record.id)
            }
            claimed.withLock { $0[owner] = mine }
        }
        let all = claimed.withLock { $0 }
        let a = all["instance-0"] ?? [], b = all["instance-1"] ?? []
        #expect(Set(a).isDisjoint(with: b))
        #expect(a.count + b.count == 200 && Set(a + b).count == 200)
        #expect(try setup.deliveries(states: [.sending], limit: 500).count == 200)
    }

    @Test func aLateOutcomeAfterATakeoverIsRefusedAndLiveLeasesAreNotRecovered() throws {
        guard let database = TestDatabase.make() else { return }
        let (a, b) = (try open(database), try open(database))
        _ = try a.commit(batch(2, at: t), watermarks: [:], planKeys: [:], now: t)
        let first = try a.record([], owner: "a", now: t, thenClaim: 1, lease: 10).claimed.get()
        let second = try b.record([], owner: "b", now: t + 5, thenClaim: 1, lease: 100).claimed.get()
        let id = try #require(first.first?.record.id)
        // At t + 11, a's lease has run out; b's has not: only a's row is taken back.
        #expect(try b.recoverInterruptedDeliveries(now: t + 11, attemptLimit: { _ in 5 }) == (requeued: 1, dead: 0))
        #expect(try b.delivery(id: try #require(second.first?.record.id))?.state == .sending)
        let retaken = try b.record([], owner: "b", now: t + 12, thenClaim: 5, lease: 100).claimed.get()
        #expect(retaken.map(\.record.id) == [id])
        // a wakes up and reports: refused, b's claim stands.
        let late = try a.record([.init(id: id, resolution: .delivered(status: 200, note: nil))], owner: "a", now: t + 13, thenClaim: 0, lease: 0)
        #expect(late.written.isEmpty)
        let row = try #require(try b.delivery(id: id))
        #expect(row.state == .sending && row.leaseOwner == "b" && row.attempts == 2)
    }

    // MARK: State copies

    @Test func aStateCopiedFromSQLiteToPostgreSQLAndBackIsUnchanged() throws {
        guard let database = TestDatabase.make() else { return }
        let dir = TemporaryDirectory()
        let sqlite = try StateStore(path: dir.file("state.sqlite"))
        _ = try sqlite.commit(batch(3, at: t), watermarks: ["weekly": t], planKeys: ["weekly": "plan"], now: t)
        let claimed = try sqlite.claimDueDeliveries(now: t, owner: "a", lease: 60, limit: 1)
        try sqlite.storePayloads([try #require(claimed.first?.record.id): DeliveryPayload(body: Data([0, 1, 255]), kind: "generic", query: "a=b")], owner: "a")
        try sqlite.recordKPIValues([KPIValue(kpi: "fill", measuredOn: "2026-11-02", value: 97.25, recordedAt: t, recordedBy: "Sam")])
        _ = try sqlite.addAction(ActionItem(playbookId: nil, text: "Ünïcode ✓", owner: nil, dueDate: nil, createdAt: t))
        try sqlite.saveAssessment(AssessmentRecord(quarter: "2026-Q4", inventory: 1, fulfillment: 2, planning: 3, reporting: 4, governance: 5, notes: ["a": "b"], recordedAt: t))
        _ = try sqlite.enqueueReply(key: "r", target: "chat", url: "https://example.invalid", body: [9, 8], now: t, expiresAt: t + 60)
        let original = try sqlite.dump()

        let postgres = StateStore(backend: try open(database), path: database.url)
        try postgres.load(original)
        #expect(normalized(try postgres.dump()) == normalized(original))
        // New rows continue after the copied ids.
        let next = try postgres.addAction(ActionItem(playbookId: nil, text: "after", owner: nil, dueDate: nil, createdAt: t))
        #expect(next.id == 2)
        _ = try postgres.deleteAction(id: 2)

        let back = try StateStore(path: dir.file("back.sqlite"))
        try back.load(try postgres.dump())
        #expect(normalized(try back.dump()) == normalized(original))
    }

    @Test func loadingIntoAStateWithRowsIsRefusedAndWritesNothing() throws {
        guard let database = TestDatabase.make() else { return }
        let backend = try open(database)
        try backend.recordKPIValues([KPIValue(kpi: "k", measuredOn: "2026-01-01", value: 1, recordedAt: 1)])
        var dump = StateDump()
        dump.rows["action_item"] = [[.integer(1), .null, .text("x"), .null, .null, .integer(1), .null, .null, .null, .null, .null]]
        dump.rows["kpi_value"] = [[.text("other"), .text("2026-01-02"), .real(2), .integer(2), .null]]
        do {
            try backend.load(dump)
            Issue.record("loaded into a state with rows")
        } catch {
            #expect(error.description.contains("kpi_value already has rows") && error.code == .notEmpty, "\(error)")
        }
        #expect(try backend.dump().counts.values.reduce(0, +) == 1)
    }

    // MARK: Wake-ups

    @Test func queuedWorkWakesAListener() async throws {
        guard let database = TestDatabase.make() else { return }
        let location = try PostgresLocation(database.url)
        let backend = try PostgresBackend(location: location)
        var wakeups = PostgresWakeups.stream(location: location).makeAsyncIterator()
        // Once on connecting (poll now), then once for the commit that queues deliveries.
        #expect(await wakeups.next() != nil)
        _ = try backend.commit(batch(1, at: t), watermarks: [:], planKeys: [:], now: t)
        #expect(await wakeups.next() != nil)
    }

    /// Rows sorted per table: the backends list rows of keyless order differently.
    func normalized(_ dump: StateDump) -> [String: [String]] {
        dump.rows.mapValues { rows in rows.map { "\($0)" }.sorted() }
    }
}
