import Diagnostics
import MaturityModel
import Playbooks
import Recurrence
import Testing

/// KPI values as people type them and spreadsheets export them.
@Suite struct KPIInputTests {
    static let definitions = MaturityModel.standard.kpis

    @Test(arguments: [
        ("99.5", 99.5), ("99.5%", 99.5), ("$4.20", 4.2), ("1,200.50", 1200.5), ("-3", -3.0), (" 7 ", 7.0),
    ])
    func valuesParse(text: String, expected: Double) {
        #expect(KPIInput.parseValue(text) == expected)
    }

    @Test(arguments: ["", "abc", "1,20", "12,34,567", "nan", "inf", "1e400"])
    func nonValuesDoNotParse(text: String) {
        #expect(KPIInput.parseValue(text) == nil)
    }

    @Test func unitsMustFitTheKPI() throws {
        let cost = try #require(Self.definitions.first { $0.key == "cost_per_order" })
        let accuracy = try #require(Self.definitions.first { $0.key == "order_accuracy" })
        #expect(KPIInput.unitMismatch("4.5%", for: cost)?.contains("not %") == true)
        #expect(KPIInput.unitMismatch("$99", for: accuracy)?.contains("not $") == true)
        #expect(KPIInput.unitMismatch("99.5%", for: accuracy) == nil)
    }

    @Test func csvFieldsFollowRFC4180() {
        #expect(KPIInput.csvFields(#"2026-12-01,"order_accuracy","1,200"""#) == nil)
        #expect(KPIInput.csvFields(#"2026-12-01,"say ""hi""",3"#) == ["2026-12-01", #"say "hi""#, "3"])
    }

    @Test func aSpreadsheetExportImports() throws {
        let text = "\u{FEFF}Date,KPI,Value\r\n2026-12-01,order_accuracy,99.7%\r\n# a note\r\n2026-12-02,cost_per_order,\"$4.20\"\r\n"
        let readings = try KPIInput.parseCSV(text, file: "week.csv", definitions: Self.definitions, today: CivilDate(iso: "2026-12-03")!)
        #expect(readings.map(\.kpi) == ["order_accuracy", "cost_per_order"])
        #expect(readings.map(\.value) == [99.7, 4.2])
    }

    @Test(arguments: [
        ("2026-12-01,order_accuracy,99\n2026-13-01,order_accuracy,98\n", "error: week.csv:2: expected a date YYYY-MM-DD"),
        ("2026-12-01,nope,1\n", "error: week.csv:1: unknown KPI 'nope'"),
        ("2026-12-09,order_accuracy,1\n", "error: week.csv:1: 2026-12-09 is in the future"),
        ("2026-12-01,order_accuracy\n", "error: week.csv:1: expected 3 fields"),
        ("2026-12-01,order_accuracy,\"99\n", "error: week.csv:1: a quoted field is not closed"),
    ])
    func aBadLineIsAnErrorAtItsLine(text: String, message: String) {
        #expect {
            _ = try KPIInput.parseCSV(text, file: "week.csv", definitions: Self.definitions, today: CivilDate(iso: "2026-12-03")!)
        } throws: { error in
            guard let error = error as? KPIInputError else { return false }
            return error.diagnostics.first?.description.hasPrefix(message) == true && error.failure == .input
        }
    }
}
