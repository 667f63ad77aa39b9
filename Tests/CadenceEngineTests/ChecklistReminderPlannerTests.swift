import Foundation
import Playbooks
import Recurrence
import StateStore
import Testing

@testable import CadenceEngine

/// `remind: true` on a checklist item: its own reminder at its due time and a late-item one at
/// the start, to each distinct `remind:` target, apart from the meeting's reminders.
@Suite struct ChecklistReminderPlannerTests {
    let planner = TickPlanner()

    /// A daily 09:00 meeting reminded 15 min before, whose second item is due a day before.
    func playbook(catchUp: String = "latest") throws -> Playbook {
        try workspace(
            """
            id: p
            title: P
            cron: "0 9 * * *"
            duration: 30m
            catch_up: \(catchUp)
            remind:
              - { target: chat, before: 15m }
              - { target: chat, before: 0m }
              - { target: quiet, before: 15m }
            checklist:
              - Read the numbers
              - { item: Update the scorecard, owner: Ops Lead, due: -1d, remind: true }
              - { item: Book the room, due: -1h }
            """
        ).playbooks[0]
    }

    @Test func theItemsLeadOpensTheOccurrenceAndJoinsThePlanKey() throws {
        let p = try playbook()
        #expect(p.checklist.map(\.remind) == [false, true, false])
        #expect(p.leadTime == 86_400)
        #expect(p.planKey.contains("|86400|"))
        // The occurrence of the 8th opens on the 7th at 09:00, a day ahead.
        #expect(TickPlanner.nextOpening(of: p, after: t("2026-12-07T08:00:00Z")) == t("2026-12-07T09:00:00Z"))
    }

    @Test func twoDeliveriesPerDistinctTargetWithTheirOwnKeys() throws {
        let p = try playbook()
        let plan = planner.plan(p, progress: nil, now: t("2026-12-07T09:00:00Z"), since: nil, enabledTargets: ["chat"])
        let occurrence = try #require(plan.occurrences.first { $0.occurrence.instant == t("2026-12-08T09:00:00Z") })
        let items = occurrence.deliveries.filter { $0.checklistItem > 0 }
        #expect(items.map(\.target) == ["chat", "chat", "quiet", "quiet"])
        #expect(items.map(\.checklistItem) == [2, 2, 2, 2])
        #expect(items.map(\.before) == [86_400, 0, 86_400, 0])
        #expect(items.map(\.reminderAt) == [t("2026-12-07T09:00:00Z"), t("2026-12-08T09:00:00Z"), t("2026-12-07T09:00:00Z"), t("2026-12-08T09:00:00Z")])
        #expect(items.map(\.state) == [.pending, .pending, .skipped, .skipped])
        // The meeting's own reminders are unchanged.
        #expect(occurrence.deliveries.filter { $0.checklistItem == 0 }.map(\.before) == [900, 0, 900])
        let instant = t("2026-12-08T09:00:00Z")
        #expect(TickPlanner.idempotencyKey(playbook: "p", instant: instant, before: 86_400, target: "chat", checklistItem: 2) == "p.20261208T090000Z.item2.1d.chat")
        #expect(TickPlanner.idempotencyKey(playbook: "p", instant: instant, before: 0, target: "chat", checklistItem: 2) == "p.20261208T090000Z.item2.late.chat")
        #expect(TickPlanner.idempotencyKey(playbook: "p", instant: instant, before: 0, target: "chat") == "p.20261208T090000Z.0m.chat")
    }

    /// A tick at 09:00 sharp after a day asleep: the meeting's 15-minute reminder gives way to its 0m
    /// one, the item's due-time reminder (past grace) is missed, and the late-item reminder
    /// still goes: a meeting reminder never supersedes an item's, nor the other way round.
    @Test func lateTicksCoalesceItemRemindersApartFromTheMeetings() throws {
        let p = try playbook()
        let plan = planner.plan(
            p, progress: PlaybookProgress(watermark: t("2026-12-06T08:00:00Z"), planKey: p.planKey, updatedAt: 0),
            now: t("2026-12-07T09:00:00Z"), since: nil, enabledTargets: ["chat"])
        let occurrence = try #require(plan.occurrences.first { $0.occurrence.instant == t("2026-12-07T09:00:00Z") })
        let chat = occurrence.deliveries.filter { $0.target == "chat" }
        #expect(chat.map(\.checklistItem) == [0, 0, 2, 2])
        #expect(chat.map(\.state) == [.coalesced, .pending, .missed, .pending])
    }

    /// Within grace, the due-time reminder is superseded by the late-item one of the same item.
    @Test func theLateItemReminderSupersedesTheDueOneOnALateTick() throws {
        let p = try workspace(
            """
            id: p
            title: P
            cron: "0 9 * * *"
            duration: 30m
            remind:
              - { target: chat, before: 0m }
            checklist:
              - { item: Update the scorecard, due: -30m, remind: true }
            """
        ).playbooks[0]
        let plan = planner.plan(
            p, progress: PlaybookProgress(watermark: t("2026-12-07T08:00:00Z"), planKey: p.planKey, updatedAt: 0),
            now: t("2026-12-07T09:05:00Z"), since: nil, enabledTargets: ["chat"])
        let deliveries = try #require(plan.occurrences.first).deliveries
        #expect(deliveries.map(\.checklistItem) == [0, 1, 1])
        #expect(deliveries.map(\.state) == [.pending, .coalesced, .pending])
    }
}
