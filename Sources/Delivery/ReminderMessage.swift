/// Everything a reminder says, independent of where it is posted. Each ``WebhookKind`` renders
/// it in its own format.
///
/// Times arrive already formatted: the scheduler knows the zone rules, the formats only lay
/// text out. Keep the same message (same ``deliveryID``) for every attempt of a delivery, so
/// that retries send identical bytes.
package struct ReminderMessage: Hashable, Sendable, Codable {
    /// The delivery's idempotency key: stable across retries, sent as `webhook-id` (and as
    /// Google Chat's `requestId`).
    package var deliveryID: String
    /// The playbook's identifier, e.g. `weekly-kpi-review`.
    package var playbookID: String
    /// The meeting's title, e.g. `Weekly KPI review`.
    package var title: String
    /// The occurrence's start as RFC 3339 with its offset, e.g. `2026-12-07T09:00:00-05:00`.
    package var occurrence: String
    /// The occurrence as people read it, e.g. `Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York)`.
    package var localTimeLine: String
    /// When this reminder is due, RFC 3339, e.g. `2026-12-07T08:45:00-05:00`.
    package var reminderAt: String
    /// How long before the start the reminder fires, e.g. `15m`.
    package var before: String
    /// How late the reminder is being sent, e.g. `3h12m`; `nil` when on time.
    package var lateBy: String?
    /// The meeting's length in minutes.
    package var durationMinutes: Int
    /// Who runs the meeting.
    package var owner: String?
    /// Who attends.
    package var attendees: [String]
    /// The agenda, in order.
    package var agenda: [AgendaSection]
    /// Checklist items; the chat formats show the open ones.
    package var checklist: [ChecklistItem]
    /// Action items; the chat formats show the overdue ones.
    package var actionItems: [ActionItem]
    /// KPI alerts to raise.
    package var alerts: [KPIAlert]
    /// The full rendered agenda in Markdown (sent whole by the generic format).
    package var agendaMarkdown: String
    /// A link (`https://…`) or path to the rendered agenda, if published.
    package var agendaLink: String?
    /// Set on an escalation (nobody acknowledged the occurrence in time): what the message
    /// says instead of "starts in". Formats lead with it.
    package var escalation: String? = nil
    /// A signed link that acknowledges the occurrence (a confirmation page, then a button).
    package var acknowledgeLink: String? = nil
    /// Set on a checklist item's own reminder (`remind: true`): which item, and whether it is
    /// the late-item one at the start. ``escalation`` then holds its lead line ("Checklist item
    /// due: …"), so every format leads with it as with an escalation; the generic JSON has
    /// `"type": "checklist_item"` and this as `checklist_item`.
    package var checklistReminder: ChecklistReminder? = nil
    /// Set when a holiday policy moved the meeting ("moved from Fri 25 Dec: Christmas Day");
    /// ``localTimeLine`` says it too, so every format shows it.
    package var holiday: String? = nil
    /// Set when the target takes interactive buttons (a Slack target with a `signing_secret`, a
    /// Mattermost target with `buttons: true`): Acknowledge and Done are buttons that post
    /// back to the web app instead of links.
    package var buttons: Buttons? = nil
    /// KPIs red long enough on the cadence's rung below to climb into this meeting.
    package var escalatedKPIs: [EscalatedKPI] = []
    /// The owner and attendees with their chat handles (from `people:`), owner first. A name
    /// of ``owner`` or ``attendees`` listed here is written as a mention where the kind has a
    /// handle for it; every other name stays plain text.
    package var mentions: [Mention] = []

    /// Creates a message.
    package init(
        deliveryID: String,
        playbookID: String,
        title: String,
        occurrence: String,
        localTimeLine: String,
        reminderAt: String,
        before: String,
        lateBy: String? = nil,
        durationMinutes: Int,
        owner: String? = nil,
        attendees: [String] = [],
        agenda: [AgendaSection] = [],
        checklist: [ChecklistItem] = [],
        actionItems: [ActionItem] = [],
        alerts: [KPIAlert] = [],
        agendaMarkdown: String = "",
        agendaLink: String? = nil,
        mentions: [Mention] = []
    ) {
        self.deliveryID = deliveryID
        self.playbookID = playbookID
        self.title = title
        self.occurrence = occurrence
        self.localTimeLine = localTimeLine
        self.reminderAt = reminderAt
        self.before = before
        self.lateBy = lateBy
        self.durationMinutes = durationMinutes
        self.owner = owner
        self.attendees = attendees
        self.agenda = agenda
        self.checklist = checklist
        self.actionItems = actionItems
        self.alerts = alerts
        self.agendaMarkdown = agendaMarkdown
        self.agendaLink = agendaLink
        self.mentions = mentions
    }

    /// The checklist item a reminder is about.
    package struct ChecklistReminder: Hashable, Sendable, Codable {
        /// The item's 1-based number in the playbook's checklist.
        package var number: Int
        /// What to do.
        package var text: String
        /// Who does it (the only person the reminder mentions).
        package var owner: String?
        /// True for the reminder at the start: the item is still not done.
        package var late: Bool

        /// Creates a checklist reminder.
        package init(number: Int, text: String, owner: String? = nil, late: Bool) {
            self.number = number
            self.text = text
            self.owner = owner
            self.late = late
        }
    }

    /// One agenda segment.
    package struct AgendaSection: Hashable, Sendable, Codable {
        /// The segment's name, e.g. `Scorecard`.
        package var title: String
        /// Its time box in minutes.
        package var minutes: Int
        /// Its slot on the clock, e.g. `09:05–09:10`.
        package var clock: String

        /// Creates an agenda section.
        package init(title: String, minutes: Int, clock: String) {
            self.title = title
            self.minutes = minutes
            self.clock = clock
        }
    }

    /// One checklist item.
    package struct ChecklistItem: Hashable, Sendable, Codable {
        /// What to do.
        package var text: String
        /// Who does it.
        package var owner: String?
        /// When it is due, as text (e.g. `before the meeting`, `2026-12-07`).
        package var due: String?
        /// Whether it is done.
        package var done: Bool
        /// A signed link that ticks it (a confirmation page, then a button).
        package var doneLink: String?

        /// Creates a checklist item.
        package init(text: String, owner: String? = nil, due: String? = nil, done: Bool = false, doneLink: String? = nil) {
            self.text = text
            self.owner = owner
            self.due = due
            self.done = done
            self.doneLink = doneLink
        }

        /// ``doneLink`` when chat formats can show it as a link.
        var doneURL: String? { ReminderMessage.linkable(doneLink) }
    }

    /// How a target that takes buttons gets the clicks back.
    package struct Buttons: Hashable, Sendable, Codable {
        /// Where Mattermost posts a click (the web app's `/integrations/mattermost/actions`).
        /// Slack posts to the Request URL set in the Slack app, so a Slack message needs none.
        package var integrationURL: String?

        /// Creates the button settings of a message.
        package init(integrationURL: String? = nil) {
            self.integrationURL = integrationURL
        }
    }

    /// One action item carried between meetings.
    package struct ActionItem: Hashable, Sendable, Codable {
        /// Its identifier, e.g. `A-12`.
        package var id: String
        /// What was committed to.
        package var text: String
        /// Who owns it.
        package var owner: String?
        /// Its due date, as text.
        package var due: String?
        /// Whether it is past due.
        package var overdue: Bool

        /// Creates an action item.
        package init(id: String, text: String, owner: String? = nil, due: String? = nil, overdue: Bool = false) {
            self.id = id
            self.text = text
            self.owner = owner
            self.due = due
            self.overdue = overdue
        }
    }

    /// A KPI alert.
    package struct KPIAlert: Hashable, Sendable, Codable {
        /// The alert, e.g. `Conversion 1.8% (goal ≥2.2%)`.
        package var text: String
        /// How bad it is.
        package var severity: Severity

        /// Creates an alert.
        package init(text: String, severity: Severity) {
            self.text = text
            self.severity = severity
        }
    }

    /// A KPI escalated up the cadence: red at several daily checks in a row (into the weekly
    /// review), at several weekly reviews (into the monthly one), or still red at quarter end.
    package struct EscalatedKPI: Hashable, Sendable, Codable {
        /// Its key, e.g. `cost_per_order`.
        package var kpi: String
        /// Its title, e.g. `Cost per order`.
        package var title: String
        /// The rung it came from: `daily`, `weekly` or `monthly`.
        package var from: String
        /// How many occurrences of that rung in a row.
        package var streak: Int
        /// The values that kept it red, oldest first, e.g. `$6.40 (2026-11-27)`.
        package var values: [String]
        /// Its target, e.g. `≤ $4.50`.
        package var target: String

        /// One line for chat: `Cost per order: red at 3 daily checks in a row, latest $6.40 (2026-11-27), target ≤ $4.50`.
        package var summary: String {
            let rung = ["daily": "daily checks", "weekly": "weekly reviews", "monthly": "monthly reviews"][from] ?? "\(from) meetings"
            let latest = values.last.map { ", latest \($0)" } ?? ""
            return "\(title): red at \(streak) \(rung) in a row\(latest), target \(target)"
        }

        /// Creates an escalated KPI.
        package init(kpi: String, title: String, from: String, streak: Int, values: [String], target: String) {
            self.kpi = kpi
            self.title = title
            self.from = from
            self.streak = streak
            self.values = values
            self.target = target
        }
    }

    /// How bad a KPI alert is.
    package enum Severity: String, Hashable, Sendable, Codable, CaseIterable {
        /// Off track (red).
        case critical
        /// At risk (yellow).
        case warning
        /// For information.
        case info
    }

    /// The mention of a name of ``owner`` or ``attendees``, if it has one.
    package func mention(named name: String) -> Mention? { mentions.first { $0.name == name } }

    /// The handles to mention on `kind`, each once, in ``mentions`` order (owner first): only
    /// those of names the message shows as ``owner`` or among ``attendees``.
    package func mentionHandles(for kind: WebhookKind) -> [String] {
        let shown = Set([owner].compactMap { $0 } + attendees)
        var seen = Set<String>()
        return mentions.filter { shown.contains($0.name) }.compactMap { $0.handle(for: kind) }.filter { seen.insert($0).inserted }
    }

    /// The checklist items not yet done.
    package var openChecklistItems: [ChecklistItem] { checklist.filter { !$0.done } }

    /// The action items past due.
    package var overdueActionItems: [ActionItem] { actionItems.filter(\.overdue) }

    /// ``acknowledgeLink`` when it is an `http` or `https` URL chat formats can show as a link.
    var acknowledgeURL: String? { Self.linkable(acknowledgeLink) }

    /// ``agendaLink`` when it is an `http` or `https` URL, which chat formats can turn into a link.
    var webLink: String? { Self.linkable(agendaLink) }

    /// A link when it is an `http` or `https` URL with nothing a chat format's link syntax would
    /// read as the end of the link.
    static func linkable(_ link: String?) -> String? {
        guard let link, link.hasPrefix("https://") || link.hasPrefix("http://"),
            !link.contains(where: { $0.isWhitespace || $0 == "|" || $0 == ">" || $0 == "<" || $0 == "\"" || $0 == ")" })
        else { return nil }
        return link
    }
}
