import Foundation

/// Microsoft Teams Workflows (Power Automate) payloads: a `message` with one Adaptive Card 1.4
/// attachment (1.5 is reported rejected), full width, kept under Teams' ~28 KB message size.
/// People with a Teams handle are mentioned: `<at>Name</at>` in a TextBlock, with a matching
/// `mention` entity in `msteams.entities`.
enum TeamsFormat {
    static let maxBytes = 28_000

    /// User text on one line with `](` defused (``TextBudget/markdownLine(_:)``) and `<at`
    /// broken by a zero-width space, so that only the card's own entities mention anyone.
    static func line(_ text: String) -> String {
        let line = TextBudget.markdownLine(text)
        return line.range(of: "<at", options: .caseInsensitive) == nil
            ? line : line.replacingOccurrences(of: "<at", with: "<\u{200B}at", options: .caseInsensitive)
    }

    /// The text between `<at>` and `</at>` for a name: on one line, without angle brackets.
    static func mentionText(_ name: String) -> String {
        "<at>" + TextBudget.oneLine(name).filter { $0 != "<" && $0 != ">" } + "</at>"
    }

    static func body(for message: ReminderMessage) -> JSONValue {
        TextBudget.fit(maxBytes: maxBytes) { scale in
            .object([
                ("type", .string("message")),
                (
                    "attachments",
                    .array([
                        .object([
                            ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                            ("contentUrl", .null),
                            ("content", card(for: message, scale: scale)),
                        ])
                    ])
                ),
            ])
        }
    }

    private static func card(for message: ReminderMessage, scale: Double) -> JSONValue {
        var body: [JSONValue] = [
            textBlock(
                TextBudget.truncate(line(message.title), to: 300), extra: [("weight", .string("Bolder")), ("size", .string("Large"))]),
            textBlock(line(message.localTimeLine), extra: [("isSubtle", .bool(true)), ("spacing", .string("None"))]),
        ]
        var facts: [(String, String)] = []
        if let escalation = message.escalation {
            body.insert(
                textBlock(TextBudget.truncate(line(escalation), to: 300), extra: [("weight", .string("Bolder")), ("color", .string("Attention"))]),
                at: 0)
        } else {
            facts.append(("Starts in", message.before))
            if let late = message.lateBy { facts.append(("Sent late by", late)) }
        }
        facts.append(("Duration", "\(message.durationMinutes) min"))
        // With someone to mention, owner and attendees move from the facts into a TextBlock,
        // where Teams reads `<at>` mentions.
        var entities: [(text: String, id: String, name: String)] = []
        func person(_ name: String) -> String {
            guard let id = message.mention(named: name)?.handle(for: .msteams) else { return line(name) }
            let text = mentionText(name)
            if !entities.contains(where: { $0.text == text }) { entities.append((text, id, String(text.dropFirst(4).dropLast(5)))) }
            return text
        }
        let mentioning = ([message.owner].compactMap { $0 } + message.attendees).contains { message.mention(named: $0)?.handle(for: .msteams) != nil }
        var people: [String] = []
        if mentioning {
            if let owner = message.owner { people.append("**Owner:** \(person(owner))") }
            if !message.attendees.isEmpty { people.append("**Attendees:** \(message.attendees.map(person).joined(separator: ", "))") }
        } else {
            if let owner = message.owner { facts.append(("Owner", owner)) }
            if !message.attendees.isEmpty { facts.append(("Attendees", message.attendees.joined(separator: ", "))) }
        }
        body.append(
            .object([
                ("type", .string("FactSet")),
                (
                    "facts",
                    .array(
                        facts.map {
                            .object([("title", .string($0.0)), ("value", .string(TextBudget.truncate(line($0.1), to: 1000)))])
                        })
                ),
            ]))
        if !people.isEmpty {
            let text = TextBudget.truncate(people.joined(separator: "\n"), to: TextBudget.scaled(4000, scale))
            body.append(textBlock(text, extra: []))
            // Every entity's text must be in the card: a mention cut off by the budget goes.
            entities.removeAll { !text.contains($0.text) }
        }

        func list(_ heading: String, _ lines: some Collection<String>, noun: String, limit: Int, color: String? = nil) {
            guard !lines.isEmpty else { return }
            body.append(textBlock(heading, extra: [("weight", .string("Bolder")), ("spacing", .string("Medium"))]))
            let packed = TextBudget.pack(lines, limit: TextBudget.scaled(limit, scale), noun: noun) { $0 }
            body.append(textBlock(packed, extra: color.map { [("color", .string($0))] } ?? []))
        }
        list(
            "Agenda",
            message.agenda.lazy.map { section in
                "- " + TextBudget.agendaLine(section, title: line(section.title), clock: line)
            },
            noun: "section", limit: 8000)
        list(
            "Open checklist items", message.openChecklistItems.lazy.map { "- \(line($0.text))" + extras($0.owner, $0.due) + ($0.doneURL.map { " [Done](\($0))" } ?? "") },
            noun: "item", limit: 4000)
        list(
            "Overdue action items",
            message.overdueActionItems.lazy.map { "- \(line($0.id)): \(line($0.text))" + extras($0.owner, $0.due) },
            noun: "item", limit: 4000)
        let critical = message.alerts.contains { $0.severity == .critical }
        list(
            "KPI alerts", message.alerts.lazy.map { "- \(SlackFormat.symbol($0.severity)) \(line($0.text))" }, noun: "alert",
            limit: 3000, color: critical ? "Attention" : nil)
        list("Escalated KPIs", message.escalatedKPIs.lazy.map { "- 🔺 \(line($0.summary))" }, noun: "KPI", limit: 3000, color: "Attention")
        if message.webLink == nil, let path = message.agendaLink {
            body.append(textBlock("Agenda: \(line(path))", extra: [("isSubtle", .bool(true))]))
        }

        var card: [(String, JSONValue)] = [
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string("1.4")),
            ("body", .array(body)),
        ]
        var actions: [JSONValue] = []
        if let link = message.webLink {
            actions.append(.object([("type", .string("Action.OpenUrl")), ("title", .string("Open the full agenda")), ("url", .string(link))]))
        }
        if let ack = message.acknowledgeURL {
            actions.append(.object([("type", .string("Action.OpenUrl")), ("title", .string("Acknowledge")), ("url", .string(ack))]))
        }
        if !actions.isEmpty { card.append(("actions", .array(actions))) }
        var msteams: [(String, JSONValue)] = [("width", .string("Full"))]
        if !entities.isEmpty {
            let mentions: [JSONValue] = entities.map { entity in
                .object([
                    ("type", .string("mention")), ("text", .string(entity.text)),
                    ("mentioned", .object([("id", .string(entity.id)), ("name", .string(entity.name))])),
                ])
            }
            msteams.append(("entities", .array(mentions)))
        }
        card.append(("msteams", .object(msteams)))
        return .object(card)
    }

    private static func textBlock(_ text: String, extra: [(String, JSONValue)]) -> JSONValue {
        .object([("type", .string("TextBlock")), ("text", .string(text)), ("wrap", .bool(true))] + extra)
    }

    private static func extras(_ owner: String?, _ due: String?) -> String {
        let parts = [owner.map(line), due.map { "due \(line($0))" }].compactMap { $0 }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }
}
