import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing

@testable import MaturityModel

/// Unfolds RFC 5545 content lines, checking CRLF endings and the 75-octet limit on the way.
func unfoldICS(_ text: String) -> [String] {
    #expect(text.hasSuffix("\r\n"))
    var lines: [String] = []
    for raw in text.components(separatedBy: "\r\n") where !raw.isEmpty {
        #expect(raw.utf8.count <= 75, "line too long: \(raw)")
        #expect(!raw.contains("\n"))
        if raw.hasPrefix(" ") { lines[lines.count - 1] += raw.dropFirst() } else { lines.append(raw) }
    }
    return lines
}

@Suite struct TransformationPlanTests {
    @Test func buildsTwelveMonthsAcrossAYearBoundary() throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [2, 2, 1, 2, 2]), history: [])
        let plan = try TransformationPlan.build(start: try YearMonth(parsing: "2026-11"), assessment: result)
        #expect(plan.phases.map(\.name) == ["Foundations", "Systems", "Optimization", "Advancement"])
        #expect(plan.phases.map { $0.lastMonth.description } == ["2027-01", "2027-04", "2027-07", "2027-10"])
        #expect(plan.phases[0].firstMonth.description == "2026-11")
        #expect(plan.phases.map(\.months) == ["Months 1-3", "Months 4-6", "Months 7-9", "Months 10-12"])
        // Three bottleneck priorities (planning: Stage 1 → 2 items serving planning first) join Foundations.
        let priorities = plan.phases[0].items.filter { $0.id.hasPrefix("priority-") }
        #expect(priorities.count == 3)
        #expect(priorities.first?.text == "Roadmap priority: Establish basic reorder points for A-class SKUs.")
        #expect(plan.items.count == 23)
        #expect(plan.items.first?.id == "foundations-1")
        #expect(plan.items.last?.id == "advancement-5")
        #expect(plan.items.allSatisfy { !$0.owner.isEmpty })
        let progress = plan.progress(done: ["foundations-1", "systems-2"])
        #expect(progress.map(\.done) == [1, 1, 0, 0])
        #expect(progress[0].total == 8)
        #expect(progress[1].open.count == 4)
    }

    @Test func withoutAnAssessmentThereAreNoPriorities() throws {
        let plan = try TransformationPlan.build(start: try YearMonth(parsing: "2027-01"), assessment: nil)
        #expect(plan.items.count == 20)
        #expect(plan.markdown().contains("- [ ] Complete maturity self-assessment — Leadership team, due 2027-03 (`foundations-1`)"))
    }

    /// `plan create --start 9999-12` trapped on a force-unwrap: the plan's last month is past 9999-12.
    @Test(arguments: ["9999-02", "9999-12"])
    func aPlanThatWouldEndAfter9999IsAnError(text: String) throws {
        #expect(throws: MaturityError("the 12-month plan must start by 9999-01 so that it ends by 9999-12, got \(text)")) {
            try TransformationPlan.build(start: try YearMonth(parsing: text), assessment: nil)
        }
    }

    @Test func theLastPossiblePlanEndsIn9999() throws {
        let plan = try TransformationPlan.build(start: TransformationPlan.latestStart, assessment: nil)
        #expect(plan.phases.last?.lastMonth.description == "9999-12")
    }

    @Test(arguments: [("9999-12", 1, nil), ("0001-01", -1, nil), ("2026-11", Int.max, nil), ("2026-11", Int.min, nil), ("2026-11", 14, "2028-01"), ("0001-03", -2, "0001-01")])
    func monthArithmeticStopsAtTheEndsOfTheCalendar(start: String, months: Int, expected: String?) throws {
        #expect(try YearMonth(parsing: start).adding(months: months)?.description == expected)
    }

    @Test(arguments: ["2027-13", "2027-1", "27-01", "January"])
    func monthsAreValidated(text: String) {
        #expect(throws: MaturityError("expected a month YYYY-MM, e.g. 2027-01, got \"\(text)\"")) { try YearMonth(parsing: text) }
    }

    @Test func icsParsesBackAsVTodosWithDueDates() throws {
        let plan = try TransformationPlan.build(start: try YearMonth(parsing: "2026-11"), assessment: nil)
        let lines = unfoldICS(plan.icalendar(dtstamp: "20261126T120000Z", uidDomain: "test", done: ["foundations-2"]))
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.contains("VERSION:2.0"))
        #expect(lines.filter { $0 == "BEGIN:VTODO" }.count == 20)
        let dues = lines.filter { $0.hasPrefix("DUE;VALUE=DATE:") }.map { String($0.dropFirst(15)) }
        #expect(Set(dues) == ["20270131", "20270430", "20270731", "20271031"])
        #expect(lines.contains("SUMMARY:Establish 3PL/vendor performance management"))
        #expect(lines.contains("STATUS:COMPLETED"))
        #expect(Set(lines.filter { $0.hasPrefix("UID:") }).count == 20)
        #expect(lines.contains("DESCRIPTION:Owner: Ops Lead\\nPhase: Foundations"))
    }
}

/// Collects elements and texts of an SVG with Foundation's XMLParser.
final class SVGInspector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    private var current = ""

    static func parse(_ svg: String) throws -> SVGInspector {
        let inspector = SVGInspector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = inspector
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return inspector
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        elements.append((name, attributes))
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
    }

    func all(_ name: String, class className: String? = nil) -> [[String: String]] {
        elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }.map(\.attributes)
    }

    var viewBox: (Double, Double) {
        let parts = (elements.first?.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
        return (parts.count == 4 ? parts[2] : 0, parts.count == 4 ? parts[3] : 0)
    }

    /// Every coordinate of polygons, polylines and circles.
    var points: [(Double, Double)] {
        var result: [(Double, Double)] = []
        for e in elements {
            if let list = e.attributes["points"] {
                for pair in list.split(separator: " ") {
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    if xy.count == 2 { result.append((xy[0], xy[1])) }
                }
            }
            if let cx = e.attributes["cx"].flatMap(Double.init), let cy = e.attributes["cy"].flatMap(Double.init) { result.append((cx, cy)) }
        }
        return result
    }
}

@Suite struct ChartTests {
    @Test func radarHasRingsBothQuartersAndLabels() throws {
        let svg = RadarChart.svg(current: scores([2, 3, 1, 2, 3]), previous: scores([1, 2, 1, 2, 2]), currentLabel: "2026-Q4", previousLabel: "2026-Q3")
        let parsed = try SVGInspector.parse(svg)
        #expect(parsed.elements.first?.name == "svg")
        #expect(parsed.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(parsed.all("polygon", class: "ring").count == 5)
        #expect(parsed.all("polygon", class: "current").count == 1)
        #expect(parsed.all("polygon", class: "previous").count == 1)
        #expect(parsed.all("polygon", class: "current").first?["points"]?.split(separator: " ").count == 5)
        for d in MaturityDimension.allCases { #expect(parsed.texts.contains(d.title)) }
        #expect(parsed.texts.contains("2026-Q4") && parsed.texts.contains("2026-Q3"))
        let (w, h) = parsed.viewBox
        #expect(parsed.points.allSatisfy { $0.0 >= 0 && $0.0 <= w && $0.1 >= 0 && $0.1 <= h })
        // The first axis points up: a score of 5 on it sits at the top of the outer ring.
        let noPrevious = try SVGInspector.parse(RadarChart.svg(current: scores([5, 5, 5, 5, 5]), previous: nil, currentLabel: "Q", previousLabel: nil))
        #expect(noPrevious.all("polygon", class: "previous").isEmpty)
    }

    @Test func lineChartHasOneSeriesPerDimension() throws {
        let history = try [("2026-Q1", [1, 1, 1, 1, 1]), ("2026-Q2", [2, 1, 1, 2, 1]), ("2026-Q3", [2, 2, 1, 3, 2]), ("2026-Q4", [3, 2, 2, 3, 2])]
            .map { (try Quarter(parsing: $0.0), scores($0.1)) }
        let parsed = try SVGInspector.parse(LineChart.svg(history: history))
        #expect(parsed.all("polyline", class: "series").count == 5)
        #expect(parsed.all("circle", class: "point").count == 20)
        #expect(parsed.all("polyline", class: "series").allSatisfy { $0["points"]?.split(separator: " ").count == 4 })
        for q in ["2026-Q1", "2026-Q4"] { #expect(parsed.texts.contains(q)) }
        for d in MaturityDimension.allCases { #expect(parsed.texts.contains(d.title)) }
        let (w, h) = parsed.viewBox
        #expect(parsed.points.allSatisfy { $0.0 >= 0 && $0.0 <= w && $0.1 >= 0 && $0.1 <= h })
    }

    @Test func reportEmbedsChartsAndEscapesText() throws {
        let report = try MaturityReport(assessments: [try assessment("2026-Q3", [1, 2, 1, 2, 2]), try assessment("2026-Q4", [2, 3, 1, 2, 3])])
        let html = report.html()
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.components(separatedBy: "<svg ").count == 3)
        #expect(html.contains("Stage 1 (Reactive)"))
        #expect(html.contains("Planning/Forecasting"))
        let markdown = report.markdown(radarFile: "radar.svg", lineFile: "scores.svg")
        #expect(markdown.contains("![Maturity by dimension](radar.svg)"))
        #expect(markdown.contains("| 2026-Q3 | 1 | 2 | 1 | 2 | 2 | 1 |"))
        #expect(throws: MaturityError.self) { try MaturityReport(assessments: []) }
    }
}
