import Foundation
import GRDB

/// What became of an occurrence.
package enum OccurrenceStatus: String, Codable, Sendable, DatabaseValueConvertible {
    /// Its agenda was rendered and its reminders queued.
    case handled
    /// A later occurrence was handled instead (`catch_up: latest`).
    case coalesced
    /// It fell due while nothing was ticking and was too late to handle (`grace`, `catch_up: none`).
    case missed
}

/// A recorded occurrence of a playbook. `(playbookId, scheduledAt)` is unique.
package struct OccurrenceRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "occurrence"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: Int64?
    package var playbookId: String
    package var scheduledAt: Int64
    package var utcOffset: Int32
    package var nominalLocal: String
    package var status: OccurrenceStatus
    package var recordedAt: Int64
    package var agendaPath: String?

    package init(
        id: Int64? = nil, playbookId: String, scheduledAt: Int64, utcOffset: Int32, nominalLocal: String,
        status: OccurrenceStatus, recordedAt: Int64, agendaPath: String? = nil
    ) {
        self.id = id
        self.playbookId = playbookId
        self.scheduledAt = scheduledAt
        self.utcOffset = utcOffset
        self.nominalLocal = nominalLocal
        self.status = status
        self.recordedAt = recordedAt
        self.agendaPath = agendaPath
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A change to one optional field of a record: left as it is, or set (to nil: cleared). What
/// an edit that names only some fields asks for (`action edit ID --due …`, a form that sends
/// only some fields).
package enum FieldChange<Value: Sendable & Equatable>: Sendable, Equatable {
    case keep
    case set(Value?)

    /// The field's new value, given its current one.
    package func applied(to current: Value?) -> Value? {
        switch self {
        case .keep: current
        case .set(let value): value
        }
    }
}

/// Where a delivery stands.
package enum DeliveryState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Queued; sent once `nextAttemptAt` passes.
    case pending
    /// Claimed by a running process, request in flight.
    case sending
    /// Failed; sent again at `nextAttemptAt`.
    case retrying
    /// The target confirmed it.
    case delivered
    /// Failed permanently, or out of attempts. `outbox retry` sends it again.
    case dead
    /// Its reminder time was more than `grace` ago when it came due; never sent.
    case missed
    /// Still failing `grace` after its reminder time; no longer retried.
    case expired
    /// Superseded by a later reminder of the same occurrence when a late tick caught up.
    case coalesced
    /// Its target was disabled (an optional target without its URL).
    case skipped
    /// Dropped by hand (`outbox drop`).
    case dropped

    /// States that will still be sent.
    package static let open: [DeliveryState] = [.pending, .retrying]
    /// States `outbox retry` (and the web's Retry) sends again: those that gave up. A queued
    /// delivery is sent anyway, and one dropped, skipped or coalesced was set aside on purpose
    /// (by a person, by a disabled target, by a later reminder): bringing it back would undo that.
    package static let retryable: [DeliveryState] = [.dead, .expired, .missed]
}

/// What a delivery posts on every attempt, as stored before the first: the body, the kind of
/// target it is formatted for, and the query parameters that kind adds to the target's URL.
package struct DeliveryPayload: Sendable, Hashable {
    package var body: Data
    /// A target kind's raw value (`slack`, `generic`, …).
    package var kind: String
    /// Percent-encoded `name=value` pairs joined by `&`; often empty.
    package var query: String

    package init(body: Data, kind: String, query: String) {
        self.body = body
        self.kind = kind
        self.query = query
    }

    /// One delivery's payload, in the column order ``init(row:)`` reads.
    static let selectByDelivery = "SELECT kind, query, body FROM delivery_payload WHERE delivery_id = ?"

    init(row: Row) {
        self.init(body: row[2], kind: row[0], query: row[1])
    }
}

/// A delivery claimed for sending, with its payload when an earlier attempt stored one.
package struct ClaimedDelivery: Sendable, Hashable {
    package var record: DeliveryRecord
    package var payload: DeliveryPayload?

    package init(record: DeliveryRecord, payload: DeliveryPayload? = nil) {
        self.record = record
        self.payload = payload
    }
}

/// One reminder to one target for one occurrence: a row of the outbox.
package struct DeliveryRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "delivery"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: Int64?
    package var occurrenceId: Int64
    package var playbookId: String
    package var target: String
    package var beforeSeconds: Int
    package var reminderAt: Int64
    /// Sent as `webhook-id`; the same on every attempt, so receivers can drop a duplicate.
    package var idempotencyKey: String
    package var state: DeliveryState
    package var attempts: Int
    package var nextAttemptAt: Int64
    package var expiresAt: Int64
    package var leaseOwner: String?
    package var leaseExpiresAt: Int64?
    package var firstAttemptAt: Int64?
    package var lastAttemptAt: Int64?
    package var lastStatus: Int?
    package var lastError: String?
    package var deliveredAt: Int64?
    package var createdAt: Int64
    /// The 1-based number of the checklist item this row reminds of (`remind: true`); 0 for a
    /// meeting reminder or an escalation. Part of the row's identity with the occurrence,
    /// target and lead.
    package var checklistItem: Int

    /// True for a reminder of one checklist item (its due time, or the late one at the start).
    package var isChecklistReminder: Bool { checklistItem > 0 }
    /// True for an escalation: after the start, and not a checklist item's.
    package var isEscalation: Bool { beforeSeconds < 0 && checklistItem == 0 }

    package init(
        occurrenceId: Int64, playbookId: String, target: String, beforeSeconds: Int, reminderAt: Int64,
        idempotencyKey: String, state: DeliveryState, nextAttemptAt: Int64, expiresAt: Int64, createdAt: Int64,
        lastError: String? = nil, checklistItem: Int = 0
    ) {
        self.occurrenceId = occurrenceId
        self.playbookId = playbookId
        self.target = target
        self.beforeSeconds = beforeSeconds
        self.reminderAt = reminderAt
        self.idempotencyKey = idempotencyKey
        self.state = state
        attempts = 0
        self.nextAttemptAt = nextAttemptAt
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.lastError = lastError
        self.checklistItem = checklistItem
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    // Rows are read and written by hand rather than through Codable: a tick that sends a
    // thousand reminders claims, stores and records each row, and GRDB's Codable bridge was a
    // tenth of that tick's CPU time. `StateStoreTests` round-trips every column.

    /// Every column, in the order ``init(columnsInOrder:)`` reads them.
    static let columnList = """
        id, occurrence_id, playbook_id, target, before_seconds, reminder_at, idempotency_key, state, attempts,
        next_attempt_at, expires_at, lease_owner, lease_expires_at, first_attempt_at, last_attempt_at, last_status,
        last_error, delivered_at, created_at, checklist_item
        """

    /// Reads a row selected with ``columnList``, by position: the claim of a thousand rows
    /// otherwise spends most of its time finding columns by name.
    init(columnsInOrder row: Row) {
        id = row[0]
        occurrenceId = row[1]
        playbookId = row[2]
        target = row[3]
        beforeSeconds = row[4]
        reminderAt = row[5]
        idempotencyKey = row[6]
        state = row[7]
        attempts = row[8]
        nextAttemptAt = row[9]
        expiresAt = row[10]
        leaseOwner = row[11]
        leaseExpiresAt = row[12]
        firstAttemptAt = row[13]
        lastAttemptAt = row[14]
        lastStatus = row[15]
        lastError = row[16]
        deliveredAt = row[17]
        createdAt = row[18]
        checklistItem = row[19]
    }

    package init(row: Row) throws {
        id = row["id"]
        occurrenceId = row["occurrence_id"]
        playbookId = row["playbook_id"]
        target = row["target"]
        beforeSeconds = row["before_seconds"]
        reminderAt = row["reminder_at"]
        idempotencyKey = row["idempotency_key"]
        state = row["state"]
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        expiresAt = row["expires_at"]
        leaseOwner = row["lease_owner"]
        leaseExpiresAt = row["lease_expires_at"]
        firstAttemptAt = row["first_attempt_at"]
        lastAttemptAt = row["last_attempt_at"]
        lastStatus = row["last_status"]
        lastError = row["last_error"]
        deliveredAt = row["delivered_at"]
        createdAt = row["created_at"]
        checklistItem = row["checklist_item"]
    }

    package func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["occurrence_id"] = occurrenceId
        container["playbook_id"] = playbookId
        container["target"] = target
        container["before_seconds"] = beforeSeconds
        container["reminder_at"] = reminderAt
        container["idempotency_key"] = idempotencyKey
        container["state"] = state
        container["attempts"] = attempts
        container["next_attempt_at"] = nextAttemptAt
        container["expires_at"] = expiresAt
        container["lease_owner"] = leaseOwner
        container["lease_expires_at"] = leaseExpiresAt
        container["first_attempt_at"] = firstAttemptAt
        container["last_attempt_at"] = lastAttemptAt
        container["last_status"] = lastStatus
        container["last_error"] = lastError
        container["delivered_at"] = deliveredAt
        container["created_at"] = createdAt
        container["checklist_item"] = checklistItem
    }
}

/// An action item: carried into every agenda of its playbook until done.
package struct ActionItem: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "action_item"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: Int64?
    package var playbookId: String?
    package var text: String
    package var owner: String?
    /// `YYYY-MM-DD`.
    package var dueDate: String?
    package var createdAt: Int64
    package var doneAt: Int64?
    /// For items of the transformation plan: its stable id (`foundations-1`) and phase.
    package var planItem: String?
    package var planPhase: String?
    /// Who added it and who marked it done, when that was someone signed in to the web app.
    package var createdBy: String? = nil
    package var doneBy: String? = nil

    package init(
        playbookId: String?, text: String, owner: String?, dueDate: String?, createdAt: Int64, planItem: String? = nil,
        planPhase: String? = nil
    ) {
        self.playbookId = playbookId
        self.text = text
        self.owner = owner
        self.dueDate = dueDate
        self.createdAt = createdAt
        self.planItem = planItem
        self.planPhase = planPhase
    }

    /// Read by hand, as delivery rows are: GRDB's Codable bridge converts every column name from
    /// snake case on every row, which was most of the CPU time of the web app's Today page.
    package init(row: Row) throws {
        id = row["id"]
        playbookId = row["playbook_id"]
        text = row["text"]
        owner = row["owner"]
        dueDate = row["due_date"]
        createdAt = row["created_at"]
        doneAt = row["done_at"]
        planItem = row["plan_item"]
        planPhase = row["plan_phase"]
        createdBy = row["created_by"]
        doneBy = row["done_by"]
    }

    package var isDone: Bool { doneAt != nil }

    /// Open and due before `today` (`YYYY-MM-DD`).
    package func isOverdue(today: String) -> Bool {
        guard doneAt == nil, let dueDate else { return false }
        return dueDate < today
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A checked checklist item of one occurrence.
package struct ChecklistMark: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "checklist_mark"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var playbookId: String
    package var scheduledAt: Int64
    /// 1-based position in the playbook's checklist.
    package var itemIndex: Int
    package var item: String
    package var doneAt: Int64
    /// Who ticked it, when that was someone signed in to the web app.
    package var doneBy: String?

    package init(playbookId: String, scheduledAt: Int64, itemIndex: Int, item: String, doneAt: Int64, doneBy: String? = nil) {
        self.playbookId = playbookId
        self.scheduledAt = scheduledAt
        self.itemIndex = itemIndex
        self.item = item
        self.doneAt = doneAt
        self.doneBy = doneBy
    }

    /// Why an item's own reminder was not sent: the outbox's `last_error` of the dropped row.
    package static func notSentReason(by person: String?) -> String {
        "not sent: ticked" + (person.map { " by \($0)" } ?? "")
    }
}

/// A KPI measurement; one per KPI and date.
package struct KPIValue: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "kpi_value"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var kpi: String
    /// `YYYY-MM-DD`.
    package var measuredOn: String
    package var value: Double
    package var recordedAt: Int64
    /// Who recorded it, when that was someone signed in to the web app.
    package var recordedBy: String?

    package init(kpi: String, measuredOn: String, value: Double, recordedAt: Int64, recordedBy: String? = nil) {
        self.kpi = kpi
        self.measuredOn = measuredOn
        self.value = value
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }

    /// Read by hand, as action items are (GRDB's Codable bridge converts column names per row).
    package init(row: Row) throws {
        kpi = row["kpi"]
        measuredOn = row["measured_on"]
        value = row["value"]
        recordedAt = row["recorded_at"]
        recordedBy = row["recorded_by"]
    }
}

/// A quarterly self-assessment as stored.
package struct AssessmentRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "assessment"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// `2026-Q4`.
    package var quarter: String
    package var inventory: Int
    package var fulfillment: Int
    package var planning: Int
    package var reporting: Int
    package var governance: Int
    /// JSON object of notes per dimension key.
    package var notes: String
    package var recordedAt: Int64

    package init(
        quarter: String, inventory: Int, fulfillment: Int, planning: Int, reporting: Int, governance: Int,
        notes: [String: String], recordedAt: Int64
    ) {
        self.quarter = quarter
        self.inventory = inventory
        self.fulfillment = fulfillment
        self.planning = planning
        self.reporting = reporting
        self.governance = governance
        let data = (try? JSONSerialization.data(withJSONObject: notes, options: [.sortedKeys])) ?? Data("{}".utf8)
        self.notes = String(decoding: data, as: UTF8.self)
        self.recordedAt = recordedAt
    }

    package var notesByDimension: [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(notes.utf8)) as? [String: String]) ?? [:]
    }

    /// Scores keyed by dimension key.
    package var scores: [String: Int] {
        ["inventory": inventory, "fulfillment": fulfillment, "planning": planning, "reporting": reporting, "governance": governance]
    }
}
