import Foundation

/// Slack incoming-webhook payloads: a `text` fallback (what notifications show) plus Block Kit
/// `blocks`, within Slack's limits. Mattermost reuses the blocks.
enum SlackFormat {
    static let headerLimit = 150
    static let sectionLimit = 3000
    static let maxBlocks = 50
    static let textLimit = 40_000
    /// Block Kit's limits on an `actions` block: elements, a button's text and its value.
    static let maxActions = 25
    static let buttonTextLimit = 75
    static let buttonValueLimit = 2000
    /// The `action_id`s the web app's interaction endpoint answers.
    static let acknowledgeActionID = "opscadence.ack"
    static let doneActionID = "opscadence.done"
    static let openActionID = "opscadence.open"

    static func body(for message: ReminderMessage) -> JSONValue {
        .object([
            ("text", .string(fallbackText(for: message))),
            ("blocks", .array(blocks(for: message))),
        ])
    }

    /// `&`, `<` and `>` as Slack mrkdwn requires. With `<` escaped, no text from a playbook can
    /// form `<!channel>`, `<!here>`, `<@U…>` or a link; `](` is defused as well, for the
    /// Slack-compatible receivers that read Markdown links (``TextBudget/defusingLinks(_:)``).
    static func escape(_ text: String) -> String {
        TextBudget.defusingLinks(
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))
    }

    /// For `plain_text` fields, which Slack shows literally: only keep `<!…>` and `<@…>` from
    /// ever appearing (and `](`, as in ``escape(_:)``).
    static func plain(_ text: String) -> String {
        TextBudget.defusingLinks(text.replacingOccurrences(of: "<!", with: "<\u{200B}!").replacingOccurrences(of: "<@", with: "<\u{200B}@"))
    }

    static func fallbackText(for message: ReminderMessage) -> String {
        if let escalation = message.escalation {
            return TextBudget.truncate("⚠️ \(escape(TextBudget.oneLine(escalation))) — \(escape(message.localTimeLine))", to: sectionLimit)
        }
        var text = "Reminder: \(escape(TextBudget.oneLine(message.title))) — \(escape(message.localTimeLine)) (starts in \(escape(message.before)))"
        if let late = message.lateBy { text += " — sent late by \(escape(late))" }
        return TextBudget.truncate(text, to: sectionLimit)
    }

    /// - Parameter mentions: Whether the owner and attendees are written as Slack mentions;
    ///   Mattermost, which sends these blocks along, writes its own in `text` instead.
    static func blocks(for message: ReminderMessage, mentions: Bool = true) -> [JSONValue] {
        var blocks: [JSONValue] = [
            .object([
                ("type", .string("header")),
                (
                    "text",
                    .object([
                        ("type", .string("plain_text")),
                        ("text", .string(TextBudget.truncate(plain(TextBudget.oneLine(message.title)), to: headerLimit))), ("emoji", .bool(true)),
                    ])
                ),
            ]),
            section(detailsText(for: message, mentions: mentions)),
        ]
        if !message.agenda.isEmpty {
            let lines = message.agenda.lazy.map { section in
                "• " + TextBudget.agendaLine(section, title: escape(TextBudget.oneLine(section.title))) { "`\(escape($0))`" }
            }
            blocks.append(section(titled: "Agenda", lines: lines, noun: "section"))
        }
        let open = message.openChecklistItems
        if !open.isEmpty {
            // With buttons the Done buttons follow in the actions block; without, each item
            // carries its signed link.
            let links = message.buttons == nil
            blocks.append(
                section(
                    titled: "Open checklist items",
                    lines: open.lazy.map { item in "• ☐ " + describe(item) + (links ? item.doneURL.map { " <\($0)|Done>" } ?? "" : "") },
                    noun: "item"))
        }
        let overdue = message.overdueActionItems
        if !overdue.isEmpty {
            blocks.append(section(titled: "Overdue action items", lines: overdue.lazy.map { "• " + describe($0) }, noun: "item"))
        }
        if !message.alerts.isEmpty {
            blocks.append(
                section(
                    titled: "KPI alerts", lines: message.alerts.lazy.map { "• \(symbol($0.severity)) \(escape(TextBudget.oneLine($0.text)))" },
                    noun: "alert"))
        }
        if !message.escalatedKPIs.isEmpty {
            blocks.append(
                section(
                    titled: "Escalated KPIs", lines: message.escalatedKPIs.lazy.map { "• 🔺 \(escape(TextBudget.oneLine($0.summary)))" },
                    noun: "KPI"))
        }
        let buttons = actionButtons(for: message)
        if !buttons.isEmpty {
            // Kept within the 50-block limit below: the context block is the one given up.
            blocks = Array(blocks.prefix(maxBlocks - 2))
            blocks.append(.object([("type", .string("actions")), ("elements", .array(buttons))]))
        }
        blocks.append(
            .object([
                ("type", .string("context")),
                ("elements", .array([.object([("type", .string("mrkdwn")), ("text", .string(contextText(for: message)))])])),
            ]))
        return Array(blocks.prefix(maxBlocks))
    }

    private static func detailsText(for message: ReminderMessage, mentions: Bool) -> String {
        var lines = ["*When:* \(escape(message.localTimeLine))"]
        if let escalation = message.escalation {
            lines.insert("⚠️ *\(escape(TextBudget.oneLine(escalation)))*", at: 0)
        } else {
            var starts = "*Starts in:* \(escape(message.before))"
            if let late = message.lateBy { starts += " (sent late by \(escape(late)))" }
            lines.append(starts)
        }
        lines.append("*Duration:* \(message.durationMinutes) min")
        func person(_ name: String) -> String {
            if mentions, let handle = message.mention(named: name)?.handle(for: .slack) { return "<@\(handle)>" }
            return escape(TextBudget.oneLine(name))
        }
        if let owner = message.owner { lines.append("*Owner:* \(person(owner))") }
        if !message.attendees.isEmpty { lines.append("*Attendees:* \(message.attendees.map(person).joined(separator: ", "))") }
        return TextBudget.truncate(lines.joined(separator: "\n"), to: sectionLimit)
    }

    private static func contextText(for message: ReminderMessage) -> String {
        var parts: [String] = []
        if let link = message.webLink {
            parts.append("<\(link)|Open the full agenda>")
        } else if let path = message.agendaLink {
            parts.append("Agenda: `\(escape(TextBudget.oneLine(path)))`")
        }
        if message.buttons == nil, let ack = message.acknowledgeURL { parts.append("<\(ack)|Acknowledge>") }
        parts.append("Delivery `\(escape(message.deliveryID))`")
        return TextBudget.truncate(parts.joined(separator: " · "), to: sectionLimit)
    }

    /// The buttons of a message whose target takes them: Acknowledge, Open, then one Done per
    /// open checklist item, within Block Kit's 25 elements. A button's value is its signed
    /// action path, which the interaction endpoint verifies.
    static func actionButtons(for message: ReminderMessage) -> [JSONValue] {
        guard message.buttons != nil else { return [] }
        var elements: [JSONValue] = []
        if let ack = message.acknowledgeURL, ack.utf8.count <= buttonValueLimit {
            elements.append(button("Acknowledge", actionID: acknowledgeActionID, value: ack, style: "primary"))
        }
        if let link = message.webLink, link.utf8.count <= 3000 {
            elements.append(
                .object([
                    ("type", .string("button")), ("action_id", .string(openActionID)),
                    ("text", .object([("type", .string("plain_text")), ("text", .string("Open meeting"))])), ("url", .string(link)),
                ]))
        }
        for (index, item) in message.openChecklistItems.enumerated() {
            guard elements.count < maxActions, let done = item.doneURL, done.utf8.count <= buttonValueLimit else { continue }
            elements.append(button("Done: " + plain(TextBudget.oneLine(item.text)), actionID: "\(doneActionID).\(index + 1)", value: done, style: nil))
        }
        return elements
    }

    private static func button(_ text: String, actionID: String, value: String, style: String?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("type", .string("button")), ("action_id", .string(actionID)),
            ("text", .object([("type", .string("plain_text")), ("text", .string(TextBudget.truncate(text, to: buttonTextLimit)))])),
            ("value", .string(value)),
        ]
        if let style { fields.append(("style", .string(style))) }
        return .object(fields)
    }

    private static func describe(_ item: ReminderMessage.ChecklistItem) -> String {
        var text = escape(TextBudget.oneLine(item.text))
        let extras = [item.owner.map { escape(TextBudget.oneLine($0)) }, item.due.map { "due \(escape(TextBudget.oneLine($0)))" }].compactMap { $0 }
        if !extras.isEmpty { text += " — " + extras.joined(separator: ", ") }
        return text
    }

    private static func describe(_ item: ReminderMessage.ActionItem) -> String {
        var text = "*\(escape(TextBudget.oneLine(item.id)))* \(escape(TextBudget.oneLine(item.text)))"
        let extras = [item.owner.map { escape(TextBudget.oneLine($0)) }, item.due.map { "due \(escape(TextBudget.oneLine($0)))" }].compactMap { $0 }
        if !extras.isEmpty { text += " — " + extras.joined(separator: ", ") }
        return text
    }

    static func symbol(_ severity: ReminderMessage.Severity) -> String {
        switch severity {
        case .critical: "🔴"
        case .warning: "🟡"
        case .info: "🔵"
        }
    }

    private static func section(_ text: String) -> JSONValue {
        .object([("type", .string("section")), ("text", .object([("type", .string("mrkdwn")), ("text", .string(text))]))])
    }

    private static func section(titled title: String, lines: some Collection<String>, noun: String) -> JSONValue {
        let heading = "*\(title)*\n"
        let packed = TextBudget.pack(lines, limit: sectionLimit - TextBudget.length(heading), noun: noun) { $0 }
        return section(heading + packed)
    }
}
