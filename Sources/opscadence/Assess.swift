import ArgumentParser
import CadenceEngine
import Foundation
import MaturityModel
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assess",
            abstract: "Record the quarterly maturity self-assessment and show the stage, bottleneck and roadmap.",
            discussion: """
                Score each dimension 1-5 against the model's stage descriptions: your current state, not your \
                target. The overall stage is the lowest score (the bottleneck), not the average. On a terminal \
                without score options, each dimension is asked in turn with its five stage descriptions.

                Examples:
                  opscadence assess
                  opscadence assess --quarter 2026-Q4 --inventory 2 --fulfillment 3 \\
                      --planning 1 --reporting 2 --governance 2
                  opscadence assess --inventory 2 --fulfillment 3 --planning 1 \\
                      --reporting 2 --governance 2 \\
                      --note planning="no forecast yet" --format json
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var clock: ClockOptions

        @Option(help: ArgumentHelp("The quarter, e.g. 2026-Q4 (default: the current one).", valueName: "QUARTER"))
        var quarter: String?

        @Option(help: "Inventory Management, 1-5.") var inventory: String?
        @Option(help: "Fulfillment Execution, 1-5.") var fulfillment: String?
        @Option(help: "Planning/Forecasting, 1-5.") var planning: String?
        @Option(help: "Reporting/Visibility, 1-5.") var reporting: String?
        @Option(help: "Governance/Process, 1-5.") var governance: String?

        @Option(name: .customLong("note"), help: ArgumentHelp("A note for a dimension, DIMENSION=TEXT (repeatable).", valueName: "DIMENSION=TEXT"))
        var notes: [String] = []

        @Flag(help: "Replace the quarter's existing assessment without asking.")
        var force = false

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let now = try clock.instant()
            let zone = workspace.configuration.timeZone
            let today = zone.localDateTime(at: now).date
            let target: Quarter
            if let quarter {
                do { target = try Quarter(parsing: quarter) } catch { throw CLIError("--quarter: \(error.message)") }
            } else {
                guard let current = Quarter.containing(year: today.year, month: today.month) else {
                    throw CLIError("the current date is in the year \(today.year), outside 0001 to 9999: give --quarter YYYY-Qn")
                }
                target = current
            }
            var noteMap: [MaturityDimension: String] = [:]
            for note in notes {
                let parts = note.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let d = MaturityDimension(rawValue: String(parts[0])), !parts[1].isEmpty else {
                    throw CLIError("--note: expected DIMENSION=TEXT with DIMENSION one of \(MaturityDimension.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(note)\"")
                }
                try Arguments.requireOneLine((String(parts[1]), "--note \(d.rawValue)"))
                noteMap[d] = String(parts[1])
            }
            let given: [MaturityDimension: String?] = [
                .inventory: inventory, .fulfillment: fulfillment, .planning: planning, .reporting: reporting, .governance: governance,
            ]
            let interactive = given.values.allSatisfy { $0 == nil } && isatty(0) == 1
            var scores = Scores(inventory: 0, fulfillment: 0, planning: 0, reporting: 0, governance: 0)
            if interactive {
                scores = try Prompt.askScores(notes: &noteMap)
            } else {
                let missing = MaturityDimension.allCases.filter { given[$0]! == nil }
                guard missing.isEmpty else {
                    throw CLIError(
                        "missing scores for \(missing.map { "--\($0.rawValue)" }.joined(separator: ", ")) (give all five, or run on a terminal to be asked)")
                }
                for d in MaturityDimension.allCases { scores[d] = try Assess.score(given[d]!!, option: "--\(d.rawValue)") }
            }
            let assessment: Assessment
            do { assessment = try Assessment(quarter: target, scores: scores, notes: noteMap) } catch { throw CLIError(error.message) }
            if let current = Quarter.containing(year: today.year, month: today.month), target > current {
                throw CLIError("--quarter: \(target) has not started yet (today is \(today), in \(current)); a quarter is assessed once it is under way")
            }

            let store = try workspaceOptions.openStore(workspace)
            if let existing = try store.assessment(quarter: target.description), !force {
                let old = "\(existing.inventory),\(existing.fulfillment),\(existing.planning),\(existing.reporting),\(existing.governance)"
                if isatty(0) == 1 {
                    guard Prompt.confirm("\(target) already has an assessment (\(old)). Replace it?") else {
                        Output.line("kept the existing \(target) assessment; nothing saved")
                        return
                    }
                } else {
                    throw CLIError("\(target) is already assessed (\(old)); add --force to replace it")
                }
            }
            try store.saveAssessment(
                AssessmentRecord(
                    quarter: target.description, inventory: scores.inventory, fulfillment: scores.fulfillment, planning: scores.planning,
                    reporting: scores.reporting, governance: scores.governance,
                    notes: Dictionary(uniqueKeysWithValues: noteMap.map { ($0.key.rawValue, $0.value) }), recordedAt: now))
            let history = try Assessments.load(from: store)
            let result = AssessmentResult(assessment: assessment, history: history)
            if format == .json {
                try Output.json(result)
            } else {
                Assess.printResult(result)
            }
        }

        /// A whole number 1-5, or a one-line error naming the option.
        static func score(_ text: String, option: String) throws -> Int {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...5).contains(value) else {
                throw CLIError("\(option): expected a whole number from 1 to 5, got \"\(text)\"")
            }
            return value
        }

        static func printResult(_ result: AssessmentResult) {
            Output.line("\(result.quarter) maturity self-assessment")
            var rows = [["DIMENSION", "SCORE", "CHANGE", ""]]
            for d in MaturityDimension.allCases {
                let change = result.changes?[d.rawValue].map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "—"
                rows.append([d.title, "\(result.scores[d])", change, result.bottlenecks.contains(d) ? "← bottleneck" : ""])
            }
            Table.print(rows)
            Output.line("")
            Output.line("Average \(String(format: "%.1f", result.average)) (Stage \(result.averageStage) band). Lowest \(result.lowest).")
            Output.line("Overall maturity: Stage \(result.stage) (\(result.stageName)) — the lowest dimension, not the average.")
            if let warning = result.flatWarningText { Output.line("\nWARNING: \(warning)") }
            if !result.roadmap.isEmpty {
                Output.line("\nPriorities for Stage \(result.stage) → \(result.stage + 1) (bottleneck first):")
                for item in result.roadmap { Output.line("  - \(item.text)") }
            }
            Output.line("\n\(result.advice)")
        }
    }
}

/// Questions on the terminal.
enum Prompt {
    static func askScores(notes: inout [MaturityDimension: String]) throws -> Scores {
        let model = MaturityModel.standard
        var scores = Scores(inventory: 0, fulfillment: 0, planning: 0, reporting: 0, governance: 0)
        print(model.assessmentInstruction)
        for d in MaturityDimension.allCases {
            print("\n\(d.title) — \(model.info(for: d)?.question ?? "")")
            for n in 1...5 { print("  \(n) \(Stage(n)!.name): \(model.characteristics(of: d, at: Stage(n)!))") }
            while true {
                print("Score for \(d.title) (1-5): ", terminator: "")
                guard let line = readLine() else { throw CLIError("no answer for \(d.rawValue); nothing saved") }
                if let value = Int(line.trimmingCharacters(in: .whitespaces)), (1...5).contains(value) {
                    scores[d] = value
                    break
                }
                print("Please answer with a whole number from 1 to 5.")
            }
            while true {
                print("Note (optional): ", terminator: "")
                guard let note = readLine()?.trimmingCharacters(in: .whitespaces), !note.isEmpty else { break }
                if let problem = FieldText.oneLineProblem(in: note) {
                    print("The note \(problem); write it again, or leave it empty.")
                    continue
                }
                notes[d] = note
                break
            }
        }
        print("")
        return scores
    }

    static func confirm(_ question: String) -> Bool {
        print("\(question) [y/N] ", terminator: "")
        guard let answer = readLine()?.lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}
