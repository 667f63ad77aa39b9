import CadenceEngine
import Playbooks
import Synchronization
import Timekeeping

/// The workspace as the pages see it: loaded again when one of its files changes (looked at
/// no more than once a second), and kept as it was, with the problem shown, when the edit
/// does not validate, as `opscadence run` does.
final class WorkspaceCache: Sendable {
    struct Snapshot: Sendable {
        var workspace: Workspace
        /// Counts reloads: what is derived from the workspace is cached per version.
        var version = 0
        /// Why the files on disk are not what is shown (an invalid edit), if they are not.
        var problem: String?
    }

    private struct State: Sendable {
        var snapshot: Snapshot
        var fingerprint: WorkspaceFingerprint
        var checkedAt: Duration
    }

    private let root: String
    private let environment: [String: String]
    private let timeline: Timeline
    private let state: Mutex<State>

    init(workspace: Workspace, environment: [String: String], timeline: Timeline) {
        self.root = workspace.root
        self.environment = environment
        self.timeline = timeline
        state = Mutex(
            State(snapshot: Snapshot(workspace: workspace), fingerprint: WorkspaceFingerprint(root: workspace.root), checkedAt: timeline.monotonic))
    }

    /// Makes the next request look at the files again at once (SIGHUP).
    func reloadSoon() {
        state.withLock { state in
            state.checkedAt = .seconds(-1_000_000)
            state.fingerprint = WorkspaceFingerprint(entries: [:])
        }
    }

    /// The workspace to serve this request from.
    func current() -> Snapshot {
        let now = timeline.monotonic
        let due = state.withLock { state -> WorkspaceFingerprint? in
            guard now - state.checkedAt >= .seconds(1) else { return nil }
            state.checkedAt = now
            return state.fingerprint
        }
        guard let previous = due else { return state.withLock { $0.snapshot } }
        let fingerprint = WorkspaceFingerprint(root: root)
        guard fingerprint != previous else { return state.withLock { $0.snapshot } }
        let current = state.withLock { $0.snapshot.workspace }
        var problem: String?
        var reloaded: Workspace?
        do {
            let workspace = try Workspace.load(at: root, environment: environment)
            if !workspace.hasSameState(as: current) {
                problem = "the state path in opscadence.yaml changed; restart opscadence serve to use it"
            } else {
                reloaded = workspace
            }
        } catch {
            problem = "the workspace on disk does not validate; showing the last good one. Run opscadence validate. "
                + error.issues.prefix(3).map(\.description).joined(separator: "; ")
        }
        return state.withLock { state in
            state.fingerprint = fingerprint
            if let reloaded {
                state.snapshot = Snapshot(workspace: reloaded, version: state.snapshot.version + 1)
            } else {
                state.snapshot.problem = problem
            }
            return state.snapshot
        }
    }
}
