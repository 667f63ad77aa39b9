import Agendas
import Playbooks
import Recurrence
import StateStore

/// Builds agendas from a playbook and the workspace state.
public struct AgendaSource: Sendable {
    public let workspace: Workspace
    public let store: StateStore?

    public init(workspace: Workspace, store: StateStore?) {
        self.workspace = workspace
        self.store = store
    }

    /// The data an occurrence's agenda shows, read from the state (empty when there is none yet).
    public func data(for playbook: Playbook, at instant: Int64, now: Int64) throws(StateError) -> AgendaData {
        guard let store else { return AgendaData(insights: try insights(now: now)) }
        let needsActions = playbook.agenda.contains(where: \.carryOver)
        return AgendaData(
            openActions: needsActions ? try store.actions(playbook: playbook.id) : [],
            checklistMarks: try store.checklistMarks(playbook: playbook.id, scheduledAt: instant),
            insights: try insights(now: now))
    }

    /// The agenda of one occurrence.
    public func agenda(for playbook: Playbook, at instant: Int64, now: Int64) throws(StateError) -> Agenda {
        AgendaBuilder(playbook: playbook).build(start: instant, data: try data(for: playbook, at: instant, now: now), now: now)
    }

    func insights(now: Int64) throws(StateError) -> AgendaInsights {
        AgendaInsights()
    }
}
