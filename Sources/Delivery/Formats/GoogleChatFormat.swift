internal import Crypto
import Foundation

/// Google Chat incoming-webhook payloads: `text` plus a `cardsV2` card, one thread per playbook
/// occurrence, and the delivery id as `requestId` so that a retry returns the first message
/// instead of posting again. Kept under Chat's 32,000-byte message limit.
enum GoogleChatFormat {
    static let maxBytes = 32_000

    /// Adds `threadKey`, `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD` and
    /// `requestId`, keeping the webhook's own `key` and `token`.
    static func queryItems(for message: ReminderMessage) -> [(name: String, value: String)] {
        [
            ("threadKey", threadKey(for: message)),
            ("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"),
            ("requestId", message.deliveryID),
        ]
    }

    /// The same for every reminder of one occurrence, different for the next occurrence:
    /// the playbook id (as a slug) and a hash of playbook id and occurrence.
    static func threadKey(for message: ReminderMessage) -> String {
        let digest = SHA256.hash(data: Array("\(message.playbookID)\n\(message.occurrence)".utf8))
        let hex = digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        var slug = ""
        for scalar in message.playbookID.lowercased().unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if allowed { slug.unicodeScalars.append(scalar) } else if !slug.hasSuffix("-") { slug += "-" }
            if slug.count >= 40 { break }
        }
        slug = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return (slug.isEmpty ? "playbook" : slug) + "-" + hex.prefix(16)
    }

    static func body(for message: ReminderMessage) -> JSONValue {
        TextBudget.fit(maxBytes: maxBytes) { scale in
            .object([
                ("text", .string(text(for: message))),
                (
                    "cardsV2",
                    .array([
                        .object([
                            ("cardId", .string("reminder")),
                            ("card", card(for: message, scale: scale)),
                        ])
                    ])
                ),
            ])
        }
    }

    /// Chat's `text` formatting treats `<users/…>` as a mention; keep text from playbooks from
    /// forming one.
    private static func defuse(_ text: String) -> String {
        TextBudget.markdownLine(text).replacingOccurrences(of: "<", with: "<\u{200B}")
    }

    private static func text(for message: ReminderMessage) -> String {
        if let escalation = message.escalation {
            return "⚠️ *\(TextBudget.truncate(defuse(escalation), to: 300))* — \(defuse(message.localTimeLine))" + mentionLine(for: message)
        }
        var text =
            "Reminder: *\(TextBudget.truncate(defuse(message.title), to: 300))* — \(defuse(message.localTimeLine)) (starts in \(defuse(message.before)))"
        if let late = message.lateBy { text += " — sent late by \(defuse(late))" }
        return text + mentionLine(for: message)
    }

    /// `<users/ID>` for everyone with a Google Chat user id, on a line of its own after the
    /// text (cards cannot mention); people without one are named in the card only.
    private static func mentionLine(for message: ReminderMessage) -> String {
        let handles = message.mentionHandles(for: .googlechat).prefix(100)
        return handles.isEmpty ? "" : "\n" + handles.map { "<users/\($0)>" }.joined(separator: " ")
    }

    /// Card text is a small HTML subset.
    private static func html(_ text: String) -> String {
        TextBudget.markdownLine(text)
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func card(for message: ReminderMessage, scale: Double) -> JSONValue {
        var details: [String] = []
        if let escalation = message.escalation {
            details.append("<b>\(html(escalation))</b>")
        } else {
            details.append("<b>Starts in:</b> \(html(message.before))")
            if let late = message.lateBy { details.append("<b>Sent late by:</b> \(html(late))") }
        }
        details.append("<b>Duration:</b> \(message.durationMinutes) min")
        if let owner = message.owner { details.append("<b>Owner:</b> \(html(owner))") }
        if !message.attendees.isEmpty { details.append("<b>Attendees:</b> \(html(message.attendees.joined(separator: ", ")))") }
        var sections: [JSONValue] = [section(nil, TextBudget.truncate(details.joined(separator: "<br>"), to: TextBudget.scaled(3000, scale)))]

        func list(_ heading: String, _ lines: some Collection<String>, noun: String, limit: Int) {
            guard !lines.isEmpty else { return }
            let packed = TextBudget.pack(lines, limit: TextBudget.scaled(limit, scale), noun: noun) { $0 }
            sections.append(section(heading, packed.replacingOccurrences(of: "\n", with: "<br>")))
        }
        list(
            "Agenda", message.agenda.lazy.map { section in TextBudget.agendaLine(section, title: "<b>\(html(section.title))</b>", clock: html) },
            noun: "section", limit: 9000)
        list(
            "Open checklist items", message.openChecklistItems.lazy.map {
                "☐ \(html($0.text))" + extras($0.owner, $0.due) + ($0.doneURL.map { " <a href=\"\(html($0))\">Done</a>" } ?? "")
            }, noun: "item", limit: 5000
        )
        list(
            "Overdue action items", message.overdueActionItems.lazy.map { "<b>\(html($0.id))</b> \(html($0.text))" + extras($0.owner, $0.due) },
            noun: "item", limit: 5000)
        list("KPI alerts", message.alerts.lazy.map { "\(SlackFormat.symbol($0.severity)) \(html($0.text))" }, noun: "alert", limit: 4000)
        list("Escalated KPIs", message.escalatedKPIs.lazy.map { "🔺 \(html($0.summary))" }, noun: "KPI", limit: 4000)
        var buttons: [JSONValue] = []
        func button(_ text: String, _ url: String) -> JSONValue {
            .object([("text", .string(text)), ("onClick", .object([("openLink", .object([("url", .string(url))]))]))])
        }
        if let link = message.webLink { buttons.append(button("Open the full agenda", link)) }
        if let ack = message.acknowledgeURL { buttons.append(button("Acknowledge", ack)) }
        if !buttons.isEmpty {
            sections.append(.object([("widgets", .array([.object([("buttonList", .object([("buttons", .array(buttons))]))])]))]))
        }
        if message.webLink == nil, let path = message.agendaLink {
            sections.append(section(nil, "Agenda: \(html(path))"))
        }
        return .object([
            (
                "header",
                .object([
                    ("title", .string(TextBudget.truncate(TextBudget.markdownLine(message.title), to: 200))),
                    ("subtitle", .string(TextBudget.truncate(TextBudget.markdownLine(message.localTimeLine), to: 200))),
                ])
            ),
            ("sections", .array(sections)),
        ])
    }

    private static func section(_ header: String?, _ text: String) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let header { members.append(("header", .string(header))) }
        members.append(("widgets", .array([.object([("textParagraph", .object([("text", .string(text))]))])])))
        return .object(members)
    }

    private static func extras(_ owner: String?, _ due: String?) -> String {
        let parts = [owner.map(html), due.map { "due \(html($0))" }].compactMap { $0 }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }
}
