import Agendas
import Foundation
import Playbooks
import Recurrence
import StateStore

/// Whether the cadence itself works, per playbook, over the last weeks: the numbers the
/// quarterly review looks at. Each figure has a threshold that turns it red.
package struct MeetingHealth: Sendable, Encodable {
    /// One figure: its value (nil when there is nothing to measure), the threshold, and
    /// whether it is red.
    package struct Figure: Sendable, Encodable {
        package var value: Double?
        package var text: String
        package var threshold: String
        package var isRed: Bool

        enum CodingKeys: String, CodingKey { case value, text, threshold, isRed = "is_red" }
    }

    package struct Row: Sendable, Encodable {
        package var playbook: String
        package var title: String
        /// Occurrences that started in the window.
        package var occurrences: Int
        /// Share acknowledged by their deadline (playbooks with `acknowledge:` only).
        package var acknowledgedOnTime: Figure
        /// Share of checklist items ticked before the start.
        package var checklistBeforeStart: Figure
        /// Share of action items due in the window that were done by their due date.
        package var actionsClosedOnTime: Figure
        /// Median age in days of the playbook's open action items.
        package var openActionMedianAgeDays: Figure
        /// Average 1-10 rating of its meetings in the window.
        package var averageRating: Figure

        enum CodingKeys: String, CodingKey {
            case playbook, title, occurrences, acknowledgedOnTime = "acknowledged_on_time", checklistBeforeStart = "checklist_before_start"
            case actionsClosedOnTime = "actions_closed_on_time", openActionMedianAgeDays = "open_action_median_age_days"
            case averageRating = "average_rating"
        }

        /// Whether any figure is red.
        package var isRed: Bool {
            [acknowledgedOnTime, checklistBeforeStart, actionsClosedOnTime, openActionMedianAgeDays, averageRating].contains(where: \.isRed)
        }
    }

    /// Red below 80 % for the shares, above 28 days for the median age, below 7 for the rating.
    package static let minimumShare = 0.8
    package static let maximumMedianAgeDays = 28.0
    package static let minimumRating = 7.0

    package var weeks: Int
    package var from: String
    package var to: String
    package var rows: [Row]

    /// Measures every enabled playbook (or one) over the `weeks` before `now`.
    package static func measure(workspace: Workspace, store: StateStore, playbook only: String? = nil, weeks: Int, now: Int64) throws(StateError) -> MeetingHealth {
        let start = now - Int64(weeks) * 7 * 86_400
        let zone = workspace.configuration.timeZone
        let actions = try store.actions(includeDone: true)
        var rows: [Row] = []
        for playbook in workspace.playbooks where playbook.isEnabled && (only == nil || playbook.id == only) {
            var occurrences: [Int64] = []
            for occurrence in playbook.schedule.occurrences(after: start - 1) {
                if occurrence.instant > now || occurrences.count >= 5000 { break }
                occurrences.append(occurrence.instant)
            }
            let records = try store.meetingRecords(playbook: playbook.id, startingIn: (start - 1)...now)
            // Acknowledged by the deadline, among occurrences whose deadline has passed.
            var acknowledgement = figure(nil, threshold: "≥ 80 %", red: { _ in false }, format: percent)
            if let rule = playbook.acknowledgement {
                let due = occurrences.filter { $0 + Int64(rule.within) <= now }
                let onTime = due.filter { occurrence in records.acknowledgedAt[occurrence].map { $0 <= occurrence + Int64(rule.within) } ?? false }
                acknowledgement = figure(
                    due.isEmpty ? nil : Double(onTime.count) / Double(due.count), threshold: "≥ 80 %", red: { $0 < minimumShare }, format: percent)
            }
            // Checklist items ticked before the start.
            let items = playbook.checklist.isEmpty ? 0 : occurrences.count * playbook.checklist.count
            let ticked = occurrences.reduce(0) { count, occurrence in count + (records.checklistDoneAt[occurrence] ?? []).filter { $0 <= occurrence }.count }
            let checklist = figure(items == 0 ? nil : Double(ticked) / Double(items), threshold: "≥ 80 %", red: { $0 < minimumShare }, format: percent)
            // Action items due in the window: done by the end of their due date?
            let mine = actions.filter { $0.playbookId == playbook.id }
            let fromDate = zone.localDateTime(at: start).date.description
            let today = zone.localDateTime(at: now).date.description
            let dueInWindow = mine.filter { item in item.dueDate.map { $0 >= fromDate && $0 < today } ?? false }
            let closedOnTime = dueInWindow.filter { item in
                guard let done = item.doneAt, let due = item.dueDate else { return false }
                return zone.localDateTime(at: done).date.description <= due
            }
            let actionsFigure = figure(
                dueInWindow.isEmpty ? nil : Double(closedOnTime.count) / Double(dueInWindow.count), threshold: "≥ 80 %", red: { $0 < minimumShare },
                format: percent)
            // Median age of open items.
            let ages = mine.filter { !$0.isDone }.map { Double(now - $0.createdAt) / 86_400 }.sorted()
            let median: Double? = ages.isEmpty ? nil : (ages.count % 2 == 1 ? ages[ages.count / 2] : (ages[ages.count / 2 - 1] + ages[ages.count / 2]) / 2)
            let ageFigure = figure(median, threshold: "≤ 28 days", red: { $0 > maximumMedianAgeDays }, format: { String(format: "%.1f days", $0) })
            // Ratings.
            let ratings = occurrences.flatMap { records.ratings[$0] ?? [] }
            let rating = figure(
                ratings.isEmpty ? nil : Double(ratings.reduce(0, +)) / Double(ratings.count), threshold: "≥ 7", red: { $0 < minimumRating },
                format: { String(format: "%.1f", $0) })
            rows.append(
                Row(
                    playbook: playbook.id, title: playbook.title, occurrences: occurrences.count, acknowledgedOnTime: acknowledgement,
                    checklistBeforeStart: checklist, actionsClosedOnTime: actionsFigure, openActionMedianAgeDays: ageFigure, averageRating: rating))
        }
        return MeetingHealth(
            weeks: weeks, from: zone.localDateTime(at: start).date.description, to: zone.localDateTime(at: now).date.description, rows: rows)
    }

    /// The table as the monthly review's agenda shows it: playbooks that met in the window
    /// (a transformation phase still ahead has nothing to say yet).
    package var block: HealthBlock {
        HealthBlock(
            period: "\(from) to \(to) (\(weeks) weeks)",
            rows: rows.filter { $0.occurrences > 0 }.map { row in
                HealthBlock.Row(
                    title: row.title, occurrences: row.occurrences,
                    cells: [row.acknowledgedOnTime, row.checklistBeforeStart, row.actionsClosedOnTime, row.openActionMedianAgeDays, row.averageRating]
                        .map { HealthBlock.Cell(text: $0.text, isRed: $0.isRed) })
            },
            legend: MeetingHealth.legend)
    }

    /// What turns a figure red, as the command, the page and the agenda say it.
    package static let legend = "Red: a share below 80 %, open action items older than 28 days (median), a rating below 7."

    static func percent(_ value: Double) -> String { String(format: "%.0f %%", value * 100) }

    static func figure(_ value: Double?, threshold: String, red: (Double) -> Bool, format: (Double) -> String) -> Figure {
        Figure(value: value, text: value.map(format) ?? "—", threshold: threshold, isRed: value.map(red) ?? false)
    }
}
