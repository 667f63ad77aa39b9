import Foundation
import OpsCadenceTesting
import StateStore
import Testing

/// One copy of the shipped workspace on one backend, with its chat and audit targets pointed at a
/// loopback receiver (paths of its own, so both copies show the same host and port) and the web
/// app's people and secret added.
final class ParityCopy: @unchecked Sendable {
    let backend: Backend
    let dir: TemporaryDirectory
    let database: TestDatabase?
    let runner: CommandRunner
    static let webSecret = "parity-web-secret-0123456789abcdef0123456789"

    init(backend: Backend, hooks: LoopbackHTTPServer) throws {
        self.backend = backend
        dir = try shippedWorkspaceCopy()
        database = backend == .postgres ? try #require(TestDatabase.make()) : nil
        var lines = try String(contentsOfFile: dir.file("opscadence.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(!lines.contains { $0.hasPrefix("people:") || $0.hasPrefix("web:") })
        if database != nil {
            let stateLine = "state: ${env:OPS_STATE_URL}"
            if let index = lines.firstIndex(where: { $0.hasPrefix("state:") }) {
                lines[index] = stateLine
            } else {
                lines.append(stateLine)
            }
        }
        lines += [
            "people:",
            "  - { name: Ops Lead, role: admin }",
            "  - { name: Warehouse Lead }",
            "web:",
            "  url: https://ops.example.com",
            "  secret: ${env:OPS_WEB_SECRET}",
        ]
        dir.write("opscadence.yaml", lines.joined(separator: "\n") + "\n")
        var environment = [
            "OPS_SLACK_WEBHOOK": hooks.url("/\(backend.rawValue)/slack"),
            "OPS_AUDIT_URL": hooks.url("/\(backend.rawValue)/audit"),
            "OPS_AUDIT_SECRET": EngineFixture.secret,
            "OPS_WEB_SECRET": Self.webSecret,
        ]
        environment["OPS_STATE_URL"] = database?.url
        runner = CommandRunner(directory: dir.path, environment: environment)
    }

    /// Runs a command; its output with this copy's folder written as `<workspace>`, and the
    /// folder's name (calendar UIDs are made from it, lowercased) as `<name>`.
    func run(_ arguments: [String]) throws -> CommandRunner.Result {
        var result = try runner.run(arguments)
        let name = (dir.path as NSString).lastPathComponent
        for keyPath in [\CommandRunner.Result.stdout, \CommandRunner.Result.stderr] {
            result[keyPath: keyPath] = result[keyPath: keyPath].replacingOccurrences(of: dir.path, with: "<workspace>")
                .replacingOccurrences(of: name, with: "<name>", options: .caseInsensitive)
        }
        return result
    }
}

/// Every command through the real binary on two copies of the shipped workspace, one on SQLite and
/// one on PostgreSQL (when a server is configured): each succeeds on both, with the same output.
@Suite struct BackendParityTests {
    /// Top-level keys whose values legitimately differ between the copies removed; arrays under
    /// `unordered` keys, at any depth, sorted (their order is that of concurrent sends' answers).
    static func removing(_ keys: Set<String>, unordered: Set<String> = [], from value: Any) throws -> Any {
        if let object = value as? [String: Any] {
            var kept: [String: Any] = [:]
            for (key, item) in object where !keys.contains(key) {
                var cleaned = try removing([], unordered: unordered, from: item)
                if unordered.contains(key), let array = cleaned as? [Any] {
                    cleaned = try array.map { (try canonical($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
                }
                kept[key] = cleaned
            }
            return kept
        }
        if let array = value as? [Any] { return try array.map { try removing([], unordered: unordered, from: $0) } }
        return value
    }

    static func canonical(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    final class Pair: @unchecked Sendable {
        let copies: [ParityCopy]
        let hooks: LoopbackHTTPServer

        init() throws {
            let hooks = try LoopbackHTTPServer(defaultBehavior: .ok())
            self.hooks = hooks
            copies = try Backend.available.map { try ParityCopy(backend: $0, hooks: hooks) }
        }

        /// Runs the command on every copy; expects `status` from each and equal outputs: JSON
        /// compared parsed, without `ignoring` keys; other output compared as text. Returns the
        /// first copy's (SQLite's) parsed or text output.
        @discardableResult
        func both(
            _ arguments: [String], status: Int32 = 0, json: Bool = true, ignoring: Set<String> = [], unordered: Set<String> = [],
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> Any {
            var outputs: [String] = []
            var first: Any = ""
            for copy in copies {
                let result = try copy.run(arguments)
                #expect(
                    result.status == status, "\(arguments.joined(separator: " ")) on \(copy.backend): exit \(result.status)\n\(result.stderr)\n\(result.stdout)",
                    sourceLocation: sourceLocation)
                if json {
                    let parsed: Any
                    do {
                        parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed)
                    } catch {
                        Issue.record("\(arguments.joined(separator: " ")) on \(copy.backend): not JSON: \(result.stdout)\n\(result.stderr)", sourceLocation: sourceLocation)
                        parsed = result.stdout
                    }
                    if outputs.isEmpty { first = parsed }
                    outputs.append(try BackendParityTests.canonical(BackendParityTests.removing(ignoring, unordered: unordered, from: parsed)))
                } else {
                    if outputs.isEmpty { first = result.stdout }
                    outputs.append(result.stdout)
                }
            }
            if outputs.count == 2 {
                #expect(
                    outputs[0] == outputs[1], "\(arguments.joined(separator: " ")) differs:\n--- sqlite\n\(outputs[0])\n--- postgres\n\(outputs[1])",
                    sourceLocation: sourceLocation)
            }
            return first
        }
    }

    @Test func everyCommandGivesTheSameResultOnBothBackends() throws {
        let pair = try Pair()
        if !Backend.available.contains(.postgres) {
            // Without a PostgreSQL server only the SQLite side runs: the sequence still has to pass.
            print("BackendParityTests: OPS_TEST_DATABASE_URL unset, PostgreSQL side skipped")
        }
        for backend in Backend.available {
            // The audit target refuses its first two requests on each copy: a dead delivery to
            // retry, then one to drop.
            pair.hooks.enqueue(.status(404), .status(404), forPath: "/\(backend.rawValue)/audit")
        }
        // Monday 7 December 2026: 07:00 in New York, then 10:00 (the daily check at 08:30, its
        // escalation, the weekly review at 09:00 with its audit reminder, which dies).
        let morning = "2026-12-07T12:00:00Z"
        let later = "2026-12-07T15:00:00Z"
        try pair.both(["tick", "--now", morning, "--format", "json"])
        try pair.both(["tick", "--now", later, "--format", "json"], status: 3, unordered: ["deliveries"])
        try pair.both(["status", "--now", later, "--format", "json"], ignoring: ["state", "instances"])
        try pair.both(["upcoming", "--now", later, "--days", "14", "--format", "json"])

        // Deliveries: retry the dead one (it dies again), then drop it.
        let outbox = try pair.both(["outbox", "list", "--now", later, "--format", "json"])
        let dead = try #require(try pair.both(["outbox", "list", "--now", later, "--state", "dead", "--format", "json"]) as? [[String: Any]])
        #expect(dead.count == 1, "\(outbox)")
        let deadId = try #require(dead.first?["id"] as? Int)
        try pair.both(["outbox", "retry", String(deadId), "--now", later, "--format", "json"])
        try pair.both(["tick", "--now", "2026-12-07T15:05:00Z", "--format", "json"], status: 3, unordered: ["deliveries"])
        try pair.both(["outbox", "drop", String(deadId), "--format", "json"])
        try pair.both(["outbox", "retry", "--dead", "--now", later, "--format", "json"])
        try pair.both(["outbox", "list", "--now", later, "--format", "json"])
        #expect(pair.hooks.requests(forPath: "/sqlite/audit").count == 2)

        // Action items.
        let now = "2026-12-07T16:00:00Z"
        // The item added by mistake first: deleting the newest item gives its id to the next one
        // on SQLite only (see sqliteReusesTheIdOfTheNewestDeletedAction).
        let mistake = try #require(
            try pair.both(["action", "add", "Added by mistake", "--playbook", "daily-red-alert-check", "--now", now, "--format", "json"]) as? [String: Any])
        let added = try #require(
            try pair.both(["action", "add", "Fix the label printer", "--owner", "Ops Lead", "--due", "2026-12-10", "--playbook", "weekly-kpi-review", "--now", now, "--format", "json"])
                as? [String: Any])
        let id = String(try #require(added["id"] as? Int))
        try pair.both(["action", "edit", id, "--title", "Fix the label printer on line 2", "--due", "2026-12-11", "--now", now, "--format", "json"])
        try pair.both(["action", "done", id, "--now", now, "--format", "json"])
        try pair.both(["action", "reopen", id, "--now", "2026-12-07T16:05:00Z", "--format", "json"])
        try pair.both(["action", "delete", String(try #require(mistake["id"] as? Int)), "--now", now], json: false)
        try pair.both(["action", "list", "--all", "--now", now, "--format", "json"])
        try pair.both(["action", "list", "--now", "2026-12-14T16:00:00Z"], json: false)

        // The weekly review's checklist.
        try pair.both(["checklist", "show", "weekly-kpi-review", "--at", "last", "--now", now, "--format", "json"])
        try pair.both(["checklist", "check", "weekly-kpi-review", "--at", "last", "1", "--now", now, "--format", "json"])
        try pair.both(["checklist", "check", "weekly-kpi-review", "--at", "last", "2", "--now", now, "--format", "json"])
        try pair.both(["checklist", "uncheck", "weekly-kpi-review", "--at", "last", "1", "--now", now, "--format", "json"])
        try pair.both(["checklist", "show", "weekly-kpi-review", "--at", "last", "--now", now], json: false)

        // KPIs.
        for copy in pair.copies {
            copy.dir.write(
                "values.csv",
                """
                date,name,value
                2026-11-30,order_accuracy,97.5
                2026-12-01,order_accuracy,96.25%
                2026-11-30,cost_per_order,4.20
                2026-12-04,cost_per_order,6.10
                """)
        }
        try pair.both(["kpi", "record", "stockout_rate", "2.4", "--at", "2026-12-04", "--now", now, "--format", "json"])
        try pair.both(["kpi", "record", "stockout_rate", "3.1", "--at", "2026-12-04", "--replace", "--now", now, "--format", "json"])
        try pair.both(["kpi", "record", "forecast_mape", "18", "--at", "2026-12-03", "--now", now, "--format", "json"])
        try pair.both(["kpi", "import", "values.csv", "--now", now, "--format", "json"])
        try pair.both(["kpi", "show", "--weeks", "4", "--now", now, "--format", "json"])
        try pair.both(["kpi", "delete", "forecast_mape", "--at", "2026-12-03", "--now", now], json: false)
        try pair.both(["kpi", "show", "--now", now], json: false)

        // The assessment, report and plan.
        try pair.both(
            [
                "assess", "--quarter", "2026-Q4", "--inventory", "2", "--fulfillment", "3", "--planning", "1", "--reporting", "2", "--governance", "2",
                "--note", "planning=no forecast yet", "--now", now, "--format", "json",
            ])
        try pair.both(["report", "--format", "json"])
        try pair.both(["report"], json: false)
        try pair.both(["plan", "create", "--start", "2027-01", "--now", now, "--format", "json"])
        try pair.both(["plan", "show", "--format", "json"])

        // Acknowledgements.
        try pair.both(["ack", "daily-red-alert-check", "--by", "Ops Lead", "--now", now, "--format", "json"])
        try pair.both(["ack", "daily-red-alert-check", "--by", "Warehouse Lead", "--now", "2026-12-07T16:10:00Z", "--format", "json"])

        // People: the link itself is random.
        try pair.both(["people", "invite", "Ops Lead", "--now", now, "--format", "json"], ignoring: ["url"])
        try pair.both(["people", "invite", "Warehouse Lead", "--now", now, "--format", "json"], ignoring: ["url"])
        try pair.both(["people", "revoke", "Warehouse Lead", "--now", now, "--format", "json"])
        try pair.both(["people", "list", "--now", now, "--format", "json"])

        // Read-only views over all of it.
        try pair.both(["health", "--now", now, "--format", "json"])
        try pair.both(["agenda", "weekly-kpi-review", "--at", "last", "--now", now, "--format", "json"])
        try pair.both(["agenda", "weekly-kpi-review", "--at", "next", "--now", now], json: false)
        try pair.both(["calendar", "--now", now], json: false)
        try pair.both(["status", "--now", now, "--format", "json"], ignoring: ["state", "instances"])

        // The doctor: the same checks at the same levels (the state check's wording names the
        // backend; a shared state also lists the instances that ticked, which SQLite, one
        // process at a time, does not record).
        var checks: [String] = []
        for copy in pair.copies {
            let doctor = try copy.run(["doctor", "--now", now, "--format", "json"])
            #expect(doctor.status == 0, "doctor on \(copy.backend): \(doctor.stderr)\n\(doctor.stdout)")
            checks.append(try Self.canonical(Self.doctorChecks(try doctor.json())))
        }
        if checks.count == 2 { #expect(checks[0] == checks[1]) }

        // The state copied out to SQLite: the same rows in every table.
        var counts: [String] = []
        for copy in pair.copies {
            let target = copy.dir.file("copy.sqlite")
            let result = try copy.run(["state", "copy", "--to", target, "--format", "json"])
            #expect(result.status == 0, "state copy on \(copy.backend): \(result.stderr)")
            counts.append(try Self.tableCounts(target))
        }
        if counts.count == 2 { #expect(counts[0] == counts[1], "\(counts[0])\n---\n\(counts[1])") }

        // The web app on the last copy (PostgreSQL when there is a server).
        let served = try #require(pair.copies.last)
        let web = try WebFixture(serving: served.dir, runner: served.runner, now: now, origin: "https://ops.example.com")
        #expect(try web.get("/healthz").status == 200)
        let cookie = try web.signIn("Ops Lead")
        let today = try web.get("/", cookie: cookie)
        #expect(today.status == 200, "\(today.body)")
        #expect(today.body.contains("Weekly KPI review"), "\(today.body)")
    }

    /// An action item's id is never given twice, on either backend (SQLite's before schema v8
    /// handed the id of the newest item, once deleted, to the next one, so an old link or
    /// `action done N` could reach another item).
    @Test func aDeletedActionsIdIsNotGivenAgain() throws {
        let pair = try Pair()
        let now = "2026-12-07T16:00:00Z"
        let first = try #require(
            try pair.both(["action", "add", "Added by mistake", "--playbook", "weekly-kpi-review", "--now", now, "--format", "json"]) as? [String: Any])
        let deleted = try #require(first["id"] as? Int)
        try pair.both(["action", "delete", String(deleted), "--now", now], json: false)
        let next = try #require(
            try pair.both(["action", "add", "The right one", "--playbook", "weekly-kpi-review", "--now", now, "--format", "json"]) as? [String: Any])
        #expect(next["id"] as? Int == deleted + 1)
    }

    /// `[name: level]` of every check `doctor --format json` reports. Who coordinates the ticks
    /// is checked by design as `lock` (the workspace lock file) on SQLite and `leases` (the
    /// deliveries claimed) on PostgreSQL: one name here.
    static func doctorChecks(_ json: Any) throws -> [[String: String]] {
        let list = try #require(json as? [[String: Any]], "\(json)")
        return list.filter { $0["name"] as? String != "instances" }.map {
            let name = "\($0["name"] ?? "")"
            return ["name": name == "leases" ? "lock" : name, "level": "\($0["level"] ?? "")"]
        }
    }

    /// `table count` lines of a SQLite state file, read through the state store.
    /// The instances that ticked are recorded on a shared state only.
    static func tableCounts(_ file: String) throws -> String {
        var counts = try #require(try StateStore.openIfPresent(path: file)).dump().counts
        counts["instance"] = nil
        #expect(!counts.isEmpty)
        return counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: "\n")
    }
}
