import ArgumentParser
import CadenceEngine
import Diagnostics
import Foundation

@main
struct OpsCadence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opscadence",
        abstract: "Run an operations team's leadership cadence from playbooks: agendas, checklists and chat reminders.",
        discussion: """
            A workspace is a folder with opscadence.yaml and playbooks/*.yaml. Every command works on the \
            workspace in the current folder, or on --workspace DIR.

            Run `opscadence tick` from cron every minute, or `opscadence run` as a service.
            """,
        version: OpsCadenceVersion.current,
        subcommands: [
            Init.self, Tick.self, Run.self, Status.self, Outbox.self, Validate.self, Upcoming.self, AgendaCommand.self, ChecklistCommand.self,
            Action.self, CalendarCommand.self, Notify.self, Assess.self, Report.self, KPI.self, Plan.self, Next.self, Explain.self,
            Install.self, Doctor.self, Serve.self, People.self, Ack.self, Health.self, State.self,
        ]
    )

    /// Prints errors the way compilers do (`error: …`, one line each) instead of ArgumentParser's
    /// generic format, and exits 2 for input the user must fix, 1 for other failures.
    static func main() async {
        // Webhooks go through libcurl with CURLOPT_NOSIGNAL, so a write to a connection the
        // server reset raises SIGPIPE, which would end the process mid-tick; ignore it here,
        // once, for the whole program (a library has no business changing it).
        signal(SIGPIPE, SIG_IGN)
        WorkspacePrefetch.start(arguments: Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            Output.error(error)
            Foundation.exit(error.exitCode)
        } catch let error as any UserFacingError {
            Output.error(error)
            Foundation.exit(error.failure.exitCode)
        } catch {
            // Help and version requests, and ExitCode from commands, keep ArgumentParser's handling.
            if exitCode(for: error) == .success || error is ExitCode { exit(withError: error) }
            Output.error(message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
            Foundation.exit(2)
        }
    }
}
