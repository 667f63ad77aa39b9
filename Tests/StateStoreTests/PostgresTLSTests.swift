import Foundation
import OpsCadenceTesting
import PostgresState
import Testing

@testable import StateStore

/// TLS when the URL asks for it, against servers of the test's own: one with a certificate
/// from a test authority, one without TLS.
@Suite struct PostgresTLSTests {
    /// With the PostgreSQL cases (`scripts/test` sets `OPS_TEST_DATABASE_URL`): these start
    /// servers of their own from the same installation.
    static let postgresTestsRun = ProcessInfo.processInfo.environment[TestDatabase.variable]?.isEmpty == false

    /// Whether the session the backend opened (application_name opscadence) runs over TLS.
    static func sessionsUseTLS(_ cluster: PostgresCluster) throws -> String {
        try cluster.psql(
            "SELECT string_agg(s.ssl::text, ',') FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'opscadence'")
    }

    @Test(.enabled(if: PostgresTLSTests.postgresTestsRun)) func verifiedTLSWhenAsked() throws {
        let folder = TemporaryDirectory()
        let files = try PostgresCluster.makeCertificates(in: folder)
        let cluster = try PostgresCluster(tls: (files.certificate, files.key))
        let base = "postgres://postgres@127.0.0.1:\(cluster.port)/postgres"

        // The certificate chains to the authority given and names 127.0.0.1: a TLS session.
        let verified = try PostgresBackend(location: try PostgresLocation("\(base)?sslmode=verify-full&sslrootcert=\(files.authority)"))
        _ = try verified.nextDeliveryDue()
        #expect(try Self.sessionsUseTLS(cluster) == "true")
        verified.close()

        // Without the authority, the system's trust store does not know it: refused, not
        // downgraded to an unverified or a plain connection.
        #expect {
            try PostgresBackend(location: try PostgresLocation("\(base)?sslmode=require"))
        } throws: { error in
            "\(error)".contains("cannot connect") && (error as? StateError)?.code == .unavailable
        }

        // sslmode=disable stays plain even though the server offers TLS.
        let plain = try PostgresBackend(location: try PostgresLocation("\(base)?sslmode=disable"))
        _ = try plain.nextDeliveryDue()
        #expect(try Self.sessionsUseTLS(cluster) == "false")
        plain.close()
    }

    @Test(.enabled(if: PostgresTLSTests.postgresTestsRun)) func aServerWithoutTLSIsRefusedWhenTLSIsRequired() throws {
        let cluster = try PostgresCluster()
        let base = "postgres://postgres@127.0.0.1:\(cluster.port)/postgres"
        #expect {
            try PostgresBackend(location: try PostgresLocation("\(base)?sslmode=require"))
        } throws: { error in
            "\(error)".contains("does not offer TLS")
        }
        // prefer: TLS if offered, else plain.
        let preferred = try PostgresBackend(location: try PostgresLocation("\(base)?sslmode=prefer"))
        _ = try preferred.nextDeliveryDue()
        #expect(try Self.sessionsUseTLS(cluster) == "false")
        preferred.close()
    }
}
