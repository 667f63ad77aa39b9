import Foundation
import NativeThreads
import Playbooks
import Synchronization

/// Reads the workspace on a second thread while the command line is still being parsed.
///
/// `tick` runs every minute from cron, and most of its time is start-up: parsing the command
/// line and reading the workspace, each about a quarter of an idle tick, one after the other on
/// one core. The workspace folder can be read off the arguments before they are parsed, so the
/// two overlap. Only `tick` does this; the result is used only when the parsed `--workspace`
/// names the same folder, and its error (if any) is thrown exactly where loading would throw it.
enum WorkspacePrefetch {
    private struct Pending {
        var path: String
        var result: Result<Workspace, any Error>?
    }

    private static let pending = Mutex<Pending?>(nil)
    private static let finished = DispatchSemaphore(value: 0)

    /// Starts loading when the arguments are a `tick` command; does nothing otherwise.
    static func start(arguments: [String]) {
        guard let path = folder(in: arguments) else { return }
        pending.withLock { $0 = Pending(path: path) }
        let environment = ProcessInfo.processInfo.environment
        // A thread of its own, created here so a failure is seen: a pool thread could be held up
        // by the command itself. Without a thread, nothing is prefetched.
        do {
            _ = try NativeThread(detached: true) {
                let result: Result<Workspace, any Error>
                do {
                    result = .success(try Workspace.load(at: path, environment: environment))
                } catch {
                    result = .failure(error)
                }
                pending.withLock { $0?.result = result }
                finished.signal()
            }
        } catch {
            pending.withLock { $0 = nil }
        }
    }

    /// The prefetched workspace at `path`, waiting for it if needed; `nil` when none was started
    /// for that folder.
    static func take(path: String) throws -> Workspace? {
        guard pending.withLock({ $0?.path == path }) else { return nil }
        finished.wait()
        guard let result = pending.withLock({ state -> Result<Workspace, any Error>? in
            defer { state = nil }
            return state?.result
        }) else { return nil }
        return try result.get()
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
