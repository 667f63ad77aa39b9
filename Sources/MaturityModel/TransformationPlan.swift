import Recurrence

/// The model's 12-month transformation plan: Foundations (months 1–3), Systems (4–6),
/// Optimization (7–9) and Advancement (10–12), each with its checklist, plus the 2 to 3 roadmap
/// priorities for the bottleneck in the first phase.
package struct TransformationPlan: Codable, Sendable {
    package struct Item: Codable, Sendable, Hashable {
        /// Stable id: `foundations-1` … `advancement-5`, `priority-1` ….
        package var id: String
        package var phase: String
        package var text: String
        package var owner: String
        /// The month it is due: the last month of its phase.
        package var dueMonth: YearMonth

        enum CodingKeys: String, CodingKey { case id, phase, text, owner, dueMonth = "due_month" }
    }

    package struct Phase: Codable, Sendable {
        package var key: String
        package var name: String
        /// `Months 1-3`.
        package var months: String
        package var firstMonth: YearMonth
        package var lastMonth: YearMonth
        package var items: [Item]

        enum CodingKeys: String, CodingKey { case key, name, months, firstMonth = "first_month", lastMonth = "last_month", items }
    }

    package struct PhaseProgress: Codable, Sendable {
        package var name: String
        package var months: String
        package var done: Int
        package var total: Int
        package var open: [String]
    }

    package var start: YearMonth
    package var assessmentQuarter: Quarter?
    package var phases: [Phase]

    enum CodingKeys: String, CodingKey { case start, assessmentQuarter = "assessment_quarter", phases }

    package var items: [Item] { phases.flatMap(\.items) }

    /// The last month a plan may start: its twelve months must end by 9999-12.
    package static let latestStart = YearMonth(year: 9999, month: 1)!

    /// Builds the plan from `start`; with an assessment, its 2 to 3 bottleneck priorities join Foundations.
    ///
    /// - Throws: ``MaturityError`` when the plan would run past 9999-12 (`start` after ``latestStart``).
    package static func build(start: YearMonth, assessment: AssessmentResult?, model: MaturityModel = .standard) throws(MaturityError)
        -> TransformationPlan
    {
        var phases: [Phase] = []
        for phase in model.planPhases {
            guard let first = start.adding(months: phase.firstMonth - 1), let last = start.adding(months: phase.lastMonth - 1) else {
                throw MaturityError(
                    "the 12-month plan must start by \(latestStart) so that it ends by 9999-12, got \(start)")
            }
            var items = phase.items.enumerated().map { index, item in
                Item(id: "\(phase.key)-\(index + 1)", phase: phase.name, text: item.text, owner: item.owner, dueMonth: last)
            }
            if phase.key == "foundations", let assessment {
                items += assessment.priorities.enumerated().map { index, priority in
                    Item(
                        id: "priority-\(index + 1)", phase: phase.name, text: "Roadmap priority: \(priority.text)",
                        owner: "Ops Lead", dueMonth: last)
                }
            }
            phases.append(
                Phase(
                    key: phase.key, name: phase.name, months: "Months \(phase.firstMonth)-\(phase.lastMonth)", firstMonth: first,
                    lastMonth: last, items: items))
        }
        return TransformationPlan(start: start, assessmentQuarter: assessment?.quarter, phases: phases)
    }

    /// Done and open items per phase.
    package func progress(done: Set<String>) -> [PhaseProgress] {
        phases.map { phase in
            PhaseProgress(
                name: phase.name, months: phase.months, done: phase.items.filter { done.contains($0.id) }.count,
                total: phase.items.count, open: phase.items.filter { !done.contains($0.id) }.map(\.text))
        }
    }

    /// The plan as a Markdown checklist.
    package func markdown(done: Set<String> = []) -> String {
        var lines = ["# 12-month transformation plan", "", "Starts \(start)\(assessmentQuarter.map { "; priorities from the \($0) assessment" } ?? "").", ""]
        for phase in phases {
            lines.append("## \(phase.name) — \(phase.months) (\(phase.firstMonth) to \(phase.lastMonth))")
            lines.append("")
            for item in phase.items {
                lines.append("- [\(done.contains(item.id) ? "x" : " ")] \(item.text) — \(item.owner), due \(item.dueMonth) (`\(item.id)`)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// The plan as an RFC 5545 calendar of VTODO items (due the last day of their month).
    package func icalendar(dtstamp: String, uidDomain: String, done: Set<String> = []) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpsCadence//transformation plan//EN", "CALSCALE:GREGORIAN"]
        for item in items {
            lines += [
                "BEGIN:VTODO", "UID:\(item.id).\(start)@\(uidDomain)", "DTSTAMP:\(dtstamp)",
                "SUMMARY:" + ICalendarText.escape(item.text),
                "DESCRIPTION:" + ICalendarText.escape("Owner: \(item.owner)\nPhase: \(item.phase)"),
                "CATEGORIES:" + ICalendarText.escape(item.phase),
                "DUE;VALUE=DATE:" + item.dueMonth.lastDay.filter { $0 != "-" },
                "STATUS:" + (done.contains(item.id) ? "COMPLETED" : "NEEDS-ACTION"), "END:VTODO",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(ICalendarText.fold).joined()
    }
}
