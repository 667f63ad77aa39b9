import Testing

@testable import MaturityModel

@Suite struct KPITests {
    let model = MaturityModel.standard

    // Thresholds from the seed: order accuracy Stage 1 below 98%, Stage 3 above 99.5%, Stage 5 above 99.9%;
    // stockout Stage 1 above 8%, Stage 3 below 3%, Stage 4 below 1%; MAPE Stage 3 below 30%, Stage 4 below 20%,
    // Stage 5 below 15%; fulfillment errors Stage 2 below 2%.
    @Test(arguments: [
        ("order_accuracy", 99.95, "green", 5), ("order_accuracy", 99.6, "green", 3), ("order_accuracy", 99.5, "green", 2),
        ("order_accuracy", 98.0, "amber", 2), ("order_accuracy", 97.9, "red", 1),
        ("stockout_rate", 0.5, "green", 4), ("stockout_rate", 2.4, "green", 3), ("stockout_rate", 3.0, "green", 2),
        ("stockout_rate", 5.0, "amber", 2), ("stockout_rate", 8.0, "amber", 2), ("stockout_rate", 8.5, "red", 1),
        ("forecast_mape", 12.0, "green", 5), ("forecast_mape", 18.0, "green", 4), ("forecast_mape", 25.0, "amber", 3),
        ("forecast_mape", 35.0, "red", 0),
        ("fulfillment_error_rate", 0.3, "green", 3), ("fulfillment_error_rate", 1.5, "amber", 2), ("fulfillment_error_rate", 2.5, "red", 1),
        ("time_to_decision_hours", 0.1, "green", 5), ("time_to_decision_hours", 8, "green", 3), ("time_to_decision_hours", 48, "amber", 2),
        ("time_to_decision_hours", 120, "red", 1),
        ("cost_per_order", 4.2, "no target", 0), ("manual_hours_per_week", 30, "no target", 0),
    ])
    func statusAndStageEvidence(key: String, value: Double, status: String, stage: Int) throws {
        let kpi = try #require(model.kpi(key))
        #expect(kpi.status(of: value).rawValue == status)
        #expect(kpi.evidencedStage(for: value)?.number ?? 0 == stage)
    }

    @Test func overridesAndTeamKPIsMerge() {
        let merged = KPIDefinition.merged(
            defaults: model.kpis,
            overrides: [KPIOverride(key: "cost_per_order", green: 4.5, red: 6), KPIOverride(key: "conversion_rate", title: "Conversion", unit: "%", higherIsBetter: true, green: 2.5, red: 1.5)])
        let cost = merged.first { $0.key == "cost_per_order" }!
        #expect(cost.status(of: 4.2) == .green)
        #expect(cost.status(of: 5.0) == .amber)
        #expect(cost.status(of: 6.5) == .red)
        #expect(merged.last?.key == "conversion_rate")
        #expect(merged.last?.status(of: 1.0) == .red)
        #expect(merged.count == model.kpis.count + 1)
    }

    @Test func trendIsDirectionAwareAndDetectsCrossingIntoRed() throws {
        let stockout = try #require(model.kpi("stockout_rate"))
        let worsening = KPITrend(points: [("2026-11-02", 2.0), ("2026-11-09", 2.5), ("2026-11-16", 4.0), ("2026-11-30", 9.0)], definition: stockout)
        #expect(worsening.direction == .worsening)
        #expect(worsening.crossedIntoRed)
        let improving = KPITrend(points: [("2026-10-26", 6.0), ("2026-11-30", 2.0)], definition: stockout)
        #expect(improving.direction == .improving)
        #expect(!improving.crossedIntoRed)
        let accuracy = try #require(model.kpi("order_accuracy"))
        #expect(KPITrend(points: [("2026-11-02", 99.0), ("2026-11-30", 99.7)], definition: accuracy).direction == .improving)
        #expect(KPITrend(points: [("2026-11-30", 99.7)], definition: accuracy).direction == .unknown)
        #expect(KPITrend(points: [("2026-11-02", 99.7), ("2026-11-30", 99.7)], definition: accuracy).direction == .flat)
        // Red for two weeks is not a new crossing.
        #expect(!KPITrend(points: [("2026-11-23", 9.0), ("2026-11-30", 9.5)], definition: stockout).crossedIntoRed)
    }

    /// Values too big for the four-decimal Int path (a recorded 1e308 trapped every agenda
    /// that showed the KPI) print in Swift's shortest form.
    @Test(arguments: [
        ("stockout_rate", 1e308, "1e+308%"), ("stockout_rate", -1e20, "-1e+20%"), ("stockout_rate", 123_456_789_012.5, "123456789012.5%"),
        ("cost_per_order", 1e300, "$1e+300"), ("order_accuracy", 1e15, "1000000000000000%"), ("order_accuracy", 1e16, "1e+16%"), ("order_accuracy", 2e15 + 0.5, "2000000000000000.5%"), ("stockout_rate", 99_999_999_999_999.5, "99999999999999.5%"),
    ])
    func hugeValuesFormatWithoutTrapping(kpi: String, value: Double, expected: String) throws {
        #expect(try #require(model.kpi(kpi)).format(value) == expected)
    }

    @Test func formatting() throws {
        #expect(model.kpi("stockout_rate")!.format(2.4) == "2.4%")
        #expect(model.kpi("cost_per_order")!.format(4.2) == "$4.20")
        #expect(model.kpi("cost_per_order")!.format(6) == "$6.00")
        #expect(model.kpi("cost_per_order")!.format(-0.5) == "-$0.50")
        #expect(model.kpi("cost_per_order")!.format(12.345) == "$12.35")
        #expect(model.kpi("order_accuracy")!.targetText == "≥ 99.5%")
        #expect(model.kpi("cost_per_order")!.targetText == "no target")
    }
}
