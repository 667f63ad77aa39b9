import ArgumentParser
import CadenceEngine
import Foundation
import MaturityModel
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Build and follow the 12-month transformation plan.",
            discussion: """
                Foundations (months 1-3), Systems (4-6), Optimization (7-9), Advancement (10-12), with the \
                model's checklists and 2 to 3 roadmap priorities for the bottleneck. Items are stored as \
                action items of the monthly review, so they show in its agenda and reminders; mark them \
                done with `opscadence action done ID`.

                Examples:
                  opscadence plan --start 2027-01
                  opscadence plan --start 2027-01 --from-assessment 2026-Q4
                  opscadence plan show --format json
                  opscadence plan export --format ics > plan.ics
                """,
            subcommands: [Create.self, Show.self, Export.self], defaultSubcommand: Create.self)

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create", abstract: "Build the plan and store its items as action items.",
                discussion: """
                    Examples:
                      opscadence plan create --start 2027-01
                      opscadence plan create --start 2027-01 --from-assessment 2026-Q4 --force
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Option(help: ArgumentHelp("The first month, YYYY-MM.", valueName: "MONTH"))
            var start: String

            @Option(
                name: .customLong("from-assessment"),
                help: ArgumentHelp("Take the bottleneck priorities from this assessment: latest, a quarter (2026-Q4), or none.", valueName: "QUARTER"))
            var fromAssessment: String = "latest"

            @Option(help: ArgumentHelp("The playbook whose agendas carry the plan items (default: the monthly review).", valueName: "ID"))
            var playbook: String?

            @Flag(help: "Replace an existing plan.")
            var force = false

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Created: Encodable {
                var start: String
                var items: Int
                var playbook: String
                var assessmentQuarter: String?
                enum CodingKeys: String, CodingKey {
                    case start, items, playbook
                    case assessmentQuarter = "assessment_quarter"
                }
            }

            func run() async throws {
                let month: YearMonth
                do { month = try YearMonth(parsing: start) } catch { throw CLIError("--start: \(error.message)") }
                guard month <= TransformationPlan.latestStart else {
                    throw CLIError("--start: the 12-month plan must start by \(TransformationPlan.latestStart) so that it ends by 9999-12, got \(month)")
                }
                let workspace = try workspaceOptions.load()
                let owner: String
                if let playbook {
                    owner = try workspace.requirePlaybook(playbook).id
                } else {
                    guard let monthly = workspace.playbooks.first(where: { $0.agenda.contains { $0.show.contains(.plan) } && $0.id.contains("monthly") })
                        ?? workspace.playbooks.first(where: { $0.agenda.contains { $0.show.contains(.plan) } })
                    else { throw CLIError("no playbook shows the plan (show: [plan]); give --playbook ID") }
                    owner = monthly.id
                }
                let store = try workspaceOptions.openStore(workspace)
                if let existing = try store.plan(), !force {
                    throw CLIError("a plan starting \(existing.startMonth) already exists; add --force to replace it (its action items are replaced too)")
                }
                let history = try Assessments.load(from: store)
                var result: AssessmentResult?
                switch fromAssessment {
                case "none": result = nil
                case "latest":
                    if let latest = history.last { result = AssessmentResult(assessment: latest, history: history) }
                default:
                    let quarter: Quarter
                    do { quarter = try Quarter(parsing: fromAssessment) } catch { throw CLIError("--from-assessment: \(error.message), latest or none") }
                    guard let a = history.first(where: { $0.quarter == quarter }) else {
                        throw CLIError("--from-assessment: no assessment for \(quarter) (recorded: \(history.map(\.quarter.description).joined(separator: ", ")))")
                    }
                    result = AssessmentResult(assessment: a, history: history)
                }
                let plan: TransformationPlan
                do { plan = try TransformationPlan.build(start: month, assessment: result) } catch { throw CLIError("--start: \(error.message)") }
                let now = try clock.instant()
                // What the state already proves (this quarter's assessment) is stored as done.
                let proven = plan.itemsProvenDone(assessedQuarters: try Assessments.load(from: store).map(\.quarter))
                let items = plan.items.map {
                    var item = ActionItem(
                        playbookId: owner, text: $0.text, owner: $0.owner, dueDate: $0.dueMonth.lastDay, createdAt: now, planItem: $0.id,
                        planPhase: $0.phase)
                    if proven.contains($0.id) { item.doneAt = now }
                    return item
                }
                try store.savePlan(startMonth: month.description, assessmentQuarter: result?.quarter.description, items: items, now: now)
                if format == .json {
                    return try Output.json(
                        Created(start: month.description, items: items.count, playbook: owner, assessmentQuarter: result?.quarter.description))
                }
                Output.line("transformation plan from \(month): \(items.count) items in 4 phases, carried in \(owner)'s agenda")
                if !proven.isEmpty { Output.line("\(proven.count) already done: a recent assessment is recorded") }
                if let result { Output.line("priorities from the \(result.quarter) assessment (bottleneck: \(result.bottlenecks.map(\.title).joined(separator: ", ")))") }
                Output.line("see `opscadence plan show`")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show the plan with progress per phase.",
                discussion: """
                    Examples:
                      opscadence plan show
                      opscadence plan show --format json
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct View: Encodable {
                struct Item: Encodable {
                    var id: String
                    var action: Int64
                    var text: String
                    var owner: String?
                    var due: String?
                    var done: Bool
                }
                struct Phase: Encodable {
                    var name: String
                    var months: String
                    var done: Int
                    var total: Int
                    var items: [Item]
                }
                var start: String
                var assessmentQuarter: String?
                var phases: [Phase]

                enum CodingKeys: String, CodingKey { case start, assessmentQuarter = "assessment_quarter", phases }
            }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let store = try workspaceOptions.openStoreIfPresent(workspace), let stored = try store.plan() else {
                    throw CLIError("no plan yet: create one with `opscadence plan --start YYYY-MM`", exitCode: 1)
                }
                let items = try store.planItems()
                var phases: [View.Phase] = []
                for phaseName in MaturityModel.standard.planPhases.map(\.name) {
                    let mine = items.filter { $0.planPhase == phaseName }
                    let phase = MaturityModel.standard.planPhases.first { $0.name == phaseName }!
                    phases.append(
                        View.Phase(
                            name: phaseName, months: "Months \(phase.firstMonth)-\(phase.lastMonth)", done: mine.filter(\.isDone).count,
                            total: mine.count,
                            items: mine.map {
                                View.Item(id: $0.planItem ?? "", action: $0.id ?? 0, text: $0.text, owner: $0.owner, due: $0.dueDate, done: $0.isDone)
                            }))
                }
                let view = View(start: stored.startMonth, assessmentQuarter: stored.assessmentQuarter, phases: phases)
                if format == .json {
                    try Output.json(view)
                    return
                }
                Output.line("12-month transformation plan from \(view.start)\(view.assessmentQuarter.map { " (priorities from \($0))" } ?? "")")
                for phase in phases {
                    Output.line("\n\(phase.name) — \(phase.months): \(phase.done)/\(phase.total) done")
                    for item in phase.items {
                        Output.line("  [\(item.done ? "x" : " ")] #\(item.action) \(item.text) — \(item.owner ?? ""), due \(item.due ?? "")")
                    }
                }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "export", abstract: "Export the plan as Markdown or iCalendar VTODOs.",
                discussion: """
                    Examples:
                      opscadence plan export --format ics > plan.ics
                      opscadence plan export --format markdown
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            enum Format: String, ExpressibleByArgument { case markdown, ics }

            @Option(help: "markdown or ics.")
            var format: Format = .markdown

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let store = try workspaceOptions.openStoreIfPresent(workspace), let plan = try PlanState.load(from: store) else {
                    throw CLIError("no plan yet: create one with `opscadence plan --start YYYY-MM`", exitCode: 1)
                }
                let done = Set(try store.planItems().filter(\.isDone).compactMap(\.planItem))
                var writer = Output.Writer()
                switch format {
                case .markdown: Output.document(plan.markdown(done: done))
                case .ics:
                    let folder = (FileManager.default.currentDirectoryPath as NSString).lastPathComponent.lowercased().filter { $0.isLetter || $0.isNumber }
                    writer.append(plan.icalendar(dtstamp: ICalendarText.utc(try clock.instant()), uidDomain: "\(folder.isEmpty ? "workspace" : folder).opscadence", done: done))
                }
                writer.flush()
            }
        }
    }
}
