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
            /// "moved from Fri 25 Dec: Christmas Day" when a holiday policy moved it (omitted otherwise).
            var holiday: String?
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
                try Output.json(items.map { Row(playbook: $0.1.id, title: $0.1.title, occurrence: $0.0.rfc3339, holiday: $0.0.shift?.text) })
                return
            }
            // Text also lists what a `skip` policy dropped, at the time it would have had.
            var rows = items.map { (o, p) in (o, p, o.shift.map { " — \($0.text)" } ?? "") }
            for playbook in workspace.playbooks where playbook.isEnabled && playbook.holidayPolicy == .skip {
                for (o, note) in playbook.holidayChanges(after: now, through: end).prefix(10_000) {
                    rows.append((o, playbook, " — \(note)"))
                }
            }
            rows.sort { ($0.0.instant, $0.1.id) < ($1.0.instant, $1.1.id) }
            if rows.isEmpty { Output.line("nothing in the next \(days) days") }
            var table = [["WHEN", "ZONE", "PLAYBOOK", "TITLE"]]
            for (o, p, note) in rows {
                let local = o.local
                let when = "\(local.date.weekday.shortName) \(local.date) \(String(local.description.dropFirst(11).prefix(5)))"
                table.append([when, p.timeZone.abbreviation(at: o.instant), p.id, p.title + note])
            }
            Table.print(table)
        }
    }
}
