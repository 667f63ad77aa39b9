import ArgumentParser
import Foundation
import Playbooks
import Timekeeping
import Recurrence

extension OpsCadence {
    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Print the next occurrences of a cron expression, RRULE or cadence phrase.",
            discussion: """
                Results are strictly after --after, sorted, without duplicates, in the zone's own offset. \
                Output streams: --count 1000000 starts printing at once. Inside a workspace, its timezone: \
                is the default zone and its holidays: and weekend: are the business days.

                Examples:
                  opscadence next --cron "0 9 * * 1-5" --tz America/New_York --count 5
                  opscadence next --rrule "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=16;BYMINUTE=0" \\
                      --tz Europe/London
                  opscadence next --rrule "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR" \\
                      --dtstart 2026-12-04T15:00
                  opscadence next --every "monthly on the last business day at 16:00" \\
                      --format json
                  opscadence next --every "every other friday at 14:00 starting 2026-01-09"
                """)

        @Option(help: ArgumentHelp("A five-field cron expression or macro (@daily).", valueName: "EXPR"))
        var cron: String?

        @Option(help: ArgumentHelp("An RFC 5545 RRULE (FREQ=...).", valueName: "RULE"))
        var rrule: String?

        @Option(help: ArgumentHelp("DTSTART of --rrule, local time in --tz: YYYY-MM-DDTHH:MM[:SS].", valueName: "LOCAL"))
        var dtstart: String?

        @Option(help: ArgumentHelp("A cadence phrase, e.g. \"weekly on monday at 09:00\".", valueName: "PHRASE"))
        var every: String?

        @Option(help: ArgumentHelp("IANA time zone (default: the workspace's timezone, else the system zone).", valueName: "ZONE"))
        var tz: String?

        @Option(
            help: ArgumentHelp(
                "A workspace whose timezone: is the default zone (default: the current folder, when it holds opscadence.yaml).",
                valueName: "DIR"))
        var workspace: String?

        @Option(help: ArgumentHelp("Occurrences strictly after this RFC 3339 instant (default: now).", valueName: "INSTANT"))
        var after: String?

        @Option(parsing: .unconditional, help: "How many occurrences.")
        var count: Int = 10

        @Option(help: "text or json (a JSON array of RFC 3339 strings).")
        var format: TextOrJSON = .text

        func validate() throws {
            let given = [cron, rrule, every].compactMap { $0 }.count
            guard given == 1 else { throw CLIError("give exactly one of --cron EXPR, --rrule RULE or --every PHRASE") }
            if dtstart != nil && rrule == nil { throw CLIError("--dtstart goes with --rrule") }
            guard count >= 0 else { throw CLIError("--count: expected a number of occurrences, 0 or more, got \(count)") }
        }

        func run() async throws {
            let (zone, calendar) = try Arguments.scheduleSettings(tz: tz, workspace: workspace)
            let start = try after.map { try Arguments.instant($0, option: "--after") } ?? Timeline.system.now
            var schedule: Schedule
            if let cron {
                schedule = try Schedule.cron(cron, zone: zone)
            } else if let rrule {
                var local: LocalDateTime?
                if let dtstart {
                    guard let parsed = LocalDateTime(iso: dtstart) else {
                        throw CLIError("--dtstart: expected a local date-time YYYY-MM-DDTHH:MM[:SS], got \"\(dtstart)\"")
                    }
                    local = parsed
                }
                schedule = try Schedule.rrule(rrule, dtstart: local, zone: zone)
            } else {
                schedule = try Schedule.phrase(every!, zone: zone)
            }
            // The workspace's holidays and weekend, for the business-day phrases' own policy.
            if let calendar { schedule.calendar = calendar }
            try schedule.checkCanFire()
            Next.write(schedule.occurrences(after: start), count: count, format: format, zone: zone)
        }

        /// Streams occurrences to standard output without building the list first.
        static func write(_ occurrences: Schedule.Occurrences, count: Int, format: TextOrJSON, zone: ZoneRules) {
            var writer = Output.Writer()
            var formatter = RFC3339.StreamingFormatter()
            var iterator = occurrences.makeIterator()
            var written = 0
            if format == .json { writer.bytes.append(UInt8(ascii: "[")) }
            while written < count, let o = iterator.next() {
                switch format {
                case .json:
                    writer.bytes.append(contentsOf: written == 0 ? [0x0A, 0x20, 0x20, 0x22] : [0x2C, 0x0A, 0x20, 0x20, 0x22])
                    formatter.append(o.instant, offset: o.utcOffset, to: &writer.bytes)
                    writer.bytes.append(UInt8(ascii: "\""))
                case .text:
                    formatter.append(o.instant, offset: o.utcOffset, to: &writer.bytes)
                    writer.append("  \(o.local.date.weekday.shortName)  \(zone.abbreviation(at: o.instant))\n")
                }
                written += 1
                writer.flushIfNeeded()
            }
            if format == .json { writer.append(written == 0 ? "]\n" : "\n]\n") }
            writer.flush()
        }
    }
}
