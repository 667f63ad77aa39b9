import Agendas
import Foundation
import NativeThreads
import Playbooks
import Synchronization

/// Reads the workspace and parses its agenda templates, each on a thread of its own, while the
/// command line is still being parsed.
///
/// `tick` runs every minute from cron, and most of its time is start-up: parsing the command
/// line, reading the workspace and parsing the two agenda templates (which a tick checks before
/// it records anything, whether or not it renders), each a sixth to a quarter of an idle tick,
/// one after the other on one core. The workspace folder can be read off the arguments before
/// they are parsed, so the three overlap. Only `tick` does this; a result is used only when the
/// parsed `--workspace` names the same folder, and its error (if any) is thrown exactly where
/// loading or parsing would throw it.
enum WorkspacePrefetch {
    private static let workspace = Prefetched<Workspace>()
    private static let renderer = Prefetched<AgendaRenderer>()

    /// Starts loading when the arguments are a `tick` command; does nothing otherwise.
    static func start(arguments: [String]) {
        guard let path = folder(in: arguments) else { return }
        let environment = ProcessInfo.processInfo.environment
        workspace.start(path: path) { try Workspace.load(at: path, environment: environment) }
        renderer.start(path: path) { try AgendaRenderer(workspaceRoot: path) }
    }

    /// The prefetched workspace at `path`, waiting for it if needed; `nil` when none was started
    /// for that folder.
    static func take(path: String) throws -> Workspace? {
        try workspace.take(path: path)
    }

    /// The agenda templates of the workspace at `root`, parsed; `nil` when no parse was started
    /// for that folder.
    static func takeRenderer(root: String) throws -> AgendaRenderer? {
        try renderer.take(path: root)
    }

    /// The `--workspace` folder of a `tick` command line (`.` when not given); `nil` for any
    /// other command, or when the option is written in a way this scan does not follow.
    static func folder(in arguments: [String]) -> String? {
        guard arguments.first == "tick" else { return nil }
        var folder = "."
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { return nil }
            if argument == "--workspace" {
                guard index + 1 < arguments.count else { return nil }
                folder = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--workspace=") {
                folder = String(argument.dropFirst("--workspace=".count))
            }
            index += 1
        }
        return folder
    }
}

/// One value made on a thread of its own for a folder, taken (once) by whoever asks for that
/// folder.
private final class Prefetched<Value: Sendable>: Sendable {
    private struct Pending {
        var path: String
        var result: Result<Value, any Error>?
    }

    private let pending = Mutex<Pending?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    func start(path: String, _ make: @escaping @Sendable () throws -> Value) {
        pending.withLock { $0 = Pending(path: path) }
        // A thread of its own, created here so a failure is seen: a pool thread could be held up
        // by the command itself. Without a thread, nothing is prefetched.
        do {
            _ = try NativeThread(detached: true) { [self] in
                let result = Result { try make() }
                pending.withLock { $0?.result = result }
                finished.signal()
            }
        } catch {
            pending.withLock { $0 = nil }
        }
    }

    func take(path: String) throws -> Value? {
        guard pending.withLock({ $0?.path == path }) else { return nil }
        finished.wait()
        guard let result = pending.withLock({ state -> Result<Value, any Error>? in
            defer { state = nil }
            return state?.result
        }) else { return nil }
        return try result.get()
    }
}
