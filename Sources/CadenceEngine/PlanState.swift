import Agendas
import Synchronization
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// The stored transformation plan, rebuilt from its start month and assessment.
package enum PlanState {
    package static func load(from store: StateStore) throws(StateError) -> TransformationPlan? {
        guard let stored = try store.plan(), let start = try? YearMonth(parsing: stored.startMonth) else { return nil }
        var result: AssessmentResult?
        if let quarterText = stored.assessmentQuarter, let quarter = try? Quarter(parsing: quarterText) {
            let history = try Assessments.load(from: store)
            if let assessment = history.first(where: { $0.quarter == quarter }) {
                result = AssessmentResult(assessment: assessment, history: history)
            }
        }
        // A start the CLI would refuse (stored by an older version) shows no plan rather than failing.
        return try? TransformationPlan.build(start: start, assessment: result)
    }
}
