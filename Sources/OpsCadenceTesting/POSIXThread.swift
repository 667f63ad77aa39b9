import Glibc
import NativeThreads

/// Plain POSIX threads for the loopback server: its sockets block, so its work must not run on
/// Swift concurrency's cooperative pool.
enum POSIXThread {
    /// Starts `body` on a new thread; returns it to join, or `nil` when no thread could be
    /// created. Connection threads do little: a small stack lets thousands of them exist at once.
    @discardableResult
    static func start(detached: Bool, stackSize: Int = 512 * 1024, _ body: @escaping @Sendable () -> Void) -> NativeThread? {
        try? NativeThread(detached: detached, stackSize: stackSize, body)
    }
}
