import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: it records every request and
/// answers according to a script.
///
/// It binds an ephemeral port, so every test can have its own server and run in parallel. Each
/// request is answered by the first of: the next behaviour queued for its path, the next
/// behaviour queued for any path, the behaviour set for its path, the default behaviour.
///
/// ```swift
/// let server = try LoopbackHTTPServer()
/// server.enqueue(.status(500), .status(500), .ok())
/// server.setBehavior(.hang, forPath: "/slow")
/// // post to server.url("/hook") …
/// #expect(server.requests.count == 3)
/// ```
///
/// Connections are kept alive unless the client sends `Connection: close` (or speaks HTTP/1.0
/// without keep-alive). Bodies may come with `Content-Length` or chunked; `Expect:
/// 100-continue` is honoured. ``stop()`` (or releasing the server) closes the listener and every
/// connection and waits for the server's threads to end. Starting one makes the process ignore
/// `SIGPIPE` (``ignoreSIGPIPE()``), as the `opscadence` executable does.
///
/// Why not swift-nio-extras' `NIOHTTP1TestServer`: it answers requests one at a time, in the
/// order the test reads them, from the test's own code. The delivery tests need the other
/// things a real receiver does on its own while the client under test runs on its thread:
/// concurrent connections, kept-alive reuse, resets mid-response, bodies dripped byte by
/// byte, requests that never get an answer, and exact bytes on the wire (signatures). The
/// ordinary cases (status and body) are a line of a script here either way, so one server
/// on raw sockets serves all of them.
package final class LoopbackHTTPServer: Sendable {
    /// The server could not start.
    package struct StartError: Error, CustomStringConvertible {
        /// Which call failed and why.
        package let description: String
    }

    /// The TCP port the server listens on.
    package let port: Int
    private let core: ServerCore

    /// Starts listening on 127.0.0.1 on an ephemeral port.
    ///
    /// - Parameters:
    ///   - defaultBehavior: how to answer requests nothing more specific applies to.
    ///   - recordsRequests: keep every request for ``requests``; turn it off for long
    ///     benchmark runs (the counters still count).
    package init(defaultBehavior: Behavior = .ok(), recordsRequests: Bool = true) throws(StartError) {
        // Clients in this process send to it through libcurl, which leaves SIGPIPE to the program.
        ignoreSIGPIPE()
        core = try ServerCore(defaultBehavior: defaultBehavior, recordsRequests: recordsRequests)
        port = core.port
    }

    deinit {
        core.stop()
    }

    /// `http://127.0.0.1:PORT`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// ``baseURL`` followed by `path` (which should start with `/`).
    package func url(_ path: String = "/") -> String { baseURL + path }

    /// Replaces the default behaviour.
    package func setDefaultBehavior(_ behavior: Behavior) {
        core.state.withLock { $0.defaultBehavior = behavior }
    }

    /// Sets how requests for exactly `path` (query ignored) are answered; `nil` removes it.
    package func setBehavior(_ behavior: Behavior?, forPath path: String) {
        core.state.withLock { $0.routes[path] = behavior }
    }

    /// Queues behaviours used once each, in order: for requests to `path`, or to any path when
    /// `path` is `nil`.
    package func enqueue(_ behaviors: Behavior..., forPath path: String? = nil) {
        core.state.withLock { state in
            if let path { state.pathQueues[path, default: []].append(contentsOf: behaviors) } else { state.queue.append(contentsOf: behaviors) }
        }
    }

    /// Every request read so far, in arrival order (empty when recording is off).
    package var requests: [Request] { core.state.withLock { $0.requests } }

    /// The requests read so far for exactly `path`.
    package func requests(forPath path: String) -> [Request] {
        requests.filter { $0.path == path }
    }

    /// How many requests have been read, recorded or not.
    package var requestCount: Int { core.state.withLock { $0.requestCount } }

    /// How many TCP connections have been accepted.
    package var connectionCount: Int { core.state.withLock { $0.connectionCount } }

    /// The most requests in flight at one moment: read, and not yet answered. A request stops
    /// counting just before the last byte of its answer is sent, so a client that starts its
    /// next request on receiving an answer is never counted twice.
    package var peakConcurrentRequests: Int { core.state.withLock { $0.peakInFlight } }

    /// Requests in flight right now (see ``peakConcurrentRequests``).
    package var concurrentRequests: Int { core.state.withLock { $0.inFlight } }

    /// Forgets recorded requests and resets the counters.
    package func reset() {
        core.state.withLock { state in
            state.requests.removeAll()
            state.requestCount = 0
            state.connectionCount = 0
            state.peakInFlight = state.inFlight
        }
    }

    /// Waits until at least `count` requests have been read, or `timeout` passes.
    package func waitForRequests(count: Int, timeout: Duration = .seconds(5)) async -> Bool {
        await waitUntil(timeout: timeout) { requestCount >= count }
    }

    /// Stops listening, closes every connection (hanging ones included) and waits for the
    /// server's threads to finish. Safe to call more than once.
    package func stop() {
        core.stop()
    }
}
