import MaturityModel
import Recurrence

/// One recurring meeting or check of the operating cadence, from a `playbooks/*.yaml` file.
package struct Playbook: Sendable, Identifiable {
    /// Stable id (`weekly-kpi-review`): lowercase letters, digits and dashes.
    package var id: String
    package var title: String
    package var description: String?
    /// The file it was read from, relative to the workspace.
    package var file: String
    /// When it happens, in `timeZone`, with the holiday policy applied.
    package var schedule: Schedule
    /// The schedule as written (`weekly on monday at 09:00`, `cron: 0 9 * * 1`, …).
    package var scheduleText: String
    package var timeZone: ZoneRules
    /// Length of the meeting in seconds.
    package var duration: Int
    package var owner: String?
    package var attendees: [String]
    package var holidayPolicy: HolidayPolicy
    /// What a late tick does with occurrences it missed.
    package var catchUp: CatchUpPolicy
    /// Seconds after which a due reminder is recorded as missed instead of sent, and after which
    /// a failing delivery stops being retried.
    package var grace: Int
    package var reminders: [Reminder]
    package var agenda: [AgendaSection]
    package var checklist: [ChecklistItem]
    /// Disabled playbooks validate but never fire.
    package var isEnabled: Bool
    /// `acknowledge:`: someone must say the meeting or check happened, else it escalates.
    package var acknowledgement: Acknowledgement? = nil
    /// `tags:`: the team's own labels; `daily`, `weekly`, `monthly` or `quarterly` among them
    /// puts the playbook on that rung of the KPI escalation ladder.
    package var tags: [String] = []
    /// Its rung of the KPI escalation ladder: from a tag, else from a word of its id
    /// (`weekly-kpi-review`); nil when neither names one.
    package var rung: CadenceRung? = nil

    /// Seconds before the occurrence at which its agenda is rendered and reminders are queued:
    /// the earliest reminder (a checklist item's own reminder included), or the start itself.
    package var leadTime: Int { max(0, (reminders.map(\.before) + checklist.compactMap(\.reminderLead)).max() ?? 0) }

    /// What the stored watermark depends on: the schedule, its zone, the holiday policy and the
    /// lead time. When it changes, the planner looks again at the occurrences still ahead, since
    /// the old watermark may already be past their new opening.
    package var planKey: String {
        "\(scheduleText)|\(timeZone.identifier)|\(holidayPolicy.rawValue)|\(leadTime)|\(isEnabled)"
    }
}

/// `acknowledge: { within, escalate }`: the occurrence must be acknowledged (from the web app,
/// a chat link or `opscadence ack`) within `within` of its start; each escalation is posted to
/// its target `after` the start if nobody has by then.
package struct Acknowledgement: Sendable, Hashable {
    package struct Escalation: Sendable, Hashable {
        package var target: String
        /// Seconds after the start; at least `within`.
        package var after: Int
        /// The message instead of the default "not acknowledged" text.
        package var message: String?
        package var location: SourceLocation
    }

    /// Seconds after the start by which it is due.
    package var within: Int
    package var escalations: [Escalation]
}

/// `catch_up`: what a tick does with occurrences that fell due while nothing was ticking.
package enum CatchUpPolicy: String, CaseIterable, Sendable, Codable {
    /// Handle every missed occurrence (within `grace`).
    case all
    /// Handle only the most recent; record the others as coalesced.
    case latest
    /// Handle only occurrences that fell due within the last minute.
    case none
}

/// A reminder posted to a target some time before the occurrence.
package struct Reminder: Sendable, Hashable {
    package var target: String
    /// Seconds before the start (0 = at the start).
    package var before: Int
    package var location: SourceLocation
}

/// A timeboxed part of the agenda.
package struct AgendaSection: Sendable, Hashable {
    package var title: String
    package var minutes: Int
    /// KPIs whose scorecard rows the section shows.
    package var kpis: [String]
    /// Open action items carried over from earlier occurrences are listed here.
    package var carryOver: Bool
    /// Prompts or talking points.
    package var items: [String]
    /// Data from the maturity model shown in the section.
    package var show: [SectionData]
}

/// Live data an agenda section can show.
package enum SectionData: String, CaseIterable, Sendable, Codable {
    /// The five-dimension self-assessment form with last quarter's scores.
    case assessment
    /// The stage roadmap for the current bottleneck.
    case roadmap
    /// Progress of the 12-month transformation plan.
    case plan
    /// KPIs currently in red.
    case redKPIs = "red_kpis"
}

/// A checklist entry.
package struct ChecklistItem: Sendable, Hashable {
    package var item: String
    package var owner: String?
    /// Seconds relative to the start (`-1h` = an hour before).
    package var due: Int?
    /// `remind: true`: the item gets its own reminder at `due`, to its owner, and a late-item
    /// reminder at the start if it is still unticked then (validation requires `due` before the
    /// start and a playbook with `remind:` targets).
    package var remind: Bool = false

    package init(item: String, owner: String? = nil, due: Int? = nil, remind: Bool = false) {
        self.item = item
        self.owner = owner
        self.due = due
        self.remind = remind
    }

    /// Seconds before the start at which the item's own reminder goes out, when it has one.
    package var reminderLead: Int? {
        guard remind, let due, due < 0 else { return nil }
        return -due
    }
}
