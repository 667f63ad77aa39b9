import Foundation
import PostgresNIO
import StateStore

// Action items, checklist marks, KPI values, assessments and the transformation plan.
extension PostgresBackend {
    static let actionColumns = "id, playbook_id, text, owner, due_date, created_at, done_at, plan_item, plan_phase, created_by, done_by"

    static func actionItem(_ row: PostgresRandomAccessRow) throws -> ActionItem {
        var item = ActionItem(
            playbookId: try row.optionalString(1), text: try row.string(2), owner: try row.optionalString(3), dueDate: try row.optionalString(4),
            createdAt: try row.int64(5), planItem: try row.optionalString(7), planPhase: try row.optionalString(8))
        item.id = try row.int64(0)
        item.doneAt = try row.optionalInt64(6)
        item.createdBy = try row.optionalString(9)
        item.doneBy = try row.optionalString(10)
        return item
    }

    private static func withColumns(_ query: PostgresQuery, _ columns: String) -> PostgresQuery {
        var query = query
        query.sql = query.sql.replacingOccurrences(of: "SELECT *", with: "SELECT " + columns)
            .replacingOccurrences(of: "RETURNING *", with: "RETURNING " + columns)
        return query
    }

    private static func insert(_ transaction: PostgresTransaction, _ item: ActionItem) throws -> ActionItem {
        let rows = try transaction.rows(
            """
            INSERT INTO action_item (id, playbook_id, text, owner, due_date, created_at, done_at, plan_item, plan_phase, created_by, done_by)
            VALUES (COALESCE(\(item.id), nextval(pg_get_serial_sequence('action_item', 'id'))), \(item.playbookId), \(item.text), \(item.owner),
                \(item.dueDate), \(item.createdAt), \(item.doneAt), \(item.planItem), \(item.planPhase), \(item.createdBy), \(item.doneBy))
            RETURNING id
            """)
        var item = item
        item.id = try rows.first?.int64(0)
        return item
    }

    /// Adds an action item and returns it with its id.
    package func addAction(_ item: ActionItem) throws(StateError) -> ActionItem {
        try write { transaction in try Self.insert(transaction, item) }
    }

    /// Marks an action item done (or open again); nil when there is no such id.
    package func setActionDone(id: Int64, doneAt: Int64?, by person: String?) throws(StateError) -> ActionItem? {
        try write { transaction in
            try transaction.rows(
                Self.withColumns(
                    "UPDATE action_item SET done_at = \(doneAt), done_by = \(doneAt == nil ? nil : person) WHERE id = \(id) RETURNING *", Self.actionColumns)
            ).first.map(Self.actionItem)
        }
    }

    /// Action items, oldest first (undated last).
    package func actions(playbook: String?, includeDone: Bool) throws(StateError) -> [ActionItem] {
        let order = "ORDER BY due_date IS NULL, due_date COLLATE \"C\", id"
        var query: PostgresQuery =
            if let playbook {
                "SELECT * FROM action_item WHERE playbook_id = \(playbook) AND (\(includeDone) OR done_at IS NULL)"
            } else {
                "SELECT * FROM action_item WHERE (\(includeDone) OR done_at IS NULL)"
            }
        query.sql += " " + order
        return try decode(self.query(Self.withColumns(query, Self.actionColumns)), Self.actionItem)
    }

    /// The checked items of one occurrence, by 1-based index.
    package func checklistMarks(playbook: String, scheduledAt: Int64) throws(StateError) -> [Int: ChecklistMark] {
        let marks = try decode(
            query("SELECT playbook_id, scheduled_at, item_index, item, done_at, done_by FROM checklist_mark WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt)")
        ) { row in
            ChecklistMark(
                playbookId: try row.string(0), scheduledAt: try row.int64(1), itemIndex: try row.int(2), item: try row.string(3), doneAt: try row.int64(4),
                doneBy: try row.optionalString(5))
        }
        return Dictionary(marks.map { ($0.itemIndex, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Ticks an item and drops that item's own reminders still waiting, in one transaction.
    package func check(_ mark: ChecklistMark) throws(StateError) -> Int {
        try write { transaction in
            try transaction.run(
                """
                INSERT INTO checklist_mark (playbook_id, scheduled_at, item_index, item, done_at, done_by)
                VALUES (\(mark.playbookId), \(mark.scheduledAt), \(mark.itemIndex), \(mark.item), \(mark.doneAt), \(mark.doneBy))
                ON CONFLICT (playbook_id, scheduled_at, item_index) DO UPDATE SET item = excluded.item, done_at = excluded.done_at, done_by = excluded.done_by
                """)
            return try transaction.changes(
                """
                UPDATE delivery SET state = 'dropped', last_error = \(ChecklistMark.notSentReason(by: mark.doneBy))
                WHERE checklist_item = \(mark.itemIndex) AND state IN ('pending', 'retrying')
                  AND occurrence_id IN (SELECT id FROM occurrence WHERE playbook_id = \(mark.playbookId) AND scheduled_at = \(mark.scheduledAt))
                """)
        }
    }

    package func uncheck(playbook: String, scheduledAt: Int64, itemIndex: Int) throws(StateError) {
        try write { transaction in
            try transaction.run("DELETE FROM checklist_mark WHERE playbook_id = \(playbook) AND scheduled_at = \(scheduledAt) AND item_index = \(itemIndex)")
        }
    }

    /// Records values, replacing any for the same KPI and date, all in one transaction.
    package func recordKPIValues(_ values: [KPIValue]) throws(StateError) {
        try write { transaction in
            for value in values {
                try transaction.run(
                    """
                    INSERT INTO kpi_value (kpi, measured_on, value, recorded_at, recorded_by)
                    VALUES (\(value.kpi), \(value.measuredOn), \(value.value), \(value.recordedAt), \(value.recordedBy))
                    ON CONFLICT (kpi, measured_on) DO UPDATE SET value = excluded.value, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by
                    """)
            }
        }
    }

    /// Records one value unless one is there for that KPI and date and `replacing` is false.
    /// The row is locked (or, when there is none, the insert decides on the key), so two
    /// transactions recording the same KPI and date cannot both find it empty.
    package func recordKPIValue(_ value: KPIValue, replacing: Bool) throws(StateError) -> (recorded: Bool, previous: KPIValue?) {
        try write { transaction in
            let select: PostgresQuery = """
                SELECT kpi, measured_on, value, recorded_at, recorded_by FROM kpi_value
                WHERE kpi = \(value.kpi) AND measured_on = \(value.measuredOn) FOR UPDATE
                """
            let previous = try transaction.rows(select).first.map(Self.kpiValue)
            if previous != nil && !replacing { return (false, previous) }
            let written = try transaction.changes(
                """
                INSERT INTO kpi_value (kpi, measured_on, value, recorded_at, recorded_by)
                VALUES (\(value.kpi), \(value.measuredOn), \(value.value), \(value.recordedAt), \(value.recordedBy))
                ON CONFLICT (kpi, measured_on) DO UPDATE
                    SET value = excluded.value, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by
                    WHERE \(replacing)
                """)
            if written > 0 { return (true, previous) }
            // Recorded by another transaction since the look above, and not to be replaced: theirs stands.
            return (false, try transaction.rows(select).first.map(Self.kpiValue))
        }
    }

    static func kpiValue(_ row: PostgresRandomAccessRow) throws -> KPIValue {
        KPIValue(kpi: try row.string(0), measuredOn: try row.string(1), value: try row.double(2), recordedAt: try row.int64(3), recordedBy: try row.optionalString(4))
    }

    /// Values of one KPI (or all), oldest first, on or after `since`.
    package func kpiValues(kpi: String?, since: String?) throws(StateError) -> [KPIValue] {
        try decode(
            query(
                """
                SELECT kpi, measured_on, value, recorded_at, recorded_by FROM kpi_value
                WHERE (\(kpi)::text IS NULL OR kpi = \(kpi)) AND (\(since)::text IS NULL OR measured_on COLLATE "C" >= \(since))
                ORDER BY measured_on COLLATE "C", kpi COLLATE "C"
                """)
        ) { row in
            KPIValue(kpi: try row.string(0), measuredOn: try row.string(1), value: try row.double(2), recordedAt: try row.int64(3), recordedBy: try row.optionalString(4))
        }
    }

    static func assessment(_ row: PostgresRandomAccessRow) throws -> AssessmentRecord {
        var record = AssessmentRecord(
            quarter: try row.string(0), inventory: try row.int(1), fulfillment: try row.int(2), planning: try row.int(3), reporting: try row.int(4),
            governance: try row.int(5), notes: [:], recordedAt: try row.int64(7))
        record.notes = try row.string(6)
        return record
    }

    package func assessments() throws(StateError) -> [AssessmentRecord] {
        try decode(
            query("SELECT quarter, inventory, fulfillment, planning, reporting, governance, notes, recorded_at FROM assessment ORDER BY quarter COLLATE \"C\""),
            Self.assessment)
    }

    package func assessment(quarter: String) throws(StateError) -> AssessmentRecord? {
        try decode(
            query("SELECT quarter, inventory, fulfillment, planning, reporting, governance, notes, recorded_at FROM assessment WHERE quarter = \(quarter)"),
            Self.assessment
        ).first
    }

    /// Saves an assessment, replacing the quarter's earlier one.
    package func saveAssessment(_ record: AssessmentRecord) throws(StateError) {
        try write { transaction in
            try transaction.run(
                """
                INSERT INTO assessment (quarter, inventory, fulfillment, planning, reporting, governance, notes, recorded_at)
                VALUES (\(record.quarter), \(record.inventory), \(record.fulfillment), \(record.planning), \(record.reporting), \(record.governance),
                    \(record.notes), \(record.recordedAt))
                ON CONFLICT (quarter) DO UPDATE SET inventory = excluded.inventory, fulfillment = excluded.fulfillment, planning = excluded.planning,
                    reporting = excluded.reporting, governance = excluded.governance, notes = excluded.notes, recorded_at = excluded.recorded_at
                """)
        }
    }

    /// The stored plan's start month and the quarter its priorities came from.
    package func plan() throws(StateError) -> (startMonth: String, assessmentQuarter: String?)? {
        try decode(query("SELECT start_month, assessment_quarter FROM plan WHERE id = 1")) { (try $0.string(0), try $0.optionalString(1)) }.first
    }

    /// Replaces the plan and its action items in one transaction.
    package func savePlan(startMonth: String, assessmentQuarter: String?, items: [ActionItem], now: Int64) throws(StateError) {
        try write { transaction in
            try transaction.run("DELETE FROM action_item WHERE plan_item IS NOT NULL")
            try transaction.run(
                """
                INSERT INTO plan (id, start_month, assessment_quarter, created_at) VALUES (1, \(startMonth), \(assessmentQuarter), \(now))
                ON CONFLICT (id) DO UPDATE SET start_month = excluded.start_month,
                    assessment_quarter = excluded.assessment_quarter, created_at = excluded.created_at
                """)
            for item in items { _ = try Self.insert(transaction, item) }
        }
    }

    /// The plan's action items in plan order.
    package func planItems() throws(StateError) -> [ActionItem] {
        try decode(
            query(Self.withColumns("SELECT * FROM action_item WHERE plan_item IS NOT NULL ORDER BY due_date COLLATE \"C\", id", Self.actionColumns)),
            Self.actionItem)
    }

    /// One action item by id.
    package func action(id: Int64) throws(StateError) -> ActionItem? {
        try decode(query(Self.withColumns("SELECT * FROM action_item WHERE id = \(id)", Self.actionColumns)), Self.actionItem).first
    }

    /// Replaces an action item's text, owner and due date; nil when there is no such id.
    package func editAction(id: Int64, text: String?, owner: FieldChange<String>, dueDate: FieldChange<String>) throws(StateError) -> ActionItem? {
        // One statement: a field left as it is keeps what is in the row, not what was read before.
        let setOwner = owner != .keep
        let setDue = dueDate != .keep
        let newOwner = owner.applied(to: nil)
        let newDue = dueDate.applied(to: nil)
        return try write { transaction in
            try transaction.rows(
                Self.withColumns(
                    """
                    UPDATE action_item SET text = COALESCE(\(text)::text, text),
                        owner = CASE WHEN \(setOwner) THEN \(newOwner)::text ELSE owner END,
                        due_date = CASE WHEN \(setDue) THEN \(newDue)::text ELSE due_date END
                    WHERE id = \(id) RETURNING *
                    """, Self.actionColumns)
            ).first.map(Self.actionItem)
        }
    }

    /// Deletes an action item; false when there was none with this id.
    package func deleteAction(id: Int64) throws(StateError) -> Bool {
        try write { transaction in try transaction.changes("DELETE FROM action_item WHERE id = \(id)") > 0 }
    }

    /// Deletes one KPI value; false when there was none.
    package func deleteKPIValue(kpi: String, measuredOn: String) throws(StateError) -> Bool {
        try write { transaction in try transaction.changes("DELETE FROM kpi_value WHERE kpi = \(kpi) AND measured_on = \(measuredOn)") > 0 }
    }
}
