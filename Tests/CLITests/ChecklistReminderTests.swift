import Foundation
import OpsCadenceTesting
import Testing

/// `remind: true` on a checklist item, through the real binary and a real loopback receiver: the
/// item's reminder at its due time, the late-item one at the start unless it was ticked, each
/// sent once however the ticks overlap.
@Suite struct ChecklistReminderTests {
    /// A daily check at 08:30 New York (13:30Z); its second item is due an hour before and
    /// reminds its owner.
    static let check = """
        id: check
        title: Daily check
        cron: "30 8 * * *"
        duration: 15m
        grace: 6h
        owner: Founder
        remind:
          - { target: hook, before: 0m }
        checklist:
          - Read the dashboard
          - { item: Update the scorecard, owner: Ops Lead, due: -1h, remind: true }
        """

    static let people = """
        people:
          - { name: Ops Lead, slack: U012AB3CD }
          - { name: Founder, slack: W0FOUNDER1 }
        """

    func fixture() throws -> EngineFixture { try EngineFixture(playbooks: ["check.yaml": Self.check], extraConfig: Self.people) }

    func itemIds(_ f: EngineFixture) -> [String] { f.receivedIds.filter { $0.contains(".item") } }

    func outbox(_ f: EngineFixture) throws -> [[String: Any]] {
        let result = try f.runner.run(["outbox", "list", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try result.json() as? [[String: Any]])
    }

    @Test func anUntickedItemIsRemindedAtItsDueTimeAndAgainAtTheStart() throws {
        let f = try fixture()
        try f.tick("2026-12-01T12:00:00Z")
        #expect(f.receivedIds.isEmpty)
        let due = try f.tick("2026-12-01T12:30:00Z")
        #expect(due.status == 0, "\(due.stdout)\(due.stderr)")
        #expect(f.receivedIds == ["check.20261201T133000Z.item2.1h.hook"])
        let body = try #require(f.server.requests.last).bodyText
        #expect(body.contains("\"type\":\"checklist_item\""), "\(body)")
        #expect(body.contains("\"checklist_item\":{\"number\":2,\"text\":\"Update the scorecard\",\"owner\":\"Ops Lead\",\"late\":false}"), "\(body)")
        #expect(body.contains("\"message\":\"Checklist item due: Update the scorecard — Ops Lead (Daily check, Tue 1 Dec 08:30)\""), "\(body)")
        // Only the item's owner is mentioned, not the meeting's owner.
        #expect(body.contains("U012AB3CD") && !body.contains("W0FOUNDER1"), "\(body)")
        // The Done link of the item stays in the checklist (no web: here, so none is signed).
        #expect(body.contains("\"checklist\":[{\"text\":\"Read the dashboard\""), "\(body)")
        // Repeated ticks send nothing more until the start.
        try f.tick("2026-12-01T12:30:00Z")
        try f.tick("2026-12-01T13:00:00Z")
        #expect(f.receivedIds.count == 1)
        try f.tick("2026-12-01T13:30:00Z")
        #expect(Set(f.receivedIds) == ["check.20261201T133000Z.item2.1h.hook", "check.20261201T133000Z.0m.hook", "check.20261201T133000Z.item2.late.hook"])
        let late = try #require(f.server.requests.first { $0.headers["webhook-id"] == "check.20261201T133000Z.item2.late.hook" }).bodyText
        #expect(late.contains("Still not done at the start: Update the scorecard"), "\(late)")
        #expect(late.contains("\"late\":true"), "\(late)")
        let meeting = try #require(f.server.requests.first { $0.headers["webhook-id"] == "check.20261201T133000Z.0m.hook" }).bodyText
        #expect(meeting.contains("\"type\":\"reminder\"") && !meeting.contains("\"checklist_item\""), "\(meeting)")
        for now in ["2026-12-01T13:30:00Z", "2026-12-01T14:00:00Z"] { #expect(try f.tick(now).status == 0) }
        #expect(f.receivedIds.count == 3)
        // The outbox shows the item rows as such.
        let rows = try outbox(f)
        #expect(rows.compactMap { $0["checklist_item"] as? Int }.sorted() == [2, 2])
        #expect(rows.allSatisfy { $0["state"] as? String == "delivered" })
        let text = try f.runner.run(["outbox", "list"])
        #expect(text.stdout.contains("hook (item 2)"), "\(text.stdout)")
    }

    @Test func tickingTheItemBeforeTheStartDropsTheLateReminder() throws {
        let f = try fixture()
        try f.tick("2026-12-01T12:00:00Z")
        try f.tick("2026-12-01T12:30:00Z")
        #expect(itemIds(f) == ["check.20261201T133000Z.item2.1h.hook"])
        let check = try f.runner.run(["checklist", "check", "check", "2", "--at", "next", "--now", "2026-12-01T12:45:00Z"])
        #expect(check.status == 0, "\(check.stderr)")
        for now in ["2026-12-01T13:30:00Z", "2026-12-01T13:30:00Z", "2026-12-01T14:00:00Z"] { #expect(try f.tick(now).status == 0) }
        #expect(f.receivedIds == ["check.20261201T133000Z.item2.1h.hook", "check.20261201T133000Z.0m.hook"])
        let dropped = try outbox(f).filter { $0["state"] as? String == "dropped" }
        #expect(dropped.map { $0["webhook_id"] as? String } == ["check.20261201T133000Z.item2.late.hook"])
        #expect(dropped.first?["last_error"] as? String == "not sent: ticked")
    }

    /// Ticked before the tick that queues its reminders: the engine looks again right before
    /// sending, so neither goes out, and the tick ends well.
    @Test func anItemTickedBeforeItsRemindersAreQueuedIsNeverReminded() throws {
        let f = try fixture()
        try f.tick("2026-12-01T12:00:00Z")
        #expect(try f.runner.run(["checklist", "check", "check", "2", "--at", "next", "--now", "2026-12-01T12:10:00Z"]).status == 0)
        let tick = try f.tick("2026-12-01T12:30:00Z")
        #expect(tick.status == 0, "\(tick.stdout)\(tick.stderr)")
        let report = try #require(try tick.json() as? [String: Any])
        #expect(report["dead"] as? Int == 0)
        #expect((report["deliveries"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["cancelled"])
        #expect(try f.tick("2026-12-01T13:30:00Z").status == 0)
        #expect(f.receivedIds == ["check.20261201T133000Z.0m.hook"])
        let dropped = try outbox(f).filter { $0["state"] as? String == "dropped" }
        #expect(dropped.count == 2)
        #expect(dropped.allSatisfy { $0["last_error"] as? String == "not sent: ticked" && $0["checklist_item"] as? Int == 2 })
    }

    /// The late-item reminder is not an escalation: acknowledging the occurrence leaves it.
    @Test func anAcknowledgementDoesNotCancelTheLateItemReminder() throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check + "\nacknowledge:\n  within: 30m\n  escalate: [{ target: hook, after: 30m }]\n"])
        try f.tick("2026-12-01T12:00:00Z")
        try f.tick("2026-12-01T12:30:00Z")
        let ack = try f.runner.run(["ack", "check", "--at", "next", "--now", "2026-12-01T13:00:00Z", "--format", "json"])
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect((try ack.json() as? [String: Any])?["escalations_cancelled"] as? Int == 1)
        try f.tick("2026-12-01T13:30:00Z")
        try f.tick("2026-12-01T14:00:00Z")
        #expect(Set(f.receivedIds) == ["check.20261201T133000Z.item2.1h.hook", "check.20261201T133000Z.0m.hook", "check.20261201T133000Z.item2.late.hook"])
    }

    @Test func overlappingTicksSendEachItemReminderOnce() async throws {
        let f = try fixture()
        try f.tick("2026-12-01T12:00:00Z")
        for now in ["2026-12-01T12:30:00Z", "2026-12-01T13:30:00Z"] {
            let running = try (0..<3).map { _ in try f.runner.start(["tick", "--now", now, "--format", "json"]) }
            for process in running { #expect(try f.runner.finish(process).status == 0) }
            #expect(try f.tick(now).status == 0)
        }
        #expect(f.receivedIds.sorted() == [
            "check.20261201T133000Z.0m.hook", "check.20261201T133000Z.item2.1h.hook", "check.20261201T133000Z.item2.late.hook",
        ])
    }

    @Test(arguments: [
        ("  - { item: Book the room, remind: true }\n", "playbooks/check.yaml:12:28: error: remind: true needs 'due'"),
        ("  - { item: Book the room, due: 30m, remind: true }\n", "playbooks/check.yaml:12:38: error: remind: true needs 'due' before the start"),
    ])
    func itemRemindersAreValidated(item: String, message: String) throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check + "\n" + item])
        let result = try f.runner.run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func anItemReminderNeedsTheMeetingsTargets() throws {
        let text = Self.check.replacingOccurrences(of: "remind:\n  - { target: hook, before: 0m }\n", with: "")
        let f = try EngineFixture(playbooks: ["check.yaml": text])
        let result = try f.runner.run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("playbooks/check.yaml:9:62: error: remind: true needs the playbook's 'remind:' targets"), "\(result.stderr)")
    }
}
