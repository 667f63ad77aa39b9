import Delivery

/// Messages the format tests and the documentation examples use.
enum Fixtures {
    /// Names for parameterized tests, so that test logs show a name rather than the message.
    enum Name: String, CaseIterable, Sendable {
        case weekly, oversized
        var message: ReminderMessage { self == .weekly ? Fixtures.weekly : Fixtures.oversized }
    }

    /// A typical weekly meeting reminder.
    static let weekly = ReminderMessage(
        deliveryID: "dlv_01JEXAMPLE0000000000000000",
        playbookID: "weekly-kpi-review",
        title: "Weekly KPI review",
        occurrence: "2026-12-07T09:00:00-05:00",
        localTimeLine: "Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York)",
        reminderAt: "2026-12-07T08:45:00-05:00",
        before: "15m",
        durationMinutes: 30,
        owner: "Dana (ops lead)",
        attendees: ["Dana", "Luis", "Priya"],
        agenda: [
            .init(title: "Scorecard: red KPIs first", minutes: 10, clock: "09:00–09:10"),
            .init(title: "Last week's action items", minutes: 10, clock: "09:10–09:20"),
            .init(title: "New issues & owners", minutes: 10, clock: "09:20–09:30"),
        ],
        checklist: [
            .init(text: "Update the scorecard numbers", owner: "Luis", due: "before the meeting", done: true),
            .init(text: "Pull BFCM ad spend vs. ROAS", owner: "Priya", due: "before the meeting"),
        ],
        actionItems: [
            .init(id: "A-12", text: "Fix checkout <3DS> drop-off", owner: "Luis", due: "2026-11-30", overdue: true),
            .init(id: "A-14", text: "Renegotiate 3PL SLA", owner: "Dana", due: "2026-12-14"),
        ],
        alerts: [
            .init(text: "Conversion 1.8% (goal ≥ 2.2%)", severity: .critical),
            .init(text: "Support backlog 140 tickets (goal ≤ 100)", severity: .warning),
        ],
        agendaMarkdown:
            "# Weekly KPI review\n\n1. Scorecard: red KPIs first (10 min)\n2. Last week's action items (10 min)\n3. New issues & owners (10 min)\n",
        agendaLink: "https://ops.example.com/agendas/weekly-kpi-review/2026-12-07",
        mentions: [
            Mention(
                name: "Dana (ops lead)", role: .owner,
                handles: .init(
                    slack: "U012AB3CD", discord: "123456789012345678", msteams: "dana@example.com", googlechat: "112233445566778899001",
                    mattermost: "dana", email: "dana@example.com")),
            Mention(name: "Luis", role: .attendee, handles: .init(slack: "U045LUIS9", discord: "234567890123456789", mattermost: "luis.m")),
        ])

    /// Everything far past every platform's limits, plus mention and markup injection attempts.
    static let oversized: ReminderMessage = {
        let long = String(repeating: "Very long text with émojis 🎉 and <tags> & ampersands. ", count: 40)
        var message = weekly
        message.deliveryID = "dlv_oversized"
        message.title = "<!channel> <!here> @everyone @channel " + long
        message.localTimeLine = "Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York) " + long
        message.owner = "<@U123> " + long
        message.attendees = (1...300).map { "Attendee number \($0) <!here>" }
        message.agenda = (1...500).map { .init(title: "Section \($0): \(long)", minutes: 5, clock: "09:00–09:05") }
        message.checklist = (1...300).map { .init(text: "Item \($0) \(long)", owner: "Owner \($0)", due: "soon") }
        message.actionItems = (1...300).map { .init(id: "A-\($0)", text: long, owner: "Someone", due: "yesterday", overdue: true) }
        message.alerts = (1...200).map { .init(text: "Alert \($0) \(long)", severity: .critical) }
        message.agendaMarkdown = String(repeating: long, count: 50)
        message.lateBy = "3h12m"
        return message
    }()
}
