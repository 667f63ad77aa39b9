import Mustache
import Playbooks
import Testing

@testable import WebApp

/// Page templates reach the web views through hand-written `child(named:)` switches (for
/// speed, as the agenda's view model does); these tests keep the switches complete as the
/// views grow.
@Suite struct WebViewLookupTests {
    static let chrome = Chrome(
        title: "Today", viewer: Viewer(person: Person(name: "Ada Admin", role: .admin), csrfToken: "token", sessionDigest: "digest"),
        banner: "the workspace on disk does not validate", current: "/")
    static let link = chrome.nav[0]
    static let meeting = TodayView.Meeting(
        playbook: "weekly-review", title: "Weekly review", occurrence: "2026-12-04T16:00:00Z", when: "Fri 4 Dec 2026, 11:00–11:30 EST",
        href: "/meetings/weekly-review/2026-12-04T16:00:00Z", isToday: true, isOver: false, checklist: "1/2")
    static let redKPI = TodayView.RedKPI(key: "stockout_rate", title: "Stockout rate", latest: "9%", target: "≤ 2%")
    static let overdue = TodayView.Action(id: 3, text: "Call the 3PL", owner: "Max Member", due: "2026-12-01", playbook: "weekly-review")
    static let failing = TodayView.Failing(playbook: "daily-check", error: "template missing")
    static let today = TodayView(
        chrome: chrome, today: "Friday 4 December 2026", meetings: [meeting], hasMeetings: true, redKPIs: [redKPI], hasRedKPIs: true,
        overdue: [overdue], hasOverdue: true, deadDeliveries: 1, hasDeadDeliveries: true, failing: [failing], hasFailing: true,
        unacknowledged: [meeting], hasUnacknowledged: true)
    static let kpi = MeetingView.Section.KPI(
        title: "Stockout rate", latest: "9%", target: "≤ 2%", trend: "↑ worse", status: "red", tone: "red", isRed: true)
    static let section = MeetingView.Section(
        number: 1, title: "KPI scorecard", minutes: 10, start: "11:00", end: "11:10", items: ["Red KPIs first"], hasItems: true,
        scorecard: [kpi], hasScorecard: true, redKPIs: [kpi], hasRedKPIs: true)
    static let checklistItem = MeetingView.ChecklistItem(
        number: 1, item: "Update the scorecard", owner: "Ada Admin", due: "Fri 4 Dec 10:00", done: true, doneBy: "Ada Admin",
        doneAt: "Fri 4 Dec 10:50", action: "/meetings/weekly-review/2026-12-04T16:00:00Z/checklist/1", nextValue: "0", button: "Untick",
        dueTime: "2026-12-04T10:00:00-05:00", doneTime: "2026-12-04T10:50:00-05:00")
    static let meetingAction = MeetingView.Action(id: 3, text: "Call the 3PL", owner: "Max Member", due: "2026-12-01", overdue: true)
    static let ratingEntry = MeetingView.Rating.Entry(person: "Ada Admin", rating: 8)
    static let ratingOption = MeetingView.Rating.Option(value: 8, selected: true)
    static let rating = MeetingView.Rating(isOpen: true, average: "8.0", count: 1, entries: [ratingEntry], options: [ratingOption], mine: 8)
    static let acknowledgement = MeetingView.Acknowledgement(
        isAcknowledged: true, by: "Ada Admin", via: "web", at: "Fri 4 Dec 11:05", due: "Fri 4 Dec 12:00", isOverdue: false, canAcknowledge: false,
        atTime: "2026-12-04T11:05:00-05:00", dueTime: "2026-12-04T12:00:00-05:00")
    static let meetingView = MeetingView(
        chrome: chrome, playbook: "weekly-review", title: "Weekly review", occurrence: "2026-12-04T16:00:00Z",
        when: "Friday 4 December 2026, 11:00–11:30 EST", duration: "30 min", owner: "Ada Admin", attendees: "Ada Admin, Max Member",
        descriptionLines: ["The numbers, then the action items."], sections: [section], checklist: [checklistItem], hasChecklist: true,
        checklistDone: 1, checklistTotal: 1, actions: [meetingAction], hasActions: true, notes: "Carrier rates", notesHTML: "<p>Carrier rates</p>",
        notesBy: "Ada Admin",
        notesAt: "Fri 4 Dec 10:55", path: "/meetings/weekly-review/2026-12-04T16:00:00Z",
        previous: "/meetings/weekly-review/2026-11-27T16:00:00Z", next: "/meetings/weekly-review/2026-12-11T16:00:00Z",
        agendaFile: "agendas/weekly-review/2026-12-04.html", rating: rating, acknowledgement: acknowledgement,
        notesTime: "2026-12-04T10:55:00-05:00", carriesActions: true)
    static let item = ActionsView.Item(
        id: 3, text: "Call the 3PL", owner: "Max Member", due: "2026-12-01", playbook: "weekly-review", overdue: true, done: false,
        doneBy: "Ada Admin", createdBy: "Ada Admin", meetingHref: "/meetings/weekly-review/2026-12-04T16:00:00Z")
    static let option = ActionsView.Option(value: "open", label: "Open", selected: true)
    static let actions = ActionsView(
        chrome: chrome, items: [item], hasItems: true, owners: [option], playbooks: [option], statuses: [option], addPlaybooks: [option],
        returnTo: "/actions", filtered: false)
    static let cell = KPIsView.Cell(text: "9%", status: "red")
    static let row = KPIsView.Row(
        key: "stockout_rate", title: "Stockout rate", unit: "%", target: "≤ 2%", cells: [cell], latest: "9%", status: "red", tone: "red")
    static let value = KPIsView.Value(
        kpi: "stockout_rate", title: "Stockout rate", date: "2026-12-04", value: "9%", status: "red", recordedBy: "Ada Admin",
        deleteAction: "/kpis/stockout_rate/2026-12-04/delete")
    static let kpiOption = KPIsView.Option(value: "stockout_rate", label: "Stockout rate (%)")
    static let kpis = KPIsView(
        chrome: chrome, weeks: ["7 Sep"], rows: [row], recent: [value], hasRecent: true, kpis: [kpiOption], today: "2026-12-04")
    static let outboxRow = OutboxView.Row(
        id: 1, playbook: "weekly-review", target: "chat", state: "dead", attempts: 5, reminderAt: "2026-12-04T10:45:00-05:00",
        lastError: "HTTP 500", canRetry: true, canDrop: true)
    static let outbox = OutboxView(chrome: chrome, rows: [outboxRow], hasRows: true)
    static let message = MessageView(
        chrome: chrome, heading: "Sign in", message: "This link signs you in once, on this browser.", signInAction: "/signin/abc",
        person: "Ada Admin", actionForm: "/a/ack/weekly-review/2026-12-04T16:00:00Z/1/ab", actionLabel: "Acknowledge")

    static let values: [(String, any MustacheParent & Sendable)] = [
        ("Chrome", chrome), ("Chrome.Link", link), ("TodayView", today), ("TodayView.Meeting", meeting), ("TodayView.RedKPI", redKPI),
        ("TodayView.Action", overdue), ("TodayView.Failing", failing), ("MeetingView", meetingView), ("MeetingView.Section", section),
        ("MeetingView.Section.KPI", kpi), ("MeetingView.ChecklistItem", checklistItem), ("MeetingView.Action", meetingAction),
        ("MeetingView.Rating", rating), ("MeetingView.Rating.Entry", ratingEntry), ("MeetingView.Rating.Option", ratingOption),
        ("MeetingView.Acknowledgement", acknowledgement), ("ActionsView", actions), ("ActionsView.Item", item), ("ActionsView.Option", option), ("KPIsView", kpis),
        ("KPIsView.Cell", cell), ("KPIsView.Row", row), ("KPIsView.Value", value), ("KPIsView.Option", kpiOption),
        ("OutboxView", outbox), ("OutboxView.Row", outboxRow), ("MessageView", message),
    ]

    @Test(arguments: 0..<values.count)
    func everyStoredPropertyIsReachable(index: Int) throws {
        let (name, value) = Self.values[index]
        let labels = Mirror(reflecting: value).children.compactMap(\.label)
        #expect(!labels.isEmpty)
        for label in labels {
            // Every optional is filled in the fixtures, so nil means the switch lacks the name.
            #expect(value.child(named: label) != nil, "\(name).\(label) is not reachable from the page templates")
        }
        #expect(value.child(named: "noSuchProperty") == nil)
    }

    @Test func templatesSeeValuesNotOptionalWrappers() throws {
        let template = try MustacheTemplate(
            string: "{{chrome.title}}|{{owner}}|{{#checklist}}{{item}} — {{owner}}, {{doneBy}}{{/checklist}}|{{#actions}}#{{id}} {{due}}{{/actions}}|{{notes}}")
        #expect(template.render(Self.meetingView) == "Today|Ada Admin|Update the scorecard — Ada Admin, Ada Admin|#3 2026-12-01|Carrier rates")
    }
}
