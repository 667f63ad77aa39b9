import Diagnostics
import Foundation

/// The operations maturity model: five stages, five dimensions, the stage roadmaps, the KPI
/// thresholds and the 12-month transformation plan, read from `Resources/maturity-model.json`
/// (embedded in the binary), so the content lives in one data file rather than in code.
package struct MaturityModel: Sendable, Decodable {
    /// The model as shipped.
    package static let standard: MaturityModel = {
        do {
            return try JSONDecoder().decode(MaturityModel.self, from: Data(PackageResources.maturity_model_json))
        } catch {
            // The file is part of the build; a decoding failure is a packaging bug caught by the tests.
            preconditionFailure("maturity-model.json does not decode: \(error)")
        }
    }()

    package struct StageInfo: Sendable, Decodable {
        package var number: Int
        package var name: String
        package var summary: String
        package var noteLabel: String
        package var note: String

        enum CodingKeys: String, CodingKey { case number, name, summary, noteLabel = "note_label", note }
    }

    package struct DimensionInfo: Sendable, Decodable {
        package var key: String
        package var title: String
        package var question: String
        /// The dimension's characteristics at stages 1 to 5.
        package var characteristics: [String]
    }

    package struct Roadmap: Sendable, Decodable {
        package var from: Int
        package var to: Int
        package var items: [RoadmapItem]
    }

    package struct CadenceRow: Sendable, Decodable {
        package var cadence: String
        package var duration: String
        package var focus: String
        package var owner: String
        package var playbook: String
    }

    package struct PlanPhase: Sendable, Decodable {
        package struct Item: Sendable, Decodable {
            package var text: String
            package var owner: String
        }
        package var key: String
        package var name: String
        package var firstMonth: Int
        package var lastMonth: Int
        package var items: [Item]

        enum CodingKeys: String, CodingKey { case key, name, firstMonth = "first_month", lastMonth = "last_month", items }
    }

    package var stages: [StageInfo]
    package var dimensions: [DimensionInfo]
    package var roadmaps: [Roadmap]
    package var kpis: [KPIDefinition]
    package var cadence: [CadenceRow]
    package var planPhases: [PlanPhase]
    /// "Pick 2 to 3 priorities …".
    package var advice: String
    /// "Your overall maturity is determined by your lowest-scoring dimension …".
    package var bottleneckRule: String
    /// "If scores are flat for two consecutive quarters …".
    package var flatWarning: String
    package var assessmentInstruction: String

    enum CodingKeys: String, CodingKey {
        case stages, dimensions, roadmaps, kpis, cadence, planPhases = "plan_phases", advice
        case bottleneckRule = "bottleneck_rule", flatWarning = "flat_warning", assessmentInstruction = "assessment_instruction"
    }

    /// What `dimension` looks like at `stage`.
    package func characteristics(of dimension: MaturityDimension, at stage: Stage) -> String {
        dimensions.first { $0.key == dimension.rawValue }?.characteristics[stage.number - 1] ?? ""
    }

    package func info(for dimension: MaturityDimension) -> DimensionInfo? { dimensions.first { $0.key == dimension.rawValue } }

    package func info(for stage: Stage) -> StageInfo { stages[stage.number - 1] }

    /// The priorities for the move from `stage` to the next; empty at Stage 5.
    package func roadmap(from stage: Stage) -> [RoadmapItem] {
        roadmaps.first { $0.from == stage.number }?.items ?? []
    }

    /// The default definition of a KPI.
    package func kpi(_ key: String) -> KPIDefinition? { kpis.first { $0.key == key } }
}

/// One of the five dimensions the self-assessment scores.
package enum MaturityDimension: String, CaseIterable, Codable, Sendable, Comparable {
    case inventory, fulfillment, planning, reporting, governance

    package var title: String {
        switch self {
        case .inventory: return "Inventory Management"
        case .fulfillment: return "Fulfillment Execution"
        case .planning: return "Planning/Forecasting"
        case .reporting: return "Reporting/Visibility"
        case .governance: return "Governance/Process"
        }
    }

    package static func < (lhs: MaturityDimension, rhs: MaturityDimension) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A maturity stage, 1 (Reactive) to 5 (Adaptive).
package struct Stage: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    package let number: Int

    package init?(_ number: Int) {
        guard (1...5).contains(number) else { return nil }
        self.number = number
    }

    package init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Int.self)
        guard let stage = Stage(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "stage \(value) is not 1-5"))
        }
        self = stage
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(number)
    }

    package var name: String { ["Reactive", "Controlled", "Optimized", "Predictive", "Adaptive"][number - 1] }
    package var next: Stage? { Stage(number + 1) }
    package var description: String { "Stage \(number) (\(name))" }

    package static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.number < rhs.number }
}

/// A roadmap priority and the dimensions it mainly moves.
package struct RoadmapItem: Hashable, Codable, Sendable {
    package var text: String
    package var dimensions: [MaturityDimension]

    package init(text: String, dimensions: [MaturityDimension]) {
        self.text = text
        self.dimensions = dimensions
    }
}

/// Bad input for the model: a score, a quarter or a month. `description` is one line.
package struct MaturityError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

extension MaturityError: UserFacingError {
    package var failure: FailureKind { .input }
}
