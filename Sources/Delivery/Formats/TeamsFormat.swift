/// Microsoft Teams Workflows (Power Automate) payloads: a `message` with one Adaptive Card 1.4
/// attachment (1.5 is reported rejected), full width, kept under Teams' ~28 KB message size.
enum TeamsFormat {
    static let maxBytes = 28_000

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
                TextBudget.truncate(TextBudget.markdownLine(message.title), to: 300), extra: [("weight", .string("Bolder")), ("size", .string("Large"))]),
            textBlock(TextBudget.markdownLine(message.localTimeLine), extra: [("isSubtle", .bool(true)), ("spacing", .string("None"))]),
        ]
        var facts: [(String, String)] = []
        if let escalation = message.escalation {
            body.insert(
                textBlock(TextBudget.truncate(TextBudget.markdownLine(escalation), to: 300), extra: [("weight", .string("Bolder")), ("color", .string("Attention"))]),
                at: 0)
        } else {
            facts.append(("Starts in", message.before))
            if let late = message.lateBy { facts.append(("Sent late by", late)) }
        }
        facts.append(("Duration", "\(message.durationMinutes) min"))
        if let owner = message.owner { facts.append(("Owner", owner)) }
        if !message.attendees.isEmpty { facts.append(("Attendees", message.attendees.joined(separator: ", "))) }
        body.append(
            .object([
                ("type", .string("FactSet")),
                (
                    "facts",
                    .array(
                        facts.map {
                            .object([("title", .string($0.0)), ("value", .string(TextBudget.truncate(TextBudget.markdownLine($0.1), to: 1000)))])
                        })
                ),
            ]))

        func list(_ heading: String, _ lines: some Collection<String>, noun: String, limit: Int, color: String? = nil) {
            guard !lines.isEmpty else { return }
            body.append(textBlock(heading, extra: [("weight", .string("Bolder")), ("spacing", .string("Medium"))]))
            let packed = TextBudget.pack(lines, limit: TextBudget.scaled(limit, scale), noun: noun) { $0 }
            body.append(textBlock(packed, extra: color.map { [("color", .string($0))] } ?? []))
        }
        list(
            "Agenda",
            message.agenda.lazy.map { section in
                "- " + TextBudget.agendaLine(section, title: TextBudget.markdownLine(section.title), clock: TextBudget.markdownLine)
            },
            noun: "section", limit: 8000)
        list(
            "Open checklist items", message.openChecklistItems.lazy.map { "- \(TextBudget.markdownLine($0.text))" + extras($0.owner, $0.due) + ($0.doneURL.map { " [Done](\($0))" } ?? "") },
            noun: "item", limit: 4000)
        list(
            "Overdue action items",
            message.overdueActionItems.lazy.map { "- \(TextBudget.markdownLine($0.id)): \(TextBudget.markdownLine($0.text))" + extras($0.owner, $0.due) },
            noun: "item", limit: 4000)
        let critical = message.alerts.contains { $0.severity == .critical }
        list(
            "KPI alerts", message.alerts.lazy.map { "- \(SlackFormat.symbol($0.severity)) \(TextBudget.markdownLine($0.text))" }, noun: "alert",
            limit: 3000, color: critical ? "Attention" : nil)
        if message.webLink == nil, let path = message.agendaLink {
            body.append(textBlock("Agenda: \(TextBudget.markdownLine(path))", extra: [("isSubtle", .bool(true))]))
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
        card.append(("msteams", .object([("width", .string("Full"))])))
        return .object(card)
    }

    private static func textBlock(_ text: String, extra: [(String, JSONValue)]) -> JSONValue {
        .object([("type", .string("TextBlock")), ("text", .string(text)), ("wrap", .bool(true))] + extra)
    }

    private static func extras(_ owner: String?, _ due: String?) -> String {
        let parts = [owner.map(TextBudget.markdownLine), due.map { "due \(TextBudget.markdownLine($0))" }].compactMap { $0 }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }
}
