import Foundation
import Logging
import Playbooks
import PostgresNIO
import StateStore
import Synchronization

/// The state in a PostgreSQL database that several OpsCadence instances, on several hosts,
/// share. Every ``StateBackend`` operation is one transaction, with the semantics of
/// ``SQLiteBackend``; what differs is that no file lock keeps other processes out, so claims
/// skip rows another instance holds (`FOR UPDATE SKIP LOCKED`), outcomes are fenced by the
/// lease owner, planning is serialized per playbook by advisory locks, and recovery only takes
/// back leases that have run out.
///
/// Synchronous, like the SQLite backend: one connection, used by one operation at a time (a
/// lock), every statement sent with postgres-nio's future API and waited for. The waits happen
/// on the caller's thread and the I/O on a dedicated event loop (``eventLoopGroup``), never on
/// the shared singleton group whose loops run the web app's handlers: waiting on one of those
/// loops for a future of the same loop would deadlock.
///
/// A connection that was closed (the server restarted, an administrator ended the session) is
/// opened again by the next operation: a restarted server needs no restarted daemon. An
/// operation whose connection is lost fails with `unavailable`; a write is never reported done
/// unless its COMMIT was confirmed.
package final class PostgresBackend: StateBackend, @unchecked Sendable {
    // @unchecked: `connection` is the only mutable state, and it is read and written only while
    // `lock` is held.

    /// Where the state lives; its description (without the password) names it in messages.
    package let location: PostgresLocation
    /// Opened read-only: nothing is created, and the server refuses writes on this session.
    package let readOnly: Bool
    let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?

    /// One event loop thread for every PostgreSQL connection of the process (see the type's
    /// documentation for why it is not the singleton group).
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The notification channel on which transactions that queue work wake waiting daemons.
    package static let wakeChannel = "opscadence_wake"

    /// A logger that drops everything: postgres-nio logs each connection's life at debug level,
    /// which is not for an operator's terminal.
    package static let quietLogger = Logger(label: "opscadence.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects, then creates the schema (a writing open) or checks it.
    ///
    /// - Throws: ``StateError``: the server cannot be reached (`unavailable`), refuses the
    ///   credentials (`denied`), holds another application's tables (`foreign`) or a newer
    ///   OpsCadence's (`newerSchema`); a read-only open of a database with no state yet gives
    ///   `notFound`.
    package init(location: PostgresLocation, readOnly: Bool = false, logger: Logger = PostgresBackend.quietLogger) throws(StateError) {
        self.location = location
        self.readOnly = readOnly
        self.logger = logger
        if readOnly {
            guard try checkSchema() else {
                throw StateError(.notFound, path: location.description, detail: "no OpsCadence state here yet; run a command that writes it (tick) first")
            }
        } else {
            try migrate()
        }
    }

    /// Opens the state read-only if the database holds one; nil when there is no state yet
    /// (as ``StateStore/openIfPresent(path:)`` for a file that does not exist).
    package static func openIfPresent(location: PostgresLocation, logger: Logger = PostgresBackend.quietLogger) throws(StateError) -> PostgresBackend? {
        do {
            return try PostgresBackend(location: location, readOnly: true, logger: logger)
        } catch where error.code == .notFound {
            return nil
        }
    }

    deinit {
        if let connection { Self.discard(connection) }
    }

    /// Closes a connection no longer used, without waiting (the server ends the session either
    /// way). The connection is kept alive until its channel has closed: postgres-nio asserts
    /// that none is released open.
    private static func discard(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Closes the connection now; the next operation would open another.
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        if let connection {
            let closing: EventLoopFuture<Void> = connection.close()
            try? closing.wait()
        }
        connection = nil
    }

    // MARK: Connection and transactions

    /// The open connection, or a new one. Called with `lock` held.
    private func connected() throws(StateError) -> PostgresConnection {
        if let connection {
            if !connection.isClosed { return connection }
            Self.discard(connection)
            self.connection = nil
        }
        let configuration = try location.configuration(readOnly: readOnly)
        let next: PostgresConnection
        do {
            next = try PostgresConnection.connect(
                on: Self.eventLoopGroup.next(), configuration: configuration, id: Self.nextConnectionID(), logger: logger
            ).wait()
        } catch {
            throw StateError(postgres: error, location: location, connecting: true)
        }
        connection = next
        return next
    }

    private static let connectionIDs = Mutex(0)
    static func nextConnectionID() -> Int {
        connectionIDs.withLock { value in
            value += 1
            return value
        }
    }

    /// Runs `body` on the connection with `lock` held. `body` starts with a statement that is
    /// safe to send twice (BEGIN, or a lone read): when the connection turns out to have been
    /// closed under us (found only when it is used), it is opened again and `body` runs once more.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws(StateError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            let connection = try connected()
            do {
                return try body(connection)
            } catch let error as FirstStatementFailed where attempt == 1 && (connection.isClosed || error.underlying.isConnectionLoss) {
                // Nothing was done: try again on a fresh connection.
                Self.discard(connection)
                self.connection = nil
                continue
            } catch {
                let underlying = (error as? FirstStatementFailed)?.underlying ?? error
                if connection.isClosed || underlying.isConnectionLoss {
                    Self.discard(connection)
                    self.connection = nil
                }
                throw StateError(postgres: underlying, location: location)
            }
        }
    }

    /// The first statement of an operation failed; nothing of the operation happened.
    private struct FirstStatementFailed: Error {
        var underlying: any Error
    }

    /// Runs `body` in one read-write transaction: BEGIN, the body's statements, COMMIT; on any
    /// error ROLLBACK and a ``StateError``. Success is returned only after the COMMIT was
    /// confirmed.
    func write<T>(_ body: (PostgresTransaction) throws -> T) throws(StateError) -> T {
        try transaction("BEGIN", body)
    }

    /// Runs `body` in one read-only transaction that sees one snapshot (REPEATABLE READ), for
    /// reads of several statements that must agree with each other.
    func read<T>(_ body: (PostgresTransaction) throws -> T) throws(StateError) -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// One statement in a transaction of its own (autocommit): one round trip instead of three.
    func query(_ query: PostgresQuery) throws(StateError) -> [PostgresRandomAccessRow] {
        try withConnection { connection in
            do {
                return try PostgresTransaction(connection: connection, logger: logger).rows(query)
            } catch {
                throw FirstStatementFailed(underlying: error)
            }
        }
    }

    /// One idempotent INSERT, UPDATE or DELETE in a transaction of its own (autocommit);
    /// returns how many rows it changed. Idempotent because, like every first statement, it is
    /// sent again on a fresh connection when the first turns out to have been closed.
    func changes(_ query: PostgresQuery) throws(StateError) -> Int {
        try withConnection { connection in
            do {
                return try PostgresTransaction(connection: connection, logger: logger).changes(query)
            } catch {
                throw FirstStatementFailed(underlying: error)
            }
        }
    }

    private func transaction<T>(_ begin: PostgresQuery, _ body: (PostgresTransaction) throws -> T) throws(StateError) -> T {
        try withConnection { connection in
            let transaction = PostgresTransaction(connection: connection, logger: logger)
            do {
                try transaction.run(begin)
            } catch {
                throw FirstStatementFailed(underlying: error)
            }
            do {
                let value = try body(transaction)
                let commit = try transaction.result("COMMIT")
                // A transaction that had failed is ended by COMMIT with a ROLLBACK tag instead of
                // an error: never report that as done.
                guard commit.metadata.command == "COMMIT" else {
                    throw StateError(.other, path: location.description, detail: "the transaction was rolled back by the server; nothing was saved")
                }
                return value
            } catch {
                if !connection.isClosed { _ = try? transaction.run("ROLLBACK") }
                throw error
            }
        }
    }

    // MARK: Schema

    /// Whether the schema holds an OpsCadence state this binary can use; false when it holds
    /// nothing yet.
    ///
    /// - Throws: `foreign` for another application's tables, `newerSchema` for a newer version.
    private func checkSchema() throws(StateError) -> Bool {
        try storedVersion() != nil
    }

    /// The stored version read by lone statements, outside a transaction (two round trips
    /// instead of four, on every open); nil for a schema without tables.
    private func storedVersion() throws(StateError) -> Int? {
        do {
            return try checkSchema { query throws(StateError) in try self.query(query) }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(postgres: error, location: location)
        }
    }

    /// The stored version, nil for a schema without tables; throws for foreign or newer ones.
    private func checkSchema(_ transaction: PostgresTransaction) throws -> Int? {
        try checkSchema { query in try transaction.rows(query) }
    }

    private func checkSchema(_ rows: (PostgresQuery) throws -> [PostgresRandomAccessRow]) throws -> Int? {
        let schema = location.schema
        let tableRows = try rows(
            """
            SELECT count(*), bool_or(tablename = 'opscadence_schema') FROM pg_tables WHERE schemaname = \(schema)
            """)
        let tables = try tableRows.first?.int(0) ?? 0
        guard tables > 0 else { return nil }
        guard try tableRows.first?.optionalBool(1) == true,
            let version = try rows("SELECT version FROM opscadence_schema WHERE application = 'opscadence'").first?.int(0)
        else {
            throw StateError(
                .foreign, path: location.description,
                detail: "not an OpsCadence state: a database of another application; give OpsCadence its own database or schema=NAME")
        }
        guard version <= PostgresSchema.version else {
            throw StateError(
                .newerSchema, path: location.description,
                detail: "written by a newer opscadence (schema v\(version)); this version knows up to \(PostgresSchema.versionName); upgrade opscadence")
        }
        return version
    }

    /// Creates the schema and its tables when absent, or brings an older version's up to this
    /// one, in one transaction, under an advisory lock so that instances starting together
    /// create or upgrade them once; checks them otherwise (a newer version is refused).
    private func migrate() throws(StateError) {
        // The usual open: the schema is there and current, which two lone reads tell without
        // the lock and its transaction.
        if try storedVersion() == PostgresSchema.version { return }
        let schema = location.schema
        try write { transaction in
            try transaction.run("SELECT pg_advisory_xact_lock(hashtextextended('opscadence:migrate', 0))")
            if let stored = try self.checkSchema(transaction) {
                guard stored < PostgresSchema.version else { return }
                // Every missing step, then the new version, commit together: an instance that
                // opens the schema after this sees either the old version whole or the new one.
                try transaction.run(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""))
                for version in (stored + 1)...PostgresSchema.version {
                    for statement in PostgresSchema.upgrades[version] ?? [] {
                        try transaction.run(PostgresQuery(unsafeSQL: statement))
                    }
                }
                try transaction.run("UPDATE opscadence_schema SET version = \(PostgresSchema.version) WHERE application = 'opscadence'")
                return
            }
            let exists = try transaction.rows("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = \(schema))").first?.bool(0) ?? false
            if !exists {
                // The name was checked to be lowercase letters, digits and `_` (an identifier
                // cannot be a bound parameter).
                try transaction.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(schema)\""))
            }
            // The session's search_path names the schema already; this makes sure the tables
            // go there even when it was created just now, and nowhere else.
            try transaction.run(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \"\(schema)\""))
            for statement in PostgresSchema.ddl {
                try transaction.run(PostgresQuery(unsafeSQL: statement))
            }
            try transaction.run("INSERT INTO opscadence_schema (application, version) VALUES ('opscadence', \(PostgresSchema.version))")
        }
    }

    // MARK: Version and checks

    /// Where the database's content stands, for caches of what is derived from it: any
    /// transaction that wrote and committed since the last call gives another value.
    ///
    /// From the current snapshot: `otherConnections` is its xmax (the next transaction id to be
    /// assigned; a transaction gets one when it first writes), `ownChanges` the number of
    /// transactions still in progress. A new writer moves xmax; a writer that commits leaves the
    /// in-progress list, which for a given xmax only shrinks. So a pair once left is never
    /// seen again, and a write that began before a read and committed after it still changes
    /// the value. Transaction ids are cluster-wide: writes to other databases change it too,
    /// which only costs a cache refresh.
    package func version() throws(StateError) -> StateVersion {
        try version(query(Self.versionQuery))
    }

    static let versionQuery: PostgresQuery = """
        SELECT pg_snapshot_xmax(s)::text::bigint, (SELECT count(*) FROM pg_snapshot_xip(s)) FROM pg_current_snapshot() AS s
        """

    func version(_ rows: [PostgresRandomAccessRow]) throws(StateError) -> StateVersion {
        do {
            guard let row = rows.first else { return StateVersion(otherConnections: 0, ownChanges: 0) }
            return StateVersion(otherConnections: try row.int64(0), ownChanges: try row.int64(1))
        } catch {
            throw StateError(postgres: error, location: location)
        }
    }

    /// PostgreSQL checks its own pages (and their checksums when the cluster has them) as it
    /// reads them; there is no `integrity_check` to run. "ok" after a successful round trip.
    package func integrityCheck() throws(StateError) -> String {
        _ = try query("SELECT 1")
        return "ok"
    }

    /// The server process serving this backend's connection (`pg_backend_pid()`), for tests
    /// and diagnostics.
    package func serverProcessID() throws(StateError) -> Int {
        try decode(query("SELECT pg_backend_pid()")) { try $0.int(0) }.first ?? 0
    }

    /// As ``integrityCheck()``: "ok" after a successful round trip.
    package func quickCheck() throws(StateError) -> String {
        try integrityCheck()
    }
}
