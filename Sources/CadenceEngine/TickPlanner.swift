import Playbooks
import Recurrence
import StateStore

/// Decides, without I/O, what a tick records for one playbook: which occurrences fell due since
/// the watermark, which are handled, coalesced or missed, and which deliveries they queue.
///
/// An occurrence *opens* at its earliest reminder (or its start when it has none): that is when
/// its agenda is rendered and all its reminders are queued, each to be sent at its own time.
package struct TickPlanner: Sendable {
    /// A tick this many seconds after an occurrence opened counts as late (cron ticks every 60 s).
    package static let lateness: Int64 = 60
    /// At most this many occurrences per playbook per tick. With `catch_up: all` a longer backlog
    /// continues next tick; with `latest` or `none` only the most recent are recorded.
    package static let maximumOccurrences = 10_000

    package struct PlannedDelivery: Sendable, Hashable {
        package var target: String
        package var before: Int
        package var reminderAt: Int64
        package var state: DeliveryState
        package var note: String?
        /// The 1-based checklist item this delivery reminds of (`remind: true`), 0 for a meeting
        /// reminder or an escalation.
        package var checklistItem: Int = 0
    }

    package struct PlannedOccurrence: Sendable, Hashable {
        package var occurrence: Occurrence
        package var status: OccurrenceStatus
        package var deliveries: [PlannedDelivery]
        /// Why it was coalesced or missed.
        package var reason: String?
    }

    package struct Plan: Sendable {
        package var playbookId: String
        package var occurrences: [PlannedOccurrence]
        /// The watermark to store: everything opening at or before it has been decided.
        package var watermark: Int64
        /// True on a playbook's first tick (nothing is backfilled unless `--since` is given).
        package var isFirstTick: Bool
        /// The playbook's plan key, stored with the watermark.
        package var planKey: String
        /// True when the playbook was planned afresh (first tick, or its schedule, zone, holiday
        /// policy or lead time changed): occurrences still ahead were looked at again.
        package var isReplanned: Bool
        /// Older occurrences of a backlog too long to record one by one (`catch_up: latest` or
        /// `none` after long downtime): decided as coalesced or missed, but not stored.
        package var unrecorded: Int
    }

    package init() {}

    /// - Parameters:
    ///   - watermark: The stored watermark, nil on the playbook's first tick.
    ///   - since: Where a first tick starts instead of `now` (`tick --since`).
    ///   - enabledTargets: Targets that can be delivered to (optional targets without a URL are not).
    package func plan(
        _ playbook: Playbook, watermark: Int64?, now: Int64, since: Int64?, enabledTargets: Set<String>
    ) -> Plan {
        plan(
            playbook, progress: watermark.map { PlaybookProgress(watermark: $0, planKey: playbook.planKey, updatedAt: $0) }, now: now,
            since: since, enabledTargets: enabledTargets)
    }

    /// Decides one playbook's tick.
    ///
    /// An occurrence is looked at once, when it opens. When a playbook is first seen or its
    /// plan key changed, the occurrences that have already opened but not yet started are looked
    /// at too: a first tick on Thursday evening still handles Friday's meeting whose 1-day
    /// reminder was due Thursday afternoon. A meeting still ahead is never missed or coalesced as
    /// a whole; only its reminders whose time passed follow `catch_up` and `grace`.
    ///
    /// - Parameters:
    ///   - progress: The stored watermark and plan key, nil on the playbook's first tick.
    ///   - since: Where a first tick starts instead of `now` (`tick --since`).
    ///   - enabledTargets: Targets that can be delivered to (optional targets without a URL are not).
    package func plan(
        _ playbook: Playbook, progress: PlaybookProgress?, now: Int64, since: Int64?, enabledTargets: Set<String>
    ) -> Plan {
        let isFirst = progress == nil
        let isReplanned = progress?.planKey != playbook.planKey
        let base = progress?.watermark ?? min(since ?? now, now)
        var plan = Plan(
            playbookId: playbook.id, occurrences: [], watermark: max(base, now), isFirstTick: isFirst, planKey: playbook.planKey,
            isReplanned: isReplanned, unrecorded: 0)
        guard playbook.isEnabled else { return plan }
        let lead = Int64(playbook.leadTime)
        // Occurrences strictly after this instant are candidates; each opens `lead` before it.
        var after = base + lead
        if isReplanned { after = min(after, now - 1) }

        var due = BoundedQueue(capacity: TickPlanner.maximumOccurrences)
        for occurrence in playbook.schedule.occurrences(after: after) {
            let opening = occurrence.instant - lead
            if opening > now { break }
            due.append(occurrence)
            // catch_up: all hands every one, in order, over as many ticks as it takes; latest
            // and none keep only the most recent ones, however long the backlog.
            if playbook.catchUp == .all, due.isFull {
                plan.watermark = opening
                break
            }
        }
        plan.unrecorded = due.dropped
        let occurrences = Array(due.elements)
        // With catch_up: latest, the one handled is the first still ahead, or else the last.
        let latest = occurrences.firstIndex { $0.instant >= now } ?? (occurrences.count - 1)

        for (index, occurrence) in occurrences.enumerated() {
            let opening = occurrence.instant - lead
            let hasStarted = occurrence.instant < now
            var status = OccurrenceStatus.handled
            var reason: String?
            switch playbook.catchUp {
            case .all:
                break
            case .latest:
                if index < latest {
                    status = .coalesced
                    reason = "a later occurrence fell due in the same tick (catch_up: latest)"
                }
            case .none:
                if hasStarted, now - opening > TickPlanner.lateness {
                    status = .missed
                    reason = "fell due \(DurationText.format(Int(now - opening))) ago while nothing was ticking (catch_up: none)"
                }
            }
            if status == .handled, hasStarted, now - occurrence.instant > Int64(playbook.grace) {
                status = .missed
                reason = "started more than grace (\(DurationText.format(playbook.grace))) ago"
            }
            plan.occurrences.append(
                PlannedOccurrence(
                    occurrence: occurrence, status: status,
                    deliveries: deliveries(for: playbook, occurrence: occurrence, status: status, now: now, enabledTargets: enabledTargets),
                    reason: reason))
        }
        return plan
    }

    private func deliveries(
        for playbook: Playbook, occurrence: Occurrence, status: OccurrenceStatus, now: Int64, enabledTargets: Set<String>
    ) -> [PlannedDelivery] {
        let grace = Int64(playbook.grace)
        var result: [PlannedDelivery] = []
        // Escalations are deliveries too, queued with the reminders (a negative lead: after the
        // start), so the outbox's promises hold for them; one is cancelled when the occurrence
        // is acknowledged before it is sent.
        let escalations = (playbook.acknowledgement?.escalations ?? []).map { (target: $0.target, before: -$0.after, item: 0) }
        for reminder in playbook.reminders.map({ (target: $0.target, before: $0.before, item: 0) }) + escalations + checklistReminders(of: playbook) {
            let at = occurrence.instant - Int64(reminder.before)
            var delivery = PlannedDelivery(target: reminder.target, before: reminder.before, reminderAt: at, state: .pending, checklistItem: reminder.item)
            if status != .handled {
                delivery.state = status == .coalesced ? .coalesced : .missed
            } else if !enabledTargets.contains(reminder.target) {
                delivery.state = .skipped
                delivery.note = "target '\(reminder.target)' is not configured (optional target without its URL)"
            } else if now - at > grace {
                delivery.state = .missed
                delivery.note = "its time passed more than grace (\(DurationText.format(playbook.grace))) ago"
            } else if playbook.catchUp == .none, now - at > TickPlanner.lateness {
                delivery.state = .missed
                delivery.note = "its time passed \(DurationText.format(Int(now - at))) ago while nothing was ticking (catch_up: none)"
            }
            result.append(delivery)
        }
        // A late tick finds a reminder of one target already past while a later one is due too:
        // "starts in 15 minutes" after the meeting began helps nobody, so unless catch_up is all,
        // a late reminder is dropped whenever a later reminder to the same target is due by now,
        // even one due only seconds ago (the machine came back just now).
        // A checklist item's reminders are a series of their own: the late-item one supersedes
        // its due-time one, never a meeting reminder (nor the other way round).
        if playbook.catchUp != .all {
            for series in Set(result.map { Series(target: $0.target, item: $0.checklistItem) }) {
                let due = result.indices.filter {
                    Series(target: result[$0].target, item: result[$0].checklistItem) == series && result[$0].before >= 0
                        && result[$0].state == .pending && result[$0].reminderAt <= now
                }
                guard let latest = due.map({ result[$0].reminderAt }).max() else { continue }
                for index in due where result[index].reminderAt < latest && now - result[index].reminderAt > TickPlanner.lateness {
                    result[index].state = .coalesced
                    result[index].note = "superseded by a later reminder of the same occurrence (late tick)"
                }
            }
        }
        return result
    }

    /// The deliveries of one target and one kind (the meeting's, or one checklist item's).
    private struct Series: Hashable {
        var target: String
        var item: Int
    }

    /// A checklist item with `remind: true` reminds each distinct target of the playbook's
    /// `remind:` at its due time and, for the late-item reminder, at the start (a lead of 0);
    /// each is sent only if the item is still unticked then.
    private func checklistReminders(of playbook: Playbook) -> [(target: String, before: Int, item: Int)] {
        var targets: [String] = []
        for reminder in playbook.reminders where !targets.contains(reminder.target) { targets.append(reminder.target) }
        var result: [(target: String, before: Int, item: Int)] = []
        for (index, item) in playbook.checklist.enumerated() {
            guard let lead = item.reminderLead else { continue }
            for target in targets {
                result.append((target, lead, index + 1))
                result.append((target, 0, index + 1))
            }
        }
        return result
    }

    /// The delivery id sent as `webhook-id`: stable across retries and readable in logs. A
    /// checklist item's reminders name the item (`….item2.1h.ops-chat`, `….item2.late.ops-chat`),
    /// so they never collide with the meeting's reminders.
    package static func idempotencyKey(playbook: String, instant: Int64, before: Int, target: String, checklistItem: Int = 0) -> String {
        let stamp = RFC3339.formatUTC(instant).filter { $0 != "-" && $0 != ":" }
        guard checklistItem > 0 else { return "\(playbook).\(stamp).\(DurationText.format(before)).\(target)" }
        return "\(playbook).\(stamp).item\(checklistItem).\(before == 0 ? "late" : DurationText.format(before)).\(target)"
    }

    /// When the playbook next needs attention after `watermark`: its next opening instant.
    package static func nextOpening(of playbook: Playbook, after watermark: Int64) -> Int64? {
        guard playbook.isEnabled else { return nil }
        let lead = Int64(playbook.leadTime)
        return playbook.schedule.next(after: watermark + lead).map { $0.instant - lead }
    }
}

/// The last `capacity` elements appended, and how many earlier ones fell out.
struct BoundedQueue {
    let capacity: Int
    private var storage: [Occurrence] = []
    private var head = 0
    private(set) var dropped = 0

    init(capacity: Int) { self.capacity = capacity }

    var isFull: Bool { storage.count - head >= capacity }

    mutating func append(_ occurrence: Occurrence) {
        if isFull {
            head += 1
            dropped += 1
            // Compact now and then so a long backlog does not keep every element alive.
            if head >= capacity {
                storage.removeFirst(head)
                head = 0
            }
        }
        storage.append(occurrence)
    }

    var elements: ArraySlice<Occurrence> { storage[head...] }
}
