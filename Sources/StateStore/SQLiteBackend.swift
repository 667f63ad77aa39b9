import Diagnostics
import Foundation
import GRDB
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The embedded state backend: one SQLite file, opened through GRDB.
///
/// WAL mode lets `status` read while `tick` writes; `synchronous=FULL` makes a committed
/// "delivered" survive a power cut (otherwise the next tick would post it again); every write
/// transaction is IMMEDIATE (GRDB 7's default), so a read-then-write never fails with
/// SQLITE_BUSY_SNAPSHOT; a busy timeout waits out short locks held by another process.
package final class SQLiteBackend: StateBackend {
    /// The file path.
    package let path: String
    let writer: DatabaseQueue
    /// Read-only connections for reads (``read(_:)``, and the session read of every web
    /// request, ``sessionAndVersion(tokenDigest:now:)``): each thread takes one that is free,
    /// so reads run at the same time instead of waiting in turn for the one connection (which
    /// cost the web server more than the rest of serving a cached page), and never wait for a
    /// write (WAL lets readers read while a writer writes or waits for the lock). Opened when
    /// first needed, so never more than the threads that read at once.
    private let readers = Mutex<[Reader]>([])
    private let readersOpened = Atomic<Int>(0)
    private let configuration: Configuration
    /// The file the writer opened (device and inode): a reader opens the path, which must
    /// still name that file.
    private let file: (device: UInt64, inode: UInt64)?

    private struct Reader: @unchecked Sendable {
        /// ``StateVersion/connection``: the writer is 0.
        let number: Int
        let queue: DatabaseQueue
    }

    /// Opens (creating when needed, unless `readOnly`) and migrates the state file.
    ///
    /// - Throws: ``StateError`` with a one-line message: not a database, corrupted, locked, or
    ///   unreadable. The file is never reset or replaced.
    package init(path: String, readOnly: Bool = false, busyTimeout: TimeInterval = StateStore.defaultBusyTimeout) throws(StateError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.readonly = readOnly
        if !readOnly {
            configuration.journalMode = .wal
        }
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Statement journals and sorts in memory: a multi-row UPDATE in a transaction (each
            // delivery claim) otherwise creates, writes and deletes a file in /var/tmp.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        self.configuration = configuration
        do {
            if !readOnly && !FileManager.default.fileExists(atPath: path) {
                try SQLiteBackend.create(at: path, configuration: configuration)
            } else if !readOnly {
                // Recognised before the writable open, which switches the file to WAL (a write
                // to its header, and page 1 of an empty file): a foreign file stays as it was.
                var checking = configuration
                checking.readonly = true
                checking.journalMode = .default
                let queue = try DatabaseQueue(path: path, configuration: checking)
                try queue.read { db in try Schema.checkIdentity(db, path: path) }
                try queue.close()
            }
            writer = try DatabaseQueue(path: path, configuration: configuration)
            file = Self.identity(of: path)
            try writer.read { db in try Schema.checkIdentity(db, path: path) }
            if !readOnly {
                try Schema.migrator.migrate(writer)
                // GRDB picks NORMAL for WAL databases; FULL is what makes a commit survive power loss.
                try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(mapping: error, path: path)
        }
    }

    deinit {
        // The readers close first: SQLite folds the WAL into the file and deletes it only when
        // the last connection closes, and only a connection that may write can; the writer,
        // closing after this, leaves the folder as one file (what a copy of it backs up).
        readers.withLock { $0.removeAll() }
    }

    /// Creates a new state file: built under a temporary name, then linked into place, so the
    /// path never holds a half-made file (an empty file there is refused as foreign) and two
    /// processes creating it at once cannot replace each other's (`link` fails if it exists).
    private static func create(at path: String, configuration: Configuration) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StateError(.unreadable, path: path, detail: "cannot create folder \(folder): \(error.localizedDescription)")
            }
        }
        let temporary = path + ".new-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        var creating = configuration
        creating.journalMode = .default
        let queue = try DatabaseQueue(path: temporary, configuration: creating)
        try Schema.migrator.migrate(queue)
        try queue.close()
        if link(temporary, path) != 0 && errno != EEXIST {
            throw StateError(.unreadable, path: path, detail: "cannot create it (\(String(cString: strerror(errno))))")
        }
    }

    /// Runs `body`, turning GRDB's and SQLite's errors into ``StateError``s naming the file.
    private func mappingErrors<T>(_ body: () throws -> T) throws(StateError) -> T {
        do {
            return try body()
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(mapping: error, path: path)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction, mapping SQLite errors to ``StateError``.
    package func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        try mappingErrors { try writer.write(body) }
    }

    /// Runs `body` in a read transaction, on a free read-only connection (see ``readers``):
    /// reads never queue behind a write waiting for the file's lock, nor behind each other.
    package func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        guard let reader = takeReader() else { return try mappingErrors { try writer.read(body) } }
        defer { giveBack(reader) }
        return try mappingErrors { try reader.queue.read(body) }
    }

    /// Runs `body` on the connection as it is, outside any transaction, for reads of one
    /// statement each (a lone statement reads one snapshot of the file, its own implicit
    /// transaction, which ends when the statement is run to its end).
    ///
    /// ``read(_:)`` turns `PRAGMA query_only` on and off around its transaction, and SQLite
    /// expires every prepared statement of the connection when a flag pragma is set: a cached
    /// statement read through it is parsed and planned again each time. Here it stays prepared
    /// (until the next ``read(_:)``). `body` must only read.
    func readStatement<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        try mappingErrors { try writer.inDatabase(body) }
    }

    /// Runs `body` on a free read-only connection, outside any transaction, like
    /// ``readStatement(_:)``; also returns the connection's number. `body` must only read.
    package func readStatementConcurrently<T>(_ body: (Database) throws -> T) throws(StateError) -> (T, connection: Int) {
        guard let reader = takeReader() else { return (try readStatement(body), 0) }
        defer { giveBack(reader) }
        return (try mappingErrors { try reader.queue.inDatabase(body) }, reader.number)
    }

    /// A free read-only connection, opened if none is; nil if none can be opened (too many
    /// open files, the file moved away since the writer opened it): the writer reads then, as
    /// it can, from the file it has open.
    private func takeReader() -> Reader? {
        if let free = readers.withLock({ $0.popLast() }) { return free }
        guard let file, Self.identity(of: path).map({ $0 == file }) == true else { return nil }
        var readOnly = configuration
        readOnly.readonly = true
        readOnly.journalMode = .default
        guard let queue = try? DatabaseQueue(path: path, configuration: readOnly) else { return nil }
        return Reader(number: readersOpened.add(1, ordering: .relaxed).newValue, queue: queue)
    }

    private func giveBack(_ reader: Reader) {
        readers.withLock { $0.append(reader) }
    }

    private static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Where the state file's content stands, for caches of what is derived from it: any
    /// commit, by this store or by another process (`tick`, the CLI), gives another value.
    ///
    /// `PRAGMA data_version` changes when another connection commits, but not for this
    /// connection's own commits; `total_changes()` counts the rows this connection changed.
    /// Both only grow, so a value once left is never seen again. Read it before reading what
    /// is cached under it: the result is then at least as new as the version it is filed under.
    package func version() throws(StateError) -> StateVersion {
        try readStatement { db in try Self.version(db) }
    }

    static func version(_ db: Database) throws -> StateVersion {
        // Run to its end, so that outside a transaction its read ends with it (one row).
        let row = try Row.fetchAll(db.cachedStatement(sql: "SELECT (SELECT data_version FROM pragma_data_version), total_changes()")).first
        return StateVersion(otherConnections: row?[0] ?? 0, ownChanges: row?[1] ?? 0)
    }

    /// `PRAGMA integrity_check`: "ok" or SQLite's findings.
    package func integrityCheck() throws(StateError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}

extension StateError {
    init(mapping error: any Error, path: String) {
        self.path = path
        guard let db = error as? DatabaseError else {
            code = .other
            detail = "\(error)"
            return
        }
        let sqliteMessage = db.message ?? "\(db.resultCode)"
        switch db.resultCode.primaryResultCode {
        case .SQLITE_NOTADB:
            code = .notADatabase
            detail = "not a SQLite database (\(sqliteMessage))"
        case .SQLITE_CORRUPT:
            code = .corrupted
            detail = "the database is corrupted (\(sqliteMessage))"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            code = .locked
            detail = "locked by another process (\(sqliteMessage)); try again when it has finished"
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_IOERR:
            code = .unreadable
            detail = "cannot open or write it (\(sqliteMessage))"
        default:
            code = .other
            detail = sqliteMessage
        }
    }
}
