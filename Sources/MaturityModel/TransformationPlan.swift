import Recurrence

/// The model's 12-month transformation plan: Foundations (months 1–3), Systems (4–6),
/// Optimization (7–9) and Advancement (10–12), each with its checklist, plus the 2 to 3 roadmap
/// priorities for the bottleneck in the first phase.
public struct TransformationPlan: Codable, Sendable {
    public struct Item: Codable, Sendable, Hashable {
        /// Stable id: `foundations-1` … `advancement-5`, `priority-1` ….
        public var id: String
        public var phase: String
        public var text: String
        public var owner: String
        /// The month it is due: the last month of its phase.
        public var dueMonth: YearMonth

        enum CodingKeys: String, CodingKey { case id, phase, text, owner, dueMonth = "due_month" }
    }

    public struct Phase: Codable, Sendable {
        public var key: String
        public var name: String
        /// `Months 1-3`.
        public var months: String
        public var firstMonth: YearMonth
        public var lastMonth: YearMonth
        public var items: [Item]

        enum CodingKeys: String, CodingKey { case key, name, months, firstMonth = "first_month", lastMonth = "last_month", items }
    }

    public struct PhaseProgress: Codable, Sendable {
        public var name: String
        public var months: String
        public var done: Int
        public var total: Int
        public var open: [String]
    }

    public var start: YearMonth
    public var assessmentQuarter: Quarter?
    public var phases: [Phase]

    enum CodingKeys: String, CodingKey { case start, assessmentQuarter = "assessment_quarter", phases }

    public var items: [Item] { phases.flatMap(\.items) }

    /// The last month a plan may start: its twelve months must end by 9999-12.
    public static let latestStart = YearMonth(year: 9999, month: 1)!

    /// Builds the plan from `start`; with an assessment, its 2 to 3 bottleneck priorities join Foundations.
    ///
    /// - Throws: ``MaturityError`` when the plan would run past 9999-12 (`start` after ``latestStart``).
    public static func build(start: YearMonth, assessment: AssessmentResult?, model: MaturityModel = .standard) throws(MaturityError)
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
    public func progress(done: Set<String>) -> [PhaseProgress] {
        phases.map { phase in
            PhaseProgress(
                name: phase.name, months: phase.months, done: phase.items.filter { done.contains($0.id) }.count,
                total: phase.items.count, open: phase.items.filter { !done.contains($0.id) }.map(\.text))
        }
    }

    /// The plan as a Markdown checklist.
    public func markdown(done: Set<String> = []) -> String {
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
    public func icalendar(dtstamp: String, uidDomain: String, done: Set<String> = []) -> String {
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
