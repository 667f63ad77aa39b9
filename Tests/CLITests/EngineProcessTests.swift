import Foundation
import OpsCadenceTesting
import Testing

/// A temporary workspace whose targets post to a loopback server, driven by real `opscadence` processes.
struct EngineFixture {
    let dir: TemporaryDirectory
    let server: LoopbackHTTPServer
    let runner: CommandRunner
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// The PostgreSQL schema of a `.postgres` fixture, dropped with the fixture.
    let database: TestDatabase?

    /// The `state:` line of its opscadence.yaml (none for the SQLite default).
    var stateLine: String { database == nil ? "" : "state: ${env:OPS_STATE_URL}" }

    init(backend: Backend = .sqlite, playbooks: [String: String], behavior: LoopbackHTTPServer.Behavior = .ok(), extraConfig: String = "") throws {
        dir = TemporaryDirectory()
        server = try LoopbackHTTPServer(defaultBehavior: behavior)
        database = backend == .postgres ? try #require(TestDatabase.make()) : nil
        let stateLine = database == nil ? "" : "state: ${env:OPS_STATE_URL}"
        dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            \(stateLine)
            targets:
              hook:
                kind: generic
                url: ${env:HOOK_URL}
                secret: ${env:HOOK_SECRET}
                rate_limit: none
            \(extraConfig)
            """)
        for (name, text) in playbooks { dir.write("playbooks/\(name)", text) }
        var environment = ["HOOK_URL": server.url("/hook/secret-token-path"), "HOOK_SECRET": EngineFixture.secret]
        environment["OPS_STATE_URL"] = database?.url
        runner = CommandRunner(directory: dir.path, environment: environment)
    }

    @discardableResult
    func tick(_ now: String, _ extra: [String] = []) throws -> CommandRunner.Result {
        try runner.run(["tick", "--now", now, "--format", "json"] + extra)
    }

    /// webhook-id of every request the server received.
    var receivedIds: [String] { server.requests.compactMap { $0.headers["webhook-id"] } }
}

func playbook(_ id: String, schedule: String, catchUp: String = "latest", grace: String = "6h", before: [String] = ["0m"]) -> String {
    """
    id: \(id)
    title: \(id)
    \(schedule)
    duration: 15m
    catch_up: \(catchUp)
    grace: \(grace)
    remind:
    \(before.map { "  - { target: hook, before: \($0) }" }.joined(separator: "\n"))
    agenda:
      - { title: Review, minutes: 10, carry_over: true }
    """
}

@Suite struct EngineProcessTests {
    @Test(arguments: Backend.available) func tickSendsEachReminderOnceAndIsIdempotent(backend: Backend) throws {
        // catch_up: all, so the late 10m reminder goes out too (otherwise the 0m one supersedes it).
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("standup", schedule: "cron: \"0 9 * * *\"", catchUp: "all", before: ["10m", "0m"])])
        #expect(try f.tick("2026-12-01T13:00:00Z").status == 0)
        let first = try f.tick("2026-12-01T14:00:30Z", ["--since", "2026-12-01T13:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(f.receivedIds.sorted() == ["standup.20261201T140000Z.0m.hook", "standup.20261201T140000Z.10m.hook"])
        // The same instant again, and a little later: nothing new.
        try f.tick("2026-12-01T14:00:30Z")
        try f.tick("2026-12-01T14:05:00Z")
        #expect(f.server.requestCount == 2)
        // Signed per Standard Webhooks, and the secret URL path never printed.
        let request = try #require(f.server.requests.first)
        #expect(request.headers["webhook-signature"]?.hasPrefix("v1,") == true)
        #expect(request.headers["webhook-timestamp"] != nil)
        #expect(!first.stdout.contains("secret-token-path") && !first.stderr.contains("secret-token-path"))
        let status = try f.runner.run(["status", "--format", "json"])
        #expect(!status.stdout.contains("secret-token-path"))
        #expect(status.stdout.contains("\"delivered\" : 2"))
        #expect(FileManager.default.fileExists(atPath: f.dir.file("agendas/standup/2026-12-01T0900.md")))
    }

    @Test(arguments: Backend.available) func overlappingTicksDeliverEachOccurrenceOnce(backend: Backend) throws {
        // A slow receiver keeps the first tick busy while the others start.
        let f = try EngineFixture(
            backend: backend,
            playbooks: [
                "a.yaml": playbook("alpha", schedule: "cron: \"*/10 * * * *\"", catchUp: "all", grace: "1d"),
                "b.yaml": playbook("beta", schedule: "cron: \"5 * * * *\"", catchUp: "all", grace: "1d"),
            ], behavior: .respondAfter(.milliseconds(150), .text("ok")))
        try f.tick("2026-12-01T12:00:00Z")
        let running = try (0..<5).map { _ in try f.runner.start(["tick", "--now", "2026-12-01T14:00:00Z", "--format", "json"]) }
        let results = try running.map { try f.runner.finish($0) }
        #expect(results.allSatisfy { $0.status == 0 })
        // Some tick may have been skipped by the lock; one more finishes anything left.
        try f.tick("2026-12-01T14:00:00Z")
        let ids = f.receivedIds
        #expect(ids.count == Set(ids).count, "duplicates: \(ids.sorted())")
        // 13 ten-minute slots in [12:00, 14:00] (12:00 itself was still ahead at the first tick) and 2 hourly ones.
        #expect(Set(ids).count == 15)
    }

    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func instancesTickingAtOnceRecordEachOccurrenceOnceAcrossPlanningBatches(backend: Backend) throws {
        // More playbooks than two planning batches (of 200), so that the instances take batches in turn.
        let count = 450
        let playbooks = Dictionary(
            uniqueKeysWithValues: (0..<count).map { index in
                (String(format: "p%03d.yaml", index), playbook(String(format: "p%03d", index), schedule: "cron: \"0 * * * *\""))
            })
        let f = try EngineFixture(backend: backend, playbooks: playbooks)
        try f.tick("2026-12-01T11:30:00Z")
        let running = try (0..<3).map { _ in try f.runner.start(["tick", "--now", "2026-12-01T12:00:00Z", "--format", "json"]) }
        let results = try running.map { try f.runner.finish($0) }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let recorded = try results.flatMap { result in
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return (report["occurrences"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "handled" }.map {
                "\($0["playbook"] ?? "")@\($0["occurrence"] ?? "")"
            }
        }
        #expect(recorded.count == count && Set(recorded).count == count)
        try f.tick("2026-12-01T12:00:00Z")
        let ids = f.receivedIds
        #expect(ids.count == count && Set(ids).count == count)
    }

    @Test(arguments: Backend.available) func killedMidSendIsRecoveredWithAtMostTheInFlightDuplicate(backend: Backend) async throws {
        let f = try EngineFixture(
            backend: backend,
            playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"*/15 * * * *\"", catchUp: "all", grace: "1d")], behavior: .hang)
        // Before the 12:00 occurrence: the first tick has nothing to send to the hanging receiver.
        try f.tick("2026-12-01T11:50:00Z")
        let running = try f.runner.start(["tick", "--now", "2026-12-01T13:00:00Z"])
        // Wait until a request is in flight, then kill the tick without warning.
        // From a thread of its own: the kill must land within the client's 10 s low-speed limit.
        let server = f.server
        #expect(await waitOnThread(timeout: .seconds(20)) { server.requestCount >= 1 } then: { _ in running.signal(SIGKILL) })
        let killed = try f.runner.finish(running)
        #expect(killed.signaled)
        let inFlight = Set(f.receivedIds)
        f.server.setDefaultBehavior(.ok())
        // Past the killed tick's lease (on a shared database, only an expired lease is taken back).
        let rerun = try f.tick("2026-12-01T13:05:00Z")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("\"recovered\" : "))
        let ids = f.receivedIds
        // Every occurrence of [12:00, 13:00] is delivered; only requests that were in flight repeat.
        #expect(Set(ids).count == 5)
        let repeated = Set(ids.filter { id in ids.filter { $0 == id }.count > 1 })
        #expect(repeated.isSubset(of: inFlight))
        let dead = try f.runner.run(["outbox", "list", "--format", "json"])
        let rows = try #require(try dead.json() as? [[String: Any]])
        #expect(rows.allSatisfy { $0["state"] as? String == "delivered" })
    }

    @Test(arguments: Backend.available) func failuresRetryAndPermanentOnesGoDeadAndCanBeRetriedByHand(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", grace: "1d")])
        try f.tick("2026-12-01T13:00:00Z")
        f.server.enqueue(.status(503), .status(404, body: "no_such_hook"))
        try f.tick("2026-12-01T14:00:00Z")
        var list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(list.first?["state"] as? String == "retrying")
        #expect(list.first?["last_status"] as? Int == 503)
        // After the backoff ceiling (30 s for the first retry) the next tick tries again and gets the 404.
        try f.tick("2026-12-01T14:01:00Z")
        list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(list.first?["state"] as? String == "dead")
        #expect((list.first?["last_error"] as? String)?.contains("no_such_hook") == true)
        let status = try f.runner.run(["status"])
        #expect(status.stdout.contains("dead deliveries"))
        #expect(try f.runner.run(["outbox", "retry", "--dead", "--now", "2026-12-01T14:02:00Z"]).stdout.contains("queued 1"))
        try f.tick("2026-12-01T14:02:00Z")
        list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(list.first?["state"] as? String == "delivered")
        #expect(Set(f.receivedIds).count == 1)
        #expect(f.server.requestCount == 3)
    }

    /// A queued reminder that cannot even be built (its optional target lost its URL) dies
    /// before it is sent, and that still counts: the tick exits 3. (Only the dead count; a
    /// cancelled escalation does not, see AcknowledgementTests.)
    @Test(arguments: Backend.available) func aDeliveryThatCannotBeBuiltDiesAndTheTickExits3(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", catchUp: "all", before: ["10m", "0m"])])
        f.dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            targets:
              hook: { kind: generic, url: "${env:HOOK_URL}", optional: true, rate_limit: none }
            """)
        try f.tick("2026-12-01T13:00:00Z")
        #expect(try f.tick("2026-12-01T13:50:00Z").status == 0)
        #expect(f.receivedIds == ["alpha.20261201T140000Z.10m.hook"])
        let withoutURL = CommandRunner(directory: f.dir.path)
        let tick = try withoutURL.run(["tick", "--now", "2026-12-01T14:00:00Z", "--format", "json"])
        #expect(tick.status == 3, "\(tick.stdout)\(tick.stderr)")
        let report = try #require(try tick.json() as? [String: Any])
        #expect(report["dead"] as? Int == 1)
        #expect((report["deliveries"] as? [[String: Any]])?.first?["detail"] as? String == "target 'hook' is not configured (optional target without its URL)")
    }

    /// A retry by hand days later gets a fresh, bounded chance: it is sent by the next tick,
    /// with its attempts and age counted from the retry, not expired unsent.
    @Test(arguments: Backend.available) func aDeadDeliveryRetriedDaysLaterIsSent(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", grace: "1h")])
        try f.tick("2026-12-01T13:00:00Z")
        f.server.enqueue(.status(404, body: "no_such_hook"))
        #expect(try f.tick("2026-12-01T14:00:00Z").status == 3)
        func row() throws -> [String: Any]? {
            let list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
            return list.first { $0["id"] as? Int == 1 }
        }
        #expect(try row()?["state"] as? String == "dead")
        // Three days on (long past the occurrence's grace), the team fixes the hook and retries.
        let retry = try f.runner.run(["outbox", "retry", "--dead", "--now", "2026-12-04T10:00:00Z", "--format", "json"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try row()?["attempts"] as? Int == 0)
        f.server.enqueue(.status(503))
        #expect(try f.tick("2026-12-04T10:01:00Z").status == 0)
        #expect(try row()?["state"] as? String == "retrying")
        #expect(try row()?["attempts"] as? Int == 1)
        #expect(try f.tick("2026-12-04T10:02:00Z").status == 0)
        #expect(try row()?["state"] as? String == "delivered")
        #expect(f.server.requests.filter { $0.headers["webhook-id"] == "alpha.20261201T140000Z.0m.hook" }.count == 3)
    }

    @Test(arguments: Backend.available) func aRetrySendsTheFirstAttemptsBytesUntilTheTargetsKindChanges(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", grace: "1d")])
        try f.tick("2026-12-01T13:00:00Z")
        f.server.enqueue(.status(503), .status(503))
        try f.tick("2026-12-01T14:00:00Z")
        // The playbook changes while the reminder waits: the retry still sends what was first sent.
        f.dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 9 * * *\"", grace: "1d").replacingOccurrences(of: "title: alpha", with: "title: Alpha renamed"))
        try f.tick("2026-12-01T14:01:00Z")
        var requests = f.server.requests
        try #require(requests.count == 2)
        #expect(requests[1].body == requests[0].body)
        #expect(requests[1].headers["webhook-timestamp"] != requests[0].headers["webhook-timestamp"])
        #expect(!requests[0].bodyText.contains("Alpha renamed"))
        // The target becomes a Slack webhook: the stored generic body cannot go there, so the
        // reminder is built again in Slack's format, from the playbook as it is now, same webhook-id.
        f.dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            \(f.stateLine)
            targets:
              hook: { kind: slack, url: "${env:HOOK_URL}", rate_limit: none }
            """)
        let retried = try f.tick("2026-12-01T14:03:00Z")
        #expect(retried.status == 0, "\(retried.stderr)")
        requests = f.server.requests
        try #require(requests.count == 3)
        #expect(requests[2].bodyText.contains("\"blocks\"") && requests[2].bodyText.contains("Alpha renamed"))
        #expect(requests[2].headers["webhook-id"] == requests[0].headers["webhook-id"])
        let list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(list.first?["state"] as? String == "delivered")
    }

    @Test(arguments: Backend.available) func aRetryDueAtOnceWaitsForTheNextTick(backend: Backend) throws {
        // `Retry-After: 0` refunds the attempt and asks for no wait: sent again within the
        // same tick, it would loop until the tick's budget ran out.
        let f = try EngineFixture(
            backend: backend,
            playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", grace: "1d")],
            behavior: .status(429, headers: [("Retry-After", "0")]))
        try f.tick("2026-12-01T13:00:00Z")
        #expect(try f.tick("2026-12-01T14:00:00Z").status == 0)
        #expect(f.server.requestCount == 1)
        #expect(try f.tick("2026-12-01T14:00:01Z").status == 0)
        #expect(f.server.requestCount == 2)
        let list = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(list.first?["state"] as? String == "retrying")
        #expect(list.first?["attempts"] as? Int == 0)
    }

    @Test(arguments: Backend.available) func aHungTargetGetsThreeRequestsAndHoldsNoOneElseBack(backend: Backend) throws {
        // Six reminders to a target that never answers, one to a target that does.
        var playbooks: [String: String] = [:]
        for n in 0..<6 { playbooks["h\(n).yaml"] = playbook("hung\(n)", schedule: "cron: \"0 9 * * *\"") }
        playbooks["ok.yaml"] = playbook("fine", schedule: "cron: \"0 9 * * *\"").replacingOccurrences(of: "target: hook", with: "target: other")
        let f = try EngineFixture(
            backend: backend,
            playbooks: playbooks, behavior: .hang,
            extraConfig: """
              other: { kind: generic, url: "${env:OTHER_URL}", rate_limit: none }
            delivery: { concurrency: 2, timeout: 1s }
            """)
        let other = try LoopbackHTTPServer()
        let runner = CommandRunner(
            directory: f.dir.path,
            environment: [
                "HOOK_URL": f.server.url("/hook"), "HOOK_SECRET": EngineFixture.secret, "OTHER_URL": other.url("/other"),
                "OPS_STATE_URL": f.database?.url ?? "",
            ])
        #expect(try runner.run(["tick", "--now", "2026-12-01T13:00:00Z"]).status == 0)
        let due = try runner.run(["tick", "--now", "2026-12-01T14:00:00Z", "--format", "json"])
        #expect(due.status == 0, "\(due.stderr)")
        // Two time out side by side, then one at a time: the third time-out gives up on the rest.
        #expect(f.server.requestCount == 3)
        #expect(other.requestCount == 1)
        let rows = try #require(try runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(rows.first { $0["playbook"] as? String == "fine" }?["state"] as? String == "delivered")
        let hung = rows.filter { $0["target"] as? String == "hook" }
        #expect(hung.count == 6)
        // Those sent wait to be retried; those never sent used up no attempt and are still pending.
        #expect(hung.filter { $0["attempts"] as? Int == 1 && $0["state"] as? String == "retrying" }.count == 3)
        #expect(hung.filter { $0["attempts"] as? Int == 0 && $0["state"] as? String == "pending" }.count == 3)
        // The three never sent say why. A sent one whose jittered retry (anywhere in 0-30 s) fell
        // due before the round ended is given back the same way, keeping its one attempt.
        let neverSent = hung.filter { $0["attempts"] as? Int == 0 }
        #expect(neverSent.allSatisfy { ($0["last_error"] as? String)?.contains("3 requests in a row") == true })
        #expect(hung.filter { ($0["last_error"] as? String)?.contains("in a row") == true }.count >= 3)
    }

    /// One playbook whose agenda cannot be written (its folder is a planted symbolic link) is
    /// recorded as failing; the other playbook due at the same time is reminded.
    @Test(arguments: Backend.available) func onePlaybookThatFailsDoesNotStopTheOthers(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: [
            "a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\""),
            "b.yaml": playbook("beta", schedule: "cron: \"0 9 * * *\""),
        ])
        #expect(try f.tick("2026-12-01T13:00:00Z").status == 0)
        let elsewhere = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: f.dir.file("agendas"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: f.dir.file("agendas/alpha"), withDestinationPath: elsewhere.path)
        let due = try f.tick("2026-12-01T14:00:30Z")
        #expect(due.status == 3, "\(due.stderr)")
        #expect(f.receivedIds == ["beta.20261201T140000Z.0m.hook"])
        #expect(due.stderr.contains("playbook failed") && due.stderr.contains("alpha"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        let report = try #require(try due.json() as? [String: Any])
        let failures = try #require(report["failures"] as? [[String: Any]])
        #expect(failures.map { $0["playbook"] as? String } == ["alpha"])
        // status names the failing playbook and why.
        let status = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T14:01:00Z"]).json() as? [String: Any])
        let rows = try #require(status["playbooks"] as? [[String: Any]])
        #expect((rows.first { $0["id"] as? String == "alpha" }?["error"] as? String)?.contains("refusing to write") == true, "\(rows)")
        #expect(rows.first { $0["id"] as? String == "beta" }?["error"] == nil)
        // Once the link is gone, the next tick handles alpha's occurrence (late, within grace), once.
        try FileManager.default.removeItem(atPath: f.dir.file("agendas/alpha"))
        #expect(try f.tick("2026-12-01T14:02:00Z").status == 0)
        #expect(f.receivedIds.sorted() == ["alpha.20261201T140000Z.0m.hook", "beta.20261201T140000Z.0m.hook"])
        let healed = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T14:03:00Z"]).json() as? [String: Any])
        #expect((healed["playbooks"] as? [[String: Any]])?.allSatisfy { $0["error"] == nil } == true)
    }

    /// Templates are part of the workspace: a broken one is reported with its real position by
    /// validate (with every other problem) and by tick, before anything is recorded.
    @Test func aBrokenTemplateIsReportedWithItsPosition() throws {
        let f = try EngineFixture(playbooks: [
            "a.yaml": playbook("alpha", schedule: "cron: \"0 9 32 * *\""),
        ])
        f.dir.write("playbooks/templates/agenda.html.mustache", "<h1>{{title}}</h1>\n<p>{{/sections}}</p>\n")
        let validate = try f.runner.run(["validate"])
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("playbooks/a.yaml:3:7: error: cron field 3"), "\(validate.stderr)")
        #expect(validate.stderr.contains("agenda.html.mustache:2:"), "\(validate.stderr)")
        #expect(validate.stderr.contains("closed ({{/name}}) with a name that does not match") || validate.stderr.contains("template does not parse"))
        #expect(!validate.stderr.contains("ParserError"))
        f.dir.write("playbooks/a.yaml", playbook("alpha", schedule: "cron: \"0 9 * * *\""))
        let tick = try f.tick("2026-12-01T13:00:00Z")
        #expect(tick.status == 2)
        #expect(tick.stderr.contains("agenda.html.mustache:2:"), "\(tick.stderr)")
        // tick parses the templates while it reads its command line: the same error whichever
        // way the folder is named, and the repaired template is the one used.
        for workspace in [["--workspace", f.dir.path], ["--workspace=\(f.dir.path)"]] {
            let elsewhere = try f.runner.run(["tick", "--now", "2026-12-01T13:00:00Z"] + workspace)
            #expect(elsewhere.status == 2 && elsewhere.stderr.contains("agenda.html.mustache:2:"), "\(workspace): \(elsewhere.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.dir.file(".opscadence")))
        f.dir.write("playbooks/templates/agenda.md.mustache", "# Repaired {{title}}\n")
        f.dir.write("playbooks/templates/agenda.html.mustache", "<h1>{{title}}</h1>\n")
        #expect(try f.runner.run(["tick", "--now", "2026-12-01T13:00:00Z", "--workspace", f.dir.path]).status == 0)
        #expect(try f.runner.run(["tick", "--now", "2026-12-01T14:00:30Z", "--workspace=\(f.dir.path)"]).status == 0)
        #expect(try String(contentsOfFile: f.dir.file("agendas/alpha/2026-12-01T0900.md"), encoding: .utf8).hasPrefix("# Repaired alpha"))
    }

    /// The agenda file a reminder links to follows what the team records after it was first
    /// rendered: an action item added, then closed, shows in the file of the meeting ahead.
    @Test(arguments: Backend.available) func theAgendaFileFollowsCommandsUntilTheMeeting(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", before: ["1d", "0m"])])
        // 09:30 in New York: today's meeting is over, tomorrow's opened half an hour ago.
        #expect(try f.tick("2026-12-01T14:30:00Z").status == 0)
        // Tomorrow's agenda is rendered now, a day ahead.
        let file = f.dir.file("agendas/alpha/2026-12-02T0900.md")
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try !String(contentsOfFile: file, encoding: .utf8).contains("Call the 3PL"))
        let added = try f.runner.run(["action", "add", "Call the 3PL about late pickups", "--owner", "Dana", "--playbook", "alpha", "--now", "2026-12-01T15:00:00Z"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("Call the 3PL about late pickups"))
        // The agenda of a meeting already over is the minutes: it is not rendered again.
        let past = f.dir.file("agendas/alpha/2026-12-01T0900.md")
        #expect(!FileManager.default.fileExists(atPath: past))
    }

    /// An occurrence's agenda is rendered again when one of its reminders is sent and when the
    /// meeting starts; after the meeting the last rendering stands as the minutes.
    @Test(arguments: Backend.available) func theAgendaIsRenderedAgainAtEachReminderAndAtTheStart(backend: Backend) throws {
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"", before: ["1d", "15m"])])
        let file = f.dir.file("agendas/alpha/2026-12-02T0900.md")
        func generated() throws -> String? {
            try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: " · generated ").last?.prefix(16).description
        }
        // 09:30 in New York on 1 December: tomorrow's meeting opens with its 1d reminder.
        #expect(try f.tick("2026-12-01T14:30:00Z").status == 0)
        #expect(try generated() == "2026-12-01T09:30")
        // 08:45 on 2 December: the 15m reminder is sent, the agenda rendered again.
        #expect(try f.tick("2026-12-02T13:45:00Z").status == 0)
        #expect(try generated() == "2026-12-02T08:45")
        // 09:05: the meeting has started since the last tick.
        #expect(try f.tick("2026-12-02T14:05:00Z").status == 0)
        #expect(try generated() == "2026-12-02T09:05")
        // 09:30: the meeting is over, the file is the minutes.
        #expect(try f.tick("2026-12-02T14:30:00Z").status == 0)
        #expect(try generated() == "2026-12-02T09:05")
        #expect(Set(f.receivedIds).count == f.receivedIds.count)
    }

    /// Out-of-range instants and catch-ups are refused before anything is recorded.
    @Test(arguments: [
        (["--since", "9999999d"], "--since: 9999999d is too far back"),
        (["--since", "1990-01-01T00:00:00Z"], "--since: 1990-01-01T00:00:00Z is too far back"),
        (["--since", "2027-01-01T00:00:00Z"], "is after the current time"),
    ])
    func outOfRangeArgumentsAreRefused(arguments: [String], message: String) throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"* * * * *\"")])
        let r = try f.tick("2026-12-01T13:00:00Z", arguments)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.dir.file(".opscadence")))
        let now = try f.runner.run(["tick", "--now", "0999-01-01T00:00:00Z"])
        #expect(now.status == 2)
        #expect(now.stderr.contains("--now: 0999-01-01T00:00:00Z is out of range"), "\(now.stderr)")
    }

    /// An occurrence named with --at is held to the same bounds as every other date and instant
    /// (`agenda --at 9999-12-31` rendered a meeting in year 9999).
    @Test(arguments: [["agenda", "alpha"], ["checklist", "show", "alpha"], ["notify", "preview", "alpha", "--target", "hook"]])
    func anOccurrenceOutOfRangeIsRefused(command: [String]) throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")])
        for (at, message) in [
            ("9999-12-31", "--at: 9999-12-31 is out of range (expected a date between 2000-01-01 and 2199-12-31)"),
            ("2500-01-01T14:00:00Z", "--at: 2500-01-01T14:00:00Z is out of range (expected an instant between 2000-01-01 and 2200-01-01)"),
        ] {
            let r = try f.runner.run(command + ["--at", at])
            #expect(r.status == 2 && r.stderr == "error: \(message)\n", "\(command) --at \(at): \(r.status) \(r.stderr)")
        }
        #expect(try f.runner.run(command + ["--at", "2026-12-02"]).status == 0)
    }

    /// status counts coalesced and skipped reminders; outbox list takes --now and says when each
    /// was delivered, in the text and as delivered_at in JSON.
    @Test(arguments: Backend.available) func statusCountsCoalescedAndSkippedAndOutboxListSaysWhenDelivered(backend: Backend) throws {
        let text = """
            id: alpha
            title: alpha
            cron: "0 9 * * *"
            duration: 15m
            grace: 6h
            remind:
              - { target: hook, before: 15m }
              - { target: hook, before: 0m }
              - { target: spare, before: 0m }
            """
        let f = try EngineFixture(backend: backend, playbooks: ["a.yaml": text], extraConfig: "  spare: { kind: slack, url: \"${env:SPARE_URL}\", optional: true }")
        #expect(try f.tick("2026-12-01T13:00:00Z").status == 0)
        // 09:01 in New York: both reminders to hook are due, the 15m one is superseded; spare has no URL.
        #expect(try f.tick("2026-12-01T14:01:00Z").status == 0)
        let status = try #require(try f.runner.run(["status", "--format", "json", "--now", "2026-12-01T14:02:00Z"]).json() as? [String: Any])
        let playbooks = try #require(status["playbooks"] as? [[String: Any]])
        let counts = try #require(playbooks.first?["deliveries"] as? [String: Any])
        #expect(counts["coalesced"] as? Int == 1 && counts["skipped"] as? Int == 1 && counts["delivered"] as? Int == 1, "\(counts)")
        let table = try f.runner.run(["status", "--now", "2026-12-01T14:02:00Z"])
        #expect(table.stdout.contains("COALESCED/SKIPPED") && table.stdout.contains("1/1"), "\(table.stdout)")
        let list = try f.runner.run(["outbox", "list", "--now", "2026-12-01T14:02:00Z", "--format", "json"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = try #require(try list.json() as? [[String: Any]])
        let delivered = try #require(rows.first { $0["state"] as? String == "delivered" })
        #expect(delivered["delivered_at"] as? String == "2026-12-01T09:01:00-05:00", "\(delivered)")
        let lines = try f.runner.run(["outbox", "list", "--now", "2026-12-01T14:02:00Z"]).stdout
        #expect(lines.contains("delivered") && lines.contains("2026-12-01T09:01:00-05:00"), "\(lines)")
    }

    /// install cron names the variables this workspace references, not the starter's
    /// OPS_SLACK_WEBHOOK, and warns that a binary inside .build is a development build.
    @Test func installCronNamesTheWorkspacesOwnVariables() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")])
        let cron = try f.runner.run(["install", "cron"])
        #expect(cron.status == 0, "\(cron.stderr)")
        #expect(cron.stdout.contains("# Set HOOK_URL, HOOK_SECRET for cron") || cron.stdout.contains("# Set HOOK_SECRET, HOOK_URL for cron"), "\(cron.stdout)")
        #expect(!cron.stdout.contains("OPS_SLACK_WEBHOOK"))
        #expect(cron.stdout.contains("is a development build inside the clone; install it first"), "\(cron.stdout)")
    }

    /// A problem of the machine, not of the input, exits 1 (2 means "fix your input").
    @Test func anOutputFolderThatCannotBeUsedExitsOne() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")])
        #expect(try f.tick("2026-12-01T13:00:00Z").status == 0)
        f.dir.write("agendas", "a file where the output folder should be")
        let r = try f.tick("2026-12-01T14:00:30Z")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error: cannot use") && r.stderr.contains("as the output folder: it is a file"), "\(r.stderr)")
        #expect(f.server.requestCount == 0)
    }

    /// An explicit --log-level wins over the JSON log's info default: only errors are logged.
    @Test func anExplicitLogLevelIsHonoured() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("standup", schedule: "cron: \"0 9 * * *\"")], behavior: .status(404))
        try f.tick("2026-12-01T13:00:00Z")
        let due = try f.runner.run(["tick", "--now", "2026-12-01T14:00:30Z", "--log-format", "json", "--log-level", "error"])
        #expect(due.status == 3, "\(due.stderr)")
        let lines = due.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("\"level\":\"error\"") }, "\(due.stderr)")
        #expect(lines.contains { $0.contains("delivery dead") })
    }

    @Test func invalidWorkspaceWritesNothing() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 32 * *\"")])
        let r = try f.tick("2026-12-01T14:00:00Z")
        #expect(r.status == 2)
        #expect(r.stderr.contains("playbooks/a.yaml:3:7: error: cron field 3 (day of month): 32 is out of range 1-31"))
        #expect(!FileManager.default.fileExists(atPath: f.dir.file(".opscadence")))
        #expect(!FileManager.default.fileExists(atPath: f.dir.file("agendas")))
    }

    @Test func tickLoadsTheWorkspaceItsArgumentsName() throws {
        // tick reads the workspace while its arguments are parsed; what it loads must be what
        // --workspace says, in either spelling, and its errors must be the usual ones.
        let invalid = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 32 * *\"")])
        let valid = try EngineFixture(playbooks: ["b.yaml": playbook("beta", schedule: "cron: \"0 9 * * *\"")])
        let fromInvalid = try invalid.runner.run(["tick", "--workspace", valid.dir.path, "--now", "2026-12-01T13:00:00Z", "--format", "json"])
        #expect(fromInvalid.status == 0, "\(fromInvalid.stderr)")
        #expect(fromInvalid.stdout.contains("beta"))
        let fromValid = try valid.runner.run(["tick", "--now", "2026-12-01T13:00:00Z", "--workspace=\(invalid.dir.path)"])
        #expect(fromValid.status == 2)
        #expect(fromValid.stderr.contains("playbooks/a.yaml:3:7: error: cron field 3 (day of month): 32 is out of range 1-31"))
        #expect(!FileManager.default.fileExists(atPath: invalid.dir.file(".opscadence")))
    }

    @Test func theRepeatedHourKeepsOneAgendaPerOccurrence() throws {
        // An hourly playbook fires at 01:30 EDT and again at 01:30 EST when New York falls back.
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("hourly", schedule: "cron: \"30 * * * *\"", catchUp: "all")])
        try f.tick("2026-11-01T04:00:00Z")
        #expect(try f.tick("2026-11-01T07:00:00Z").status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: f.dir.file("agendas/hourly")).filter { $0.hasSuffix(".md") }.sorted()
        #expect(files == ["2026-11-01T0030.md", "2026-11-01T0130-0400.md", "2026-11-01T0130-0500.md"])
    }

    @Test func withJSONLogsTheTickWritesOnlyJSONLines() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("standup", schedule: "cron: \"0 9 * * *\"")], behavior: .status(404))
        try f.tick("2026-12-01T13:00:00Z")
        let due = try f.runner.run(["tick", "--now", "2026-12-01T14:00:30Z", "--log-format", "json"])
        // A delivery died in this tick: exit 3, so cron mail and monitors notice.
        #expect(due.status == 3, "\(due.stderr)")
        #expect(due.stdout.isEmpty)
        let lines = try due.stderr.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
        }
        #expect(lines.contains { $0["message"] == "occurrence handled" && $0["agenda"]?.hasSuffix("2026-12-01T0900.md") == true })
        let delivery = try #require(lines.first { $0["message"] == "delivery dead" })
        #expect(delivery["status"] == "404")
        #expect(delivery["detail"]?.contains("HTTP 404") == true)
        #expect(!due.stderr.contains("secret-token-path"))
        // Nothing due: nothing at all, the way a cron job should be.
        let idle = try f.runner.run(["tick", "--now", "2026-12-01T14:01:00Z", "--log-format", "json"])
        #expect(idle.stdout.isEmpty && idle.stderr.isEmpty, "\(idle.stdout)\(idle.stderr)")
    }

    @Test func corruptedStateIsAnErrorAndIsLeftAlone() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")])
        let garbage = String(repeating: "not a database ", count: 400)
        f.dir.write(".opscadence/state.sqlite", garbage)
        let r = try f.tick("2026-12-01T14:00:00Z")
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a SQLite database"))
        #expect(r.stderr.contains("left untouched"))
        #expect(f.dir.read(".opscadence/state.sqlite") == garbage)
    }

    @Test func lockedStateIsAClearError() throws {
        let f = try EngineFixture(playbooks: ["a.yaml": playbook("alpha", schedule: "cron: \"0 9 * * *\"")])
        try f.tick("2026-12-01T13:00:00Z")
        // Another process holds an exclusive SQLite lock longer than the busy timeout.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import sqlite3,time,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(12)", f.dir.file(".opscadence/state.sqlite")]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate() }
        _ = out.fileHandleForReading.availableData
        let r = try f.runner.run(["action", "add", "Fix it", "--playbook", "alpha"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("locked by another process"), "\(r.stderr)")
    }
}
