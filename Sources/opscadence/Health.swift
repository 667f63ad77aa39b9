import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks

extension OpsCadence {
    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "health",
            abstract: "Meeting health: is the cadence itself working? Per playbook, over the last weeks.",
            discussion: """
                Per playbook: occurrences acknowledged on time (playbooks with acknowledge:), checklist items \
                ticked before the start, action items closed by their due date, the median age of open \
                action items and the average meeting rating. Red: a share below 80 %, a median age over \
                28 days, a rating below 7. Exits 0 either way; --format json for monitoring.

                Examples:
                  opscadence health
                  opscadence health --playbook weekly-kpi-review --weeks 26 --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(help: ArgumentHelp("Only this playbook.", valueName: "ID"))
        var playbook: String?

        @Option(help: "How many weeks back (1-104).")
        var weeks: Int = 13

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        func validate() throws {
            guard (1...104).contains(weeks) else { throw CLIError("--weeks: expected 1 to 104, got \(weeks)") }
        }

        func run() async throws {
            try Arguments.requireOneLine((playbook, "--playbook"))
            let workspace = try workspaceOptions.load()
            if let playbook { _ = try workspace.requirePlaybook(playbook) }
            let now = try clock.instant()
            guard let store = try workspaceOptions.openStoreIfPresent(workspace) else {
                throw CLIError("nothing recorded yet: run opscadence tick first", exitCode: 1)
            }
            let health = try MeetingHealth.measure(workspace: workspace, store: store, playbook: playbook, weeks: weeks, now: now)
            if format == .json { return try Output.json(health) }
            Output.line("Meeting health, \(health.from) to \(health.to) (\(weeks) weeks)")
            var rows = [["PLAYBOOK", "MEETINGS", "ACK ON TIME", "CHECKLIST", "ACTIONS ON TIME", "OPEN AGE", "RATING"]]
            for row in health.rows {
                func show(_ figure: MeetingHealth.Figure) -> String { figure.text + (figure.isRed ? " (red)" : "") }
                rows.append([
                    row.playbook, "\(row.occurrences)", show(row.acknowledgedOnTime), show(row.checklistBeforeStart), show(row.actionsClosedOnTime),
                    show(row.openActionMedianAgeDays), show(row.averageRating),
                ])
            }
            Table.print(rows)
            Output.line(MeetingHealth.legend)
        }
    }
}
