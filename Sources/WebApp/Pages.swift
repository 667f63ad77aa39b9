import Agendas
import CadenceEngine
import Foundation
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// Builds each page's view from the workspace and the state at one instant. No I/O but the
/// state reads; no knowledge of HTTP.
struct Pages {
    let workspace: Workspace
    let store: StateStore
    let now: Int64
    let chrome: (String, String) -> Chrome

    private var zone: ZoneRules { workspace.configuration.timeZone }
    private var localToday: CivilDate { workspace.configuration.date(at: now) }

    /// The canonical path of a meeting page.
    static func meetingPath(playbook: String, occurrence: Int64) -> String {
        "/meetings/\(playbook)/\(RFC3339.formatUTC(occurrence))"
    }

    // MARK: Today

    func today() throws -> TodayView {
        let start = zone.resolve(LocalDateTime(date: localToday)).instant
        let end = zone.resolve(LocalDateTime(date: localToday.adding(days: 7))).instant
        let tomorrow = zone.resolve(LocalDateTime(date: localToday.adding(days: 1))).instant
        var meetings: [(Int64, TodayView.Meeting)] = []
        for playbook in workspace.playbooks where playbook.isEnabled {
            // A meeting under way started before midnight, or today before now: both count.
            let occurrences = playbook.schedule.occurrences(after: start - Int64(playbook.duration) - 1).lazy.prefix { $0.instant < end }.prefix(20)
            for occurrence in occurrences {
                let marks = try store.checklistMarks(playbook: playbook.id, scheduledAt: occurrence.instant)
                meetings.append(
                    (
                        occurrence.instant,
                        TodayView.Meeting(
                            playbook: playbook.id, title: playbook.title, occurrence: RFC3339.formatUTC(occurrence.instant),
                            when: HumanTime.span(start: occurrence.instant, duration: playbook.duration, zone: playbook.timeZone),
                            href: Self.meetingPath(playbook: playbook.id, occurrence: occurrence.instant),
                            isToday: occurrence.instant < tomorrow && occurrence.instant + Int64(playbook.duration) > start,
                            isOver: occurrence.instant + Int64(playbook.duration) <= now,
                            checklist: playbook.checklist.isEmpty ? "—" : "\(marks.count)/\(playbook.checklist.count)")
                    ))
            }
        }
        meetings.sort { $0.0 < $1.0 }
        let red = Scorecard.rows(definitions: workspace.kpiDefinitions, values: try store.kpiValues()).filter(\.isRed).map {
            TodayView.RedKPI(key: $0.key, title: $0.title, latest: $0.latest, target: $0.target)
        }
        let todayText = localToday.description
        let overdue = try store.actions().filter { ($0.dueDate ?? "9999") < todayText }.map {
            TodayView.Action(id: $0.id ?? 0, text: $0.text, owner: $0.owner, due: $0.dueDate, playbook: $0.playbookId)
        }
        let dead = try store.deliveryCounts().values.reduce(0) { $0 + $1.dead }
        let failing = try store.progress().compactMap { id, progress in
            progress.lastError.map { TodayView.Failing(playbook: id, error: workspace.redact($0)) }
        }.sorted { $0.playbook < $1.playbook }
        return TodayView(
            chrome: chrome("Today", "/"), today: HumanTime.longDate(localToday), meetings: meetings.map(\.1), hasMeetings: !meetings.isEmpty,
            redKPIs: red, hasRedKPIs: !red.isEmpty, overdue: overdue, hasOverdue: !overdue.isEmpty, deadDeliveries: dead,
            hasDeadDeliveries: dead > 0, failing: failing, hasFailing: !failing.isEmpty)
    }

    // MARK: Meeting

    func meeting(_ playbook: Playbook, at occurrence: Int64) throws -> MeetingView {
        let agenda = try AgendaSource(workspace: workspace, store: store).agenda(for: playbook, at: occurrence, now: now)
        let path = Self.meetingPath(playbook: playbook.id, occurrence: occurrence)
        let note = try store.meetingNote(playbook: playbook.id, scheduledAt: occurrence)
        let kpi = { (row: ScorecardRow) in
            MeetingView.Section.KPI(title: row.title, latest: row.latest, target: row.target, trend: row.trend, status: row.status,
                tone: row.status.replacingOccurrences(of: " ", with: "-"), isRed: row.isRed)
        }
        let sections = agenda.sections.map { section in
            MeetingView.Section(
                number: section.number, title: section.title, minutes: section.minutes, start: section.start, end: section.end,
                items: section.items, hasItems: !section.items.isEmpty, scorecard: section.scorecard.map(kpi),
                hasScorecard: !section.scorecard.isEmpty, redKPIs: section.redKPIs.map(kpi), hasRedKPIs: !section.redKPIs.isEmpty)
        }
        let checklist = agenda.checklist.map { row in
            MeetingView.ChecklistItem(
                number: row.number, item: row.item, owner: row.owner, due: row.due, done: row.done, doneBy: row.doneBy, doneAt: row.doneAt,
                action: "\(path)/checklist/\(row.number)", nextValue: row.done ? "0" : "1", button: row.done ? "Untick" : "Tick")
        }
        let actions = agenda.actionItems.map { MeetingView.Action(id: $0.id, text: $0.text, owner: $0.owner, due: $0.due, overdue: $0.overdue) }
        let previous = playbook.schedule.previous(atOrBefore: occurrence - 1).map { Self.meetingPath(playbook: playbook.id, occurrence: $0.instant) }
        let next = playbook.schedule.next(after: occurrence).map { Self.meetingPath(playbook: playbook.id, occurrence: $0.instant) }
        return MeetingView(
            chrome: chrome(playbook.title, ""), playbook: playbook.id, title: playbook.title, occurrence: RFC3339.formatUTC(occurrence),
            when: "\(HumanTime.longDate(playbook.timeZone.localDateTime(at: occurrence).date)), \(agenda.startTime)–\(agenda.endTime) \(agenda.zoneAbbreviation)",
            duration: agenda.duration, owner: agenda.owner, attendees: agenda.attendees.isEmpty ? nil : agenda.attendees.joined(separator: ", "),
            descriptionLines: playbook.description.map { $0.split(separator: "\n").map(String.init) } ?? [], sections: sections,
            checklist: checklist, hasChecklist: !checklist.isEmpty, checklistDone: checklist.filter(\.done).count, checklistTotal: checklist.count,
            actions: actions, hasActions: !actions.isEmpty, notes: note?.text, notesBy: note?.updatedBy,
            notesAt: note.map { HumanTime.shortDateTime(zone.localDateTime(at: $0.updatedAt)) }, path: path, previous: previous, next: next,
            agendaFile: nil)
    }

    // MARK: Action items

    enum ActionStatus: String, CaseIterable {
        case open, overdue, done, all
        var label: String {
            switch self {
            case .open: "Open"
            case .overdue: "Overdue"
            case .done: "Done"
            case .all: "All"
            }
        }
    }

    func actions(owner: String?, playbook: String?, status: ActionStatus, returnTo: String) throws -> ActionsView {
        let todayText = localToday.description
        let all = try store.actions(includeDone: true)
        let items = all.filter { item in
            if let owner, item.owner != owner { return false }
            if let playbook, item.playbookId != playbook { return false }
            switch status {
            case .open: return !item.isDone
            case .overdue: return !item.isDone && (item.dueDate ?? "9999") < todayText
            case .done: return item.isDone
            case .all: return true
            }
        }.map { item in
            let owning = item.playbookId.flatMap { workspace.playbook(id: $0) }
            let meeting = owning.flatMap { p in p.schedule.previous(atOrBefore: now).map { Self.meetingPath(playbook: p.id, occurrence: $0.instant) } }
            return ActionsView.Item(
                id: item.id ?? 0, text: item.text, owner: item.owner, due: item.dueDate, playbook: item.playbookId,
                overdue: !item.isDone && (item.dueDate ?? "9999") < todayText, done: item.isDone, doneBy: item.doneBy, createdBy: item.createdBy,
                meetingHref: meeting)
        }
        let owners = Set(all.compactMap(\.owner)).sorted().map { ActionsView.Option(value: $0, label: $0, selected: $0 == owner) }
        let playbooks = workspace.playbooks.map { ActionsView.Option(value: $0.id, label: $0.title, selected: $0.id == playbook) }
        let carrying = workspace.playbooks.filter { $0.isEnabled && $0.agenda.contains(where: \.carryOver) }
        let addPlaybooks = (carrying.isEmpty ? workspace.playbooks : carrying).map {
            ActionsView.Option(value: $0.id, label: $0.title, selected: $0.id == playbook)
        }
        return ActionsView(
            chrome: chrome("Action items", "/actions"), items: items, hasItems: !items.isEmpty, owners: owners, playbooks: playbooks,
            statuses: ActionStatus.allCases.map { ActionsView.Option(value: $0.rawValue, label: $0.label, selected: $0 == status) },
            addPlaybooks: addPlaybooks, returnTo: returnTo, filtered: owner != nil || playbook != nil || status != .open)
    }

    // MARK: KPIs

    func kpis() throws -> KPIsView {
        let definitions = workspace.kpiDefinitions
        let values = try store.kpiValues()
        // Thirteen weeks, Monday to Sunday, the last one holding today.
        let monday = localToday.adding(days: -localToday.weekday.mondayIndex)
        let starts = (0..<13).map { monday.adding(days: -7 * (12 - $0)) }
        let byKPI = Dictionary(grouping: values, by: \.kpi)
        let scorecard = Dictionary(uniqueKeysWithValues: Scorecard.rows(definitions: definitions, values: values).map { ($0.key, $0) })
        let rows = definitions.map { kpi in
            let points = byKPI[kpi.key] ?? []
            let cells = starts.map { start -> KPIsView.Cell in
                let end = start.adding(days: 7).description
                guard let latest = points.filter({ $0.measuredOn >= start.description && $0.measuredOn < end }).max(by: { $0.measuredOn < $1.measuredOn })
                else { return KPIsView.Cell(text: "—", status: "none") }
                return KPIsView.Cell(text: kpi.format(latest.value), status: kpi.status(of: latest.value).rawValue)
            }
            let row = scorecard[kpi.key]
            return KPIsView.Row(
                key: kpi.key, title: kpi.title, unit: kpi.unit, target: kpi.targetText, cells: cells, latest: row?.latest ?? "—",
                status: row?.status ?? "no data", tone: (row?.status ?? "no data").replacingOccurrences(of: " ", with: "-"))
        }
        let titles = Dictionary(uniqueKeysWithValues: definitions.map { ($0.key, $0) })
        let recent = values.sorted { ($0.measuredOn, $0.recordedAt) > ($1.measuredOn, $1.recordedAt) }.prefix(50).map { value in
            let kpi = titles[value.kpi]
            return KPIsView.Value(
                kpi: value.kpi, title: kpi?.title ?? value.kpi, date: value.measuredOn, value: kpi?.format(value.value) ?? "\(value.value)",
                status: kpi?.status(of: value.value).rawValue ?? "", recordedBy: value.recordedBy,
                deleteAction: "/kpis/\(value.kpi)/\(value.measuredOn)/delete")
        }
        return KPIsView(
            chrome: chrome("KPIs", "/kpis"), weeks: starts.map { HumanTime.shortDate($0) }, rows: rows, recent: Array(recent),
            hasRecent: !recent.isEmpty, kpis: definitions.map { KPIsView.Option(value: $0.key, label: "\($0.title)\($0.unit.isEmpty ? "" : " (\($0.unit))")") },
            today: localToday.description)
    }

    // MARK: Outbox

    func outbox(states: [DeliveryState]?) throws -> OutboxView {
        let rows = try store.deliveries(states: states, limit: 200).map { row in
            OutboxView.Row(
                id: row.id ?? 0, playbook: row.playbookId, target: row.target, state: row.state.rawValue, attempts: row.attempts,
                reminderAt: RFC3339.format(row.reminderAt, offset: zone.offset(at: row.reminderAt)),
                lastError: row.lastError.map { workspace.redact($0) },
                canRetry: [.dead, .expired, .missed].contains(row.state),
                canDrop: [.pending, .retrying, .dead, .expired].contains(row.state))
        }
        return OutboxView(chrome: chrome("Deliveries", "/outbox"), rows: rows, hasRows: !rows.isEmpty)
    }
}
