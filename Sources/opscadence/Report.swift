import ArgumentParser
import CadenceEngine
import Foundation
import MaturityModel

extension OpsCadence {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The maturity report: latest assessment, history by quarter, radar and line charts.",
            discussion: """
                HTML embeds both charts as SVG. Markdown written to a file gets the charts as SVG files beside it.

                Examples:
                  opscadence report
                  opscadence report --format html --output maturity.html
                  opscadence report --output reports/maturity.md   # and the two SVG charts
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions

        enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, html, json }

        @Option(help: "markdown, html or json (every quarter's result, oldest first).")
        var format: Format = .markdown

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE"))
        var output: String?

        func run() async throws {
            let workspace = try workspaceOptions.load()
            guard let store = try workspaceOptions.openStoreIfPresent(workspace) else {
                throw CLIError("no assessment recorded yet (run `opscadence assess` first)", exitCode: 1)
            }
            let report: MaturityReport
            let assessments = try Assessments.load(from: store)
            do { report = try MaturityReport(assessments: assessments) } catch { throw CLIError(error.message, exitCode: 1) }
            var text: String
            switch format {
            case .json:
                let results = report.history.indices.map { AssessmentResult(assessment: report.history[$0], history: Array(report.history[...$0])) }
                text = try Output.jsonText(results) + "\n"
            case .html: text = report.html()
            case .markdown:
                if let output {
                    let base = ((output as NSString).deletingPathExtension as NSString).lastPathComponent
                    let folder = (output as NSString).deletingLastPathComponent
                    let radar = "\(base)-radar.svg"
                    let line = "\(base)-scores.svg"
                    try write(report.radarSVG, to: folder.isEmpty ? radar : folder + "/" + radar)
                    try write(report.lineSVG, to: folder.isEmpty ? line : folder + "/" + line)
                    text = report.markdown(radarFile: radar, lineFile: line)
                } else {
                    text = report.markdown()
                }
            }
            if let output {
                try write(text, to: output)
                Output.line("wrote \(output)")
            } else if format == .json {
                var writer = Output.Writer()
                writer.append(text)
                writer.flush()
            } else {
                Output.document(text)
            }
        }

        func write(_ text: String, to path: String) throws {
            do {
                try AtomicFile.write(text, to: path)
            } catch {
                throw CLIError("--output: \(error.description)", exitCode: 1)
            }
        }
    }
}
