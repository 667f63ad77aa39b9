import CConcurrencyHook
import Logging
import NIOCore
import NIOPosix
import StateStore
import Synchronization

/// Runs Swift concurrency's jobs on the web server's event loops instead of the global pool.
///
/// Hummingbird reads a request on an event loop and calls the handlers as async code; on the
/// global pool, every request then crosses threads twice (to the pool and back to write the
/// answer), which cost more than serving a cached page does. With the event loops as the
/// global executor a request stays on the thread that read it. This is SwiftNIO's
/// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
/// (Vapor's templates call it), which finds the runtime's hook with `dlsym` and so cannot in a
/// binary with the Swift runtime linked in statically: here the linker resolves it
/// (CConcurrencyHook).
///
/// An event loop also reads, writes and accepts every connection it holds, so nothing may wait
/// there: what may wait for the state file's lock (every request but a read, the people check,
/// a chat button's reply, the scheduler of `run --listen`) runs on ``BlockingWork``'s threads; reads take read-only
/// connections, which never wait for a writer; libcurl and the prefetch have threads of their
/// own (``NativeThread``). Only with the SQLite state: PostgreSQL's backend waits for its
/// futures (`wait()`), which SwiftNIO refuses on an event loop.
enum EventLoopExecutor {
    private typealias Hook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// The singleton group's loops, the ones Hummingbird serves on.
    private static let loops: [any NIOSerialEventLoopExecutor] = MultiThreadedEventLoopGroup.singleton.makeIterator().map {
        $0 as! any NIOSerialEventLoopExecutor
    }
    private static let next = Atomic<Int>(0)

    /// Installs the hook, once, before the server starts, if the state is SQLite; false if it
    /// was not installed (logged when it should have been).
    @discardableResult
    static func install(for store: StateStore, logger: Logger) -> Bool {
        guard store.sqlite != nil else { return false }
        _ = loops
        // The hook's type is the runtime's as SwiftNIO declares it, for the compilers SwiftNIO
        // vouches for (its takeover has the same bound).
        #if compiler(<6.6)
        let installed = withUnsafeTemporaryAllocation(of: Hook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in EventLoopExecutor.enqueue(job) })
            return hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { function in
                opscadence_install_enqueue_global_hook(function.pointee)
            }
        }
        #else
        let installed = false
        #endif
        if !installed {
            logger.notice("requests run on Swift's global pool: its enqueue hook is not available")
        }
        return installed
    }

    /// On the loop of the thread that enqueues, when it is one (no thread switch); else on the
    /// next loop in turn.
    private static func enqueue(_ job: UnownedJob) {
        let loop = loops.first { $0.inEventLoop } ?? loops[next.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
        loop.enqueue(ExecutorJob(job))
    }
}
