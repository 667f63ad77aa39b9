import Foundation
import Playbooks
import PostgresNIO
import StateStore

/// Where a PostgreSQL state lives: the workspace's `state:` URL (``DatabaseURL``, whose syntax
/// `validate` checks with the rest of the workspace), and how to connect to it.
package typealias PostgresLocation = DatabaseURL

extension DatabaseURL {
    /// Parses `url`.
    ///
    /// - Throws: ``StateError`` (`invalidLocation`) naming the part that is wrong; the message
    ///   never contains the password.
    package init(_ url: String) throws(StateError) {
        do {
            self = try DatabaseURL(parsing: url)
        } catch {
            throw StateError(.invalidLocation, path: Self.redact(url), detail: error.detail)
        }
    }

    /// Certificates are always verified; against `sslrootcert`'s authorities when given.
    private func clientTLS() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificates { configuration.trustRoots = .file(rootCertificates) }
        return configuration
    }

    /// The connection settings for postgres-nio: TLS per ``sslMode``, the schema as the session's
    /// `search_path` (so every statement names tables without a schema), and read-only sessions
    /// when `readOnly` (the server then refuses any write, whatever a bug would attempt).
    func configuration(readOnly: Bool) throws(StateError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch sslMode {
            case .disable:
                tls = .disable
            case .prefer:
                tls = .prefer(try NIOSSLContext(configuration: clientTLS()))
            case .require, .verifyFull:
                tls = .require(try NIOSSLContext(configuration: clientTLS()))
            case .verifyCA:
                var configuration = clientTLS()
                configuration.certificateVerification = .noHostnameVerification
                tls = .require(try NIOSSLContext(configuration: configuration))
            }
        } catch {
            throw StateError(.other, path: description, detail: "cannot set up TLS (\(error)); try sslmode=disable on a trusted network")
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        // A lock another instance holds longer than SQLite's busy timeout fails the operation
        // (55P03, `locked`) instead of hanging a tick behind a stuck session.
        var parameters = [
            ("application_name", "opscadence"), ("search_path", "\"\(schema)\""), ("lock_timeout", "\(Int(StateStore.defaultBusyTimeout))s"),
        ]
        if readOnly { parameters.append(("default_transaction_read_only", "on")) }
        configuration.options.additionalStartupParameters = parameters
        return configuration
    }
}
