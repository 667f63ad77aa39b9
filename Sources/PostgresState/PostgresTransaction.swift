import Foundation
import Logging
import Playbooks
import PostgresNIO
import StateStore

/// The statements of one operation, on the backend's connection, each waited for.
///
/// Every result is collected before the call returns (postgres-nio's future `query` does):
/// an error the server sends after the first rows (a lock timeout, a deadlock) is thrown here,
/// never left unread while the transaction goes on to a COMMIT that would silently roll back.
struct PostgresTransaction {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement; returns its rows and the command tag.
    func result(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try connection.query(query, logger: logger).wait()
    }

    /// Runs a statement for its effect.
    func run(_ query: PostgresQuery) throws {
        _ = try result(query)
    }

    /// Runs a statement and returns its rows.
    func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        try result(query).rows.map { $0.makeRandomAccess() }
    }

    /// Runs an INSERT, UPDATE or DELETE and returns how many rows it changed.
    func changes(_ query: PostgresQuery) throws -> Int {
        try result(query).metadata.rows ?? 0
    }

    /// Sets a savepoint, runs `body`, and releases it; on an error rolls back to it (undoing
    /// only what `body` did, the transaction goes on) and rethrows.
    func inSavepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try run(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"))
        do {
            let value = try body()
            try run(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
            return value
        } catch {
            if !connection.isClosed { try? run(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)")) }
            throw error
        }
    }

    /// Wakes daemons that wait for work (``PostgresWakeups``), when this transaction commits.
    func notifyWork() throws {
        try run("SELECT pg_notify(\(PostgresBackend.wakeChannel), '')")
    }
}

/// Typed reads of a row's cells by position; a NULL where a value is required, or a value of an
/// unexpected type, throws.
extension PostgresRandomAccessRow {
    func int64(_ index: Int) throws -> Int64 { try self[index].decode(Int64.self) }
    func optionalInt64(_ index: Int) throws -> Int64? { try self[index].decode(Int64?.self) }
    func int(_ index: Int) throws -> Int { Int(try int64(index)) }
    func optionalInt(_ index: Int) throws -> Int? { try optionalInt64(index).map { Int($0) } }
    func string(_ index: Int) throws -> String { try self[index].decode(String.self) }
    func optionalString(_ index: Int) throws -> String? { try self[index].decode(String?.self) }
    func bool(_ index: Int) throws -> Bool { try self[index].decode(Bool.self) }
    func optionalBool(_ index: Int) throws -> Bool? { try self[index].decode(Bool?.self) }
    func double(_ index: Int) throws -> Double { try self[index].decode(Double.self) }
    func data(_ index: Int) throws -> Data { try self[index].decode(Data.self) }

    /// Any cell as a ``StateValue``, by its PostgreSQL type (for state copies).
    func stateValue(_ index: Int) throws -> StateValue {
        let cell = self[index]
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob([UInt8](try cell.decode(Data.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension Error {
    /// The connection is gone (refused, reset, closed by the server or by us).
    var isConnectionLoss: Bool {
        if let error = self as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return true
            case .server:
                // 57P01-03: the administrator or a shutdown ended the session; class 08: connection exceptions.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("57P0") || state.hasPrefix("08")
            default:
                return false
            }
        }
        return self is ChannelError || self is IOError
    }
}

extension StateError {
    /// A ``StateError`` for an error of postgres-nio, naming the location (never its password)
    /// and what to do. `connecting`: the error came while opening the connection.
    init(postgres error: any Error, location: PostgresLocation, connecting: Bool = false) {
        if let error = error as? StateError {
            self = error
            return
        }
        let path = location.description
        let code: Code
        var detail: String
        if let error = error as? PSQLError {
            let server = error.serverInfo
            let state = server?[.sqlState] ?? ""
            let message = server?[.message] ?? ""
            switch error.code {
            case .server:
                switch state {
                case "28P01", "28000":
                    code = .denied
                    detail = "the server refused the login (\(message)); check the user and password (or the server's pg_hba.conf)"
                case "42501":
                    code = .denied
                    detail = "permission denied (\(message)); grant the user the rights on the database and schema"
                case "25006":
                    code = .readOnly
                    detail = "the server takes no writes (\(message)); point the URL at the primary, not a standby"
                case "3D000":
                    code = .notFound
                    detail = "the database does not exist (\(message)); create it (createdb) or fix the URL"
                case "55P03", "40P01", "40001":
                    code = .locked
                    detail = "locked by another instance (\(message)); try again when it has finished"
                case _ where state.hasPrefix("57P0") || state.hasPrefix("08") || state == "53300":
                    code = .unavailable
                    detail = "the server ended the connection (\(message)); it is opened again on the next operation"
                default:
                    code = .other
                    detail = "PostgreSQL error \(state): \(message)"
                }
            case .authMechanismRequiresPassword:
                code = .denied
                detail = "the server asks for a password and the URL has none; give the whole URL with its password (postgres://USER:PASSWORD@HOST/DATABASE) through state: ${env:NAME} or ${file:PATH}, never written in opscadence.yaml"
            case .unsupportedAuthMechanism, .saslError:
                code = .denied
                detail = "authentication failed (\(error.underlying.map { "\($0)" } ?? "\(error.code)")); check the user and password"
            case .sslUnsupported:
                code = .unavailable
                detail = "the server does not offer TLS, and sslmode=\(location.sslMode.rawValue) requires it"
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                code = .unavailable
                let cause = error.underlying.map { " (\(Self.connectionCause($0)))" } ?? ""
                detail =
                    connecting
                    ? "cannot connect to the server\(cause); check that it runs and the host and port are right"
                    : "the connection to the server was lost\(cause); what this operation wrote was not saved unless it was reported done; it reconnects on the next operation"
            default:
                code = .other
                detail = "PostgreSQL client error: \(error.code)\(error.underlying.map { " (\($0))" } ?? "")"
            }
        } else if error.isConnectionLoss {
            code = .unavailable
            detail =
                connecting
                ? "cannot connect to the server (\(Self.connectionCause(error))); check that it runs and the host and port are right"
                : "the connection was lost (\(Self.connectionCause(error)))"
        } else if error is PostgresDecodingError {
            code = .other
            detail = "a value of an unexpected type in the database (\(String(reflecting: error).prefix(200)))"
        } else {
            code = .other
            detail = "\(error)"
        }
        // Belt and braces: no message carries the password, whatever a library put in it.
        if let password = location.password, !password.isEmpty {
            detail = detail.replacingOccurrences(of: password, with: "***")
        }
        self.init(code, path: path, detail: detail)
    }

    /// Why a connection failed, in the words an operator knows (`Connection refused`, `no
    /// answer within 10 s`), not SwiftNIO's nested descriptions of every address it tried.
    static func connectionCause(_ error: any Error) -> String {
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first { return connectionCause(first.error) }
            if failure.dnsAError != nil || failure.dnsAAAAError != nil { return "cannot resolve the host name \(failure.host)" }
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if case .connectTimeout(let limit)? = error as? ChannelError { return "no answer within \(limit)" }
        return "\(error)"
    }
}
