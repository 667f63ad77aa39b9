import Agendas
import Synchronization
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// Assessments as the model sees them.
package enum Assessments {
    package static func load(from store: StateStore) throws(StateError) -> [Assessment] {
        try store.assessments().compactMap { record in
            guard let quarter = try? Quarter(parsing: record.quarter) else { return nil }
            let scores = Scores(
                inventory: record.inventory, fulfillment: record.fulfillment, planning: record.planning, reporting: record.reporting,
                governance: record.governance)
            var notes: [MaturityDimension: String] = [:]
            for (key, value) in record.notesByDimension { if let d = MaturityDimension(rawValue: key) { notes[d] = value } }
            return try? Assessment(quarter: quarter, scores: scores, notes: notes)
        }.sorted { $0.quarter < $1.quarter }
    }
}
