import Foundation
import Testing

@testable import MaturityModel

func scores(_ v: [Int]) -> Scores {
    Scores(inventory: v[0], fulfillment: v[1], planning: v[2], reporting: v[3], governance: v[4])
}

func assessment(_ quarter: String, _ v: [Int]) throws -> Assessment {
    try Assessment(quarter: Quarter(parsing: quarter), scores: scores(v))
}

@Suite struct AssessmentTests {
    // The seed: 1.0–1.9 Stage 1, 2.0–2.9 Stage 2, … 5.0 Stage 5.
    @Test(arguments: [
        ([1, 1, 1, 1, 1], 1.0, 1), ([2, 2, 2, 1, 2], 1.8, 1), ([2, 2, 2, 2, 2], 2.0, 2), ([3, 2, 2, 2, 2], 2.2, 2),
        ([3, 3, 3, 3, 2], 2.8, 2), ([3, 3, 3, 3, 3], 3.0, 3), ([5, 5, 5, 5, 4], 4.8, 4), ([5, 5, 5, 5, 5], 5.0, 5),
    ])
    func averageBands(values: [Int], average: Double, band: Int) throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", values), history: [])
        #expect(result.average == average)
        #expect(result.averageStage == band)
    }

    @Test func overallStageIsTheLowestNotTheAverage() throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [4, 4, 4, 4, 1]), history: [])
        #expect(result.averageStage == 3)
        #expect(result.stage == 1)
        #expect(result.stageName == "Reactive")
        #expect(result.bottlenecks == [.governance])
    }

    @Test func tiesAreAllBottlenecksInModelOrder() throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [2, 3, 2, 4, 2]), history: [])
        #expect(result.lowest == 2)
        #expect(result.bottlenecks == [.inventory, .planning, .governance])
    }

    @Test func firstQuarterHasNoChangesAndNoWarning() throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [2, 2, 2, 2, 2]), history: [])
        #expect(result.changes == nil)
        #expect(!result.flatWarning)
    }

    @Test func changesAgainstTheLatestEarlierQuarterIgnoringLaterOnes() throws {
        let history = [try assessment("2026-Q2", [1, 1, 1, 1, 1]), try assessment("2026-Q3", [2, 2, 1, 1, 3]), try assessment("2027-Q1", [5, 5, 5, 5, 5])]
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [2, 3, 1, 2, 3]), history: history)
        #expect(result.previousQuarter?.description == "2026-Q3")
        #expect(result.changes == ["inventory": 0, "fulfillment": 1, "planning": 0, "reporting": 1, "governance": 0])
    }

    @Test(arguments: [
        // Two flat quarters in a row (current vs previous, previous vs the one before): warning.
        ([[2, 2, 2, 2, 2], [2, 2, 2, 2, 2]], [2, 2, 2, 2, 2], true),
        // Decreases count as flat too: nothing rose.
        ([[3, 2, 2, 2, 2], [2, 2, 2, 2, 2]], [2, 2, 2, 2, 1], true),
        // One flat quarter only.
        ([[1, 2, 2, 2, 2], [2, 2, 2, 2, 2]], [2, 2, 2, 2, 2], false),
        // A single rise breaks flatness.
        ([[2, 2, 2, 2, 2], [2, 2, 2, 2, 2]], [2, 2, 3, 2, 2], false),
        // Only two quarters of history in all: not enough.
        ([[2, 2, 2, 2, 2]], [2, 2, 2, 2, 2], false),
    ])
    func flatForTwoConsecutiveQuarters(earlier: [[Int]], current: [Int], warns: Bool) throws {
        let quarters = ["2026-Q1", "2026-Q2"]
        let history = try earlier.enumerated().map { try assessment(quarters[$0.offset], $0.element) }
        let result = AssessmentResult(assessment: try assessment("2026-Q3", current), history: history)
        #expect(result.flatWarning == warns)
        #expect((result.flatWarningText != nil) == warns)
        if warns { #expect(result.flatWarningText!.contains("not landing")) }
    }

    @Test func roadmapPutsTheBottlenecksItemsFirst() throws {
        // Stage 2 with planning the bottleneck: the seed's Stage 2 → 3 list, forecasting first.
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [3, 3, 2, 3, 3]), history: [])
        #expect(result.roadmap.count == 4)
        #expect(result.roadmap.first?.text == "Implement statistical demand forecasting for A-class and B-class SKUs.")
        #expect(result.priorities.count == 3)
        #expect(result.advice.hasPrefix("Pick 2 to 3 priorities"))
        let top = AssessmentResult(assessment: try assessment("2026-Q4", [5, 5, 5, 5, 5]), history: [])
        #expect(top.roadmap.isEmpty)
        #expect(top.advice.contains("Stage 5"))
    }

    @Test(arguments: [([6, 3, 3, 3, 3], "score for inventory: 6 is out of range 1-5 (whole numbers)"), ([3, 0, 3, 3, 3], "score for fulfillment: 0 is out of range 1-5 (whole numbers)")])
    func scoresAreValidated(values: [Int], message: String) {
        #expect(throws: MaturityError(message)) { try assessment("2026-Q4", values) }
    }

    @Test(arguments: ["2026Q5", "2026-Q5", "26-Q1", "2026-Q", "Q4-2026", ""])
    func quartersAreValidated(text: String) {
        #expect(throws: MaturityError("expected a quarter YYYY-Qn, e.g. 2026-Q4, got \"\(text)\"")) { try Quarter(parsing: text) }
    }

    @Test func quarterArithmetic() throws {
        #expect(try Quarter(parsing: "2026-q1").previous?.description == "2025-Q4")
        #expect(try Quarter(parsing: "2026-Q4").next?.description == "2027-Q1")
        #expect(Quarter.containing(year: 2026, month: 11)?.description == "2026-Q4")
    }

    /// The ends of the calendar were force-unwraps: `assess --now 0000-06-01T…` trapped.
    @Test func quarterArithmeticStopsAtTheEndsOfTheCalendar() throws {
        #expect(Quarter.containing(year: 0, month: 6) == nil)
        #expect(Quarter.containing(year: 10_000, month: 1) == nil)
        #expect(Quarter.containing(year: 2026, month: 13) == nil)
        #expect(try Quarter(parsing: "0001-Q1").previous == nil)
        #expect(try Quarter(parsing: "9999-Q4").next == nil)
    }

    @Test(arguments: ["0001-Q1", "0999-Q2", "9999-Q4"])
    func quartersPrintWithFourDigitYearsAndParseBack(text: String) throws {
        #expect(try Quarter(parsing: text).description == text)
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let result = AssessmentResult(assessment: try assessment("2026-Q4", [2, 3, 1, 2, 3]), history: [try assessment("2026-Q3", [2, 2, 1, 2, 3])])
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["quarter", "scores", "average", "average_stage", "lowest", "bottlenecks", "stage", "stage_name", "changes", "flat_warning", "roadmap"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["quarter"] as? String == "2026-Q4")
        #expect((object["scores"] as? [String: Int])?.keys.sorted() == ["fulfillment", "governance", "inventory", "planning", "reporting"])
        #expect(object["bottlenecks"] as? [String] == ["planning"])
        #expect(object["stage"] as? Int == 1)
        #expect(object["stage_name"] as? String == "Reactive")
        #expect(object["flat_warning"] as? Bool == false)
        let first = AssessmentResult(assessment: try assessment("2026-Q4", [2, 3, 1, 2, 3]), history: [])
        let firstObject = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(first)) as? [String: Any])
        #expect(firstObject["changes"] is NSNull || firstObject["changes"] == nil)
    }
}

@Suite struct ModelDataTests {
    let model = MaturityModel.standard

    @Test func everyStageDescribesEveryDimension() {
        #expect(model.stages.map(\.name) == ["Reactive", "Controlled", "Optimized", "Predictive", "Adaptive"])
        #expect(model.dimensions.map(\.key) == MaturityDimension.allCases.map(\.rawValue))
        for d in MaturityDimension.allCases {
            for n in 1...5 { #expect(!model.characteristics(of: d, at: Stage(n)!).isEmpty) }
        }
        #expect(model.characteristics(of: .inventory, at: Stage(3)!) == "Automated reorder points and safety stock. Multi-channel sync. Stockout rate below 3%.")
    }

    @Test func roadmapsAndPlanHaveTheSeedsShape() {
        #expect(model.roadmaps.map(\.items.count) == [4, 4, 4, 4])
        #expect(model.roadmaps.flatMap(\.items).allSatisfy { !$0.dimensions.isEmpty })
        #expect(model.planPhases.map(\.name) == ["Foundations", "Systems", "Optimization", "Advancement"])
        #expect(model.planPhases.map(\.items.count) == [5, 5, 5, 5])
        #expect(model.cadence.map(\.cadence) == ["Daily", "Weekly", "Monthly", "Quarterly", "Annual"])
        #expect(model.kpis.map(\.key) == ["order_accuracy", "forecast_mape", "stockout_rate", "fulfillment_error_rate", "manual_hours_per_week", "time_to_decision_hours", "cost_per_order"])
    }
}
