import Recurrence
import StateStore

/// What a tick did (or, with `--dry-run`, would do), for the terminal and `--format json`.
package struct TickReport: Sendable, Codable {
    package struct OccurrenceLine: Sendable, Codable {
        package var playbook: String
        package var occurrence: String
        package var status: String
        package var reason: String?
        package var agenda: String?
        package var reminders: [ReminderLine]
    }

    package struct ReminderLine: Sendable, Codable {
        package var target: String
        package var before: String
        package var at: String
        package var state: String
        package var note: String?
        /// The checklist item's number for an item's own reminder; absent for the meeting's.
        package var checklistItem: Int? = nil

        enum CodingKeys: String, CodingKey {
            case target, before, at, state, note, checklistItem = "checklist_item"
        }
    }

    package struct DeliveryLine: Sendable, Codable {
        package var id: Int64
        package var playbook: String
        package var target: String
        package var reminderAt: String
        package var attempt: Int
        package var outcome: String
        package var status: Int?
        package var detail: String?

        enum CodingKeys: String, CodingKey {
            case id, playbook, target, reminderAt = "reminder_at", attempt, outcome, status, detail
        }
    }

    /// A playbook whose tick failed: its occurrences wait for the next tick.
    package struct Failure: Sendable, Codable {
        package var playbook: String
        package var error: String
    }

    package var now: String
    package var dryRun: Bool
    package var occurrences: [OccurrenceLine] = []
    package var deliveries: [DeliveryLine] = []
    /// Deliveries found in `sending` from a process that died, queued again.
    package var recovered = 0
    /// Deliveries that stopped being retried because their reminder is older than grace.
    package var expired = 0
    package var warnings: [String] = []
    /// Playbooks whose first tick this was (they start from now unless --since is given).
    package var started: [String] = []
    /// The next instant anything is due, RFC 3339.
    package var nextDue: String?
    /// Deliveries that failed for good in this tick (dead).
    package var dead = 0
    /// Playbooks that failed in this tick.
    package var failures: [Failure] = []
    /// Occurrences of a long backlog decided but not recorded one by one (`catch_up: latest`, `none`).
    package var unrecorded = 0

    /// Something failed for good in this tick: a delivery died or a playbook failed. `tick` then
    /// exits with its own status so cron's mail and systemd's failed state notice.
    package var needsAttention: Bool { dead > 0 || !failures.isEmpty }

    enum CodingKeys: String, CodingKey {
        case now, dryRun = "dry_run", occurrences, deliveries, recovered, expired, warnings, started, nextDue = "next_due", dead, failures
        case unrecorded
    }
}
