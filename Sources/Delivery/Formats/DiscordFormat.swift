/// Discord execute-webhook payloads: a short `content` line plus one embed, within Discord's
/// limits (content 2,000; embed title 256, description 4,096, 6,000 in all). Mentions are
/// switched off (`allowed_mentions.parse` is empty) except for exactly the users the reminder
/// mentions (`allowed_mentions.users`), whose `<@id>` the content ends with: Discord notifies
/// only for mentions in `content`, never in embeds.
enum DiscordFormat {
    static let contentLimit = 2000
    static let titleLimit = 256
    static let descriptionLimit = 4096
    static let embedTotalLimit = 6000
    static let footerLimit = 200
    /// The most users one reminder pings: Discord takes 100 ids in `allowed_mentions.users`,
    /// but 60 mentions (at most 24 characters each, with the space) are what fits in `content`
    /// with room left for the line before them.
    static let maxMentionedUsers = 60

    /// `?wait=true`: Discord then answers 200 with the saved message instead of 204 with
    /// nothing, so an unsaved message shows up as an error.
    static let queryItems: [(name: String, value: String)] = [("wait", "true")]

    static func body(for message: ReminderMessage) -> JSONValue {
        var content = "⏰ **\(TextBudget.markdownLine(message.title))** starts in \(message.before) — \(message.localTimeLine)"
        if let late = message.lateBy { content += " (sent late by \(late))" }
        if let escalation = message.escalation {
            content = "⚠️ **\(TextBudget.markdownLine(escalation))** — \(message.localTimeLine)"
        }
        let users = Array(message.mentionHandles(for: .discord).prefix(maxMentionedUsers))
        // The mentions go last and are never cut: the line before them gives way.
        let mentionLine = users.map { "<@\($0)>" }.joined(separator: " ")
        if !users.isEmpty {
            content = TextBudget.truncate(content, to: contentLimit - TextBudget.length(mentionLine) - 1) + "\n" + mentionLine
        }

        let title = TextBudget.truncate(TextBudget.markdownLine(message.title), to: titleLimit)
        let footer = TextBudget.truncate("Delivery \(message.deliveryID)", to: footerLimit)
        let descriptionRoom = min(descriptionLimit, embedTotalLimit - TextBudget.length(title) - TextBudget.length(footer))
        var embed: [(String, JSONValue)] = [
            ("title", .string(title)),
            ("description", .string(TextBudget.truncate(description(for: message), to: descriptionRoom))),
            ("color", .int(color(for: message))),
            ("footer", .object([("text", .string(footer))])),
        ]
        if let link = message.webLink { embed.insert(("url", .string(link)), at: 1) }
        return .object([
            ("content", .string(TextBudget.truncate(content, to: contentLimit))),
            ("embeds", .array([.object(embed)])),
            ("allowed_mentions", .object([("parse", .array([]))] + (users.isEmpty ? [] : [("users", .array(users.map { .string($0) }))]))),
        ])
    }

    private static func description(for message: ReminderMessage) -> String {
        var details = ["**When:** \(TextBudget.markdownLine(message.localTimeLine))", "**Duration:** \(message.durationMinutes) min"]
        func person(_ name: String) -> String {
            message.mention(named: name)?.handle(for: .discord).map { "<@\($0)>" } ?? TextBudget.markdownLine(name)
        }
        if let owner = message.owner { details.append("**Owner:** \(person(owner))") }
        if !message.attendees.isEmpty { details.append("**Attendees:** \(message.attendees.map(person).joined(separator: ", "))") }
        var parts = [TextBudget.truncate(details.joined(separator: "\n"), to: 700)]

        func list(_ heading: String, _ lines: some Collection<String>, noun: String, limit: Int) {
            guard !lines.isEmpty else { return }
            parts.append("**\(heading)**\n" + TextBudget.pack(lines, limit: limit, noun: noun) { $0 })
        }
        list(
            "Agenda",
            message.agenda.lazy.map { section in
                "• " + TextBudget.agendaLine(section, title: TextBudget.markdownLine(section.title)) { "`\(TextBudget.markdownLine($0))`" }
            },
            noun: "section", limit: 1600)
        list(
            "Open checklist items", message.openChecklistItems.lazy.map { "• ☐ \(TextBudget.markdownLine($0.text))" + extras($0.owner, $0.due) + ($0.doneURL.map { " [Done](\($0))" } ?? "") },
            noun: "item", limit: 700)
        list(
            "Overdue action items",
            message.overdueActionItems.lazy.map { "• **\(TextBudget.markdownLine($0.id))** \(TextBudget.markdownLine($0.text))" + extras($0.owner, $0.due) },
            noun: "item", limit: 600)
        list(
            "KPI alerts", message.alerts.lazy.map { "• \(SlackFormat.symbol($0.severity)) \(TextBudget.markdownLine($0.text))" }, noun: "alert", limit: 400
        )
        list("Escalated KPIs", message.escalatedKPIs.lazy.map { "• 🔺 \(TextBudget.markdownLine($0.summary))" }, noun: "KPI", limit: 400)
        if message.webLink == nil, let path = message.agendaLink { parts.append("Agenda: `\(TextBudget.markdownLine(path))`") }
        if let ack = message.acknowledgeURL { parts.append("[Acknowledge](\(ack))") }
        return parts.joined(separator: "\n\n")
    }

    private static func extras(_ owner: String?, _ due: String?) -> String {
        let parts = [owner.map(TextBudget.markdownLine), due.map { "due \(TextBudget.markdownLine($0))" }].compactMap { $0 }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }

    /// Red with a critical alert, amber with a warning, blue otherwise.
    private static func color(for message: ReminderMessage) -> Int {
        if message.alerts.contains(where: { $0.severity == .critical }) { return 0xE7_4C_3C }
        if message.alerts.contains(where: { $0.severity == .warning }) { return 0xF1_C4_0F }
        return 0x34_98_DB
    }
}
