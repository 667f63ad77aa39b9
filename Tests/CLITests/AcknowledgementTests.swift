import Foundation
import OpsCadenceTesting
import Synchronization
import Testing

/// Acknowledgement and escalation through the real binary and a real loopback receiver.
@Suite struct AcknowledgementTests {
    /// A daily check at 08:30 New York (13:30Z) that must be acknowledged within 30 minutes,
    /// escalated to the same hook at 30 minutes and again at 2 hours.
    static let check = """
        id: check
        title: Daily check
        cron: "30 8 * * *"
        duration: 5m
        grace: 6h
        remind:
          - { target: hook, before: 0m }
        acknowledge:
          within: 30m
          escalate:
            - { target: hook, after: 30m }
            - { target: hook, after: 2h, message: "Daily check still not done" }
        """

    func escalations(_ f: EngineFixture) -> [String] {
        f.server.requests.filter { $0.bodyText.contains("\"type\":\"escalation\"") }.compactMap { $0.headers["webhook-id"] }
    }

    @Test func nobodyAcknowledgesAndBothEscalationsGoOutOnce() throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        try f.tick("2026-12-01T13:00:00Z")
        try f.tick("2026-12-01T13:30:00Z")
        #expect(f.receivedIds == ["check.20261201T133000Z.0m.hook"])
        try f.tick("2026-12-01T13:59:59Z")
        #expect(escalations(f).isEmpty)
        try f.tick("2026-12-01T14:00:00Z")
        #expect(escalations(f) == ["check.20261201T133000Z.-30m.hook"])
        let first = try #require(f.server.requests.last)
        #expect(first.bodyText.contains("\"escalation\":\"Not acknowledged: Daily check — nobody acknowledged it within 30m (opscadence ack check)\""))
        // Ticks again, overlapping ones included, send nothing twice.
        try f.tick("2026-12-01T14:00:00Z")
        try f.tick("2026-12-01T15:30:00Z")
        try f.tick("2026-12-01T15:30:00Z")
        #expect(escalations(f) == ["check.20261201T133000Z.-30m.hook", "check.20261201T133000Z.-2h.hook"])
        #expect(f.server.requests.last?.bodyText.contains("\"escalation\":\"Daily check still not done\"") == true)
        // Acknowledging late records it, and sends nothing more.
        let late = try f.runner.run(["ack", "check", "--by", "Ops Lead", "--now", "2026-12-01T15:31:00Z", "--format", "json"])
        #expect(late.status == 0, "\(late.stderr)")
        let json = try #require(try late.json() as? [String: Any])
        #expect(json["escalations_cancelled"] as? Int == 0)
        #expect(json["by"] as? String == "Ops Lead")
        try f.tick("2026-12-01T16:00:00Z")
        #expect(escalations(f).count == 2)
    }

    @Test(arguments: [("2026-12-01T13:59:59Z", 2), ("2026-12-01T13:45:00Z", 2)])
    func anAcknowledgementBeforeTheDeadlineCancelsTheEscalations(at instant: String, cancelled: Int) throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        try f.tick("2026-12-01T13:00:00Z")
        try f.tick("2026-12-01T13:30:00Z")
        let ack = try f.runner.run(["ack", "check", "--now", instant, "--format", "json"])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect((try ack.json() as? [String: Any])?["escalations_cancelled"] as? Int == cancelled)
        try f.tick("2026-12-01T14:00:00Z")
        try f.tick("2026-12-01T16:00:00Z")
        #expect(escalations(f).isEmpty)
        let rows = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        let dropped = rows.filter { $0["state"] as? String == "dropped" }
        #expect(dropped.count == 2)
        #expect(dropped.allSatisfy { ($0["last_error"] as? String)?.contains("not sent: acknowledged (cli)") == true })
        // Acknowledging again keeps the first.
        let again = try #require(try f.runner.run(["ack", "check", "--by", "Someone Else", "--now", "2026-12-01T16:00:00Z", "--format", "json"]).json() as? [String: Any])
        #expect(again["by"] == nil || again["by"] is NSNull)
        #expect(again["via"] as? String == "cli")
    }

    @Test func anAcknowledgementBeforeTheOccurrenceOpensStillCancels() throws {
        // Acknowledged from the page just before the tick that queues the escalations: the
        // engine checks again before sending.
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        try f.tick("2026-12-01T13:00:00Z")
        #expect(try f.runner.run(["ack", "check", "--at", "next", "--now", "2026-12-01T13:29:00Z"]).status == 0)
        try f.tick("2026-12-01T13:30:00Z")
        try f.tick("2026-12-01T14:00:00Z")
        try f.tick("2026-12-01T15:30:00Z")
        #expect(escalations(f).isEmpty)
        #expect(f.receivedIds == ["check.20261201T133000Z.0m.hook"])
        let rows = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(rows.filter { $0["state"] as? String == "dropped" }.count == 2)
        // An occurrence far ahead cannot be acknowledged yet.
        let early = try f.runner.run(["ack", "check", "--at", "2026-12-05", "--now", "2026-12-01T15:30:00Z"])
        #expect(early.status == 2)
        #expect(early.stderr.contains("--at: 2026-12-05T08:30:00-05:00 is more than an hour ahead"))
    }

    /// The tick that finds an escalation acknowledged before it was queued drops it and
    /// exits 0: a cancelled escalation did not die (it used to count as dead, exit 3).
    @Test func aCancelledEscalationIsNotADeadDelivery() throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        try f.tick("2026-12-01T13:00:00Z")
        #expect(try f.runner.run(["ack", "check", "--at", "next", "--now", "2026-12-01T13:29:00Z"]).status == 0)
        #expect(try f.tick("2026-12-01T13:30:00Z").status == 0)
        let tick = try f.tick("2026-12-01T14:00:00Z")
        #expect(tick.status == 0, "\(tick.stdout)\(tick.stderr)")
        #expect(!tick.stdout.contains("deliveries died"))
        let report = try #require(try tick.json() as? [String: Any])
        #expect(report["dead"] as? Int == 0)
        let lines = try #require(report["deliveries"] as? [[String: Any]])
        #expect(lines.map { $0["outcome"] as? String } == ["cancelled"])
        #expect(try f.tick("2026-12-01T15:30:00Z").status == 0)
        #expect(escalations(f).isEmpty)
    }

    /// A second after the deadline the escalation has gone out: the acknowledgement cancels only
    /// the later step, and no tick sends the first one again.
    @Test func anAcknowledgementASecondAfterTheDeadlineDoesNotDoubleTheEscalation() throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        try f.tick("2026-12-01T13:00:00Z")
        try f.tick("2026-12-01T13:30:00Z")
        #expect(try f.tick("2026-12-01T14:00:00Z").status == 0)
        #expect(escalations(f) == ["check.20261201T133000Z.-30m.hook"])
        let ack = try f.runner.run(["ack", "check", "--now", "2026-12-01T14:00:01Z", "--format", "json"])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect((try ack.json() as? [String: Any])?["escalations_cancelled"] as? Int == 1)
        for now in ["2026-12-01T14:00:01Z", "2026-12-01T15:30:00Z", "2026-12-01T16:00:00Z"] {
            let tick = try f.tick(now)
            #expect(tick.status == 0, "\(now): \(tick.stderr)")
        }
        #expect(escalations(f) == ["check.20261201T133000Z.-30m.hook"])
        let rows = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(rows.compactMap { $0["state"] as? String }.sorted() == ["delivered", "delivered", "dropped"])
    }

    /// The receiver holds the escalation while someone acknowledges: it was already on the
    /// wire, so it is delivered once, the acknowledgement cancels only the later step, and the
    /// tick ends well (exit 0).
    @Test func anAcknowledgementWhileTheEscalationIsOnTheWireNeitherDoublesNorFailsIt() async throws {
        // The longest time-out (and so a minute of silence allowed), so that a loaded machine
        // cannot time the held request out before the acknowledgement runs (it would then be a
        // failure to retry, not in flight).
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check], extraConfig: "delivery: { timeout: 2m }")
        try f.tick("2026-12-01T13:00:00Z")
        try f.tick("2026-12-01T13:30:00Z")
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        f.server.setDefaultBehavior(
            .handler { request in
                // Held on the server's connection thread until the test lets go (bounded, so a
                // failing test cannot hang the server).
                if request.headers["webhook-id"]?.contains(".-30m.") == true { _ = release.wait(timeout: .now() + 100) }
                return .ok()
            })
        let running = try f.runner.start(["tick", "--now", "2026-12-01T14:00:00Z", "--format", "json"])
        let (server, runner) = (f.server, f.runner)
        // Once the escalation itself is held by the receiver (not merely some two requests
        // arrived), acknowledge at once on a thread of our own: a test task can resume a minute
        // late on a busy run, and after 60 s of silence the held request times out.
        let acknowledged = Mutex<CommandRunner.Result?>(nil)
        let held = await waitOnThread(timeout: .seconds(60)) {
            server.requests.contains { $0.headers["webhook-id"]?.contains(".-30m.") == true }
        } then: { held in
            if held { acknowledged.withLock { $0 = try? runner.run(["ack", "check", "--now", "2026-12-01T14:00:01Z", "--format", "json"]) } }
            release.signal()
        }
        #expect(held)
        let tick = try f.runner.finish(running)
        let ack = try #require(acknowledged.withLock { $0 })
        #expect(ack.status == 0, "\(ack.stderr)")
        // The escalation on the wire is `sending`, not waiting: only the 2h step is cancelled.
        #expect((try ack.json() as? [String: Any])?["escalations_cancelled"] as? Int == 1)
        #expect(tick.status == 0, "\(tick.stdout)\(tick.stderr)")
        let report = try #require(try tick.json() as? [String: Any])
        #expect(report["dead"] as? Int == 0)
        #expect((report["deliveries"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["delivered"])
        for now in ["2026-12-01T14:00:02Z", "2026-12-01T15:30:00Z"] { #expect(try f.tick(now).status == 0) }
        #expect(escalations(f) == ["check.20261201T133000Z.-30m.hook"])
        let rows = try #require(try f.runner.run(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(rows.compactMap { $0["state"] as? String }.sorted() == ["delivered", "delivered", "dropped"])
    }

    @Test(arguments: [
        ("acknowledge:\n  escalate: [{ target: hook, after: 1h }]\n", "acknowledge needs 'within'"),
        ("acknowledge:\n  within: 30m\n  escalate: [{ target: nowhere, after: 1h }]\n", "escalation target 'nowhere' is not defined"),
        ("acknowledge:\n  within: 1h\n  escalate: [{ target: hook, after: 30m }]\n", "after 30m is before within 1h"),
        ("acknowledge:\n  within: 10s\n", "within must be 1m to 7d"),
    ])
    func acknowledgeSettingsAreValidated(yaml: String, message: String) throws {
        let f = try EngineFixture(playbooks: ["check.yaml": playbook("check", schedule: "cron: \"30 8 * * *\"") + "\n" + yaml])
        let result = try f.runner.run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("playbooks/check.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
