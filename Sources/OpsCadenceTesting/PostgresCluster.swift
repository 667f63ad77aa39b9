import Foundation

/// A PostgreSQL server of one test's own: a throwaway cluster in a temporary folder on a free
/// loopback port, which the test may stop, start and restart without disturbing any other test.
/// Stopped and deleted when released. Needs Debian's `postgresql` (scripts/bootstrap installs it).
package final class PostgresCluster: @unchecked Sendable {
    package enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String, String)

        package var description: String {
            switch self {
            case .notInstalled: "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install Debian's postgresql (scripts/bootstrap)"
            case .command(let what, let output): "\(what) failed: \(output)"
            }
        }
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`.
    package let url: String
    package let port: Int
    private let folder: TemporaryDirectory
    private let bin: String
    private let options: String

    /// - Parameter tls: a server certificate and key (PEM files) to serve TLS with; the server
    ///   then accepts both TLS and plain connections, as PostgreSQL does by default.
    package init(tls: (certificate: String, key: String)? = nil) throws {
        guard let bin = Self.binaries() else { throw Failure.notInstalled }
        self.bin = bin
        folder = TemporaryDirectory(prefix: "opscadence-pg")
        if getuid() == 0 {
            // initdb and postgres refuse root: the cluster belongs to the postgres user.
            try Self.run(["/bin/chown", "postgres:", folder.path], what: "chown")
            try Self.run(["/bin/chmod", "755", folder.path], what: "chmod")
        }
        var options = ""
        if let tls {
            // The server reads its key only if no one else can (0600, its own user).
            let certificate = folder.file("server.crt")
            let key = folder.file("server.key")
            try Self.run(["/bin/cp", tls.certificate, certificate], what: "cp")
            try Self.run(["/bin/cp", tls.key, key], what: "cp")
            try Self.run(["/bin/chmod", "600", key], what: "chmod")
            if getuid() == 0 { try Self.run(["/bin/chown", "postgres:", certificate, key], what: "chown") }
            options = " -c ssl=on -c ssl_cert_file=\(certificate) -c ssl_key_file=\(key)"
        }
        self.options = options
        try Self.run(
            Self.asOwner + ["\(bin)/initdb", "-D", folder.file("data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            what: "initdb")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = Self.freePort()
            do {
                try Self.start(bin: bin, folder: folder, port: port, options: options)
                self.port = port
                url = "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable"
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? Failure.notInstalled
    }

    /// Stops the server at once (as a crash would: no checkpoint), then starts it again. Commits
    /// survive it: synchronous_commit stays on (off, the last commits before a crash are lost,
    /// which no application can make up for); fsync is off, which only an OS crash would expose.
    package func restart() throws {
        try stop()
        try start()
    }

    /// Stops the server immediately; connections break.
    package func stop() throws {
        try Self.run(Self.asOwner + ["\(bin)/pg_ctl", "-D", folder.file("data"), "-m", "immediate", "-w", "stop"], what: "pg_ctl stop")
    }

    /// Starts the stopped server again on its port.
    package func start() throws {
        try Self.start(bin: bin, folder: folder, port: port, options: options)
    }

    private static func start(bin: String, folder: TemporaryDirectory, port: Int, options: String) throws {
        try run(
            asOwner + [
                "\(bin)/pg_ctl", "-D", folder.file("data"), "-l", folder.file("server.log"), "-w", "-t", "60", "-o",
                "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off\(options)",
                "start",
            ], what: "pg_ctl start")
    }

    /// Runs SQL through psql and returns its unaligned, tuples-only output.
    @discardableResult
    package func psql(_ sql: String) throws -> String {
        try Self.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url, "-c", sql], what: "psql")
    }

    deinit {
        try? stop()
    }

    private static var asOwner: [String] { getuid() == 0 ? ["/sbin/runuser", "-u", "postgres", "--"] : [] }

    private static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to its end, its output into a file (not a pipe: pg_ctl's server would
    /// inherit it), waited for with waitpid: Foundation's Process was seen to never notice the
    /// exit of runuser, leaving it a zombie and the test waiting.
    /// A certificate authority and a server certificate it signed for 127.0.0.1 and localhost
    /// (PEM files in `folder`, valid two days), made with openssl.
    package static func makeCertificates(in folder: TemporaryDirectory) throws -> (authority: String, certificate: String, key: String) {
        let (authority, authorityKey) = (folder.file("ca.pem"), folder.file("ca.key"))
        let (certificate, key, request) = (folder.file("server.pem"), folder.file("server.key"), folder.file("server.csr"))
        let extensions = folder.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        try run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", authorityKey, "-out", authority, "-days", "2", "-subj", "/CN=OpsCadence test CA"],
            what: "openssl req (CA)")
        try run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=localhost"], what: "openssl req")
        try run(
            [
                "openssl", "x509", "-req", "-in", request, "-CA", authority, "-CAkey", authorityKey, "-CAcreateserial", "-out", certificate, "-days", "2",
                "-extfile", extensions,
            ], what: "openssl x509")
        return (authority, certificate, key)
    }

    @discardableResult
    private static func run(_ arguments: [String], what: String) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.path + "/opscadence-pg-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure.command(what, String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (FileManager.default.contents(atPath: outputPath).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { throw Failure.command(what, text) }
        return text
    }
}
