import ArgumentParser
import CadenceEngine
import Foundation
import MaturityModel
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct KPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi",
            abstract: "Record KPI values and show the scorecard with status and maturity evidence.",
            discussion: """
                KPIs: the maturity model's (order_accuracy, forecast_mape, stockout_rate, fulfillment_error_rate, \
                manual_hours_per_week, time_to_decision_hours, cost_per_order) plus those under kpis: in \
                opscadence.yaml. The weekly review shows the scorecard; the daily check lists KPIs in red.

                Examples:
                  opscadence kpi record stockout_rate 2.4
                  opscadence kpi record order_accuracy 99.2 --at 2026-11-30
                  opscadence kpi record order_accuracy 99.4 --at 2026-11-30 --replace   # a wrong value
                  opscadence kpi delete order_accuracy --at 2026-11-30
                  opscadence kpi import weekly.csv          # date,name,value; a header line and Excel CSV are fine
                  opscadence kpi show --weeks 8
                """,
            subcommands: [Record.self, Import.self, Show.self, Delete.self], defaultSubcommand: Show.self)

        struct Record: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "record", abstract: "Record one value (a KPI has one per date: --replace changes a wrong one).",
                discussion: """
                    Examples:
                      opscadence kpi record stockout_rate 2.4
                      opscadence kpi record cost_per_order '$4.20' --at 2026-11-30
                      opscadence kpi record cost_per_order '$4.02' --at 2026-11-30 --replace
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The KPI key.")
            var name: String

            @Argument(help: "The value (a number; a trailing % is allowed).")
            var value: String

            @Option(help: ArgumentHelp("The date measured, YYYY-MM-DD (default: today).", valueName: "DATE"))
            var at: String?

            @Flag(help: "Replace the value already recorded for that date (without it, one there is an error).")
            var replace = false

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Recorded: Encodable {
                var kpi: String
                var date: String
                var value: Double
                var status: String
                var stage: Int?
                /// The value it replaced (with --replace).
                var replaced: Double?
            }

            func run() async throws {
                try Arguments.requireOneLine((name, "NAME"), (value, "VALUE"), (at, "--at"))
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                // Checked before the state file is opened, so a value that does not fit creates nothing.
                let (reading, kpi) = try workspaceOptions.change(["kpi": "NAME", "value": "VALUE", "date": "--at"]) {
                    try Teamwork.kpiReading(key: name, value: value, date: at, workspace: workspace, now: now)
                }
                let previous = try workspaceOptions.openStoreIfPresent(workspace)?.kpiValues(kpi: name, since: reading.measuredOn)
                    .first { $0.measuredOn == reading.measuredOn }
                if let previous, !replace {
                    throw CLIError(
                        "\(name) already has \(kpi.format(previous.value)) on \(reading.measuredOn); add --replace to change it (or `opscadence kpi delete \(name) --at \(reading.measuredOn)`)")
                }
                let store = try workspaceOptions.openStore(workspace)
                // Checked again as it is written (one transaction): a value recorded since the look above is not overwritten.
                let replaced = try workspaceOptions.change(["kpi": "NAME", "value": "VALUE", "date": "--at", "replace": "--replace"]) {
                    try workspaceOptions.teamwork(workspace, store: store).record(reading, of: kpi, replace: replace)
                }
                let number = reading.value
                let date = reading.measuredOn
                let status = kpi.status(of: number)
                if format == .json {
                    return try Output.json(
                        Recorded(
                            kpi: name, date: date.description, value: number, status: status.rawValue, stage: kpi.evidencedStage(for: number)?.number,
                            replaced: replaced?.value))
                }
                let stage = kpi.evidencedStage(for: number).map { ", \($0) evidence" } ?? ""
                let was = replaced.map { " (was \(kpi.format($0.value)))" } ?? ""
                Output.line("recorded \(kpi.title) \(kpi.format(number)) on \(date)\(was): \(status.rawValue)\(stage)")
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import values from a CSV file (date,name,value; a header line is allowed); a bad line stops the import and nothing is saved.",
                discussion: """
                    Examples:
                      opscadence kpi import weekly.csv   # date,name,value; a header line is allowed
                      opscadence kpi import woche.csv    # date;name;value with decimal commas (4,20), detected
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The CSV file.")
            var file: String

            @Option(help: ArgumentHelp("The field separator, , or ; (default: detected from the first line; with ; values may have a decimal comma).", valueName: "CHAR"))
            var delimiter: String?

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Imported: Encodable {
                var file: String
                var imported: Int
            }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read the file") }
                guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file): not UTF-8 text") }
                let now = try clock.instant()
                // Parsed before the state file is opened, so a bad file creates nothing.
                let separator: Character?
                switch delimiter {
                case nil: separator = nil
                case ","?: separator = ","
                case ";"?: separator = ";"
                case let other?: throw CLIError("--delimiter: expected , or ;, got \"\(other)\"")
                }
                let readings = try Teamwork.readings(csv: text, file: file, workspace: workspace, now: now, delimiter: separator)
                let store = try workspaceOptions.openStore(workspace)
                let count = try workspaceOptions.teamwork(workspace, store: store).importKPIs(readings, by: nil, now: now)
                if format == .json { return try Output.json(Imported(file: file, imported: count)) }
                Output.line("imported \(count) value\(count == 1 ? "" : "s") from \(file)")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show the scorecard: latest value, trend, status, maturity evidence.",
                discussion: """
                    Examples:
                      opscadence kpi show
                      opscadence kpi show --weeks 12 --format json
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Option(parsing: .unconditional, help: "How many weeks of history to show.")
            var weeks: Int = 8

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Row: Encodable {
                var key: String
                var title: String
                var unit: String
                var latest: Double?
                var date: String?
                var status: String
                var stage: Int?
                var trend: String
                var higherIsBetter: Bool
                var green: Double?
                var red: Double?
                var values: [Point]

                struct Point: Encodable {
                    var date: String
                    var value: Double
                }

                enum CodingKeys: String, CodingKey {
                    case key, title, unit, latest, date, status, stage, trend, higherIsBetter = "higher_is_better", green, red, values
                }
            }

            func run() async throws {
                guard (1...520).contains(weeks) else { throw CLIError("--weeks: expected 1 to 520, got \(weeks)") }
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let today = workspace.configuration.date(at: now)
                let since = today.adding(days: -7 * weeks).description
                let values = try workspaceOptions.openStoreIfPresent(workspace)?.kpiValues() ?? []
                let rows = workspace.kpiDefinitions.map { kpi -> Row in
                    let all = values.filter { $0.kpi == kpi.key }
                    let trend = KPITrend(points: all.map { ($0.measuredOn, $0.value) }, definition: kpi)
                    return Row(
                        key: kpi.key, title: kpi.title, unit: kpi.unit, latest: trend.latest?.value, date: trend.latest?.date,
                        status: trend.latest.map { kpi.status(of: $0.value).rawValue } ?? "no data",
                        stage: trend.latest.flatMap { kpi.evidencedStage(for: $0.value)?.number }, trend: trend.direction.rawValue,
                        higherIsBetter: kpi.higherIsBetter, green: kpi.green, red: kpi.red,
                        values: all.filter { $0.measuredOn >= since }.map { Row.Point(date: $0.measuredOn, value: $0.value) })
                }
                if format == .json {
                    try Output.json(rows)
                    return
                }
                var table = [["KPI", "LATEST", "DATE", "TARGET", "STATUS", "TREND (4 wk)", "EVIDENCE", "LAST \(weeks) WEEKS"]]
                for (row, kpi) in zip(rows, workspace.kpiDefinitions) {
                    table.append([
                        row.title, row.latest.map(kpi.format) ?? "—", row.date ?? "—", kpi.targetText, row.status, row.trend,
                        row.stage.map { "Stage \($0)" } ?? "", row.values.map { KPIDefinition.compact($0.value) }.joined(separator: " "),
                    ])
                }
                Table.print(table)
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "delete", abstract: "Delete the value recorded for a date (a wrong one; --replace on record changes it instead).",
                discussion: """
                    Examples:
                      opscadence kpi delete stockout_rate --at 2026-11-30
                    """)
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The KPI key.")
            var name: String

            @Option(help: ArgumentHelp("The date of the value, YYYY-MM-DD.", valueName: "DATE"))
            var at: String

            func run() async throws {
                try Arguments.requireOneLine((name, "NAME"), (at, "--at"))
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                guard let kpi = workspace.kpiDefinitions.first(where: { $0.key == name }) else {
                    throw CLIError("NAME: unknown KPI '\(name)' (expected one of: \(workspace.kpiDefinitions.map(\.key).joined(separator: ", ")))")
                }
                let date = try Arguments.date(at, option: "--at").description
                guard let store = try workspaceOptions.openExistingStore(workspace),
                    let value = try store.kpiValues(kpi: name, since: date).first(where: { $0.measuredOn == date })
                else { throw CLIError("--at: no value of \(name) on \(date)") }
                try workspaceOptions.change(["date": "--at"]) {
                    try workspaceOptions.teamwork(workspace, store: store).deleteKPIValue(key: name, date: date, now: now)
                }
                Output.line("deleted \(kpi.title) \(kpi.format(value.value)) on \(date)")
            }
        }
    }
}

extension KPIDefinition {
    /// A value without its unit, for dense history columns.
    static func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.4g", value)
    }
}
