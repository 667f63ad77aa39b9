import Foundation

/// SVG pictures of assessments, standalone SVG 1.1 that browsers render as-is.
enum SVG {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func header(width: Int, height: Int, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif" role="img">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>

        """
    }
}

/// The five dimensions on five axes: this quarter's polygon over last quarter's.
package enum RadarChart {
    package static let width = 600
    package static let height = 480

    package static func svg(current: Scores, previous: Scores?, currentLabel: String, previousLabel: String?) -> String {
        let cx = 300.0
        let cy = 225.0
        let radius = 150.0
        let dims = MaturityDimension.allCases
        func point(_ index: Int, _ value: Double) -> (Double, Double) {
            let angle = -Double.pi / 2 + Double(index) * 2 * Double.pi / Double(dims.count)
            return (cx + cos(angle) * radius * value / 5, cy + sin(angle) * radius * value / 5)
        }
        func polygon(_ scores: Scores) -> String {
            dims.enumerated().map { i, d in
                let p = point(i, Double(scores[d]))
                return "\(SVG.number(p.0)),\(SVG.number(p.1))"
            }.joined(separator: " ")
        }
        var svg = SVG.header(width: width, height: height, title: "Maturity by dimension: \(currentLabel)")
        for ring in 1...5 {
            let points = dims.indices.map { i -> String in
                let p = point(i, Double(ring))
                return "\(SVG.number(p.0)),\(SVG.number(p.1))"
            }.joined(separator: " ")
            svg += "<polygon class=\"ring\" points=\"\(points)\" fill=\"none\" stroke=\"#d0d5dd\" stroke-width=\"1\"/>\n"
            let label = point(0, Double(ring))
            svg += "<text x=\"\(SVG.number(label.0 + 4))\" y=\"\(SVG.number(label.1 - 2))\" font-size=\"10\" fill=\"#8a94a6\">\(ring)</text>\n"
        }
        for (i, d) in dims.enumerated() {
            let end = point(i, 5)
            svg += "<line x1=\"\(SVG.number(cx))\" y1=\"\(SVG.number(cy))\" x2=\"\(SVG.number(end.0))\" y2=\"\(SVG.number(end.1))\" stroke=\"#d0d5dd\" stroke-width=\"1\"/>\n"
            let label = point(i, 6.1)
            let anchor = abs(label.0 - cx) < 10 ? "middle" : (label.0 > cx ? "start" : "end")
            svg += "<text class=\"axis\" x=\"\(SVG.number(label.0))\" y=\"\(SVG.number(label.1 + 4))\" font-size=\"13\" text-anchor=\"\(anchor)\" fill=\"#1d2330\">\(SVG.escape(d.title))</text>\n"
        }
        if let previous {
            svg += "<polygon class=\"previous\" points=\"\(polygon(previous))\" fill=\"#9aa4b5\" fill-opacity=\"0.15\" stroke=\"#7a8599\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"
        }
        svg += "<polygon class=\"current\" points=\"\(polygon(current))\" fill=\"#1f77b4\" fill-opacity=\"0.25\" stroke=\"#1f77b4\" stroke-width=\"2.5\"/>\n"
        for (i, d) in dims.enumerated() {
            let p = point(i, Double(current[d]))
            svg += "<circle cx=\"\(SVG.number(p.0))\" cy=\"\(SVG.number(p.1))\" r=\"4\" fill=\"#1f77b4\"/>\n"
        }
        // Legend.
        let legendY = Double(height) - 40
        svg += "<rect x=\"150\" y=\"\(SVG.number(legendY - 10))\" width=\"18\" height=\"10\" fill=\"#1f77b4\" fill-opacity=\"0.5\" stroke=\"#1f77b4\"/>\n"
        svg += "<text class=\"legend\" x=\"174\" y=\"\(SVG.number(legendY))\" font-size=\"13\" fill=\"#1d2330\">\(SVG.escape(currentLabel))</text>\n"
        if let previousLabel, previous != nil {
            svg += "<rect x=\"330\" y=\"\(SVG.number(legendY - 10))\" width=\"18\" height=\"10\" fill=\"#9aa4b5\" fill-opacity=\"0.3\" stroke=\"#7a8599\" stroke-dasharray=\"4 2\"/>\n"
            svg += "<text class=\"legend\" x=\"354\" y=\"\(SVG.number(legendY))\" font-size=\"13\" fill=\"#1d2330\">\(SVG.escape(previousLabel))</text>\n"
        }
        return svg + "</svg>\n"
    }
}

/// Each dimension's score across quarters, one line per dimension.
package enum LineChart {
    package static let width = 720
    package static let height = 380

    package static func svg(history: [(Quarter, Scores)]) -> String {
        let left = 50.0
        let right = 200.0
        let top = 30.0
        let bottom = 60.0
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let quarters = history.map(\.0)
        func x(_ i: Int) -> Double {
            quarters.count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(quarters.count - 1)
        }
        func y(_ score: Int) -> Double { top + plotHeight * Double(5 - score) / 4 }
        var svg = SVG.header(width: width, height: height, title: "Maturity scores by quarter")
        for score in 1...5 {
            svg += "<line x1=\"\(SVG.number(left))\" y1=\"\(SVG.number(y(score)))\" x2=\"\(SVG.number(left + plotWidth))\" y2=\"\(SVG.number(y(score)))\" stroke=\"#e3e7ee\" stroke-width=\"1\"/>\n"
            svg += "<text x=\"\(SVG.number(left - 10))\" y=\"\(SVG.number(y(score) + 4))\" font-size=\"12\" text-anchor=\"end\" fill=\"#4a5468\">\(score)</text>\n"
        }
        for (i, q) in quarters.enumerated() {
            svg += "<text class=\"quarter\" x=\"\(SVG.number(x(i)))\" y=\"\(SVG.number(top + plotHeight + 22))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#4a5468\">\(q)</text>\n"
        }
        for (d, dimension) in MaturityDimension.allCases.enumerated() {
            let color = SVG.colors[d]
            // Spread overlapping lines a little so equal scores stay visible.
            let shift = Double(d - 2) * 2.0
            let points = history.enumerated().map { i, entry in "\(SVG.number(x(i))),\(SVG.number(y(entry.1[dimension]) + shift))" }
            if points.count > 1 {
                svg += "<polyline class=\"series\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.5\"/>\n"
            }
            for (i, entry) in history.enumerated() {
                svg += "<circle class=\"point\" cx=\"\(SVG.number(x(i)))\" cy=\"\(SVG.number(y(entry.1[dimension]) + shift))\" r=\"4\" fill=\"\(color)\"/>\n"
            }
            let legendY = top + 10 + Double(d) * 24
            svg += "<line x1=\"\(SVG.number(left + plotWidth + 24))\" y1=\"\(SVG.number(legendY - 4))\" x2=\"\(SVG.number(left + plotWidth + 44))\" y2=\"\(SVG.number(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            svg += "<text class=\"legend\" x=\"\(SVG.number(left + plotWidth + 50))\" y=\"\(SVG.number(legendY))\" font-size=\"12\" fill=\"#1d2330\">\(SVG.escape(dimension.title))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
