import Foundation
import OpsCadenceTesting
import Testing

/// A real `opscadence serve` process on a free loopback port, over a temporary workspace with
/// two people, a weekly review due today and a daily check, at a fixed start instant.
final class WebFixture: @unchecked Sendable {
    /// Friday 4 December 2026, 10:50 in New York: the weekly review (11:00) has had its
    /// reminder, so its agenda file is rendered, and has not started.
    static let now = "2026-12-04T15:50:00Z"
    static let review = "/meetings/weekly-review/2026-12-04T16:00:00Z"

    let dir: TemporaryDirectory
    let runner: CommandRunner
    let server: CommandRunner.Running
    /// `http://127.0.0.1:PORT`.
    let base: String
    /// What a browser sends as `Origin`: web.url's origin when the workspace sets one.
    let origin: String?

    static let configuration = """
        timezone: America/New_York
        targets:
          chat: { kind: slack, url: "${env:CHAT_URL}", optional: true }
        people:
          - { name: Ada Admin, role: admin }
          - { name: Max Member, role: member }
        """

    static let weeklyReview = """
        id: weekly-review
        title: Weekly review
        description: The numbers, then the action items.
        schedule: weekly on friday at 11:00
        duration: 30m
        owner: Ada Admin
        attendees: [Ada Admin, Max Member]
        remind:
          - { target: chat, before: 15m }
        agenda:
          - title: KPI scorecard
            minutes: 10
            kpis: [order_accuracy, stockout_rate]
          - title: Action items
            minutes: 20
            carry_over: true
        checklist:
          - { item: Update the scorecard, owner: Ada Admin, due: -1h }
          - { item: Assign owners to new items }
        """

    /// The instant serve started at and `command` runs at.
    let now: String
    /// The PostgreSQL schema the state is in, if not in SQLite; dropped with the fixture.
    private(set) var database: TestDatabase?

    convenience init(
        backend: Backend = .sqlite, playbooks: [String: String] = [:], configuration: String = WebFixture.configuration,
        environment: [String: String] = [:], arguments: [String] = [], origin: String? = nil
    ) throws {
        let dir = TemporaryDirectory()
        var environment = environment
        let database = backend == .postgres ? try #require(TestDatabase.make()) : nil
        if let database {
            environment["OPS_STATE_URL"] = database.url
            dir.write("opscadence.yaml", "state: ${env:OPS_STATE_URL}\n" + configuration)
        } else {
            dir.write("opscadence.yaml", configuration)
        }
        var files = playbooks
        if files.isEmpty { files = ["playbooks/weekly-review.yaml": Self.weeklyReview] }
        for (path, text) in files { dir.write(path, text) }
        let runner = CommandRunner(directory: dir.path, environment: environment)
        let tick = try runner.run(["tick", "--now", Self.now])
        try #require(tick.status == 0, "\(tick.stderr)")
        try self.init(serving: dir, runner: runner, now: Self.now, arguments: arguments, origin: origin)
        self.database = database
    }

    /// Serves a workspace made elsewhere (its state already there), started at `now`.
    init(serving dir: TemporaryDirectory, runner: CommandRunner, now: String, arguments: [String] = [], origin: String? = nil) throws {
        self.origin = origin
        self.dir = dir
        self.runner = runner
        self.now = now
        server = try runner.start(["serve", "--listen", "127.0.0.1:0", "--now", now] + arguments)
        var port: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while port == nil && ContinuousClock.now < deadline && server.process.isRunning {
            if let line = server.currentStdout.split(separator: "\n").first(where: { $0.hasPrefix("serving http://127.0.0.1:") }) {
                port = String(line.dropFirst("serving http://127.0.0.1:".count).dropLast())
            } else {
                usleep(20_000)
            }
        }
        guard let port else {
            server.signal(SIGKILL)
            let result = try runner.finish(server)
            throw LoopbackHTTPClient.Failure(description: "serve did not start: \(result.stderr)")
        }
        base = "http://127.0.0.1:\(port)"
    }

    deinit {
        server.signal(SIGTERM)
        _ = try? runner.finish(server, timeout: 20)
    }

    /// Runs a command on the same workspace at the same instant.
    func command(_ arguments: [String]) throws -> CommandRunner.Result {
        try runner.run(arguments + ["--now", now])
    }

    /// A one-time sign-in link's path for a person, from `opscadence people invite`.
    func invitePath(_ name: String) throws -> String {
        let result = try command(["people", "invite", name, "--format", "json"])
        try #require(result.status == 0, "\(result.stderr)")
        let url = try #require((try result.json() as? [String: Any])?["url"] as? String)
        // The link is made under web.url (or the default address): keep its path.
        let path = try #require(url.range(of: "/signin/"))
        return String(url[path.lowerBound...])
    }

    /// Signs a person in over HTTP and returns the session cookie (`name=value`).
    func signIn(_ name: String) throws -> String {
        let reply = try post(try invitePath(name), fields: [])
        try #require(reply.status == 303, "sign-in answered \(reply.status): \(reply.body)")
        let cookie = try #require(reply.header("Set-Cookie"))
        return String(cookie.split(separator: ";")[0])
    }

    func get(_ path: String, cookie: String? = nil) throws -> LoopbackHTTPClient.Reply {
        try LoopbackHTTPClient.send("GET", base + path, headers: cookie.map { [("Cookie", $0)] } ?? [])
    }

    /// A form POST as a browser on this site sends it (same origin), unless told otherwise.
    func post(
        _ path: String, fields: [(String, String)], cookie: String? = nil, headers: [(String, String)] = [("Origin", "")]
    ) throws -> LoopbackHTTPClient.Reply {
        var all: [(String, String)] = [("Content-Type", "application/x-www-form-urlencoded")]
        for (name, value) in headers { all.append((name, name == "Origin" && value.isEmpty ? (origin ?? base) : value)) }
        if let cookie { all.append(("Cookie", cookie)) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try LoopbackHTTPClient.send("POST", base + path, headers: all, body: body)
    }

    /// The CSRF token the page's forms carry.
    func csrf(cookie: String, page: String = "/") throws -> String {
        let html = try get(page, cookie: cookie).body
        let marker = "name=\"csrf\" value=\""
        let start = try #require(html.range(of: marker)?.upperBound, "no CSRF token on \(page)")
        return String(html[start...].prefix { $0 != "\"" })
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
