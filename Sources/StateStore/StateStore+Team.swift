import GRDB

// Action items, checklist marks, KPI values, assessments and the transformation plan.
extension SQLiteBackend {
    // MARK: Action items

    /// Adds an action item and returns it with its id.
    package func addAction(_ item: ActionItem) throws(StateError) -> ActionItem {
        try write { db in
            var item = item
            try item.insert(db)
            return item
        }
    }

    /// Marks an action item done (or open again). Returns the item, or nil when there is no such id.
    package func setActionDone(id: Int64, doneAt: Int64?, by person: String? = nil) throws(StateError) -> ActionItem? {
        try write { db in
            guard var item = try ActionItem.fetchOne(db, key: id) else { return nil }
            item.doneAt = doneAt
            item.doneBy = doneAt == nil ? nil : person
            try item.update(db)
            return item
        }
    }

    /// Action items, oldest first.
    package func actions(playbook: String? = nil, includeDone: Bool = false) throws(StateError) -> [ActionItem] {
        try read { db in
            var request = ActionItem.order(Column("due_date") == nil, Column("due_date"), Column("id"))
            if let playbook { request = request.filter(Column("playbook_id") == playbook) }
            if !includeDone { request = request.filter(Column("done_at") == nil) }
            return try request.fetchAll(db)
        }
    }

    // MARK: Checklists

    /// The checked items of one occurrence, by 1-based index.
    package func checklistMarks(playbook: String, scheduledAt: Int64) throws(StateError) -> [Int: ChecklistMark] {
        try read { db in
            let marks = try ChecklistMark.filter(Column("playbook_id") == playbook && Column("scheduled_at") == scheduledAt).fetchAll(db)
            return Dictionary(uniqueKeysWithValues: marks.map { ($0.itemIndex, $0) })
        }
    }

    /// Ticks an item and, in the same transaction, drops that item's own reminders still waiting
    /// (`remind: true`): a ticked item needs no reminder. The engine looks again right before
    /// sending, so a reminder claimed meanwhile is not sent either.
    ///
    /// - Returns: How many of the item's reminders were dropped.
    @discardableResult
    package func check(_ mark: ChecklistMark) throws(StateError) -> Int {
        try write { db in
            try mark.save(db)
            try db.execute(
                sql: """
                    UPDATE delivery SET state = 'dropped', last_error = ?
                    WHERE checklist_item = ? AND state IN ('pending', 'retrying')
                      AND occurrence_id IN (SELECT id FROM occurrence WHERE playbook_id = ? AND scheduled_at = ?)
                    """, arguments: [ChecklistMark.notSentReason(by: mark.doneBy), mark.itemIndex, mark.playbookId, mark.scheduledAt])
            return db.changesCount
        }
    }

    package func uncheck(playbook: String, scheduledAt: Int64, itemIndex: Int) throws(StateError) {
        try write { db in
            try db.execute(
                sql: "DELETE FROM checklist_mark WHERE playbook_id = ? AND scheduled_at = ? AND item_index = ?",
                arguments: [playbook, scheduledAt, itemIndex])
        }
    }

    // MARK: KPIs

    /// Records values, replacing any for the same KPI and date, all in one transaction.
    package func recordKPIValues(_ values: [KPIValue]) throws(StateError) {
        try write { db in
            for value in values { try value.save(db) }
        }
    }

    /// Records one value unless one is there for that KPI and date and `replacing` is false;
    /// the look and the write are one (immediate) transaction.
    package func recordKPIValue(_ value: KPIValue, replacing: Bool) throws(StateError) -> (recorded: Bool, previous: KPIValue?) {
        try write { db in
            let previous = try KPIValue.filter(Column("kpi") == value.kpi && Column("measured_on") == value.measuredOn).fetchOne(db)
            if previous != nil && !replacing { return (false, previous) }
            try value.save(db)
            return (true, previous)
        }
    }

    /// Values of one KPI (or all), oldest first, on or after `since` (`YYYY-MM-DD`).
    package func kpiValues(kpi: String? = nil, since: String? = nil) throws(StateError) -> [KPIValue] {
        try read { db in
            var request = KPIValue.order(Column("measured_on"), Column("kpi"))
            if let kpi { request = request.filter(Column("kpi") == kpi) }
            if let since { request = request.filter(Column("measured_on") >= since) }
            return try request.fetchAll(db)
        }
    }

    // MARK: Assessments

    package func assessments() throws(StateError) -> [AssessmentRecord] {
        try read { db in try AssessmentRecord.order(Column("quarter")).fetchAll(db) }
    }

    package func assessment(quarter: String) throws(StateError) -> AssessmentRecord? {
        try read { db in try AssessmentRecord.fetchOne(db, key: quarter) }
    }

    /// Saves an assessment, replacing the quarter's earlier one.
    package func saveAssessment(_ record: AssessmentRecord) throws(StateError) {
        try write { db in try record.save(db) }
    }

    // MARK: Transformation plan

    /// The stored plan's start month and the quarter its priorities came from.
    package func plan() throws(StateError) -> (startMonth: String, assessmentQuarter: String?)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT start_month, assessment_quarter FROM plan WHERE id = 1") else { return nil }
            return (row["start_month"], row["assessment_quarter"])
        }
    }

    /// Replaces the plan and its action items in one transaction.
    package func savePlan(startMonth: String, assessmentQuarter: String?, items: [ActionItem], now: Int64) throws(StateError) {
        try write { db in
            try db.execute(sql: "DELETE FROM action_item WHERE plan_item IS NOT NULL")
            try db.execute(
                sql: """
                    INSERT INTO plan (id, start_month, assessment_quarter, created_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET start_month = excluded.start_month,
                        assessment_quarter = excluded.assessment_quarter, created_at = excluded.created_at
                    """, arguments: [startMonth, assessmentQuarter, now])
            for var item in items { try item.insert(db) }
        }
    }

    /// The plan's action items in plan order.
    package func planItems() throws(StateError) -> [ActionItem] {
        try read { db in try ActionItem.filter(Column("plan_item") != nil).order(Column("due_date"), Column("id")).fetchAll(db) }
    }
}
