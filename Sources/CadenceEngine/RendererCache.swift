import Agendas
import Synchronization
import MaturityModel
import Playbooks
import Recurrence
import StateStore

/// The workspace's agenda templates, parsed once per engine and only when first needed (unless
/// the caller already parsed and checked them).
final class RendererCache: Sendable {
    private let root: String
    private let cached: Mutex<AgendaRenderer?>

    init(root: String, renderer: AgendaRenderer? = nil) {
        self.root = root
        cached = Mutex(renderer)
    }

    func renderer() throws(WorkspaceError) -> AgendaRenderer {
        if let existing = cached.withLock({ $0 }) { return existing }
        let made = try AgendaRenderer(workspaceRoot: root)
        cached.withLock { $0 = made }
        return made
    }
}
