import Dispatch
import Synchronization
import Timekeeping

/// Posts webhook requests through libcurl's multi interface.
///
/// All transfers of a client run on one dedicated thread (never on Swift concurrency's
/// cooperative pool), at most ``Configuration/maxConcurrent`` at a time, with requests that
/// share a rate key paced and started in order. Every request gets hard limits: connect and
/// total time-outs, a low-speed abort, a response-size cap, `http`/`https` only, no redirects,
/// TLS verification, and a connect-time ``AddressPolicy`` check.
///
/// Pacing, the pacing budget, skipped destinations and each result's `elapsed` are measured on
/// the `Timeline` the client is given (the system clock by default), so a caller with its own
/// clock (a `--now` replay, a test's manual clock) paces on that clock. libcurl's time-outs
/// (``Configuration/connectTimeout``, ``Configuration/totalTimeout``, the low-speed limit)
/// guard against real sockets and stay in real time.
///
/// ```swift
/// let client = WebhookClient()
/// let results = await client.send([try target.makeRequest(for: message, at: Timeline.system.now)])
/// ```
///
/// Releasing the client cancels whatever it still has in flight and stops its thread.
package final class WebhookClient: Sendable {
    /// Limits and pacing for a ``WebhookClient``. Every field has a default.
    package struct Configuration: Sendable {
        /// How many transfers may be in flight at once. Default 8.
        package var maxConcurrent: Int
        /// Limit for DNS, TCP and TLS together (`CURLOPT_CONNECTTIMEOUT_MS`). Default 10 s.
        package var connectTimeout: Duration
        /// Limit for the whole request (`CURLOPT_TIMEOUT_MS`). Default 20 s.
        package var totalTimeout: Duration
        /// The most response-body bytes kept; reading stops there and the response is marked
        /// truncated. Default 64 KiB.
        package var maxResponseBytes: Int
        /// Abort when fewer than this many bytes per second arrive for ``lowSpeedTime``
        /// (`CURLOPT_LOW_SPEED_LIMIT`); 0 turns the check off. Default 1.
        package var lowSpeedLimit: Int
        /// See ``lowSpeedLimit``; whole seconds, at least 1 (`CURLOPT_LOW_SPEED_TIME`). Default 10 s.
        package var lowSpeedTime: Duration
        /// Also refuse loopback, private and shared networks at connect time. Default false.
        /// Link-local and cloud-metadata addresses are refused either way.
        package var denyPrivateNetworks: Bool
        /// Pacing per rate key, for requests that carry no ``WebhookRequest/rateLimit``.
        package var rateLimits: [String: RateLimit]
        /// Pacing for rate keys in neither the request nor ``rateLimits``. Default ``RateLimit/none``.
        package var defaultRateLimit: RateLimit
        /// The longest one ``WebhookClient/send(_:)`` call waits on rate limits. A request its
        /// rate key could not start within the budget comes back as
        /// ``WebhookResult/deferred(until:)``, unsent. Default 30 s.
        package var pacingBudget: Duration
        /// The `User-Agent` header.
        package var userAgent: String
        /// Reuse a kept-alive connection only while it has been idle for less than this
        /// (`CURLOPT_MAXAGE_CONN`, whole seconds, rounded up); zero opens a connection per
        /// request. Servers close idle connections after 2 s (gunicorn) to 75 s (nginx); staying
        /// short keeps requests from meeting a connection the server is closing. Default 2 s.
        package var maxIdleConnectionAge: Duration
        /// After this many requests to one rate key in a row time out (no response between
        /// them), the key's waiting and later requests come back unsent as
        /// ``TransportFailure/Code/notAttempted`` for ``skipDuration``, so one hung destination
        /// holds a send for at most three time-outs (overlapping when its requests run side by
        /// side), not one per request. After a key's first time-out, it runs one request at a
        /// time until a response or the skip. Zero turns it off. Default 3.
        package var timeoutsBeforeSkipping: Int
        /// How long a rate key is skipped once ``timeoutsBeforeSkipping`` is reached; the first
        /// request after that tries the destination again. Default 60 s.
        package var skipDuration: Duration
        /// Tests only: choose options as if the loaded libcurl were at most this version, to
        /// run the fallbacks for older libcurl (`CURLOPT_PROTOCOLS`, no connection reuse
        /// without `CURLOPT_PREREQFUNCTION`) against the libcurl at hand.
        var libcurlVersionLimit: LibcurlVersion?

        /// Creates a configuration; every parameter has the documented default.
        package init(
            maxConcurrent: Int = 8,
            connectTimeout: Duration = .seconds(10),
            totalTimeout: Duration = .seconds(20),
            maxResponseBytes: Int = 64 * 1024,
            lowSpeedLimit: Int = 1,
            lowSpeedTime: Duration = .seconds(10),
            denyPrivateNetworks: Bool = false,
            rateLimits: [String: RateLimit] = [:],
            defaultRateLimit: RateLimit = .none,
            pacingBudget: Duration = .seconds(30),
            userAgent: String = "opscadence-delivery/1",
            maxIdleConnectionAge: Duration = .seconds(2),
            timeoutsBeforeSkipping: Int = 3,
            skipDuration: Duration = .seconds(60)
        ) {
            self.maxConcurrent = maxConcurrent
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.maxResponseBytes = maxResponseBytes
            self.lowSpeedLimit = lowSpeedLimit
            self.lowSpeedTime = lowSpeedTime
            self.denyPrivateNetworks = denyPrivateNetworks
            self.rateLimits = rateLimits
            self.defaultRateLimit = defaultRateLimit
            self.pacingBudget = pacingBudget
            self.userAgent = userAgent
            self.maxIdleConnectionAge = maxIdleConnectionAge
            self.timeoutsBeforeSkipping = timeoutsBeforeSkipping
            self.skipDuration = skipDuration
        }

        /// The address policy these settings describe.
        package var addressPolicy: AddressPolicy { AddressPolicy(denyPrivateNetworks: denyPrivateNetworks) }
    }

    /// The settings this client was created with.
    package let configuration: Configuration
    private let loop: DeliveryLoop

    /// Creates a client that reads time from `timeline`; its thread starts with the first send.
    package init(configuration: Configuration = Configuration(), timeline: Timeline = .system) {
        self.configuration = configuration
        self.loop = DeliveryLoop(configuration: configuration, timeline: timeline)
    }

    deinit {
        loop.shutdown()
    }

    /// Sends every request and returns their results in the same order.
    ///
    /// Never throws: each request's fate is in its ``WebhookResult``. Cancelling the calling
    /// task cancels the unfinished requests, which come back as
    /// ``TransportFailure/Code/cancelled``.
    package func send(_ requests: [WebhookRequest]) async -> [WebhookResult] {
        guard !requests.isEmpty else { return [] }
        let id = loop.makeID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.submit(id: id, requests) { results in continuation.resume(returning: results) }
            }
        } onCancel: {
            loop.cancel(id: id)
        }
    }

    /// Sends every request and blocks the calling thread until all results are in; results
    /// come in the same order as the requests.
    ///
    /// For synchronous callers only; from async code use ``send(_:)``.
    @available(*, noasync, message: "Use send(_:) from async code.")
    package func sendBlocking(_ requests: [WebhookRequest]) -> [WebhookResult] {
        guard !requests.isEmpty else { return [] }
        let done = DispatchSemaphore(value: 0)
        let collected = Mutex<[WebhookResult]>([])
        loop.submit(id: loop.makeID(), requests) { results in
            collected.withLock { $0 = results }
            done.signal()
        }
        done.wait()
        return collected.withLock { $0 }
    }
}
