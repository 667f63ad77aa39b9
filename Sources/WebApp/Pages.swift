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
    /// The signed-in person's name.
    let viewer: String?
    let chrome: (String, String) -> Chrome

    private var zone: ZoneRules { workspace.configuration.timeZone }
    private var localToday: CivilDate { workspace.configuration.date(at: now) }

    /// The canonical path of a meeting page.
    static func meetingPath(playbook: String, occurrence: Int64) -> String {
        CadenceEngine.meetingPath(playbook: playbook, at: occurrence)
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
                            when: HumanTime.span(start: occurrence.instant, duration: playbook.duration, zone: playbook.timeZone, workspace.configuration.presentation),
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
        // Occurrences of the last week that ask for an acknowledgement and have none.
        var unacknowledged: [(Int64, TodayView.Meeting)] = []
        for playbook in workspace.playbooks where playbook.isEnabled && playbook.acknowledgement != nil {
            let recent = playbook.schedule.occurrences(after: now - 7 * 86_400).lazy.prefix { $0.instant <= now }.suffix(20)
            for occurrence in recent where try store.acknowledgement(playbook: playbook.id, scheduledAt: occurrence.instant) == nil {
                unacknowledged.append(
                    (
                        occurrence.instant,
                        TodayView.Meeting(
                            playbook: playbook.id, title: playbook.title, occurrence: RFC3339.formatUTC(occurrence.instant),
                            when: HumanTime.span(start: occurrence.instant, duration: playbook.duration, zone: playbook.timeZone, workspace.configuration.presentation),
                            href: Self.meetingPath(playbook: playbook.id, occurrence: occurrence.instant), isToday: false,
                            isOver: occurrence.instant + Int64(playbook.acknowledgement!.within) < now, checklist: "")
                    ))
            }
        }
        unacknowledged.sort { $0.0 > $1.0 }
        return TodayView(
            chrome: chrome("Today", "/"), today: HumanTime.longDate(localToday, workspace.configuration.presentation), meetings: meetings.map(\.1), hasMeetings: !meetings.isEmpty,
            redKPIs: red, hasRedKPIs: !red.isEmpty, overdue: overdue, hasOverdue: !overdue.isEmpty, deadDeliveries: dead,
            hasDeadDeliveries: dead > 0, failing: failing, hasFailing: !failing.isEmpty, unacknowledged: unacknowledged.map(\.1),
            hasUnacknowledged: !unacknowledged.isEmpty)
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
                action: "\(path)/checklist/\(row.number)", nextValue: row.done ? "0" : "1", button: row.done ? "Untick" : "Tick",
                dueTime: row.dueTime, doneTime: row.doneTime)
        }
        let actions = agenda.actionItems.map { MeetingView.Action(id: $0.id, text: $0.text, owner: $0.owner, due: $0.due, overdue: $0.overdue) }
        let previous = playbook.schedule.previous(atOrBefore: occurrence - 1).map { Self.meetingPath(playbook: playbook.id, occurrence: $0.instant) }
        let next = playbook.schedule.next(after: occurrence).map { Self.meetingPath(playbook: playbook.id, occurrence: $0.instant) }
        let ratings = try store.ratings(playbook: playbook.id, scheduledAt: occurrence)
        let mine = viewer.flatMap { ratings[$0] }
        let rating = MeetingView.Rating(
            isOpen: now >= occurrence,
            average: ratings.isEmpty ? nil : String(format: "%.1f", Double(ratings.values.reduce(0, +)) / Double(ratings.count)),
            count: ratings.count, entries: ratings.sorted { $0.key < $1.key }.map { MeetingView.Rating.Entry(person: $0.key, rating: $0.value) },
            options: (1...10).map { MeetingView.Rating.Option(value: $0, selected: $0 == (mine ?? 0)) }, mine: mine)
        let ack = try store.acknowledgement(playbook: playbook.id, scheduledAt: occurrence)
        let deadline = playbook.acknowledgement.map { occurrence + Int64($0.within) }
        let acknowledgement = MeetingView.Acknowledgement(
            isAcknowledged: ack != nil, by: ack?.by, via: ack?.via, at: ack.map { HumanTime.shortDateTime(zone.localDateTime(at: $0.at), workspace.configuration.presentation) },
            due: deadline.map { HumanTime.shortDateTime(playbook.timeZone.localDateTime(at: $0), workspace.configuration.presentation) },
            isOverdue: ack == nil && deadline.map { now > $0 } == true, canAcknowledge: ack == nil && occurrence <= now + 3600,
            atTime: ack.map { RFC3339.format($0.at, offset: zone.offset(at: $0.at)) },
            dueTime: deadline.map { RFC3339.format($0, offset: playbook.timeZone.offset(at: $0)) })
        return MeetingView(
            chrome: chrome(playbook.title, ""), playbook: playbook.id, title: playbook.title, occurrence: RFC3339.formatUTC(occurrence),
            when: "\(HumanTime.longDate(playbook.timeZone.localDateTime(at: occurrence).date, workspace.configuration.presentation)), \(agenda.startTime)–\(agenda.endTime) \(agenda.zoneAbbreviation)",
            duration: agenda.duration, owner: agenda.owner, attendees: agenda.attendees.isEmpty ? nil : agenda.attendees.joined(separator: ", "),
            descriptionLines: playbook.description.map { $0.split(separator: "\n").map(String.init) } ?? [], sections: sections,
            checklist: checklist, hasChecklist: !checklist.isEmpty, checklistDone: checklist.filter(\.done).count, checklistTotal: checklist.count,
            actions: actions, hasActions: !actions.isEmpty, notes: note?.text, notesHTML: note.map { NotesText.html($0.text) },
            notesBy: note?.updatedBy,
            notesAt: note.map { HumanTime.shortDateTime(zone.localDateTime(at: $0.updatedAt), workspace.configuration.presentation) }, path: path, previous: previous, next: next,
            agendaFile: nil, rating: rating, acknowledgement: acknowledgement, escalation: agenda.escalation, health: agenda.health,
            notesTime: note.map { RFC3339.format($0.updatedAt, offset: zone.offset(at: $0.updatedAt)) },
            carriesActions: playbook.agenda.contains(where: \.carryOver))
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
        }
        // The meeting an item belongs to, once per playbook (not per item).
        var meetings: [String: String] = [:]
        for playbook in workspace.playbooks where items.contains(where: { $0.playbookId == playbook.id }) {
            meetings[playbook.id] = playbook.schedule.previous(atOrBefore: now).map { Self.meetingPath(playbook: playbook.id, occurrence: $0.instant) }
        }
        let rows = items.map { item in
            let meeting = item.playbookId.flatMap { meetings[$0] }
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
            chrome: chrome("Action items", "/actions"), items: rows, hasItems: !rows.isEmpty, owners: owners, playbooks: playbooks,
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
            chrome: chrome("KPIs", "/kpis"), weeks: starts.map { HumanTime.shortDate($0, workspace.configuration.presentation) }, rows: rows, recent: Array(recent),
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
                canRetry: DeliveryState.retryable.contains(row.state),
                canDrop: [.pending, .retrying, .dead, .expired].contains(row.state))
        }
        return OutboxView(chrome: chrome("Deliveries", "/outbox"), rows: rows, hasRows: !rows.isEmpty)
    }
}

extension Pages {
    /// The quarter a date is in.
    static func quarter(of date: CivilDate) -> Quarter? { Quarter.containing(year: date.year, month: date.month) }

    func maturity() throws -> MaturityView {
        let model = MaturityModel.standard
        let history = try Assessments.load(from: store)
        let current = Self.quarter(of: workspace.configuration.date(at: now))
        let shown = history.last
        let dimensions = MaturityDimension.allCases.map { dimension in
            MaturityView.Dimension(
                key: dimension.rawValue, title: dimension.title, question: model.info(for: dimension)?.question ?? "",
                choices: (1...5).compactMap { n in
                    Stage(n).map { stage in
                        MaturityView.Choice(
                            value: n, stage: stage.name, text: model.characteristics(of: dimension, at: stage),
                            checked: shown?.scores[dimension] == n, id: "\(dimension.rawValue)-\(n)")
                    }
                },
                note: shown?.notes[dimension] ?? "")
        }
        var report: MaturityView.Report?
        if let latest = shown {
            let result = AssessmentResult(assessment: latest, history: history)
            report = MaturityView.Report(
                quarter: result.quarter.description, stage: result.stage, stageName: result.stageName,
                average: String(format: "%.1f", result.average),
                rows: MaturityDimension.allCases.map { d in
                    MaturityView.Row(
                        dimension: d.title, score: result.scores[d],
                        change: result.changes?[d.rawValue].map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "—", isBottleneck: result.bottlenecks.contains(d))
                },
                flatWarning: result.flatWarningText, roadmap: result.roadmap.map(\.text), hasRoadmap: !result.roadmap.isEmpty,
                advice: result.advice, hasTrend: history.count > 1)
        }
        let items = try store.planItems()
        let phases = Dictionary(grouping: items, by: { $0.planPhase ?? "" })
        let plan = model.planPhases.compactMap { phase -> MaturityView.Phase? in
            guard let rows = phases[phase.key] ?? phases[phase.name], !rows.isEmpty else { return nil }
            return MaturityView.Phase(name: phase.name, done: rows.filter(\.isDone).count, total: rows.count)
        }
        return MaturityView(
            chrome: chrome("Maturity", "/maturity"), quarter: (shown?.quarter ?? current)?.description ?? "", dimensions: dimensions,
            report: report, plan: plan, hasPlan: !plan.isEmpty,
            health: try MeetingHealth.measure(workspace: workspace, store: store, weeks: 13, now: now))
    }

    /// The radar (this quarter against the previous) or the trend chart, as SVG; nil before
    /// the first assessment.
    func chart(_ name: String) throws -> String? {
        let history = try Assessments.load(from: store)
        guard !history.isEmpty, let report = try? MaturityReport(assessments: history) else { return nil }
        return name == "radar" ? report.radarSVG : report.lineSVG
    }
}

extension Pages {
    /// A month grid, Monday first, of every enabled playbook's occurrences (holiday moves shown).
    func calendar(month: YearMonth, feedURL: String?) -> CalendarView {
        let first = CivilDate(year: month.year, month: month.month, day: 1)
        let gridStart = first.adding(days: -first.weekday.mondayIndex)
        let nextMonth = month.month == 12 ? YearMonth(year: month.year + 1, month: 1)! : YearMonth(year: month.year, month: month.month + 1)!
        let previousMonth = month.month == 1 ? YearMonth(year: month.year - 1, month: 12)! : YearMonth(year: month.year, month: month.month - 1)!
        let afterLast = CivilDate(year: nextMonth.year, month: nextMonth.month, day: 1)
        let weekCount = (afterLast.dayNumber - gridStart.dayNumber + 6) / 7
        let gridEnd = gridStart.adding(days: weekCount * 7)
        var byDay: [CivilDate: [(Int64, CalendarView.Event)]] = [:]
        for playbook in workspace.playbooks where playbook.isEnabled {
            let zone = playbook.timeZone
            let from = zone.resolve(LocalDateTime(date: gridStart.adding(days: -1))).instant
            let to = zone.resolve(LocalDateTime(date: gridEnd.adding(days: 1))).instant
            for occurrence in playbook.schedule.occurrences(after: from).lazy.prefix(while: { $0.instant < to }).prefix(500) {
                // Shown on the team's calendar date, at the playbook's own local time.
                let date = workspace.configuration.date(at: occurrence.instant)
                let local = occurrence.local
                let moved = occurrence.shift.map { HumanTime.shortDate($0.from, workspace.configuration.presentation) }
                byDay[date, default: []].append(
                    (
                        occurrence.instant,
                        CalendarView.Event(
                            playbook: playbook.id, title: playbook.title, time: HumanTime.clock(local, workspace.configuration.presentation), occurrence: RFC3339.formatUTC(occurrence.instant),
                            href: Self.meetingPath(playbook: playbook.id, occurrence: occurrence.instant), movedFrom: moved)
                    ))
            }
        }
        let today = localToday
        let weeks = (0..<weekCount).map { week in
            CalendarView.Week(
                days: (0..<7).map { offset in
                    let date = gridStart.adding(days: week * 7 + offset)
                    return CalendarView.Day(
                        date: date.description, day: date.day, inMonth: date.month == month.month, isToday: date == today,
                        events: (byDay[date] ?? []).sorted { $0.0 < $1.0 }.map(\.1))
                })
        }
        // "Tuesday 1 December 2026" → "December 2026".
        let title = HumanTime.longDate(first).split(separator: " ").dropFirst(2).joined(separator: " ")
        return CalendarView(
            chrome: chrome("Calendar", "/calendar"), month: month.description, title: title, previous: previousMonth.description,
            next: nextMonth.description, weeks: weeks, feedURL: feedURL)
    }
}
