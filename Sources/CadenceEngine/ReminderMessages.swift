import Agendas
import Delivery
import Foundation
import Playbooks
import Recurrence
import StateStore

/// Builds the kind-neutral message of a reminder from its playbook and the agenda as it stands.
enum ReminderMessages {
    static func message(
        for row: DeliveryRecord, playbook: Playbook, source: AgendaSource, renderer: @autoclosure () throws -> AgendaRenderer, now: Int64,
        rendered: RenderedAgendas = RenderedAgendas()
    ) throws -> ReminderMessage {
        let start = row.reminderAt + Int64(row.beforeSeconds)
        let agenda: Agenda
        let markdown: String
        if let ready = rendered.agenda(playbook: playbook.id, at: start) {
            (agenda, markdown) = ready
        } else {
            agenda = try source.agenda(for: playbook, at: start, now: now)
            markdown = try renderer().render(agenda, as: .markdown)
        }
        let zone = playbook.timeZone
        let late = now - row.reminderAt
        var alerts: [ReminderMessage.KPIAlert] = []
        for section in agenda.sections where section.showsRedKPIs || !section.scorecard.isEmpty {
            for row in (section.showsRedKPIs ? section.redKPIs : section.scorecard.filter(\.isRed))
            where !alerts.contains(where: { $0.text.hasPrefix(row.title + " ") }) {
                alerts.append(ReminderMessage.KPIAlert(text: "\(row.title) \(row.latest), target \(row.target)", severity: .critical))
            }
        }
        var message = ReminderMessage(
            deliveryID: row.idempotencyKey, playbookID: playbook.id, title: playbook.title,
            occurrence: RFC3339.format(start, offset: zone.offset(at: start)),
            localTimeLine: HumanTime.span(start: start, duration: playbook.duration, zone: zone, source.workspace.configuration.presentation)
                + (agenda.holiday.map { " (\($0))" } ?? ""),
            reminderAt: RFC3339.format(row.reminderAt, offset: zone.offset(at: row.reminderAt)),
            before: DurationText.format(row.beforeSeconds), lateBy: late > 60 ? DurationText.format(Int(late) / 60 * 60) : nil,
            durationMinutes: playbook.duration / 60, owner: playbook.owner, attendees: playbook.attendees,
            agenda: agenda.sections.map { ReminderMessage.AgendaSection(title: $0.title, minutes: $0.minutes, clock: "\($0.start)–\($0.end)") },
            checklist: agenda.checklist.map {
                ReminderMessage.ChecklistItem(
                    text: $0.item, owner: $0.owner, due: $0.due, done: $0.done,
                    doneLink: $0.done ? nil : ActionLinks.done(item: $0.number, playbook: playbook, occurrence: start, workspace: source.workspace))
            },
            actionItems: agenda.actionItems.map { ReminderMessage.ActionItem(id: "#\($0.id)", text: $0.text, owner: $0.owner, due: $0.due, overdue: $0.overdue) },
            alerts: alerts, agendaMarkdown: markdown, agendaLink: agendaLink(for: playbook, at: start, in: source.workspace))
        if row.isEscalation { message.escalation = escalationText(for: row, playbook: playbook) }
        if let escalation = agenda.escalation {
            message.escalatedKPIs = escalation.kpis.map {
                ReminderMessage.EscalatedKPI(kpi: $0.key, title: $0.title, from: escalation.from, streak: $0.count, values: $0.values, target: $0.target)
            }
        }
        message.mentions = mentions(owner: playbook.owner, attendees: playbook.attendees, people: source.workspace.configuration)
        if row.isChecklistReminder, playbook.checklist.indices.contains(row.checklistItem - 1) {
            let item = playbook.checklist[row.checklistItem - 1]
            let reminder = ReminderMessage.ChecklistReminder(number: row.checklistItem, text: item.item, owner: item.owner, late: row.beforeSeconds == 0)
            message.checklistReminder = reminder
            // Led by the item, the formats' escalation line; about the item's owner alone, so
            // only they are named and mentioned, not the meeting's owner and attendees.
            let when = HumanTime.shortDateTime(zone.localDateTime(at: start), source.workspace.configuration.presentation)
            message.escalation = checklistText(for: reminder, playbook: playbook, when: when)
            message.owner = item.owner
            message.attendees = []
            message.mentions = mentions(owner: item.owner, attendees: [], people: source.workspace.configuration)
        }
        message.holiday = agenda.holiday
        message.acknowledgeLink = ActionLinks.acknowledge(playbook: playbook, occurrence: start, workspace: source.workspace)
        message.buttons = buttons(for: source.workspace.configuration.target(named: row.target), web: source.workspace.configuration.web)
        return message
    }

    /// The owner and attendees that `people:` gives a handle, owner first, each name once (as
    /// the playbook writes it, which is how the formats find it).
    static func mentions(owner: String?, attendees: [String], people: WorkspaceConfiguration) -> [Mention] {
        var mentions: [Mention] = []
        for (name, role) in [owner.map { ($0, Mention.Role.owner) }].compactMap({ $0 }) + attendees.map({ ($0, .attendee) })
        where !mentions.contains(where: { $0.name == name }) {
            guard let handles = people.person(named: name)?.handles, !handles.isEmpty else { continue }
            mentions.append(
                Mention(
                    name: name, role: role,
                    handles: Mention.Handles(
                        slack: handles.slack, discord: handles.discord, msteams: handles.teams, googlechat: handles.googlechat,
                        mattermost: handles.mattermost, email: handles.email)))
        }
        return mentions
    }

    /// Buttons for a target that takes them, when the web app can receive the clicks: a Slack
    /// target with the Slack app's signing secret, a Mattermost target with `buttons: true`.
    static func buttons(for target: Target?, web: WebSettings) -> ReminderMessage.Buttons? {
        guard let target, let base = web.url, web.secret != nil else { return nil }
        switch target.kind {
        case .slack where target.interactionSecret != nil: return ReminderMessage.Buttons()
        case .mattermost where target.buttons: return ReminderMessage.Buttons(integrationURL: base + "/integrations/mattermost/actions")
        default: return nil
        }
    }

    /// An escalation's own `message:`, else "Not acknowledged: TITLE — nobody acknowledged it
    /// within 30m (opscadence ack ID)".
    static func escalationText(for row: DeliveryRecord, playbook: Playbook) -> String {
        let acknowledgement = playbook.acknowledgement
        if let custom = acknowledgement?.escalations.first(where: { $0.target == row.target && $0.after == -row.beforeSeconds })?.message {
            return custom
        }
        let within = acknowledgement.map { " within \(DurationText.format($0.within))" } ?? ""
        return "Not acknowledged: \(playbook.title) — nobody acknowledged it\(within) (opscadence ack \(playbook.id))"
    }

    /// "Checklist item due: Update the scorecard — Ops Lead (Weekly KPI review, Mon 7 Dec 09:00)",
    /// or for the late-item reminder at the start "Still not done at the start: …".
    static func checklistText(for item: ReminderMessage.ChecklistReminder, playbook: Playbook, when: String) -> String {
        let lead = item.late ? "Still not done at the start" : "Checklist item due"
        return "\(lead): \(item.text)\(item.owner.map { " — \($0)" } ?? "") (\(playbook.title), \(when))"
    }

    /// The live meeting page when `web.url` is set; else the published HTML agenda when
    /// `agenda_url` is set; else the Markdown file's path in the workspace (chat formats show a
    /// path as text and a URL as a link or button).
    static func agendaLink(for playbook: Playbook, at instant: Int64, in workspace: Workspace) -> String {
        let configuration = workspace.configuration
        if let web = configuration.web.url {
            return web + meetingPath(playbook: playbook.id, at: instant)
        }
        if let base = configuration.agendaBaseURL {
            return base + "/" + AgendaFiles.path(output: "", playbook: playbook, instant: instant, format: .html)
        }
        return AgendaFiles.path(output: configuration.outputFolder, playbook: playbook, instant: instant, format: .markdown)
    }
}

/// The web app's address of one meeting (`/meetings/weekly-kpi-review/2026-12-07T14:00:00Z`):
/// reminders link to it, and `serve` answers it.
package func meetingPath(playbook: String, at instant: Int64) -> String {
    "/meetings/\(playbook)/\(RFC3339.formatUTC(instant))"
}

/// The agendas a tick has just built, kept for that tick's reminders so that a reminder at the
/// start (`before: 0m`) does not query and render the same agenda again.
struct RenderedAgendas: Sendable {
    var byKey: [String: (agenda: Agenda, markdown: String)] = [:]

    static func key(_ playbookId: String, _ instant: Int64) -> String { "\(playbookId)@\(instant)" }

    func agenda(playbook: String, at instant: Int64) -> (agenda: Agenda, markdown: String)? {
        byKey[Self.key(playbook, instant)]
    }
}
