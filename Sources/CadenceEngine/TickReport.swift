import Recurrence
import StateStore

/// What a tick did (or, with `--dry-run`, would do), for the terminal and `--format json`.
public struct TickReport: Sendable, Codable {
    public struct OccurrenceLine: Sendable, Codable {
        public var playbook: String
        public var occurrence: String
        public var status: String
        public var reason: String?
        public var agenda: String?
        public var reminders: [ReminderLine]
    }

    public struct ReminderLine: Sendable, Codable {
        public var target: String
        public var before: String
        public var at: String
        public var state: String
        public var note: String?
        /// The checklist item's number for an item's own reminder; absent for the meeting's.
        public var checklistItem: Int? = nil

        enum CodingKeys: String, CodingKey {
            case target, before, at, state, note, checklistItem = "checklist_item"
        }
    }

    public struct DeliveryLine: Sendable, Codable {
        public var id: Int64
        public var playbook: String
        public var target: String
        public var reminderAt: String
        public var attempt: Int
        public var outcome: String
        public var status: Int?
        public var detail: String?

        enum CodingKeys: String, CodingKey {
            case id, playbook, target, reminderAt = "reminder_at", attempt, outcome, status, detail
        }
    }

    /// A playbook whose tick failed: its occurrences wait for the next tick.
    public struct Failure: Sendable, Codable {
        public var playbook: String
        public var error: String
    }

    public var now: String
    public var dryRun: Bool
    public var occurrences: [OccurrenceLine] = []
    public var deliveries: [DeliveryLine] = []
    /// Deliveries found in `sending` from a process that died, queued again.
    public var recovered = 0
    /// Deliveries that stopped being retried because their reminder is older than grace.
    public var expired = 0
    public var warnings: [String] = []
    /// Playbooks whose first tick this was (they start from now unless --since is given).
    public var started: [String] = []
    /// The next instant anything is due, RFC 3339.
    public var nextDue: String?
    /// Deliveries that failed for good in this tick (dead).
    public var dead = 0
    /// Playbooks that failed in this tick.
    public var failures: [Failure] = []
    /// Occurrences of a long backlog decided but not recorded one by one (`catch_up: latest`, `none`).
    public var unrecorded = 0

    /// Something failed for good in this tick: a delivery died or a playbook failed. `tick` then
    /// exits with its own status so cron's mail and systemd's failed state notice.
    public var needsAttention: Bool { dead > 0 || !failures.isEmpty }

    enum CodingKeys: String, CodingKey {
        case now, dryRun = "dry_run", occurrences, deliveries, recovered, expired, warnings, started, nextDue = "next_due", dead, failures
        case unrecorded
    }
}
