import Logging
import PostgresNIO
import StateStore

/// Wake-ups for a daemon that waits for work: a connection of its own that LISTENs on
/// ``PostgresBackend/wakeChannel``, on which every transaction that queues work (a commit that
/// inserted deliveries, a requeue, a recovery, a queued chat reply) notifies at its commit.
///
/// PostgreSQL keeps no notification for a session that is not connected, so the stream also
/// yields once after every (re)connect: the consumer must then poll the state, as it must on a
/// timer anyway (a notification can be lost with its connection). After an error the listener
/// waits a second and connects again, until the stream's consumer goes away.
///
/// The channel is per database, not per schema: a workspace in another schema of the same
/// database wakes this one too, which costs one needless poll.
package enum PostgresWakeups {
    package static func stream(location: PostgresLocation, logger: Logger = PostgresBackend.quietLogger) -> AsyncStream<Void> {
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let task = Task {
                while !Task.isCancelled {
                    do {
                        let configuration = try location.configuration(readOnly: true)
                        let connection = try await PostgresConnection.connect(
                            on: PostgresBackend.eventLoopGroup.next(), configuration: configuration, id: PostgresBackend.nextConnectionID(), logger: logger)
                        defer { Task { try? await connection.close() } }
                        try await connection.listen(on: PostgresBackend.wakeChannel) { notifications in
                            // Listening now: whatever was queued before is found by this poll.
                            continuation.yield()
                            for try await _ in notifications { continuation.yield() }
                        }
                    } catch {
                        logger.debug("listening for wake-ups failed; connecting again", metadata: ["error": "\(StateError(postgres: error, location: location))"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
