import Agendas
import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence

extension AgendaRenderer.Format: ExpressibleByArgument {}

extension OpsCadence {
    struct AgendaCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agenda",
            abstract: "Render the agenda and checklist of one occurrence of a playbook.",
            discussion: """
                Shows timeboxed sections with clock times, the checklist with completion, open action items \
                carried over from earlier occurrences, and the KPI, assessment, roadmap and plan data the \
                sections ask for. Templates: playbooks/templates/agenda.{md,html}.mustache.

                Examples:
                  opscadence agenda weekly-kpi-review
                  opscadence agenda weekly-kpi-review --at last --format html > last.html
                  opscadence agenda quarterly-maturity-assessment --at 2027-01-04 --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Argument(help: "The playbook id.")
        var playbook: String

        @Option(help: ArgumentHelp("next, last, nearest, an RFC 3339 instant, or a date YYYY-MM-DD.", valueName: "WHEN"))
        var at: String = "next"

        @Option(help: "markdown, html or json.")
        var format: AgendaRenderer.Format = .markdown

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let now = try clock.instant()
            let playbook = try workspace.requirePlaybook(self.playbook)
            let occurrence = try playbook.occurrence(at: at, now: now)
            let source = AgendaSource(workspace: workspace, store: try workspaceOptions.openStoreIfPresent(workspace))
            let agenda = try source.agenda(for: playbook, at: occurrence.instant, now: now)
            let text = try AgendaRenderer(workspaceRoot: workspace.root).render(agenda, as: format)
            if format == .json {
                var writer = Output.Writer()
                writer.append(text)
                writer.flush()
            } else {
                Output.document(text)
            }
        }
    }
}
