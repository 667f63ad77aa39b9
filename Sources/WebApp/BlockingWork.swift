import NIOCore
import NIOPosix

/// A task executor on SwiftNIO's blocking thread pool, for work that may wait on the state:
/// a write waits for the state file's lock while another process (`tick`, a command) holds it,
/// up to the busy timeout. With the event loops as Swift's global executor (`opscadence serve`
/// on SQLite), such a wait on a loop would stop every connection of that loop, accepting new
/// ones included; here it holds a pool thread. Requests that only read stay on their loop
/// (SQLite readers never wait for a writer).
package final class BlockingWork: TaskExecutor {
    /// On `NIOThreadPool.singleton`.
    package static let executor = BlockingWork(pool: .singleton)

    private let pool: NIOThreadPool

    init(pool: NIOThreadPool) {
        self.pool = pool
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // Run even if the pool says it is shutting down: a job left unrun would leave its task
        // suspended for ever (the singleton pool is never shut down).
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `operation` on the pool's threads (its suspensions resume there too).
    package static func run<T>(_ operation: () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(executor, operation: operation)
    }
}
