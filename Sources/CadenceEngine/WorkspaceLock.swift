import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking exclusive `flock` on `<state file>.lock`, held while a tick or the daemon
/// works on a workspace, like `flock -n` in a crontab line.
///
/// The kernel releases it when the process dies, so once it is held every delivery left in
/// `sending` belongs to a dead process and can be recovered without trusting wall-clock leases.
public final class WorkspaceLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    ///
    /// - Throws: ``EngineError`` when the lock file cannot be created.
    public init?(statePath: String) throws(EngineError) {
        path = statePath + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EngineError("cannot open the workspace lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw EngineError("cannot lock \(path): \(String(cString: strerror(code)))")
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// A failure of the engine that the user must look at (one line).
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
