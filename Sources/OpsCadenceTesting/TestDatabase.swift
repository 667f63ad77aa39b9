import Foundation

/// A PostgreSQL schema of its own for one test, on the server `OPS_TEST_DATABASE_URL` names
/// (`scripts/test` starts one and sets it; it may also point at an existing server). The schema
/// is dropped, with everything in it, when the value is deinitialized.
///
/// Statements the backend would never run (planting a trigger, ending a session) go through
/// `psql`, so this helper needs no PostgreSQL client library.
package final class TestDatabase: Sendable {
    /// The environment variable naming the server.
    package static let variable = "OPS_TEST_DATABASE_URL"

    /// The server's URL as given, without a `schema` parameter: what `psql` connects to.
    package let serverURL: String
    /// `ops_test_` and random hex.
    package let schema: String
    /// The server's URL with `schema=` this test's schema: what the backend opens.
    package let url: String

    /// A fresh schema name on the configured server; nil when `OPS_TEST_DATABASE_URL` is unset
    /// (the PostgreSQL cases are then not run).
    package static func make() -> TestDatabase? {
        guard let given = ProcessInfo.processInfo.environment[variable], !given.isEmpty else { return nil }
        return TestDatabase(serverURL: given)
    }

    private init(serverURL given: String) {
        // Keep every query parameter but our own `schema` (psql would refuse it).
        let parts = given.split(separator: "?", maxSplits: 1)
        let kept = parts.count > 1 ? parts[1].split(separator: "&").filter { !$0.hasPrefix("schema=") } : []
        serverURL = String(parts[0]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        schema = "ops_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        url = serverURL + (kept.isEmpty ? "?" : "&") + "schema=" + schema
    }

    /// Runs SQL with `psql` on the server (no schema on the search path); returns its
    /// unaligned output.
    @discardableResult
    package func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", serverURL, "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestDatabaseError(message: String(decoding: problems, as: UTF8.self))
        }
        return String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { _ = try? psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
}

/// `psql` failed; its standard error.
package struct TestDatabaseError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
