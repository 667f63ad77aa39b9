/// The generic JSON document: every field of the reminder in a fixed order, for receivers we
/// do not know. Signed per Standard Webhooks when the target has a secret.
enum GenericFormat {
    static func body(for message: ReminderMessage) -> JSONValue {
        .object([
            ("type", .string("reminder")),
            ("id", .string(message.deliveryID)),
            ("playbook", .string(message.playbookID)),
            ("title", .string(message.title)),
            ("occurrence", .string(message.occurrence)),
            ("reminder_at", .string(message.reminderAt)),
            ("before", .string(message.before)),
            ("agenda_markdown", .string(message.agendaMarkdown)),
            (
                "checklist",
                .array(
                    message.checklist.map { item in
                        .object([
                            ("text", .string(item.text)), ("owner", .optional(item.owner)), ("due", .optional(item.due)), ("done", .bool(item.done)),
                        ])
                    })
            ),
            (
                "action_items",
                .array(
                    message.actionItems.map { item in
                        .object([
                            ("id", .string(item.id)), ("text", .string(item.text)), ("owner", .optional(item.owner)),
                            ("due", .optional(item.due)), ("overdue", .bool(item.overdue)),
                        ])
                    })
            ),
            ("alerts", .array(message.alerts.map { .object([("text", .string($0.text)), ("severity", .string($0.severity.rawValue))]) })),
        ])
    }
}
