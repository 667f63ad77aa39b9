/// Scores for the five dimensions, whole numbers 1 to 5.
package struct Scores: Hashable, Codable, Sendable {
    package var inventory: Int
    package var fulfillment: Int
    package var planning: Int
    package var reporting: Int
    package var governance: Int

    package init(inventory: Int, fulfillment: Int, planning: Int, reporting: Int, governance: Int) {
        self.inventory = inventory
        self.fulfillment = fulfillment
        self.planning = planning
        self.reporting = reporting
        self.governance = governance
    }

    package subscript(_ dimension: MaturityDimension) -> Int {
        get {
            switch dimension {
            case .inventory: return inventory
            case .fulfillment: return fulfillment
            case .planning: return planning
            case .reporting: return reporting
            case .governance: return governance
            }
        }
        set {
            switch dimension {
            case .inventory: inventory = newValue
            case .fulfillment: fulfillment = newValue
            case .planning: planning = newValue
            case .reporting: reporting = newValue
            case .governance: governance = newValue
            }
        }
    }

    package var sum: Int { MaturityDimension.allCases.reduce(0) { $0 + self[$1] } }
}

/// One quarter's self-assessment.
package struct Assessment: Hashable, Sendable {
    package var quarter: Quarter
    package var scores: Scores
    package var notes: [MaturityDimension: String]

    /// Validates the scores: whole numbers 1 to 5.
    ///
    /// - Throws: ``MaturityError`` naming the dimension, e.g.
    ///   `score for fulfillment: 6 is out of range 1-5 (whole numbers)`.
    package init(quarter: Quarter, scores: Scores, notes: [MaturityDimension: String] = [:]) throws(MaturityError) {
        for dimension in MaturityDimension.allCases where !(1...5).contains(scores[dimension]) {
            throw MaturityError("score for \(dimension.rawValue): \(scores[dimension]) is out of range 1-5 (whole numbers)")
        }
        self.quarter = quarter
        self.scores = scores
        self.notes = notes
    }
}

/// What an assessment means: averages, the bottleneck, the overall stage, the change since last
/// quarter, the flat-scores warning and the roadmap to the next stage.
package struct AssessmentResult: Codable, Sendable {
    package var quarter: Quarter
    package var scores: Scores
    package var average: Double
    /// The band of the average: 1.0–1.9 Stage 1 … 5.0 Stage 5.
    package var averageStage: Int
    package var lowest: Int
    /// Every dimension at the lowest score, in model order.
    package var bottlenecks: [MaturityDimension]
    /// The overall stage: the lowest dimension's, not the average's.
    package var stage: Int
    package var stageName: String
    /// Per dimension against the latest earlier quarter; nil in the first quarter.
    package var changes: [String: Int]?
    /// The quarter compared against.
    package var previousQuarter: Quarter?
    /// Scores flat for two consecutive quarters.
    package var flatWarning: Bool
    package var flatWarningText: String?
    /// Priorities for the move to the next stage, the bottleneck's first; empty at Stage 5.
    package var roadmap: [RoadmapItem]
    package var advice: String
    package var notes: [String: String]

    enum CodingKeys: String, CodingKey {
        case quarter, scores, average, averageStage = "average_stage", lowest, bottlenecks, stage, stageName = "stage_name"
        case changes, previousQuarter = "previous_quarter", flatWarning = "flat_warning", flatWarningText = "flat_warning_text"
        case roadmap, advice, notes
    }

    /// - Parameters:
    ///   - history: Other assessments in any order; only quarters before this one count.
    package init(assessment: Assessment, history: [Assessment], model: MaturityModel = .standard) {
        quarter = assessment.quarter
        scores = assessment.scores
        let sum = scores.sum
        average = Double(sum) / 5
        // From the integer sum, so 2.0 is exactly Stage 2 and 1.96 is Stage 1.
        averageStage = min(5, max(1, sum / 5))
        let given = assessment.scores
        let minimum = MaturityDimension.allCases.map { given[$0] }.min()!
        lowest = minimum
        bottlenecks = MaturityDimension.allCases.filter { given[$0] == minimum }
        stage = minimum
        stageName = Stage(minimum)!.name
        notes = Dictionary(uniqueKeysWithValues: assessment.notes.map { ($0.key.rawValue, $0.value) })

        let earlier = history.filter { $0.quarter < assessment.quarter }.sorted { $0.quarter < $1.quarter }
        if let previous = earlier.last {
            previousQuarter = previous.quarter
            var diff: [String: Int] = [:]
            for d in MaturityDimension.allCases { diff[d.rawValue] = given[d] - previous.scores[d] }
            changes = diff
        }
        // A quarter is flat when no dimension rose against the quarter before it.
        func isFlat(_ current: Scores, _ before: Scores) -> Bool { !MaturityDimension.allCases.contains { current[$0] > before[$0] } }
        if earlier.count >= 2 {
            let previous = earlier[earlier.count - 1]
            let beforePrevious = earlier[earlier.count - 2]
            flatWarning = isFlat(given, previous.scores) && isFlat(previous.scores, beforePrevious.scores)
        } else {
            flatWarning = false
        }
        flatWarningText = flatWarning ? model.flatWarning : nil

        let bottleneckSet = Set(MaturityDimension.allCases.filter { given[$0] == minimum })
        let items = model.roadmap(from: Stage(minimum)!)
        roadmap = items.filter { !bottleneckSet.isDisjoint(with: $0.dimensions) } + items.filter { bottleneckSet.isDisjoint(with: $0.dimensions) }
        advice = roadmap.isEmpty ? "Stage 5 is the top of the model: keep assessing every quarter and protect what compounds." : model.advice
    }

    /// The 2 to 3 priorities for the next 90 days: the bottleneck's roadmap items first.
    package var priorities: [RoadmapItem] { Array(roadmap.prefix(3)) }
}
