import Foundation
import Playbooks
import Recurrence
import StateStore

/// Everything an agenda shows for one occurrence of a playbook: the view model the Mustache
/// templates render and `agenda --format json` prints.
public struct Agenda: Codable, Sendable {
    public var playbookId: String
    public var title: String
    public var description: String?
    /// The start as RFC 3339 in the playbook's zone.
    public var occurrence: String
    /// `Monday 7 December 2026`.
    public var date: String
    /// `09:00`.
    public var startTime: String
    public var endTime: String
    public var timeZone: String
    /// `EST`.
    public var zoneAbbreviation: String
    /// `30 min`, `2 h`, `4 h`.
    public var duration: String
    public var schedule: String
    public var owner: String?
    public var attendees: [String]
    public var sections: [Section]
    public var checklist: [ChecklistRow]
    /// Open action items of this playbook, carried over from earlier occurrences.
    public var actionItems: [ActionRow]
    /// KPIs in red right now, one line each.
    public var alerts: [String]
    public var generatedAt: String
    /// KPIs red long enough on the rung below to climb into this meeting (weekly, monthly and
    /// quarterly playbooks); nil for playbooks not on the ladder, or on its first rung.
    public var escalation: EscalationBlock? = nil
    /// The cadence's own health over the last 13 weeks (the monthly review's agenda).
    public var health: HealthBlock? = nil
    /// Set when a holiday policy moved this occurrence: "moved from Fri 25 Dec: Christmas Day".
    public var holiday: String? = nil

    // Template helpers: Mustache has no logic, so the conditions are precomputed.
    /// The description as Markdown lines for the agenda's quote block, without trailing blank
    /// lines. The description is the team's own Markdown (emphasis, links), kept as written, but
    /// the Markdown template quotes every line (`> line`), so that no line can start a heading,
    /// list or table of the agenda's own, and `<` is written `&lt;`, so that no raw HTML
    /// (`<script>`, `<img>`) passes into the agenda or what renders it.
    public var descriptionLines: [String] {
        guard var text = description else { return [] }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = line
            while let last = line.last, last.isWhitespace { line.removeLast() }
            return line.replacingOccurrences(of: "<", with: "&lt;")
        }
    }
    public var hasAttendees: Bool { !attendees.isEmpty }
    public var attendeeList: String { attendees.joined(separator: ", ") }
    public var hasChecklist: Bool { !checklist.isEmpty }
    public var hasActionItems: Bool { !actionItems.isEmpty }
    public var hasAlerts: Bool { !alerts.isEmpty }
    public var openChecklistCount: Int { checklist.filter { !$0.done }.count }
    public var overdueActionCount: Int { actionItems.filter(\.overdue).count }

    enum CodingKeys: String, CodingKey {
        case playbookId = "playbook", title, description, occurrence, date, startTime = "start_time", endTime = "end_time"
        case timeZone = "time_zone", zoneAbbreviation = "zone_abbreviation", duration, schedule, owner, attendees
        case sections, checklist, actionItems = "action_items", alerts, generatedAt = "generated_at"
        case escalation, health, holiday
    }

    /// A timeboxed section with its clock times and the data it shows.
    public struct Section: Codable, Sendable {
        public var number: Int
        public var title: String
        public var minutes: Int
        public var start: String
        public var end: String
        public var items: [String]
        /// The section lists the playbook's open action items.
        public var carryOver: Bool
        /// The section lists the KPIs in red.
        public var showsRedKPIs: Bool
        public var scorecard: [ScorecardRow] = []
        public var actionItems: [ActionRow] = []
        public var redKPIs: [ScorecardRow] = []
        public var assessment: AssessmentBlock?
        public var roadmap: RoadmapBlock?
        public var plan: PlanBlock?

        public var hasItems: Bool { !items.isEmpty }
        public var hasScorecard: Bool { !scorecard.isEmpty }
        public var hasCarriedActions: Bool { !actionItems.isEmpty }
        public var hasRedKPIs: Bool { !redKPIs.isEmpty }

        enum CodingKeys: String, CodingKey {
            case number, title, minutes, start, end, items, carryOver = "carry_over", showsRedKPIs = "shows_red_kpis"
            case scorecard, actionItems = "action_items", redKPIs = "red_kpis", assessment, roadmap, plan
        }
    }

    public struct ChecklistRow: Codable, Sendable {
        public var number: Int
        public var item: String
        public var owner: String?
        /// Local due time, e.g. `Mon 7 Dec 08:00`.
        public var due: String?
        public var done: Bool
        /// Who ticked it on the web page (nil when ticked from the command line or not done).
        public var doneBy: String? = nil
        /// When it was ticked, in the meeting's zone (`Fri 4 Dec 14:05`).
        public var doneAt: String? = nil

        enum CodingKeys: String, CodingKey {
            case number, item, owner, due, done, doneBy = "done_by", doneAt = "done_at"
        }
    }

    public struct ActionRow: Codable, Sendable {
        public var id: Int64
        public var text: String
        public var owner: String?
        public var due: String?
        public var overdue: Bool
    }
}

/// One KPI row of a scorecard.
public struct ScorecardRow: Codable, Sendable {
    public var key: String
    public var title: String
    /// `2.4 %`, or `—` when nothing was recorded.
    public var latest: String
    public var target: String
    /// `▲ worsening`, `▼ improving`, `→ flat`, or `—`.
    public var trend: String
    /// `green`, `amber`, `red` or `no target`.
    public var status: String
    /// `Stage 3 (Optimized)` or empty.
    public var stage: String
    public var isRed: Bool

    public init(key: String, title: String, latest: String, target: String, trend: String, status: String, stage: String, isRed: Bool) {
        self.key = key
        self.title = title
        self.latest = latest
        self.target = target
        self.trend = trend
        self.status = status
        self.stage = stage
        self.isRed = isRed
    }
}

/// A meeting's section of KPIs escalated from the rung below.
public struct EscalationBlock: Codable, Sendable {
    /// `Escalated from the daily check`.
    public var heading: String
    /// The rung they came from: `daily`, `weekly` or `monthly`.
    public var from: String
    public var kpis: [EscalatedKPIRow]
    /// What the section says when nothing climbed: `No KPI was red at 3 daily checks in a row.`
    public var none: String

    public var hasKPIs: Bool { !kpis.isEmpty }

    public init(heading: String, from: String, kpis: [EscalatedKPIRow], none: String) {
        self.heading = heading
        self.from = from
        self.kpis = kpis
        self.none = none
    }
}

/// One escalated KPI, with the values that kept it red.
public struct EscalatedKPIRow: Codable, Sendable, Hashable {
    public var key: String
    public var title: String
    /// `red at 4 daily checks in a row`.
    public var streak: String
    /// How many occurrences of the rung below in a row.
    public var count: Int
    /// `$6.40 (2026-11-27)`, oldest first.
    public var values: [String]
    public var target: String

    public var valuesText: String { values.joined(separator: ", ") }

    public init(key: String, title: String, streak: String, count: Int, values: [String], target: String) {
        self.key = key
        self.title = title
        self.streak = streak
        self.count = count
        self.values = values
        self.target = target
    }
}

/// The meeting-health table (see `opscadence health`) as an agenda section.
public struct HealthBlock: Codable, Sendable {
    public struct Cell: Codable, Sendable {
        public var text: String
        public var isRed: Bool

        public init(text: String, isRed: Bool) {
            self.text = text
            self.isRed = isRed
        }
    }

    public struct Row: Codable, Sendable {
        public var title: String
        public var occurrences: Int
        /// Acknowledged on time, checklist before the start, actions closed on time, open
        /// action age, rating: in the table's column order.
        public var cells: [Cell]

        public init(title: String, occurrences: Int, cells: [Cell]) {
            self.title = title
            self.occurrences = occurrences
            self.cells = cells
        }
    }

    /// `2026-09-01 to 2026-12-01 (13 weeks)`.
    public var period: String
    public var rows: [Row]
    /// Which figures are red.
    public var legend: String

    public init(period: String, rows: [Row], legend: String) {
        self.period = period
        self.rows = rows
        self.legend = legend
    }
}

/// The self-assessment form with last quarter's scores.
public struct AssessmentBlock: Codable, Sendable {
    public struct Row: Codable, Sendable {
        public var dimension: String
        public var key: String
        public var previous: String
        public var descriptions: [String]

        public init(dimension: String, key: String, previous: String, descriptions: [String]) {
            self.dimension = dimension
            self.key = key
            self.previous = previous
            self.descriptions = descriptions
        }
    }
    public var lastQuarter: String?
    public var rows: [Row]
    public var overall: String?
    public var flatWarning: String?

    public init(lastQuarter: String?, rows: [Row], overall: String?, flatWarning: String?) {
        self.lastQuarter = lastQuarter
        self.rows = rows
        self.overall = overall
        self.flatWarning = flatWarning
    }
}

/// The roadmap for the current bottleneck.
public struct RoadmapBlock: Codable, Sendable {
    public var heading: String
    public var items: [String]
    public var advice: String

    public init(heading: String, items: [String], advice: String) {
        self.heading = heading
        self.items = items
        self.advice = advice
    }
}

/// Progress of the transformation plan.
public struct PlanBlock: Codable, Sendable {
    public struct Phase: Codable, Sendable {
        public var name: String
        public var months: String
        public var done: Int
        public var total: Int
        public var open: [String]

        public init(name: String, months: String, done: Int, total: Int, open: [String]) {
            self.name = name
            self.months = months
            self.done = done
            self.total = total
            self.open = open
        }
    }
    public var phases: [Phase]
    /// The plan's open items due by the end of the meeting's month (overdue ones included),
    /// `text — owner, due YYYY-MM-DD`: what this meeting works on.
    public var thisMonth: [String]
    /// What to do when there is nothing to show yet (no plan).
    public var hint: String?

    public init(phases: [Phase], thisMonth: [String] = [], hint: String? = nil) {
        self.phases = phases
        self.thisMonth = thisMonth
        self.hint = hint
    }
}
