import Agendas
import ArgumentParser
import Foundation

extension OpsCadence {
    struct CalendarCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calendar",
            abstract: "Export the cadence as an iCalendar (.ics) file for Google Calendar or Outlook.",
            discussion: """
                One event per playbook with its RRULE, time zone (VTIMEZONE), a stable UID and the agenda \
                outline; dates a holiday policy moved appear as EXDATE/RDATE within the horizon.

                Examples:
                  opscadence calendar > cadence.ics
                  opscadence calendar --days 730 --name "Ops cadence" > cadence.ics
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(parsing: .unconditional, help: "How many days ahead holiday adjustments and cron dates are expanded.")
        var days: Int = 400

        @Option(help: "The calendar's name.")
        var name: String = "Operations leadership cadence"

        func validate() throws {
            guard (7...3660).contains(days) else { throw CLIError("--days: expected 7 to 3660, got \(days)") }
        }

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let export = CalendarExport(workspace: workspace, horizonDays: days, name: name)
            var writer = Output.Writer()
            writer.append(export.render(now: try clock.instant()))
            writer.flush()
        }
    }
}
