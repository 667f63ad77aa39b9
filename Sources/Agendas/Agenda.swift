import Foundation
import Playbooks
import Recurrence
import StateStore

/// Everything an agenda shows for one occurrence of a playbook: the view model the Mustache
/// templates render and `agenda --format json` prints.
package struct Agenda: Codable, Sendable {
    package var playbookId: String
    package var title: String
    package var description: String?
    /// The start as RFC 3339 in the playbook's zone.
    package var occurrence: String
    /// `Monday 7 December 2026`.
    package var date: String
    /// `09:00`.
    package var startTime: String
    package var endTime: String
    package var timeZone: String
    /// `EST`.
    package var zoneAbbreviation: String
    /// `30 min`, `2 h`, `4 h`.
    package var duration: String
    package var schedule: String
    package var owner: String?
    package var attendees: [String]
    package var sections: [Section]
    package var checklist: [ChecklistRow]
    /// Open action items of this playbook, carried over from earlier occurrences.
    package var actionItems: [ActionRow]
    /// KPIs in red right now, one line each.
    package var alerts: [String]
    package var generatedAt: String
    /// KPIs red long enough on the rung below to climb into this meeting (weekly, monthly and
    /// quarterly playbooks); nil for playbooks not on the ladder, or on its first rung.
    package var escalation: EscalationBlock? = nil
    /// The cadence's own health over the last 13 weeks (the monthly review's agenda).
    package var health: HealthBlock? = nil
    /// Set when a holiday policy moved this occurrence: "moved from Fri 25 Dec: Christmas Day".
    package var holiday: String? = nil

    // Template helpers: Mustache has no logic, so the conditions are precomputed.
    /// The description as Markdown lines for the agenda's quote block, without trailing blank
    /// lines. The description is the team's own Markdown (emphasis, links), kept as written, but
    /// the Markdown template quotes every line (`> line`), so that no line can start a heading,
    /// list or table of the agenda's own, and `<` is written `&lt;`, so that no raw HTML
    /// (`<script>`, `<img>`) passes into the agenda or what renders it.
    package var descriptionLines: [String] {
        guard var text = description else { return [] }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = line
            while let last = line.last, last.isWhitespace { line.removeLast() }
            return line.replacingOccurrences(of: "<", with: "&lt;")
        }
    }
    package var hasAttendees: Bool { !attendees.isEmpty }
    package var attendeeList: String { attendees.joined(separator: ", ") }
    package var hasChecklist: Bool { !checklist.isEmpty }
    package var hasActionItems: Bool { !actionItems.isEmpty }
    package var hasAlerts: Bool { !alerts.isEmpty }
    package var openChecklistCount: Int { checklist.filter { !$0.done }.count }
    package var overdueActionCount: Int { actionItems.filter(\.overdue).count }

    enum CodingKeys: String, CodingKey {
        case playbookId = "playbook", title, description, occurrence, date, startTime = "start_time", endTime = "end_time"
        case timeZone = "time_zone", zoneAbbreviation = "zone_abbreviation", duration, schedule, owner, attendees
        case sections, checklist, actionItems = "action_items", alerts, generatedAt = "generated_at"
        case escalation, health, holiday
    }

    /// A timeboxed section with its clock times and the data it shows.
    package struct Section: Codable, Sendable {
        package var number: Int
        package var title: String
        package var minutes: Int
        package var start: String
        package var end: String
        package var items: [String]
        /// The section lists the playbook's open action items.
        package var carryOver: Bool
        /// The section lists the KPIs in red.
        package var showsRedKPIs: Bool
        package var scorecard: [ScorecardRow] = []
        package var actionItems: [ActionRow] = []
        package var redKPIs: [ScorecardRow] = []
        package var assessment: AssessmentBlock?
        package var roadmap: RoadmapBlock?
        package var plan: PlanBlock?

        package var hasItems: Bool { !items.isEmpty }
        package var hasScorecard: Bool { !scorecard.isEmpty }
        package var hasCarriedActions: Bool { !actionItems.isEmpty }
        package var hasRedKPIs: Bool { !redKPIs.isEmpty }

        enum CodingKeys: String, CodingKey {
            case number, title, minutes, start, end, items, carryOver = "carry_over", showsRedKPIs = "shows_red_kpis"
            case scorecard, actionItems = "action_items", redKPIs = "red_kpis", assessment, roadmap, plan
        }
    }

    /// One checklist item. Its times are there twice: for people (`due`, `doneAt`, what the
    /// templates show) and for programs (`dueTime`, `doneTime`, what JSON carries as `due` and
    /// `done_at`), since a display string such as `Mon 7 Dec 08:00` has no year or offset.
    package struct ChecklistRow: Codable, Sendable {
        package var number: Int
        package var item: String
        package var owner: String?
        /// Local due time, e.g. `Mon 7 Dec 08:00`.
        package var due: String?
        package var done: Bool
        /// Who ticked it on the web page (nil when ticked from the command line or not done).
        package var doneBy: String? = nil
        /// When it was ticked, in the meeting's zone (`Fri 4 Dec 14:05`).
        package var doneAt: String? = nil
        /// The due time as RFC 3339 with the meeting zone's offset (JSON `due`).
        package var dueTime: String? = nil
        /// When it was ticked, as RFC 3339 with the meeting zone's offset (JSON `done_at`).
        package var doneTime: String? = nil

        enum CodingKeys: String, CodingKey {
            case number, item, owner, dueTime = "due", done, doneBy = "done_by", doneTime = "done_at"
        }
    }

    package struct ActionRow: Codable, Sendable {
        package var id: Int64
        package var text: String
        package var owner: String?
        package var due: String?
        package var overdue: Bool
    }
}

/// One KPI row of a scorecard.
package struct ScorecardRow: Codable, Sendable {
    package var key: String
    package var title: String
    /// `2.4 %`, or `—` when nothing was recorded.
    package var latest: String
    package var target: String
    /// `▲ worsening`, `▼ improving`, `→ flat`, or `—`.
    package var trend: String
    /// `green`, `amber`, `red` or `no target`.
    package var status: String
    /// `Stage 3 (Optimized)` or empty.
    package var stage: String
    package var isRed: Bool

    package init(key: String, title: String, latest: String, target: String, trend: String, status: String, stage: String, isRed: Bool) {
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
package struct EscalationBlock: Codable, Sendable {
    /// `Escalated from the daily check`.
    package var heading: String
    /// The rung they came from: `daily`, `weekly` or `monthly`.
    package var from: String
    package var kpis: [EscalatedKPIRow]
    /// What the section says when nothing climbed: `No KPI was red at 3 daily checks in a row.`
    package var none: String

    package var hasKPIs: Bool { !kpis.isEmpty }

    package init(heading: String, from: String, kpis: [EscalatedKPIRow], none: String) {
        self.heading = heading
        self.from = from
        self.kpis = kpis
        self.none = none
    }
}

/// One escalated KPI, with the values that kept it red.
package struct EscalatedKPIRow: Codable, Sendable, Hashable {
    package var key: String
    package var title: String
    /// `red at 4 daily checks in a row`.
    package var streak: String
    /// How many occurrences of the rung below in a row.
    package var count: Int
    /// `$6.40 (2026-11-27)`, oldest first.
    package var values: [String]
    package var target: String

    package var valuesText: String { values.joined(separator: ", ") }

    package init(key: String, title: String, streak: String, count: Int, values: [String], target: String) {
        self.key = key
        self.title = title
        self.streak = streak
        self.count = count
        self.values = values
        self.target = target
    }
}

/// The meeting-health table (see `opscadence health`) as an agenda section.
package struct HealthBlock: Codable, Sendable {
    package struct Cell: Codable, Sendable {
        package var text: String
        package var isRed: Bool

        package init(text: String, isRed: Bool) {
            self.text = text
            self.isRed = isRed
        }
    }

    package struct Row: Codable, Sendable {
        package var title: String
        package var occurrences: Int
        /// Acknowledged on time, checklist before the start, actions closed on time, open
        /// action age, rating: in the table's column order.
        package var cells: [Cell]

        package init(title: String, occurrences: Int, cells: [Cell]) {
            self.title = title
            self.occurrences = occurrences
            self.cells = cells
        }
    }

    /// `2026-09-01 to 2026-12-01 (13 weeks)`.
    package var period: String
    package var rows: [Row]
    /// Which figures are red.
    package var legend: String

    package init(period: String, rows: [Row], legend: String) {
        self.period = period
        self.rows = rows
        self.legend = legend
    }
}

/// The self-assessment form with last quarter's scores.
package struct AssessmentBlock: Codable, Sendable {
    package struct Row: Codable, Sendable {
        package var dimension: String
        package var key: String
        package var previous: String
        package var descriptions: [String]

        package init(dimension: String, key: String, previous: String, descriptions: [String]) {
            self.dimension = dimension
            self.key = key
            self.previous = previous
            self.descriptions = descriptions
        }
    }
    package var lastQuarter: String?
    package var rows: [Row]
    package var overall: String?
    package var flatWarning: String?

    package init(lastQuarter: String?, rows: [Row], overall: String?, flatWarning: String?) {
        self.lastQuarter = lastQuarter
        self.rows = rows
        self.overall = overall
        self.flatWarning = flatWarning
    }
}

/// The roadmap for the current bottleneck.
package struct RoadmapBlock: Codable, Sendable {
    package var heading: String
    package var items: [String]
    package var advice: String

    package init(heading: String, items: [String], advice: String) {
        self.heading = heading
        self.items = items
        self.advice = advice
    }
}

/// Progress of the transformation plan.
package struct PlanBlock: Codable, Sendable {
    package struct Phase: Codable, Sendable {
        package var name: String
        package var months: String
        package var done: Int
        package var total: Int
        package var open: [String]

        package init(name: String, months: String, done: Int, total: Int, open: [String]) {
            self.name = name
            self.months = months
            self.done = done
            self.total = total
            self.open = open
        }
    }
    package var phases: [Phase]
    /// The plan's open items due by the end of the meeting's month (overdue ones included),
    /// `text — owner, due YYYY-MM-DD`: what this meeting works on.
    package var thisMonth: [String]
    /// What to do when there is nothing to show yet (no plan).
    package var hint: String?

    package init(phases: [Phase], thisMonth: [String] = [], hint: String? = nil) {
        self.phases = phases
        self.thisMonth = thisMonth
        self.hint = hint
    }
}
