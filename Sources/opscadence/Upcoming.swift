import ArgumentParser
import Foundation
import Playbooks
import Recurrence

extension OpsCadence {
    struct Upcoming: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upcoming",
            abstract: "List the next occurrences of every playbook, in local time, holidays applied.",
            discussion: """
                Examples:
                  opscadence upcoming
                  opscadence upcoming --days 90 --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(parsing: .unconditional, help: "How many days ahead.")
        var days: Int = 14

        @Option(help: "text, or json: a list of {playbook, title, occurrence}.")
        var format: TextOrJSON = .text

        struct Row: Encodable {
            var playbook: String
            var title: String
            var occurrence: String
        }

        func validate() throws {
            guard (1...3660).contains(days) else { throw CLIError("--days: expected 1 to 3660, got \(days)") }
        }

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let now = try clock.instant()
            let end = now + Int64(days) * 86_400
            var items: [(Occurrence, Playbook)] = []
            for playbook in workspace.playbooks where playbook.isEnabled {
                for o in playbook.schedule.occurrences(after: now) {
                    if o.instant > end || items.count > 100_000 { break }
                    items.append((o, playbook))
                }
            }
            items.sort { ($0.0.instant, $0.1.id) < ($1.0.instant, $1.1.id) }
            if format == .json {
                try Output.json(items.map { Row(playbook: $0.1.id, title: $0.1.title, occurrence: $0.0.rfc3339) })
                return
            }
            if items.isEmpty { Output.line("nothing in the next \(days) days") }
            var table = [["WHEN", "ZONE", "PLAYBOOK", "TITLE"]]
            for (o, p) in items {
                let local = o.local
                let when = "\(local.date.weekday.shortName) \(local.date) \(String(local.description.dropFirst(11).prefix(5)))"
                table.append([when, p.timeZone.abbreviation(at: o.instant), p.id, p.title])
            }
            Table.print(table)
        }
    }
}
