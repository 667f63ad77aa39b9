import Foundation
import OpsCadenceTesting
import Testing

/// A PostgreSQL state that cannot be used is an error with its own message (exit 1), never a
/// loss, and never shows the password.
@Suite struct SharedStateFailureTests {
    static let playbooks = ["a.yaml": playbook("alpha", schedule: "cron: \"0 14 * * *\"", grace: "1d")]

    /// The test server's URL with another user, password or port.
    static func variant(of url: String, user: String? = nil, password: String, port: Int? = nil) throws -> String {
        var components = try #require(URLComponents(string: url))
        if let user { components.user = user }
        components.password = password
        if let port { components.port = port }
        return try #require(components.string)
    }

    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func aRefusedConnectionAndAWrongPasswordAreClearErrors(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: Self.playbooks)
        let database = try #require(f.database)
        let closed = try LoopbackHTTPServer()
        let port = try #require(URLComponents(string: closed.url("/"))?.port)
        closed.stop()
        for (url, expected) in [
            (try Self.variant(of: database.url, password: "s3cret-refused", port: port), "cannot connect to the server (Connection refused); check"),
            (try Self.variant(of: database.url, password: "s3cret-wrong"), "the server refused the login"),
        ] {
            let runner = CommandRunner(directory: f.dir.path, environment: f.runner.environment.merging(["OPS_STATE_URL": url]) { $1 })
            let result = try runner.run(["tick", "--now", "2026-12-01T19:00:10Z"])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.contains("state database postgres://postgres@127.0.0.1:"))
            #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
        }
        #expect(f.server.requestCount == 0)
    }

    /// A database URL that does not parse is the user's to fix: validate finds it at the
    /// `state:` field, tick stops there (exit 2) before connecting, and a password given as a
    /// query parameter is refused like one in the user part, on the command line too; the
    /// password is never shown.
    @Test func aMalformedDatabaseURLIsAnInputError() throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: UTC\nstate: ${env:OPS_STATE_URL}\ntargets:\n  hook: { kind: generic, url: \"${env:HOOK_URL}\" }\n")
        dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 14 * * *\""))
        for url in ["postgres://ops:s3cret-pw@127.0.0.1:1/ops?sslmode=bogus", "postgres://ops@127.0.0.1:1/ops?password=s3cret-pw"] {
            let runner = CommandRunner(directory: dir.path, environment: ["OPS_STATE_URL": url, "HOOK_URL": "http://127.0.0.1:9/hook"])
            for command in [["validate"], ["tick", "--now", "2026-12-01T19:00:10Z"], ["status"]] {
                let result = try runner.run(command)
                #expect(result.status == 2, "\(command) \(url): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("opscadence.yaml:2:8: error: state URL from ${env:OPS_STATE_URL} is not valid: "), "\(command): \(result.stderr)")
                #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
            }
        }
        let copy = try CommandRunner(directory: dir.path, environment: ["OPS_STATE_URL": "postgres://ops@127.0.0.1:1/ops", "HOOK_URL": "http://127.0.0.1:9/hook"]).run(["state", "copy", "--to", "postgres://ops@127.0.0.1:1/ops?password=s3cret-pw"])
        #expect(copy.status == 2 && copy.stderr.contains("a password on the command line is readable by every user"), "\(copy.stderr)")
        #expect(!copy.stderr.contains("s3cret"))
        #expect(!FileManager.default.fileExists(atPath: dir.file(".opscadence")))
    }

    /// A standby (here a role whose transactions are read-only, as on a hot standby) refuses the
    /// tick's writes: the tick fails with its own message and changes nothing; the next tick
    /// against the primary carries on and sends the reminder once.
    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func aReadOnlyServerIsAClearErrorAndNothingIsLost(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: Self.playbooks)
        let database = try #require(f.database)
        #expect(try f.tick("2026-12-01T18:00:00Z").status == 0)
        let role = "ops_ro_\(UInt32.random(in: 0...UInt32.max))"
        try database.psql(
            """
            CREATE ROLE \(role) LOGIN PASSWORD 's3cret-ro';
            ALTER ROLE \(role) SET default_transaction_read_only = on;
            GRANT USAGE ON SCHEMA \(database.schema) TO \(role);
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(database.schema) TO \(role);
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(database.schema) TO \(role);
            """)
        defer { _ = try? database.psql("DROP OWNED BY \(role); DROP ROLE \(role)") }
        let before = try database.psql("SELECT state, attempts FROM \(database.schema).delivery ORDER BY id")
        let standby = CommandRunner(
            directory: f.dir.path,
            environment: f.runner.environment.merging(["OPS_STATE_URL": try Self.variant(of: database.url, user: role, password: "s3cret-ro")]) { $1 })
        let refused = try standby.run(["tick", "--now", "2026-12-01T19:00:10Z"])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("the server takes no writes"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("s3cret"))
        #expect(try database.psql("SELECT state, attempts FROM \(database.schema).delivery ORDER BY id") == before)
        #expect(f.server.requestCount == 0)

        #expect(try f.tick("2026-12-01T19:00:20Z").status == 0)
        #expect(f.receivedIds == ["alpha.20261201T190000Z.0m.hook"])
    }
}
