import Foundation
import OpsCadenceTesting
import Playbooks
import Recurrence
import StateStore
import Testing

@testable import CadenceEngine

func workspace(_ playbook: String) throws -> Workspace {
    let dir = TemporaryDirectory()
    dir.write("opscadence.yaml", "timezone: UTC\ntargets:\n  chat:\n    kind: slack\n    url: ${env:URL}\n  quiet:\n    kind: slack\n    url: ${env:UNSET}\n    optional: true\n")
    dir.write("playbooks/p.yaml", playbook)
    return try Workspace.load(at: dir.path, environment: ["URL": "https://hooks.example.com/x"])
}

func t(_ text: String) -> Int64 { RFC3339.parseInstant(text)! }

@Suite struct TickPlannerTests {
    let planner = TickPlanner()

    @Test func firstTickStartsFromNowUnlessSinceIsGiven() throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\n").playbooks[0]
        let first = planner.plan(p, watermark: nil, now: t("2026-12-03T12:00:00Z"), since: nil, enabledTargets: ["chat"])
        #expect(first.isFirstTick && first.occurrences.isEmpty)
        #expect(first.watermark == t("2026-12-03T12:00:00Z"))
        let since = planner.plan(p, watermark: nil, now: t("2026-12-03T12:00:00Z"), since: t("2026-12-01T00:00:00Z"), enabledTargets: ["chat"])
        #expect(since.occurrences.map(\.occurrence.rfc3339) == ["2026-12-01T09:00:00+00:00", "2026-12-02T09:00:00+00:00", "2026-12-03T09:00:00+00:00"])
        // Only the latest survives catch_up: latest, and it started 3 h ago, past the default 1 h grace.
        #expect(since.occurrences.map(\.status) == [.coalesced, .coalesced, .missed])
    }

    /// First tick on Thursday 20:36; the weekly review is Friday 14:00 with reminders 1d, 15m
    /// and 0m before. Friday's meeting is still ahead: it is handled now, its passed 1d
    /// reminder follows the late-reminder rules, the others go out on time.
    @Test func aMeetingStillAheadAtTheFirstTickIsHandled() throws {
        let p = try workspace(
            "id: p\ntitle: P\ncron: \"0 14 * * 5\"\nduration: 1h\nremind:\n  - { target: chat, before: 1d }\n  - { target: chat, before: 15m }\n  - { target: chat, before: 0m }\n"
        ).playbooks[0]
        let first = planner.plan(p, progress: nil, now: t("2026-12-03T20:36:00Z"), since: nil, enabledTargets: ["chat"])
        #expect(first.isFirstTick)
        #expect(first.occurrences.map(\.occurrence.rfc3339) == ["2026-12-04T14:00:00+00:00"])
        #expect(first.occurrences.map(\.status) == [.handled])
        // The 1d reminder was due 6.5 h ago, past the default 1 h grace.
        #expect(first.occurrences[0].deliveries.map(\.state) == [.missed, .pending, .pending])
        #expect(first.occurrences[0].deliveries.map(\.reminderAt) == [t("2026-12-03T14:00:00Z"), t("2026-12-04T13:45:00Z"), t("2026-12-04T14:00:00Z")])
        // The next tick does not record it again.
        let next = planner.plan(
            p, progress: PlaybookProgress(watermark: first.watermark, planKey: first.planKey, updatedAt: 0), now: t("2026-12-04T13:45:00Z"),
            since: nil, enabledTargets: ["chat"])
        #expect(next.occurrences.isEmpty)
    }

    /// A playbook added at 20:45 for a 21:30 meeting with reminders 1 h and 5 min before: the
    /// 1 h reminder is 15 min late (within grace) and goes out now, the other on time.
    @Test func aNewPlaybookSendsALateReminderWithinGrace() throws {
        let p = try workspace(
            "id: p\ntitle: P\ncron: \"30 21 * * *\"\nduration: 30m\nremind:\n  - { target: chat, before: 1h }\n  - { target: chat, before: 5m }\n"
        ).playbooks[0]
        let plan = planner.plan(p, progress: nil, now: t("2026-12-03T20:45:00Z"), since: nil, enabledTargets: ["chat"])
        #expect(plan.occurrences.map(\.occurrence.rfc3339) == ["2026-12-03T21:30:00+00:00"])
        #expect(plan.occurrences[0].deliveries.map(\.state) == [.pending, .pending])
    }

    /// When the schedule changes, the occurrences of the new schedule that are still ahead and
    /// already open are handled at once, as for a new playbook.
    @Test func aChangedScheduleIsPlannedAgain() throws {
        let old = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\nremind:\n  - { target: chat, before: 1h }\n").playbooks[0]
        let new = try workspace("id: p\ntitle: P\ncron: \"0 16 * * *\"\nduration: 15m\nremind:\n  - { target: chat, before: 1h }\n").playbooks[0]
        #expect(old.planKey != new.planKey)
        let watermark = t("2026-12-03T15:30:00Z")
        let unchanged = planner.plan(
            old, progress: PlaybookProgress(watermark: watermark, planKey: old.planKey, updatedAt: 0), now: t("2026-12-03T15:30:00Z"),
            since: nil, enabledTargets: ["chat"])
        #expect(unchanged.occurrences.isEmpty && !unchanged.isReplanned)
        // 16:00 opened at 15:00, before the stored watermark: only a replan finds it.
        let changed = planner.plan(
            new, progress: PlaybookProgress(watermark: watermark, planKey: old.planKey, updatedAt: 0), now: t("2026-12-03T15:30:00Z"),
            since: nil, enabledTargets: ["chat"])
        #expect(changed.isReplanned)
        #expect(changed.occurrences.map(\.occurrence.rfc3339) == ["2026-12-03T16:00:00+00:00"])
        #expect(changed.occurrences[0].deliveries.map(\.state) == [.pending])
    }

    /// A month of downtime for a minutely playbook is over 40,000 occurrences: with
    /// `catch_up: latest` only the most recent is handled, however long the backlog.
    @Test(arguments: ["latest", "none"])
    func aLongBacklogHandlesOnlyTheMostRecent(policy: String) throws {
        let p = try workspace(
            "id: p\ntitle: P\ncron: \"* * * * *\"\nduration: 1m\ncatch_up: \(policy)\ngrace: 30d\nremind:\n  - { target: chat, before: 0m }\n"
        ).playbooks[0]
        let now = t("2026-12-31T12:00:30Z")
        let plan = planner.plan(
            p, progress: PlaybookProgress(watermark: t("2026-12-01T00:00:00Z"), planKey: p.planKey, updatedAt: 0), now: now, since: nil,
            enabledTargets: ["chat"])
        let handled = plan.occurrences.filter { $0.status == .handled }
        #expect(handled.map(\.occurrence.rfc3339) == ["2026-12-31T12:00:00+00:00"])
        #expect(plan.occurrences.count <= TickPlanner.maximumOccurrences)
        #expect(plan.unrecorded > 0)
        // Its reminder fell due 30 s ago: within the last minute, so `none` sends it too.
        let pending = plan.occurrences.flatMap(\.deliveries).filter { $0.state == .pending }
        #expect(pending.count == 1)
        #expect(plan.watermark == now)
    }

    @Test func anOccurrenceOpensAtItsEarliestReminder() throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\nremind:\n  - { target: chat, before: 1d }\n  - { target: chat, before: 0m }\n").playbooks[0]
        #expect(p.leadTime == 86_400)
        let plan = planner.plan(p, watermark: t("2026-12-01T08:59:00Z"), now: t("2026-12-01T09:00:00Z"), since: nil, enabledTargets: ["chat"])
        // Tomorrow's occurrence opens now (a day ahead): agenda and both reminders, each sent at its own time.
        #expect(plan.occurrences.map(\.occurrence.rfc3339) == ["2026-12-02T09:00:00+00:00"])
        #expect(plan.occurrences[0].deliveries.map(\.state) == [.pending, .pending])
        #expect(plan.occurrences[0].deliveries.map(\.reminderAt) == [t("2026-12-01T09:00:00Z"), t("2026-12-02T09:00:00Z")])
    }

    @Test(arguments: [
        ("all", ["handled", "handled", "handled"]),
        ("latest", ["coalesced", "coalesced", "handled"]),
        ("none", ["missed", "missed", "handled"]),
    ])
    func catchUpPolicies(policy: String, expected: [String]) throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 * * * *\"\nduration: 15m\ncatch_up: \(policy)\ngrace: 1d\n").playbooks[0]
        // Down since 06:30; the tick comes at 09:00:30, 30 s after the 09:00 occurrence.
        let plan = planner.plan(p, watermark: t("2026-12-01T06:30:00Z"), now: t("2026-12-01T09:00:30Z"), since: nil, enabledTargets: [])
        #expect(plan.occurrences.map(\.status.rawValue) == expected)
    }

    @Test func graceTurnsOldOccurrencesAndRemindersIntoMissed() throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\ncatch_up: all\ngrace: 2h\nremind:\n  - { target: chat, before: 0m }\n").playbooks[0]
        let plan = planner.plan(p, watermark: t("2026-12-01T00:00:00Z"), now: t("2026-12-02T10:00:00Z"), since: nil, enabledTargets: ["chat"])
        #expect(plan.occurrences.map(\.status) == [.missed, .handled])
        #expect(plan.occurrences.map { $0.deliveries.map(\.state) } == [[.missed], [.pending]])
    }

    @Test func lateTicksSendOnlyTheLatestPastReminderOfATarget() throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\ngrace: 6h\nremind:\n  - { target: chat, before: 15m }\n  - { target: chat, before: 0m }\n  - { target: quiet, before: 0m }\n").playbooks[0]
        let plan = planner.plan(p, watermark: t("2026-12-01T08:00:00Z"), now: t("2026-12-01T09:20:00Z"), since: nil, enabledTargets: ["chat"])
        #expect(plan.occurrences[0].deliveries.map(\.state) == [.coalesced, .pending, .skipped])
    }

    @Test(arguments: [
        // The machine came back seconds after the meeting started: the 15m reminder is stale.
        ("2026-12-01T09:00:30Z", [DeliveryState.coalesced, .pending]),
        ("2026-12-01T09:02:00Z", [.coalesced, .pending]),
        // Before the start, the late 15m reminder is the only one due: it goes out.
        ("2026-12-01T08:50:00Z", [.pending, .pending]),
        // On time: nothing is late.
        ("2026-12-01T08:45:20Z", [.pending, .pending]),
    ])
    func aLateReminderGivesWayToALaterOneDueByNow(_ now: String, _ states: [DeliveryState]) throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\ngrace: 7d\nremind:\n  - { target: chat, before: 15m }\n  - { target: chat, before: 0m }\n").playbooks[0]
        let plan = planner.plan(p, watermark: t("2026-12-01T08:00:00Z"), now: t(now), since: nil, enabledTargets: ["chat"])
        #expect(plan.occurrences[0].deliveries.map(\.state) == states)
    }

    @Test func watermarkNeverMovesBackAndDisabledPlaybooksNeverFire() throws {
        let p = try workspace("id: p\ntitle: P\ncron: \"* * * * *\"\nduration: 1m\n").playbooks[0]
        // The clock went back: nothing fires, the stored watermark stays.
        let back = planner.plan(p, watermark: t("2026-12-01T10:00:00Z"), now: t("2026-12-01T09:58:00Z"), since: nil, enabledTargets: [])
        #expect(back.occurrences.isEmpty && back.watermark == t("2026-12-01T10:00:00Z"))
        let off = try workspace("id: p\ntitle: P\ncron: \"* * * * *\"\nduration: 1m\nenabled: false\n").playbooks[0]
        #expect(planner.plan(off, watermark: t("2026-12-01T09:00:00Z"), now: t("2026-12-01T10:00:00Z"), since: nil, enabledTargets: []).occurrences.isEmpty)
    }

    @Test func idempotencyKeysAreStableAndReadable() {
        #expect(TickPlanner.idempotencyKey(playbook: "weekly-kpi-review", instant: t("2026-12-07T14:00:00Z"), before: 900, target: "ops-chat")
            == "weekly-kpi-review.20261207T140000Z.15m.ops-chat")
    }
}
