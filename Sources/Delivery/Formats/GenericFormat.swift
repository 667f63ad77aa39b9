/// The generic JSON document: every field of the reminder in a fixed order, for receivers we
/// do not know. Signed per Standard Webhooks when the target has a secret.
enum GenericFormat {
    /// The most agenda text a generic body carries (UTF-16 units); the rest is in the agenda file.
    static let agendaLimit = 64 * 1024
    /// The most checklist items, action items, alerts or escalated KPIs a generic body lists.
    static let listLimit = 200

    static func body(for message: ReminderMessage) -> JSONValue {
        // Bounded so that no playbook can make a multi-megabyte POST; `truncated` says when.
        let truncated =
            TextBudget.length(message.agendaMarkdown) > agendaLimit || message.checklist.count > listLimit
            || message.actionItems.count > listLimit || message.alerts.count > listLimit || message.escalatedKPIs.count > listLimit
        let checklist: [JSONValue] = message.checklist.prefix(listLimit).map { item in
            .object([("text", .string(item.text)), ("owner", .optional(item.owner)), ("due", .optional(item.due)), ("done", .bool(item.done)), ("done_url", .optional(item.doneURL))])
        }
        let actionItems: [JSONValue] = message.actionItems.prefix(listLimit).map { item in
            .object([
                ("id", .string(item.id)), ("text", .string(item.text)), ("owner", .optional(item.owner)),
                ("due", .optional(item.due)), ("overdue", .bool(item.overdue)),
            ])
        }
        let alerts: [JSONValue] = message.alerts.prefix(listLimit).map { alert in
            .object([("text", .string(alert.text)), ("severity", .string(alert.severity.rawValue))])
        }
        var fields: [(String, JSONValue)] = [
            ("type", .string(message.checklistReminder != nil ? "checklist_item" : message.escalation == nil ? "reminder" : "escalation")),
            ("id", .string(message.deliveryID)),
            ("playbook", .string(message.playbookID)),
            ("title", .string(message.title)),
            ("occurrence", .string(message.occurrence)),
            ("reminder_at", .string(message.reminderAt)),
            ("before", .string(message.before)),
            ("agenda_markdown", .string(TextBudget.truncate(message.agendaMarkdown, to: agendaLimit))),
            ("checklist", .array(checklist)),
            ("action_items", .array(actionItems)),
            ("alerts", .array(alerts)),
            ("truncated", .bool(truncated)),
        ]
        if let item = message.checklistReminder {
            fields.append((
                "checklist_item",
                .object([("number", .int(item.number)), ("text", .string(item.text)), ("owner", .optional(item.owner)), ("late", .bool(item.late))])
            ))
            // The lead line, under its own name: receivers that know escalations do not take an
            // item reminder for one.
            if let text = message.escalation { fields.append(("message", .string(text))) }
        } else if let escalation = message.escalation {
            fields.append(("escalation", .string(escalation)))
        }
        if let ack = message.acknowledgeURL { fields.append(("acknowledge_url", .string(ack))) }
        // Only when there are some: receivers written before the ladder see the same document.
        if !message.escalatedKPIs.isEmpty {
            let escalated: [JSONValue] = message.escalatedKPIs.prefix(listLimit).map { kpi in
                .object([
                    ("kpi", .string(kpi.kpi)), ("title", .string(kpi.title)), ("from", .string(kpi.from)), ("streak", .int(kpi.streak)),
                    ("values", .array(kpi.values.prefix(listLimit).map { .string($0) })), ("target", .string(kpi.target)),
                ])
            }
            fields.append(("escalated_kpis", .array(escalated)))
        }
        // Likewise only when `people:` gave someone a handle.
        if !message.mentions.isEmpty {
            let mentions: [JSONValue] = message.mentions.prefix(listLimit).map { mention in
                .object([
                    ("name", .string(mention.name)), ("role", .string(mention.role.rawValue)),
                    ("handles", .object(mention.handles.all.map { ($0.key, .string($0.value)) })),
                ])
            }
            fields.append(("mentions", .array(mentions)))
        }
        return .object(fields)
    }
}
