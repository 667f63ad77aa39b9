/// Mattermost incoming-webhook payloads. Mattermost renders the Markdown in `text` (and
/// ignores Block Kit), so `text` carries the whole reminder; the Slack `blocks` ride along for
/// Slack-compatible receivers.
enum MattermostFormat {
    /// Mattermost splits longer posts; stay under its 16,383-character post limit.
    static let textLimit = 16_000

    /// Interactive message buttons per post: Mattermost documents no limit, so stay well
    /// within what a post shows.
    static let maxActions = 15

    static func body(for message: ReminderMessage) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("text", .string(text(for: message))),
            ("blocks", .array(SlackFormat.blocks(for: message, mentions: false))),
        ]
        let actions = self.actions(for: message)
        if !actions.isEmpty {
            fields.append(("attachments", .array([.object([("fallback", .string("Acknowledge or tick items on the meeting page")), ("actions", .array(actions))])])))
        }
        return .object(fields)
    }

    /// Interactive message buttons: each posts its signed action path, as `context.action`, to
    /// the web app's integration URL, which verifies it.
    static func actions(for message: ReminderMessage) -> [JSONValue] {
        guard let url = message.buttons?.integrationURL else { return [] }
        func action(_ id: String, _ name: String, _ path: String, style: String) -> JSONValue {
            .object([
                ("id", .string(id)), ("name", .string(TextBudget.truncate(name, to: SlackFormat.buttonTextLimit))), ("style", .string(style)),
                ("integration", .object([("url", .string(url)), ("context", .object([("action", .string(path))]))])),
            ])
        }
        var actions: [JSONValue] = []
        if let ack = message.acknowledgeURL { actions.append(action("ack", "Acknowledge", ack, style: "primary")) }
        for (index, item) in message.openChecklistItems.enumerated() where actions.count < maxActions {
            // Mattermost action ids are letters and digits only.
            if let done = item.doneURL { actions.append(action("done\(index + 1)", "Done: " + TextBudget.oneLine(item.text), done, style: "default")) }
        }
        return actions
    }

    static func text(for message: ReminderMessage) -> String {
        func clean(_ text: String) -> String { TextBudget.defusingMentions(TextBudget.markdownLine(text)) }
        func person(_ name: String) -> String {
            if let handle = message.mention(named: name)?.handle(for: .mattermost) { return "@" + handle }
            return clean(name)
        }
        var parts: [String] = []
        var details = ["#### Reminder: \(clean(message.title))", "**When:** \(clean(message.localTimeLine))"]
        if let escalation = message.escalation {
            details[0] = "#### ⚠️ \(clean(escalation))"
        } else {
            var starts = "**Starts in:** \(clean(message.before))"
            if let late = message.lateBy { starts += " (sent late by \(clean(late)))" }
            details.append(starts)
        }
        details.append("**Duration:** \(message.durationMinutes) min")
        if let owner = message.owner { details.append("**Owner:** \(person(owner))") }
        if !message.attendees.isEmpty { details.append("**Attendees:** \(message.attendees.map(person).joined(separator: ", "))") }
        parts.append(TextBudget.truncate(details.joined(separator: "\n"), to: 2000))

        func list(_ title: String, _ lines: some Collection<String>, noun: String, limit: Int) {
            guard !lines.isEmpty else { return }
            parts.append("**\(title)**\n" + TextBudget.pack(lines, limit: limit, noun: noun) { $0 })
        }
        list(
            "Agenda", message.agenda.lazy.map { section in "- " + TextBudget.agendaLine(section, title: clean(section.title)) { "`\(clean($0))`" } },
            noun: "section", limit: 6000)
        list(
            "Open checklist items",
            message.openChecklistItems.lazy.map { item in
                "- [ ] \(clean(item.text))" + extras(owner: item.owner, due: item.due, clean: clean)
                    + (message.buttons == nil ? item.doneURL.map { " [Done](\($0))" } ?? "" : "")
            }, noun: "item", limit: 3000)
        list(
            "Overdue action items",
            message.overdueActionItems.lazy.map { item in
                "- **\(clean(item.id))** \(clean(item.text))" + extras(owner: item.owner, due: item.due, clean: clean)
            }, noun: "item", limit: 2500)
        list("KPI alerts", message.alerts.lazy.map { "- \(SlackFormat.symbol($0.severity)) \(clean($0.text))" }, noun: "alert", limit: 2000)
        list("Escalated KPIs", message.escalatedKPIs.lazy.map { "- 🔺 \(clean($0.summary))" }, noun: "KPI", limit: 2000)
        if let link = message.webLink {
            parts.append("[Open the full agenda](\(link))")
        } else if let path = message.agendaLink {
            parts.append("Agenda: `\(clean(path))`")
        }
        if message.buttons == nil, let ack = message.acknowledgeURL { parts.append("[Acknowledge](\(ack))") }
        return TextBudget.truncate(parts.joined(separator: "\n\n"), to: textLimit)
    }

    private static func extras(owner: String?, due: String?, clean: (String) -> String) -> String {
        let parts = [owner.map(clean), due.map { "due \(clean($0))" }].compactMap { $0 }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }
}
