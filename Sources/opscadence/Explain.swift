import ArgumentParser
import Foundation
import Playbooks
import Timekeeping
import Recurrence

extension OpsCadence {
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Explain a schedule in plain English and show its next 5 occurrences.",
            discussion: """
                EXPR is a cron expression, an RRULE or a cadence phrase; the form is detected. Inside a \
                workspace, its timezone: is the default zone and its holidays: and weekend: are the business days.

                Examples:
                  opscadence explain "30 4 1,15 * 5"
                  opscadence explain "0 9 */2 * 1" --tz America/New_York
                  opscadence explain "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
                  opscadence explain "quarterly on the first monday at 10:00"
                  opscadence explain "first business day of the quarter at 10:00"
                """)

        @Argument(help: "A cron expression, RRULE or cadence phrase.")
        var expression: String

        @Option(help: ArgumentHelp("IANA time zone (default: the workspace's timezone, else the system zone).", valueName: "ZONE"))
        var tz: String?

        @Option(
            help: ArgumentHelp(
                "A workspace whose timezone: is the default zone (default: the current folder, when it holds opscadence.yaml).",
                valueName: "DIR"))
        var workspace: String?

        @Option(help: ArgumentHelp("Show occurrences after this RFC 3339 instant (default: now).", valueName: "INSTANT"))
        var after: String?

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        struct Explanation: Encodable {
            var expression: String
            var timeZone: String
            var explanation: [String]
            var next: [String]

            enum CodingKeys: String, CodingKey { case expression, timeZone = "time_zone", explanation, next }
        }

        func run() async throws {
            let (zone, calendar) = try Arguments.scheduleSettings(tz: tz, workspace: workspace)
            let start = try after.map { try Arguments.instant($0, option: "--after") } ?? Timeline.system.now
            var schedule = try Schedule.parse(expression, zone: zone)
            // The workspace's holidays and weekend, for the business-day phrases' own policy.
            if let calendar { schedule.calendar = calendar }
            try schedule.checkCanFire()
            let next = schedule.occurrences(after: start).prefix(5).map(\.rfc3339)
            if format == .json {
                try Output.json(Explanation(expression: expression, timeZone: zone.identifier, explanation: schedule.explanation, next: next))
                return
            }
            for line in schedule.explanation { Output.line(line) }
            Output.line("Next 5:")
            for o in schedule.occurrences(after: start).prefix(5) {
                Output.line("  \(o.rfc3339)  \(o.local.date.weekday.shortName) \(zone.abbreviation(at: o.instant))")
            }
        }
    }
}
