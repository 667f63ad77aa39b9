import Diagnostics
import Foundation
import Recurrence
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking exclusive `flock` on `<state file>.lock`, held while a tick or the daemon
/// works on a workspace, like `flock -n` in a crontab line.
///
/// The kernel releases it when the process dies, so once it is held every delivery left in
/// `sending` belongs to a dead process and can be recovered without trusting wall-clock leases.
package final class WorkspaceLock: Sendable {
    package let path: String
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    ///
    /// - Throws: ``EngineError`` when the lock file cannot be created.
    package init?(statePath: String) throws(EngineError) {
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
        // Who holds it, for `doctor`: the lock is the flock, this text only names the holder.
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName) since \(RFC3339.formatUTC(Timeline.system.now))\n"
        if ftruncate(fd, 0) == 0 { _ = holder.withCString { write(fd, $0, strlen($0)) } }
    }

    /// Who holds the lock of the state at `statePath`: nil when nobody does (or it cannot be
    /// told), otherwise the holder's own note ("pid 4242 on ops-1 since …").
    ///
    /// It takes the lock for an instant to find out, so a tick starting at that very moment
    /// skips once, as it would behind any other tick.
    package static func holder(statePath: String) -> String? {
        let path = statePath + ".lock"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        guard errno == EWOULDBLOCK else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(fd, &buffer, buffer.count)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "another process" : text
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// A failure of the engine that the user must look at (one line).
package struct EngineError: UserFacingError, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
    /// The lock, the output folder, a file that cannot be written: the machine's side.
    package var failure: FailureKind { .environment }
}
