import Diagnostics
import Foundation
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// A change a person asked for that cannot be made as asked: names the field and what was
/// expected. The CLI exits 2 with it; the web app answers 400 and shows it by the form.
package struct ChangeError: UserFacingError, Sendable, Equatable {
    /// The form field or argument at fault (`value`, `due`, `item`).
    package var field: String
    package var message: String
    /// The change would overwrite something already there that it was not told to replace (a
    /// KPI value for that date): the web app answers 409 rather than 400, since the input is
    /// well formed and sending it again with the replace field set is the way on.
    package var isConflict: Bool

    package init(field: String, _ message: String, conflict: Bool = false) {
        self.field = field
        self.message = message
        isConflict = conflict
    }

    package var description: String { "\(field): \(message)" }
    package var failure: FailureKind { .input }
}

/// The changes people make to a workspace's state (checklists, action items, KPI values,
/// notes), checked the same way whether they come from a command or a page, and followed by
/// rendering the live agendas again so that the files and the pages never disagree.
package struct Teamwork: Sendable {
    package let workspace: Workspace
    package let store: StateStore
    /// What a recorded change does when the agendas cannot be rendered again afterwards: the
    /// web app reports it (the default rethrows it), the command line warns and goes on.
    let renderingFailed: @Sendable (RenderAfterChangeError) throws -> Void

    package init(
        workspace: Workspace, store: StateStore,
        whenRenderingFails renderingFailed: @escaping @Sendable (RenderAfterChangeError) throws -> Void = { throw $0 }
    ) {
        self.workspace = workspace
        self.store = store
        self.renderingFailed = renderingFailed
    }

    // MARK: Checklists

    /// Ticks or unticks item `number` (1-based) of one occurrence.
    package func mark(playbook: Playbook, occurrence: Int64, item number: Int, done: Bool, by person: String?, now: Int64) throws -> ChecklistMark? {
        try Self.checkItem(number, of: playbook)
        var mark: ChecklistMark?
        if done {
            let new = ChecklistMark(
                playbookId: playbook.id, scheduledAt: occurrence, itemIndex: number, item: playbook.checklist[number - 1].item, doneAt: now,
                doneBy: person)
            try store.check(new)
            mark = new
        } else {
            try store.uncheck(playbook: playbook.id, scheduledAt: occurrence, itemIndex: number)
        }
        try refresh(playbook: playbook.id, now: now)
        return mark
    }

    /// Refuses an item number the playbook's checklist does not have.
    package static func checkItem(_ number: Int, of playbook: Playbook) throws(ChangeError) {
        guard playbook.checklist.indices.contains(number - 1) else {
            throw ChangeError(
                field: "item", "item \(number) does not exist: \(playbook.id) has \(playbook.checklist.count) checklist items"
                    + (playbook.checklist.isEmpty ? "" : " (1-\(playbook.checklist.count))"))
        }
    }

    // MARK: Action items

    /// Checks an action item's text, owner and due date as typed.
    package static func actionFields(text: String, owner: String?, due: String?) throws(ChangeError) -> (text: String, owner: String?, due: String?) {
        (try actionText(text), try actionOwner(owner), try actionDue(due))
    }

    /// An action item's text, trimmed: one line, not empty, at most 2,000 bytes.
    static func actionText(_ text: String) throws(ChangeError) -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ChangeError(field: "text", "the action item text must not be empty") }
        // Bytes, not characters: one "character" can hold thousands of combining marks.
        guard text.utf8.count <= 2000 else { throw ChangeError(field: "text", "at most 2,000 bytes of UTF-8 (about 500 characters), got \(text.utf8.count)") }
        if let problem = FieldText.oneLineProblem(in: text) { throw ChangeError(field: "text", "the action item text \(problem)") }
        return text
    }

    /// An action item's owner, trimmed; nil when empty.
    static func actionOwner(_ owner: String?) throws(ChangeError) -> String? {
        let owner = owner?.trimmingCharacters(in: .whitespaces).nonEmpty
        if let owner {
            guard owner.utf8.count <= 320 else { throw ChangeError(field: "owner", "at most 320 bytes of UTF-8 (about 80 characters), got \(owner.utf8.count)") }
            if let problem = FieldText.oneLineProblem(in: owner) { throw ChangeError(field: "owner", "the owner \(problem)") }
        }
        return owner
    }

    /// An action item's due date, `YYYY-MM-DD` in 2000-2199; nil when empty.
    static func actionDue(_ due: String?) throws(ChangeError) -> String? {
        let due = due?.trimmingCharacters(in: .whitespaces).nonEmpty
        if let due {
            guard let date = CivilDate(iso: due), (2000...2199).contains(date.year) else {
                throw ChangeError(field: "due", "expected a date YYYY-MM-DD, got \"\(due)\"")
            }
        }
        return due
    }

    /// Adds an action item to a playbook's agendas.
    package func addAction(playbook: Playbook, text: String, owner: String?, due: String?, by person: String?, now: Int64) throws -> ActionItem {
        let fields = try Self.actionFields(text: text, owner: owner, due: due)
        var item = ActionItem(playbookId: playbook.id, text: fields.text, owner: fields.owner, dueDate: fields.due, createdAt: now)
        item.createdBy = person
        let added = try store.addAction(item)
        try refresh(playbook: nil, now: now)
        return added
    }

    /// Changes an action item's text, owner and due date. A field given as nil stays as it is
    /// (a form or a command that does not send it does not edit it); an empty owner or due date
    /// clears it, as an emptied form field does.
    package func editAction(id: Int64, text: String?, owner: String?, due: String?, now: Int64) throws -> ActionItem {
        // Only the fields given are checked and written, in one statement: a field left out
        // keeps what is stored, even if another edit changed it a moment ago.
        var newText: String?
        var newOwner = FieldChange<String>.keep
        var newDue = FieldChange<String>.keep
        if let text { newText = try Self.actionText(text) }
        if let owner { newOwner = .set(try Self.actionOwner(owner)) }
        if let due { newDue = .set(try Self.actionDue(due)) }
        guard let item = try store.editAction(id: id, text: newText, owner: newOwner, dueDate: newDue) else {
            throw ChangeError(field: "id", "no action item #\(id)")
        }
        try refresh(playbook: nil, now: now)
        return item
    }

    /// Marks an action item done, or open again.
    package func setDone(action id: Int64, done: Bool, by person: String?, now: Int64) throws -> ActionItem {
        guard let item = try store.setActionDone(id: id, doneAt: done ? now : nil, by: person) else {
            throw ChangeError(field: "id", "no action item #\(id)")
        }
        try refresh(playbook: nil, now: now)
        return item
    }

    /// Deletes an action item.
    package func deleteAction(id: Int64, now: Int64) throws {
        guard try store.deleteAction(id: id) else { throw ChangeError(field: "id", "no action item #\(id)") }
        try refresh(playbook: nil, now: now)
    }

    // MARK: KPIs

    /// Records a KPI value as typed (`2.4`, `99.5%`, `$4.10`) for a date no later than today. A
    /// KPI has one value per date: one already recorded is replaced only when `replace` says so
    /// (as `kpi record --replace`); otherwise the change is refused as a conflict naming it.
    /// Returns the value recorded and the one it replaced.
    package func recordKPI(
        key: String, value text: String, date: String?, replace: Bool, by person: String?, now: Int64
    ) throws -> (value: KPIValue, kpi: KPIDefinition, replaced: KPIValue?) {
        var (value, kpi) = try Self.kpiReading(key: key, value: text, date: date, workspace: workspace, now: now)
        value.recordedBy = person
        return (value, kpi, try record(value, of: kpi, replace: replace))
    }

    /// Records a value already checked by ``kpiReading(key:value:date:workspace:now:)``, unless
    /// one is there for that date and `replace` is false (a conflict naming it). Returns the
    /// value it replaced. The look and the write are one transaction: of two people saving the
    /// same KPI and date at once, the second is refused rather than overwriting the first.
    @discardableResult
    package func record(_ value: KPIValue, of kpi: KPIDefinition, replace: Bool) throws -> KPIValue? {
        let (recorded, previous) = try store.recordKPIValue(value, replacing: replace)
        if !recorded, let previous { throw Self.kpiAlreadyRecorded(previous, kpi: kpi) }
        try refresh(playbook: nil, now: value.recordedAt)
        return previous
    }

    /// The refusal to overwrite a KPI's value for a date without being told to.
    package static func kpiAlreadyRecorded(_ previous: KPIValue, kpi: KPIDefinition) -> ChangeError {
        ChangeError(
            field: "replace",
            "\(kpi.key) already has \(kpi.format(previous.value)) on \(previous.measuredOn)\(previous.recordedBy.map { " (recorded by \($0))" } ?? ""); replace it (tick Replace; --replace on the command line) or delete it first",
            conflict: true)
    }

    /// Checks a KPI value as typed, without recording it: the KPI exists, the number parses,
    /// its unit fits the KPI, and the date (default today) is not in the future.
    package static func kpiReading(key: String, value text: String, date: String?, workspace: Workspace, now: Int64) throws(ChangeError) -> (KPIValue, KPIDefinition) {
        let definitions = workspace.kpiDefinitions
        guard let kpi = definitions.first(where: { $0.key == key }) else {
            throw ChangeError(field: "kpi", "unknown KPI '\(key)' (expected one of: \(definitions.map(\.key).joined(separator: ", ")))")
        }
        guard let number = KPIInput.parseValue(text, presentation: kpi.presentation) else {
            let example = kpi.presentation.usesDecimalComma ? "2,4 or 99,5 %" : "2.4 or 99.5%"
            throw ChangeError(field: "value", "expected a number such as \(example), got \"\(text)\"")
        }
        if let problem = KPIInput.unitMismatch(text, for: kpi) ?? KPIInput.rangeProblem(number, typed: text, for: kpi) {
            throw ChangeError(field: "value", problem)
        }
        let today = workspace.configuration.date(at: now)
        var day = today
        if let date = date?.trimmingCharacters(in: .whitespaces).nonEmpty {
            guard let parsed = CivilDate(iso: date), parsed.year >= 2000 else { throw ChangeError(field: "date", "expected a date YYYY-MM-DD, got \"\(date)\"") }
            day = parsed
        }
        guard day <= today else {
            throw ChangeError(field: "date", "\(day) is in the future (today is \(today) in \(workspace.configuration.timeZone.identifier))")
        }
        return (KPIValue(kpi: key, measuredOn: day.description, value: number, recordedAt: now), kpi)
    }

    /// Imports `date,name,value` lines (a spreadsheet's CSV export) all or nothing: any bad
    /// line is an error with its number and nothing is recorded. Returns how many were.
    @discardableResult
    package func importKPIs(csv text: String, file: String, by person: String?, now: Int64) throws -> Int {
        try importKPIs(try Self.readings(csv: text, file: file, workspace: workspace, now: now), by: person, now: now)
    }

    /// Records readings already checked by ``readings(csv:file:workspace:now:)``, in one transaction.
    @discardableResult
    package func importKPIs(_ readings: [KPIReading], by person: String?, now: Int64) throws -> Int {
        try store.recordKPIValues(
            readings.map { KPIValue(kpi: $0.kpi, measuredOn: $0.date.description, value: $0.value, recordedAt: now, recordedBy: person) })
        try refresh(playbook: nil, now: now)
        return readings.count
    }

    /// Parses a CSV import without recording it (all or nothing: the first bad line is the error).
    package static func readings(
        csv text: String, file: String, workspace: Workspace, now: Int64, delimiter: Character? = nil
    ) throws(KPIInputError) -> [KPIReading] {
        try KPIInput.parseCSV(
            text, file: file, definitions: workspace.kpiDefinitions, today: workspace.configuration.date(at: now), delimiter: delimiter)
    }

    /// Deletes one recorded value.
    package func deleteKPIValue(key: String, date: String, now: Int64) throws {
        let known = workspace.kpiDefinitions.map(\.key)
        guard known.contains(key) else {
            throw ChangeError(field: "kpi", "unknown KPI '\(key)' (expected one of: \(known.joined(separator: ", ")))")
        }
        guard let day = CivilDate(iso: date) else { throw ChangeError(field: "date", "expected a date YYYY-MM-DD, got \"\(date)\"") }
        guard try store.deleteKPIValue(kpi: key, measuredOn: day.description) else {
            throw ChangeError(field: "date", "no value of \(key) on \(date)")
        }
        try refresh(playbook: nil, now: now)
    }

    // MARK: Assessments

    /// Saves a quarter's self-assessment from scores and notes as typed (`"3"`), and returns
    /// its result. An assessed quarter is replaced only when `replace` says so.
    package func saveAssessment(
        quarter text: String, scores typed: [MaturityDimension: String], notes typedNotes: [MaturityDimension: String], replace: Bool, now: Int64
    ) throws -> AssessmentResult {
        let quarter: Quarter
        do { quarter = try Quarter(parsing: text.trimmingCharacters(in: .whitespaces)) } catch {
            throw ChangeError(field: "quarter", error.message)
        }
        var scores = Scores(inventory: 0, fulfillment: 0, planning: 0, reporting: 0, governance: 0)
        for dimension in MaturityDimension.allCases {
            guard let value = typed[dimension].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (1...5).contains(value) else {
                throw ChangeError(field: dimension.rawValue, "expected a score from 1 to 5 for \(dimension.title), got \"\(typed[dimension] ?? "")\"")
            }
            scores[dimension] = value
        }
        var notes: [MaturityDimension: String] = [:]
        for (dimension, note) in typedNotes {
            let note = note.trimmingCharacters(in: .whitespaces)
            guard !note.isEmpty else { continue }
            guard note.utf8.count <= 1200 else { throw ChangeError(field: "note_\(dimension.rawValue)", "at most 1,200 bytes of UTF-8, got \(note.utf8.count)") }
            if let problem = FieldText.oneLineProblem(in: note) { throw ChangeError(field: "note_\(dimension.rawValue)", "the note \(problem)") }
            notes[dimension] = note
        }
        let assessment: Assessment
        do { assessment = try Assessment(quarter: quarter, scores: scores, notes: notes) } catch { throw ChangeError(field: "quarter", error.message) }
        let today = workspace.configuration.date(at: now)
        if let current = Quarter.containing(year: today.year, month: today.month), quarter > current {
            throw ChangeError(field: "quarter", "\(quarter) has not started yet (today is \(today), in \(current)); a quarter is assessed once it is under way")
        }
        if !replace, let existing = try store.assessment(quarter: quarter.description) {
            throw ChangeError(
                field: "replace",
                "\(quarter) is already assessed (\(existing.inventory),\(existing.fulfillment),\(existing.planning),\(existing.reporting),\(existing.governance)); tick Replace to replace it")
        }
        try store.saveAssessment(
            AssessmentRecord(
                quarter: quarter.description, inventory: scores.inventory, fulfillment: scores.fulfillment, planning: scores.planning,
                reporting: scores.reporting, governance: scores.governance,
                notes: Dictionary(uniqueKeysWithValues: notes.map { ($0.key.rawValue, $0.value) }), recordedAt: now))
        try refresh(playbook: nil, now: now)
        return AssessmentResult(assessment: assessment, history: try Assessments.load(from: store))
    }

    // MARK: Acknowledgement

    /// Records that an occurrence happened (the check was done, the meeting held), cancelling
    /// its escalations not yet sent. The first acknowledgement stands; acknowledging again
    /// returns it. An occurrence more than an hour ahead cannot be acknowledged yet.
    package func acknowledge(playbook: Playbook, occurrence: Int64, by person: String?, via: String, now: Int64) throws
        -> (acknowledgement: AcknowledgementRecord, cancelled: Int)
    {
        guard occurrence <= now + 3600 else {
            throw ChangeError(
                field: "at", "\(RFC3339.format(occurrence, offset: playbook.timeZone.offset(at: occurrence))) is more than an hour ahead; acknowledge an occurrence when it happens")
        }
        if let person, let problem = FieldText.oneLineProblem(in: person) { throw ChangeError(field: "by", "the name \(problem)") }
        let result = try store.acknowledge(playbook: playbook.id, scheduledAt: occurrence, by: person, via: via, now: now)
        try refresh(playbook: playbook.id, now: now)
        return result
    }

    // MARK: Meeting rating

    /// Records a person's 1-10 rating of a meeting (the EOS habit of rating every meeting), once
    /// it has started; rating again replaces it.
    package func rate(playbook: Playbook, occurrence: Int64, rating text: String, by person: String, now: Int64) throws {
        guard now >= occurrence else {
            throw ChangeError(field: "rating", "the meeting has not started yet; rate it at the end")
        }
        guard let rating = Int(text.trimmingCharacters(in: .whitespaces)), (1...10).contains(rating) else {
            throw ChangeError(field: "rating", "expected a whole number from 1 to 10, got \"\(text)\"")
        }
        try store.rate(playbook: playbook.id, scheduledAt: occurrence, person: person, rating: rating, now: now)
    }

    // MARK: Notes

    /// Saves a meeting's notes (at most 20,000 characters; empty removes them).
    package func saveNotes(playbook: Playbook, occurrence: Int64, text: String, by person: String?, now: Int64) throws {
        let text = text.replacingOccurrences(of: "\r\n", with: "\n")
        guard text.utf8.count <= 64_000 else { throw ChangeError(field: "notes", "at most 64,000 bytes of UTF-8, got \(text.utf8.count)") }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
            throw ChangeError(field: "notes", "contains the control character U+\(String(bad.value, radix: 16, uppercase: true))")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        try store.saveMeetingNote(playbook: playbook.id, scheduledAt: occurrence, text: trimmed.isEmpty ? "" : text, by: person, now: now)
    }

    /// Renders the live agendas again. The change itself is already recorded: a rendering
    /// failure is reported as such, not as a failed change.
    private func refresh(playbook: String?, now: Int64) throws {
        do {
            try AgendaRefresher(workspace: workspace, store: store).refreshLive(playbook: playbook, now: now)
        } catch {
            try renderingFailed(RenderAfterChangeError(detail: workspace.redact("\(error)")))
        }
    }
}

/// The change was recorded, but the agenda files could not be rendered again.
package struct RenderAfterChangeError: UserFacingError, Sendable {
    package var detail: String
    package var description: String { "the change is recorded, but the agenda files could not be rendered again: \(detail)" }
    package var failure: FailureKind { .environment }
}

extension String {
    /// nil for an empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
