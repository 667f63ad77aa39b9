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
                  opscadence kpi import weekly.csv          # lines: date,name,value
                  opscadence kpi show --weeks 8
                """,
            subcommands: [Record.self, Import.self, Show.self], defaultSubcommand: Show.self)

        struct Record: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "record", abstract: "Record one value (replacing the KPI's value for that date).")
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The KPI key.")
            var name: String

            @Argument(help: "The value (a number; a trailing % is allowed).")
            var value: String

            @Option(help: ArgumentHelp("The date measured, YYYY-MM-DD (default: today).", valueName: "DATE"))
            var at: String?

            func run() async throws {
                let workspace = try workspaceOptions.load()
                let definitions = workspace.kpiDefinitions
                guard let kpi = definitions.first(where: { $0.key == name }) else {
                    throw CLIError("unknown KPI '\(name)' (expected one of: \(definitions.map(\.key).joined(separator: ", ")))")
                }
                guard let number = KPI.parseValue(value) else {
                    throw CLIError("VALUE: expected a number such as 2.4 or 99.5%, got \"\(value)\"")
                }
                let now = try clock.instant()
                let date = try at.map { try Arguments.date($0, option: "--at") } ?? workspace.configuration.timeZone.localDateTime(at: now).date
                try workspaceOptions.openStore(workspace).recordKPIValues([
                    KPIValue(kpi: name, measuredOn: date.description, value: number, recordedAt: now)
                ])
                let status = kpi.status(of: number)
                let stage = kpi.evidencedStage(for: number).map { ", \($0) evidence" } ?? ""
                Output.line("recorded \(kpi.title) \(kpi.format(number)) on \(date): \(status.rawValue)\(stage)")
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import values from a CSV file (date,name,value); a bad line stops the import and nothing is saved.")
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "The CSV file.")
            var file: String

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("\(file): cannot read the file") }
                guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file): not UTF-8 text") }
                let keys = Set(workspace.kpiDefinitions.map(\.key))
                let now = try clock.instant()
                let values = try KPI.parseCSV(text, file: file, keys: keys, now: now)
                try workspaceOptions.openStore(workspace).recordKPIValues(values)
                Output.line("imported \(values.count) value\(values.count == 1 ? "" : "s") from \(file)")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "Show the scorecard: latest value, trend, status, maturity evidence.")
            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Option(help: "How many weeks of history to show.")
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
                let today = workspace.configuration.timeZone.localDateTime(at: now).date
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

        static func parseValue(_ text: String) -> Double? {
            var t = text.trimmingCharacters(in: .whitespaces)
            if t.hasSuffix("%") { t.removeLast() }
            if t.hasPrefix("$") { t.removeFirst() }
            guard let v = Double(t), v.isFinite else { return nil }
            return v
        }

        /// `date,name,value` lines (an optional header line); any bad line is an error with its number.
        static func parseCSV(_ text: String, file: String, keys: Set<String>, now: Int64) throws -> [KPIValue] {
            var values: [KPIValue] = []
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r")).trimmingCharacters(in: .whitespaces)
                let number = index + 1
                if line.isEmpty || line.hasPrefix("#") { continue }
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                if index == 0 && fields.map({ $0.lowercased() }) == ["date", "name", "value"] { continue }
                guard fields.count == 3 else {
                    throw CLIError("\(file):\(number): expected 3 fields date,name,value, got \(fields.count); nothing was imported")
                }
                guard let date = CivilDate(iso: fields[0]) else {
                    throw CLIError("\(file):\(number): expected a date YYYY-MM-DD, got \"\(fields[0])\"; nothing was imported")
                }
                guard keys.contains(fields[1]) else {
                    throw CLIError("\(file):\(number): unknown KPI '\(fields[1])' (expected one of: \(keys.sorted().joined(separator: ", "))); nothing was imported")
                }
                guard let value = parseValue(fields[2]) else {
                    throw CLIError("\(file):\(number): expected a number, got \"\(fields[2])\"; nothing was imported")
                }
                values.append(KPIValue(kpi: fields[1], measuredOn: date.description, value: value, recordedAt: now))
            }
            return values
        }
    }
}

extension KPIDefinition {
    /// A value without its unit, for dense history columns.
    static func compact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.4g", value)
    }
}
