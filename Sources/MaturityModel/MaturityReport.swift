import Foundation

/// The maturity report: the latest assessment, its history by quarter, and the two charts.
package struct MaturityReport: Sendable {
    package var latest: AssessmentResult
    /// Every assessment, oldest first.
    package var history: [Assessment]
    package var model: MaturityModel

    package init(assessments: [Assessment], model: MaturityModel = .standard) throws(MaturityError) {
        let sorted = assessments.sorted { $0.quarter < $1.quarter }
        guard let last = sorted.last else {
            throw MaturityError("no assessment recorded yet (run `opscadence assess` first)")
        }
        latest = AssessmentResult(assessment: last, history: sorted, model: model)
        history = sorted
        self.model = model
    }

    package var radarSVG: String {
        let previous = history.count >= 2 ? history[history.count - 2] : nil
        return RadarChart.svg(
            current: latest.scores, previous: previous?.scores, currentLabel: latest.quarter.description,
            previousLabel: previous?.quarter.description)
    }

    package var lineSVG: String { LineChart.svg(history: history.map { ($0.quarter, $0.scores) }) }

    /// Markdown; charts are linked as files named `radarFile` and `lineFile` when given.
    package func markdown(radarFile: String? = nil, lineFile: String? = nil) -> String {
        var lines = ["# Operations maturity report", "", "## \(latest.quarter): Stage \(latest.stage) (\(latest.stageName))", ""]
        lines.append("Average \(String(format2: latest.average).prefix(4)) (Stage \(latest.averageStage) band); lowest \(latest.lowest). \(model.bottleneckRule)")
        lines.append("")
        lines.append("| Dimension | Score | Change | Stage description |")
        lines.append("|---|---|---|---|")
        for d in MaturityDimension.allCases {
            let change = latest.changes?[d.rawValue].map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "—"
            let marker = latest.bottlenecks.contains(d) ? " ← bottleneck" : ""
            lines.append("| \(d.title)\(marker) | \(latest.scores[d]) | \(change) | \(model.characteristics(of: d, at: Stage(latest.scores[d])!)) |")
        }
        if let warning = latest.flatWarningText { lines += ["", "> ⚠️ \(warning)"] }
        lines += ["", "## Priority roadmap" + (Stage(latest.stage)!.next.map { " to \($0)" } ?? ""), ""]
        for item in latest.roadmap { lines.append("- \(item.text)") }
        lines += ["", latest.advice, "", "## History", "", "| Quarter | " + MaturityDimension.allCases.map(\.title).joined(separator: " | ") + " | Stage |"]
        lines.append("|---|" + String(repeating: "---|", count: MaturityDimension.allCases.count + 1))
        for a in history {
            let stage = MaturityDimension.allCases.map { a.scores[$0] }.min()!
            lines.append("| \(a.quarter) | " + MaturityDimension.allCases.map { String(a.scores[$0]) }.joined(separator: " | ") + " | \(stage) |")
        }
        if let radarFile { lines += ["", "![Maturity by dimension](\(radarFile))"] }
        if let lineFile { lines += ["", "![Scores by quarter](\(lineFile))"] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A standalone HTML page with both charts inline.
    package func html() -> String {
        let esc = SVG.escape
        var rows = ""
        for d in MaturityDimension.allCases {
            let change = latest.changes?[d.rawValue].map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "—"
            let cls = latest.bottlenecks.contains(d) ? " class=\"bottleneck\"" : ""
            rows += "<tr\(cls)><td>\(esc(d.title))</td><td>\(latest.scores[d])</td><td>\(change)</td><td>\(esc(model.characteristics(of: d, at: Stage(latest.scores[d])!)))</td></tr>\n"
        }
        var historyRows = ""
        for a in history {
            historyRows += "<tr><td>\(a.quarter)</td>" + MaturityDimension.allCases.map { "<td>\(a.scores[$0])</td>" }.joined()
                + "<td>\(MaturityDimension.allCases.map { a.scores[$0] }.min()!)</td></tr>\n"
        }
        let roadmap = latest.roadmap.map { "<li>\(esc($0.text))</li>" }.joined()
        let warning = latest.flatWarningText.map { "<p class=\"warning\">\(esc($0))</p>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Operations maturity report — \(latest.quarter)</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; line-height: 1.45; }
            table { border-collapse: collapse; margin: .6rem 0 1.2rem; } th, td { border: 1px solid #dde2ea; padding: .3rem .6rem; text-align: left; vertical-align: top; }
            th { background: #f3f5f9; } tr.bottleneck td { background: #fdecea; font-weight: 600; }
            .stage { font-size: 1.3rem; } .warning { background: #fff4e5; border-left: 4px solid #d9822b; padding: .5rem 1rem; }
            .charts { display: flex; flex-wrap: wrap; gap: 1rem; } .charts svg { max-width: 100%; height: auto; border: 1px solid #eef0f4; }
            </style>
            </head>
            <body>
            <h1>Operations maturity report</h1>
            <p class="stage"><strong>\(latest.quarter): Stage \(latest.stage) (\(esc(latest.stageName)))</strong> — average \(String(format2: latest.average).prefix(4)) (Stage \(latest.averageStage) band), lowest score \(latest.lowest).</p>
            <p>\(esc(model.bottleneckRule))</p>
            <table><tr><th>Dimension</th><th>Score</th><th>Change</th><th>Where you are</th></tr>
            \(rows)</table>
            \(warning)
            <h2>Priority roadmap</h2>
            <ul>\(roadmap)</ul>
            <p>\(esc(latest.advice))</p>
            <h2>Charts</h2>
            <div class="charts">
            \(radarSVG)\(lineSVG)</div>
            <h2>History</h2>
            <table><tr><th>Quarter</th>\(MaturityDimension.allCases.map { "<th>\(esc($0.title))</th>" }.joined())<th>Stage</th></tr>
            \(historyRows)</table>
            </body>
            </html>

            """
    }
}
