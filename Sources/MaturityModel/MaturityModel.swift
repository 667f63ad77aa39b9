import Diagnostics
import Foundation

/// The operations maturity model: five stages, five dimensions, the stage roadmaps, the KPI
/// thresholds and the 12-month transformation plan, read from `Resources/maturity-model.json`
/// (embedded in the binary), so the content lives in one data file rather than in code.
public struct MaturityModel: Sendable, Decodable {
    /// The model as shipped.
    public static let standard: MaturityModel = {
        do {
            return try JSONDecoder().decode(MaturityModel.self, from: Data(PackageResources.maturity_model_json))
        } catch {
            // The file is part of the build; a decoding failure is a packaging bug caught by the tests.
            preconditionFailure("maturity-model.json does not decode: \(error)")
        }
    }()

    public struct StageInfo: Sendable, Decodable {
        public var number: Int
        public var name: String
        public var summary: String
        public var noteLabel: String
        public var note: String

        enum CodingKeys: String, CodingKey { case number, name, summary, noteLabel = "note_label", note }
    }

    public struct DimensionInfo: Sendable, Decodable {
        public var key: String
        public var title: String
        public var question: String
        /// The dimension's characteristics at stages 1 to 5.
        public var characteristics: [String]
    }

    public struct Roadmap: Sendable, Decodable {
        public var from: Int
        public var to: Int
        public var items: [RoadmapItem]
    }

    public struct CadenceRow: Sendable, Decodable {
        public var cadence: String
        public var duration: String
        public var focus: String
        public var owner: String
        public var playbook: String
    }

    public struct PlanPhase: Sendable, Decodable {
        public struct Item: Sendable, Decodable {
            public var text: String
            public var owner: String
        }
        public var key: String
        public var name: String
        public var firstMonth: Int
        public var lastMonth: Int
        public var items: [Item]

        enum CodingKeys: String, CodingKey { case key, name, firstMonth = "first_month", lastMonth = "last_month", items }
    }

    public var stages: [StageInfo]
    public var dimensions: [DimensionInfo]
    public var roadmaps: [Roadmap]
    public var kpis: [KPIDefinition]
    public var cadence: [CadenceRow]
    public var planPhases: [PlanPhase]
    /// "Pick 2 to 3 priorities …".
    public var advice: String
    /// "Your overall maturity is determined by your lowest-scoring dimension …".
    public var bottleneckRule: String
    /// "If scores are flat for two consecutive quarters …".
    public var flatWarning: String
    public var assessmentInstruction: String

    enum CodingKeys: String, CodingKey {
        case stages, dimensions, roadmaps, kpis, cadence, planPhases = "plan_phases", advice
        case bottleneckRule = "bottleneck_rule", flatWarning = "flat_warning", assessmentInstruction = "assessment_instruction"
    }

    /// What `dimension` looks like at `stage`.
    public func characteristics(of dimension: MaturityDimension, at stage: Stage) -> String {
        dimensions.first { $0.key == dimension.rawValue }?.characteristics[stage.number - 1] ?? ""
    }

    public func info(for dimension: MaturityDimension) -> DimensionInfo? { dimensions.first { $0.key == dimension.rawValue } }

    public func info(for stage: Stage) -> StageInfo { stages[stage.number - 1] }

    /// The priorities for the move from `stage` to the next; empty at Stage 5.
    public func roadmap(from stage: Stage) -> [RoadmapItem] {
        roadmaps.first { $0.from == stage.number }?.items ?? []
    }

    /// The default definition of a KPI.
    public func kpi(_ key: String) -> KPIDefinition? { kpis.first { $0.key == key } }
}

/// One of the five dimensions the self-assessment scores.
public enum MaturityDimension: String, CaseIterable, Codable, Sendable, Comparable {
    case inventory, fulfillment, planning, reporting, governance

    public var title: String {
        switch self {
        case .inventory: return "Inventory Management"
        case .fulfillment: return "Fulfillment Execution"
        case .planning: return "Planning/Forecasting"
        case .reporting: return "Reporting/Visibility"
        case .governance: return "Governance/Process"
        }
    }

    public static func < (lhs: MaturityDimension, rhs: MaturityDimension) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A maturity stage, 1 (Reactive) to 5 (Adaptive).
public struct Stage: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let number: Int

    public init?(_ number: Int) {
        guard (1...5).contains(number) else { return nil }
        self.number = number
    }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Int.self)
        guard let stage = Stage(value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "stage \(value) is not 1-5"))
        }
        self = stage
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(number)
    }

    public var name: String { ["Reactive", "Controlled", "Optimized", "Predictive", "Adaptive"][number - 1] }
    public var next: Stage? { Stage(number + 1) }
    public var description: String { "Stage \(number) (\(name))" }

    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.number < rhs.number }
}

/// A roadmap priority and the dimensions it mainly moves.
public struct RoadmapItem: Hashable, Codable, Sendable {
    public var text: String
    public var dimensions: [MaturityDimension]

    public init(text: String, dimensions: [MaturityDimension]) {
        self.text = text
        self.dimensions = dimensions
    }
}

/// Bad input for the model: a score, a quarter or a month. `description` is one line.
public struct MaturityError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension MaturityError: UserFacingError {
    public var failure: FailureKind { .input }
}
