import Agendas
import CadenceEngine
import Playbooks

/// What every page shows around its content. Encoded into a page's JSON as the viewer only:
/// the form token stays in the HTML.
struct Chrome: Encodable, Sendable {
    struct Link: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    var title: String
    var person: String?
    var isAdmin: Bool
    var csrf: String?
    var banner: String?
    var nav: [Link]
    /// Whether the page refreshes itself (a page of data; not an error or a confirmation).
    var refresh: Bool

    init(title: String, viewer: Viewer?, banner: String?, current: String, refresh: Bool = true) {
        self.refresh = refresh && viewer != nil
        self.title = title
        person = viewer?.person.name
        isAdmin = viewer?.isAdmin ?? false
        csrf = viewer?.csrfToken
        self.banner = banner
        var links: [(String, String)] = []
        if viewer != nil {
            links = [("/", "Today"), ("/actions", "Action items"), ("/calendar", "Calendar"), ("/kpis", "KPIs"), ("/maturity", "Maturity")]
            if viewer?.isAdmin == true { links.append(("/outbox", "Deliveries")) }
        }
        nav = links.map { Link(href: $0.0, label: $0.1, current: $0.0 == current) }
    }

    enum CodingKeys: String, CodingKey { case person, isAdmin = "is_admin" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(person, forKey: .person)
        try container.encode(isAdmin, forKey: .isAdmin)
    }
}

/// `/`: what needs the team's attention today.
struct TodayView: Encodable, Sendable {
    struct Meeting: Encodable, Sendable {
        var playbook: String
        var title: String
        var occurrence: String
        var when: String
        var href: String
        var isToday: Bool
        var isOver: Bool
        var checklist: String
    }
    struct RedKPI: Encodable, Sendable {
        var key: String
        var title: String
        var latest: String
        var target: String
    }
    struct Action: Encodable, Sendable {
        var id: Int64
        var text: String
        var owner: String?
        var due: String?
        var playbook: String?
    }
    struct Failing: Encodable, Sendable {
        var playbook: String
        var error: String
    }

    var chrome: Chrome
    var today: String
    var meetings: [Meeting]
    var hasMeetings: Bool
    var redKPIs: [RedKPI]
    var hasRedKPIs: Bool
    var overdue: [Action]
    var hasOverdue: Bool
    var deadDeliveries: Int
    var hasDeadDeliveries: Bool
    var failing: [Failing]
    var hasFailing: Bool
    var unacknowledged: [Meeting]
    var hasUnacknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case chrome = "viewer", today, meetings, redKPIs = "red_kpis", overdue = "overdue_actions", deadDeliveries = "dead_deliveries"
        case failing = "failing_playbooks", unacknowledged
    }
}

/// `/meetings/{playbook}/{occurrence}`: one meeting, live.
struct MeetingView: Encodable, Sendable {
    struct Section: Encodable, Sendable {
        struct KPI: Encodable, Sendable {
            var title: String
            var latest: String
            var target: String
            var trend: String
            var status: String
            /// `status` as a CSS class name (`no-data`).
            var tone: String
            var isRed: Bool
        }
        var number: Int
        var title: String
        var minutes: Int
        var start: String
        var end: String
        var items: [String]
        var hasItems: Bool
        var scorecard: [KPI]
        var hasScorecard: Bool
        var redKPIs: [KPI]
        var hasRedKPIs: Bool
    }
    struct ChecklistItem: Encodable, Sendable {
        var number: Int
        var item: String
        var owner: String?
        var due: String?
        var done: Bool
        var doneBy: String?
        var doneAt: String?
        var action: String
        var nextValue: String
        var button: String
        /// `due` and `doneAt` as RFC 3339 with offset: what the JSON twin carries under those
        /// names (the page shows the display strings).
        var dueTime: String? = nil
        var doneTime: String? = nil

        enum CodingKeys: String, CodingKey {
            case number, item, owner, dueTime = "due", done, doneBy, doneTime = "doneAt", action, nextValue, button
        }
    }
    struct Action: Encodable, Sendable {
        var id: Int64
        var text: String
        var owner: String?
        var due: String?
        var overdue: Bool
    }

    var chrome: Chrome
    var playbook: String
    var title: String
    var occurrence: String
    var when: String
    var duration: String
    var owner: String?
    var attendees: String?
    var descriptionLines: [String]
    var sections: [Section]
    var checklist: [ChecklistItem]
    var hasChecklist: Bool
    var checklistDone: Int
    var checklistTotal: Int
    var actions: [Action]
    var hasActions: Bool
    var notes: String?
    /// The notes as HTML (escaped, a little Markdown): ``NotesText``.
    var notesHTML: String?
    var notesBy: String?
    var notesAt: String?
    var path: String
    var previous: String?
    var next: String?
    var agendaFile: String?
    var rating: Rating
    var acknowledgement: Acknowledgement
    /// KPIs escalated into this meeting from the rung below (the agenda's section).
    var escalation: EscalationBlock?
    /// The cadence's health over the last 13 weeks (the monthly review's agenda section).
    var health: HealthBlock?
    /// `notesAt` as RFC 3339 with offset, for the JSON twin.
    var notesTime: String? = nil
    /// Whether the agenda carries the playbook's open action items (a `carry_over` section).
    /// Only then does the page list them and offer to add one: an item added to a playbook
    /// whose agendas do not carry items would show in no agenda and not on this page.
    var carriesActions: Bool = true

    /// Whether someone said the meeting happened, and by when it is due.
    struct Acknowledgement: Encodable, Sendable {
        var isAcknowledged: Bool
        var by: String?
        var via: String?
        var at: String?
        /// When it is due (the playbook's `acknowledge: within`), if it asks for one.
        var due: String?
        var isOverdue: Bool
        var canAcknowledge: Bool
        /// `at` and `due` as RFC 3339 with offset, for the JSON twin.
        var atTime: String? = nil
        var dueTime: String? = nil

        enum CodingKeys: String, CodingKey { case isAcknowledged, by, via, atTime = "at", dueTime = "due", isOverdue, canAcknowledge }
    }

    /// The meeting's ratings: open once it has started.
    struct Rating: Encodable, Sendable {
        struct Entry: Encodable, Sendable {
            var person: String
            var rating: Int
        }
        struct Option: Encodable, Sendable {
            var value: Int
            var selected: Bool
        }
        var isOpen: Bool
        var average: String?
        var count: Int
        var entries: [Entry]
        var options: [Option]
        var mine: Int?
    }

    enum CodingKeys: String, CodingKey {
        case chrome = "viewer", playbook, title, occurrence, when, duration, owner, attendees, sections, checklist
        case actions = "open_action_items", notes, notesBy = "notes_by", notesTime = "notes_at", previous, next, rating, acknowledgement
        case carriesActions = "carries_action_items"
    }
}

/// `/actions`: every action item, filtered.
struct ActionsView: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var id: Int64
        var text: String
        var owner: String?
        var due: String?
        var playbook: String?
        var overdue: Bool
        var done: Bool
        var doneBy: String?
        var createdBy: String?
        var meetingHref: String?
    }
    struct Option: Encodable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var chrome: Chrome
    var items: [Item]
    var hasItems: Bool
    var owners: [Option]
    var playbooks: [Option]
    var statuses: [Option]
    var addPlaybooks: [Option]
    var returnTo: String
    var filtered: Bool

    enum CodingKeys: String, CodingKey { case chrome = "viewer", items }
}

/// `/kpis`: 13 weeks per KPI, and recording.
struct KPIsView: Encodable, Sendable {
    struct Cell: Encodable, Sendable {
        var text: String
        var status: String
    }
    struct Row: Encodable, Sendable {
        var key: String
        var title: String
        var unit: String
        var target: String
        var cells: [Cell]
        var latest: String
        var status: String
        var tone: String
    }
    struct Value: Encodable, Sendable {
        var kpi: String
        var title: String
        var date: String
        var value: String
        var status: String
        var recordedBy: String?
        var deleteAction: String
    }
    struct Option: Encodable, Sendable {
        var value: String
        var label: String
    }

    var chrome: Chrome
    var weeks: [String]
    var rows: [Row]
    var recent: [Value]
    var hasRecent: Bool
    var kpis: [Option]
    var today: String

    enum CodingKeys: String, CodingKey { case chrome = "viewer", weeks, rows, recent = "recent_values" }
}

/// `/outbox`: deliveries for admins.
struct OutboxView: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        var id: Int64
        var playbook: String
        var target: String
        var state: String
        var attempts: Int
        var reminderAt: String
        var lastError: String?
        var canRetry: Bool
        var canDrop: Bool
    }
    var chrome: Chrome
    var rows: [Row]
    var hasRows: Bool

    enum CodingKeys: String, CodingKey { case chrome = "viewer", rows = "deliveries" }
}

/// The sign-in pages and every error page.
struct MessageView: Encodable, Sendable {
    var chrome: Chrome
    var heading: String
    var message: String
    /// A sign-in link's confirmation form posts here.
    var signInAction: String?
    var person: String?
    /// A signed action link's confirmation form posts here, with this button.
    var actionForm: String?
    var actionLabel: String?

    enum CodingKeys: String, CodingKey { case heading, message }
}

/// `/maturity`: the quarterly self-assessment and its report.
struct MaturityView: Encodable, Sendable {
    struct Choice: Encodable, Sendable {
        var value: Int
        var stage: String
        var text: String
        var checked: Bool
        var id: String
    }
    struct Dimension: Encodable, Sendable {
        var key: String
        var title: String
        var question: String
        var choices: [Choice]
        var note: String
    }
    struct Row: Encodable, Sendable {
        var dimension: String
        var score: Int
        var change: String
        var isBottleneck: Bool
    }
    struct Report: Encodable, Sendable {
        var quarter: String
        var stage: Int
        var stageName: String
        var average: String
        var rows: [Row]
        var flatWarning: String?
        var roadmap: [String]
        var hasRoadmap: Bool
        var advice: String
        var hasTrend: Bool
    }
    struct Phase: Encodable, Sendable {
        var name: String
        var done: Int
        var total: Int
    }

    var chrome: Chrome
    var quarter: String
    var dimensions: [Dimension]
    var report: Report?
    var plan: [Phase]
    var hasPlan: Bool
    /// Whether the cadence itself works (the last 13 weeks).
    var health: MeetingHealth

    enum CodingKeys: String, CodingKey { case chrome = "viewer", report, plan, health }
}

/// `/calendar?month=YYYY-MM`: a month of every playbook's occurrences.
struct CalendarView: Encodable, Sendable {
    struct Event: Encodable, Sendable {
        var playbook: String
        var title: String
        var time: String
        var occurrence: String
        var href: String
        var movedFrom: String?
    }
    struct Day: Encodable, Sendable {
        var date: String
        var day: Int
        var inMonth: Bool
        var isToday: Bool
        var events: [Event]
    }
    struct Week: Encodable, Sendable {
        var days: [Day]
    }

    var chrome: Chrome
    var month: String
    var title: String
    var previous: String
    var next: String
    var weeks: [Week]
    var feedURL: String?

    enum CodingKeys: String, CodingKey { case chrome = "viewer", month, weeks, feedURL = "feed_url" }
}
