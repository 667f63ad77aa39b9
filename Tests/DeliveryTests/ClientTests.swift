import Delivery
import Foundation
import OpsCadenceTesting
import Synchronization
import Testing
import Timekeeping

@Suite struct ClientTests {
    // MARK: Basics

    @Test func postsTheBodyAndHeadersAndReturnsTheResponse() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .respond(.text("ok", headers: [("X-Extra", "1")])))
        let request = try makeRequest(
            server.url("/hook?a=1"), headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", "d-1")])
        let result = await sendOne(request)
        let response = try #require(result.response, "\(result)")
        #expect(response.statusCode == 200)
        #expect(response.bodyText == "ok")
        #expect(response.headers["x-extra"] == "1")
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(!response.bodyWasTruncated)
        #expect(response.elapsed > .zero)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.path == "/hook")
        #expect(received.query == "a=1")
        #expect(received.bodyText == #"{"text":"hi"}"#)
        #expect(received.headers["content-type"] == "application/json")
        #expect(received.headers["webhook-id"] == "d-1")
        #expect(received.headers["content-length"] == "13")
        #expect(received.headers["expect"] == nil)
        #expect(received.headers["user-agent"] == "opscadence-delivery/1")
    }

    @Test func responseHeadersAreParsedWhateverTheirSpacingAndCase() async throws {
        let headers = [("RETRY-After", " \t 7 \t"), ("X-Repeated", "a"), ("x-repeated", "b"), ("X-Note", "café ✓"), ("X-Blank", "")]
        let server = try LoopbackHTTPServer(defaultBehavior: .respond(.text("slow down", status: 429, headers: headers)))
        let response = try #require(await sendOne(try makeRequest(server.url("/"))).response)
        #expect(response.statusCode == 429)
        #expect(response.headers["retry-after"] == "7")
        #expect(response.headers["x-repeated"] == "a, b")
        #expect(response.headers["x-note"] == "café ✓")
        #expect(response.headers["x-blank"] == "")
        let outcome = DeliveryOutcome.classify(result: .response(response), kind: .generic, attempt: 1, firstAttemptAt: epochSeconds(), now: epochSeconds())
        #expect("\(outcome)".contains("Retry-After 7 s"), "\(outcome)")
    }

    @Test func anEmptyHeaderValueIsSentEmpty() async throws {
        let server = try LoopbackHTTPServer()
        _ = await sendOne(try makeRequest(server.url("/"), headers: [HTTPHeader("X-Empty", "")]))
        #expect(server.requests.first?.fields.contains { $0.name == "X-Empty" && $0.value.isEmpty } == true)
    }

    @Test func slackOkIsDeliveredAndNoServiceIsRetried() async throws {
        let server = try LoopbackHTTPServer()
        server.enqueue(.ok("ok"), .ok("no_service"))
        let client = WebhookClient(configuration: fastConfiguration())
        let results = await client.send([try makeRequest(server.url("/a"), key: "a"), try makeRequest(server.url("/b"), key: "b")])
        let now = epochSeconds()
        let outcomes = results.map { DeliveryOutcome.classify(result: $0, kind: .slack, attempt: 1, firstAttemptAt: now, now: now) }
        // Both keys start at once, so which request gets which answer depends on arrival order.
        let byPath = Dictionary(uniqueKeysWithValues: zip(server.requests.map(\.path), server.requests.indices))
        let okIndex = byPath["/a"]! == 0 ? 0 : 1
        #expect(outcomes[okIndex].isDelivered)
        let retry = try #require(outcomes[1 - okIndex].retryDetails)
        #expect(retry.reason.contains("no_service"))
    }

    @Test(arguments: [
        (WebhookKind.msteams, LoopbackHTTPServer.Behavior.status(202), true),
        (.discord, .respond(.json(#"{"id":"1"}"#)), true),
        (.discord, .status(204), true),
        (.googlechat, .respond(.json(#"{"error":{"code":409,"status":"ALREADY_EXISTS"}}"#, status: 409)), true),
        (.generic, .status(204), true),
        (.slack, .status(410, body: "channel_is_archived"), false),
        (.discord, .respond(.json(#"{"message":"Unknown Webhook","code":10015}"#, status: 404)), false),
    ])
    func kindRulesApplyToRealResponses(_ kind: WebhookKind, _ behavior: LoopbackHTTPServer.Behavior, _ delivered: Bool) async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: behavior)
        let now = epochSeconds()
        let outcome = DeliveryOutcome.classify(
            result: await sendOne(try makeRequest(server.url("/"))), kind: kind, attempt: 1, firstAttemptAt: now, now: now)
        #expect(outcome.isDelivered == delivered, "\(outcome)")
        if !delivered { #expect(outcome.deadDetails?.destinationUnusable == true) }
    }

    @Test func resultsComeBackInRequestOrder() async throws {
        let server = try LoopbackHTTPServer(
            defaultBehavior: .handler { request in
                // Later requests answer sooner, so completion order is the reverse of request order.
                let index = Int(request.bodyText) ?? 0
                return .respondAfter(.milliseconds(10 * (10 - index)), .text(request.bodyText))
            })
        let requests = try (0..<10).map { try makeRequest(server.url("/"), key: "k\($0)", body: "\($0)") }
        let results = await WebhookClient(configuration: fastConfiguration()).send(requests)
        #expect(results.map { $0.response?.bodyText } == (0..<10).map { "\($0)" })
    }

    @Test func anEmptyBatchReturnsAtOnce() async {
        #expect(await WebhookClient().send([]).isEmpty)
    }

    @Test func blockingSendWorksFromSynchronousCode() throws {
        let server = try LoopbackHTTPServer()
        let client = WebhookClient(configuration: fastConfiguration())
        let results = client.sendBlocking([try makeRequest(server.url("/1")), try makeRequest(server.url("/2"))])
        #expect(results.map { $0.response?.statusCode } == [200, 200])
        #expect(Set(server.requests.map(\.path)) == ["/1", "/2"])
    }

    // MARK: Retries, end to end

    @Test func serverErrorsRetryInsideTheJitterEnvelopeUntilDelivered() async throws {
        let server = try LoopbackHTTPServer()
        server.enqueue(.status(503), .status(500), .status(503), .ok())
        let client = WebhookClient(configuration: fastConfiguration())
        let policy = RetryPolicy(base: .milliseconds(20), cap: .milliseconds(50))
        let first = epochSeconds()
        var attempt = 1
        var generator = SeededGenerator(seed: 7)
        var gaps: [Duration] = []
        while true {
            let result = await client.send([try makeRequest(server.url("/hook"))])[0]
            let outcome = DeliveryOutcome.classify(
                result: result, kind: .slack, attempt: attempt, firstAttemptAt: first, now: epochSeconds(), policy: policy, using: &generator)
            if outcome.isDelivered { break }
            let retry = try #require(outcome.retryDetails, "\(outcome)")
            #expect(retry.consumesAttempt)
            #expect(retry.delay >= .zero && retry.delay <= policy.backoffCeiling(afterAttempt: attempt))
            gaps.append(retry.delay)
            try await Task.sleep(for: retry.delay)
            attempt += 1
        }
        #expect(attempt == 4)
        #expect(server.requestCount == 4)
        #expect(gaps.count == 3)
    }

    @Test func rateLimitedWithRetryAfterSeconds() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .status(429, headers: [("Retry-After", "7")]))
        let now = epochSeconds()
        let retry = try #require(
            DeliveryOutcome.classify(result: await sendOne(try makeRequest(server.url("/"))), kind: .slack, attempt: 3, firstAttemptAt: now, now: now)
                .retryDetails)
        #expect(retry.delay == .seconds(7))
        #expect(!retry.consumesAttempt)
        #expect(abs(Double(retry.at - now) - 7) < 0.001)
    }

    @Test func rateLimitedWithAnHTTPDate() async throws {
        let now = epochSeconds()
        let later = now + 30
        let server = try LoopbackHTTPServer(defaultBehavior: .status(429, headers: [("Retry-After", Self.imfFixdate(Date(timeIntervalSince1970: TimeInterval(later))))]))
        let retry = try #require(
            DeliveryOutcome.classify(
                result: await sendOne(try makeRequest(server.url("/"))), kind: .generic, attempt: 1, firstAttemptAt: now, now: now
            ).retryDetails)
        // The date has whole seconds, so the wait is 29–30 s.
        #expect(retry.delay > .seconds(29) && retry.delay <= .seconds(30))
        #expect(!retry.consumesAttempt)
    }

    @Test func rateLimitedByDiscordJSON() async throws {
        let server = try LoopbackHTTPServer(
            defaultBehavior: .respond(.json(#"{"message":"You are being rate limited.","retry_after":0.729,"global":false}"#, status: 429)))
        let now = epochSeconds()
        let retry = try #require(
            DeliveryOutcome.classify(
                result: await sendOne(try makeRequest(server.url("/"))), kind: .discord, attempt: 1, firstAttemptAt: now, now: now
            ).retryDetails)
        #expect(abs(retry.delay.inSeconds - 0.729) < 0.001)
        #expect(!retry.consumesAttempt)
    }

    @Test func notFoundIsDeadWithTheBodyPrefix() async throws {
        let body = "channel_not_found: " + String(repeating: "x", count: 2000)
        let server = try LoopbackHTTPServer(defaultBehavior: .status(404, body: body))
        let now = epochSeconds()
        let dead = try #require(
            DeliveryOutcome.classify(result: await sendOne(try makeRequest(server.url("/"))), kind: .slack, attempt: 1, firstAttemptAt: now, now: now)
                .deadDetails)
        #expect(dead.statusCode == 404)
        #expect(dead.responseExcerpt == String(body.prefix(500)))
        #expect(dead.reason.contains("channel_not_found"))
        #expect(dead.destinationUnusable)
    }

    @Test func aRedirectToTheMetadataServiceIsNotFollowed() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .status(301, headers: [("Location", "http://169.254.169.254/latest/meta-data/")]))
        let result = await sendOne(try makeRequest(server.url("/hook")))
        #expect(result.response?.statusCode == 301)
        let now = epochSeconds()
        let dead = try #require(DeliveryOutcome.classify(result: result, kind: .slack, attempt: 1, firstAttemptAt: now, now: now).deadDetails)
        #expect(dead.reason.contains("not followed"))
        #expect(server.requestCount == 1)
    }

    // MARK: Transport failures

    @Test func aSlowResponsePastTheTotalTimeoutMayHaveBeenSent() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .respondAfter(.seconds(10), .text("ok")))
        let failure = try #require(
            await sendOne(try makeRequest(server.url("/")), configuration: fastConfiguration(totalTimeout: .milliseconds(300))).failure)
        #expect(failure.code == .timeout)
        #expect(failure.requestMayHaveBeenSent)
        #expect(failure.curlError?.code == CurlError.operationTimedOut)
        #expect(failure.elapsed >= .milliseconds(250))
        #expect(server.requestCount == 1)
    }

    @Test func aHangingServerTimesOut() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .hang)
        let failure = try #require(
            await sendOne(try makeRequest(server.url("/")), configuration: fastConfiguration(totalTimeout: .milliseconds(300))).failure)
        #expect(failure.code == .timeout)
        #expect(failure.requestMayHaveBeenSent)
    }

    @Test(arguments: [1, 8])
    func aDestinationThatKeepsTimingOutIsSkippedAfterThreeInARow(maxConcurrent: Int) async throws {
        let hung = try LoopbackHTTPServer(defaultBehavior: .hang)
        let healthy = try LoopbackHTTPServer()
        // The skip lasts skipDuration on the client's clock: a manual one that never moves, so a
        // loaded machine cannot outlast it between the two sends (libcurl's time-outs stay real).
        let client = WebhookClient(
            configuration: fastConfiguration(totalTimeout: .milliseconds(300), maxConcurrent: maxConcurrent), timeline: Timeline(ManualClock(), startingAt: 0))
        let requests = try (0..<10).map { try makeRequest(hung.url("/\($0)"), key: "hung") } + [try makeRequest(healthy.url("/"), key: "fine")]
        let results = await client.send(requests)
        let codes = results.prefix(10).map { $0.failure?.code }
        // Whatever was in flight at the first time-out times out too, but nothing more starts;
        // after the third time-out, the rest is given back unsent.
        let timedOut = codes.filter { $0 == .timeout }.count
        #expect(timedOut >= 3 && timedOut <= max(3, maxConcurrent))
        if maxConcurrent == 1 { #expect(timedOut == 3) }
        #expect(codes.filter { $0 == .notAttempted }.count == 10 - timedOut)
        #expect(hung.requestCount == timedOut)
        #expect(results.prefix(10).allSatisfy { $0.failure?.code != .notAttempted || $0.failure?.requestMayHaveBeenSent == false })
        // Another destination in the same send is not held back.
        #expect(results[10].response?.statusCode == 200)
        // Later sends through this client skip the destination at once, for skipDuration.
        #expect(await client.send([try makeRequest(hung.url("/later"), key: "hung")])[0].failure?.code == .notAttempted)
        #expect(hung.requestCount == timedOut)
        // Unsent, so no attempt is used up, and the retry waits.
        let now = epochSeconds()
        let outcome = DeliveryOutcome.classify(result: results[9], kind: .generic, attempt: 1, firstAttemptAt: now, now: now)
        guard case .retry(let retry) = outcome else { Issue.record("\(outcome)"); return }
        #expect(!retry.consumesAttempt)
        #expect("\(outcome)".contains("in a row"))
    }

    @Test func aSkippedDestinationIsTriedAgainOnceTheSkipEnds() async throws {
        let hung = try LoopbackHTTPServer(defaultBehavior: .hang)
        var configuration = fastConfiguration(totalTimeout: .milliseconds(300), maxConcurrent: 1)
        configuration.skipDuration = .seconds(60)
        // libcurl's time-outs run in real time; the skip runs on the client's clock.
        let clock = ManualClock()
        let client = WebhookClient(configuration: configuration, timeline: Timeline(clock, startingAt: 0))
        let first = await client.send(try (0..<5).map { try makeRequest(hung.url("/\($0)"), key: "hung") })
        #expect(first.map { $0.failure?.code } == [.timeout, .timeout, .timeout, .notAttempted, .notAttempted])
        // The whole skip duration, less a millisecond: still skipped, unsent.
        clock.advance(by: .seconds(60) - .milliseconds(1))
        #expect(await client.send([try makeRequest(hung.url("/skipped"), key: "hung")])[0].failure?.code == .notAttempted)
        #expect(hung.requestCount == 3)
        // The skip is over: the next request goes out (and counts from one again).
        clock.advance(by: .milliseconds(1))
        #expect(await client.send([try makeRequest(hung.url("/again"), key: "hung")])[0].failure?.code == .timeout)
        #expect(hung.requestCount == 4)
    }

    @Test func aResponseBetweenTimeOutsStartsTheCountAgain() async throws {
        // Every other request hangs: never three time-outs in a row, so nothing is skipped.
        let counter = Mutex(0)
        let server = try LoopbackHTTPServer(
            defaultBehavior: .handler { _ in counter.withLock { $0 += 1; return $0 % 2 == 0 } ? .ok() : .hang })
        let client = WebhookClient(configuration: fastConfiguration(totalTimeout: .milliseconds(300), maxConcurrent: 1))
        let results = await client.send(try (0..<8).map { try makeRequest(server.url("/\($0)"), key: "flaky") })
        #expect(results.allSatisfy { $0.failure?.code != .notAttempted })
        #expect(server.requestCount == 8)
    }

    @Test func aResetConnectionMayHaveBeenSent() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .reset)
        let failure = try #require(await sendOne(try makeRequest(server.url("/"))).failure)
        #expect(failure.code == .receive)
        #expect(failure.requestMayHaveBeenSent)
        #expect(server.requestCount == 1)
    }

    @Test func aClosedConnectionWithoutAnswerIsAnEmptyResponse() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .close)
        let failure = try #require(await sendOne(try makeRequest(server.url("/"))).failure)
        #expect(failure.code == .emptyResponse)
        #expect(failure.requestMayHaveBeenSent)
        // A fresh connection that dies is never re-sent by libcurl; the retry policy decides.
        #expect(server.requestCount == 1)
    }

    @Test func laterRequestsToTheSameHostReuseTheConnection() async throws {
        let server = try LoopbackHTTPServer()
        // Generous idle limit: on a loaded test machine the gap between sends can pass 2 s.
        let client = WebhookClient(configuration: fastConfiguration(maxConcurrent: 1, maxIdleConnectionAge: .seconds(300)))
        for index in 1...3 {
            let result = await client.send([try makeRequest(server.url("/"), body: "\(index)")])[0]
            #expect(result.response?.statusCode == 200, "\(result)")
        }
        #expect(server.requests.map(\.connectionNumber) == [1, 1, 1])
    }

    @Test func aKeptAliveConnectionThatDiesAfterTheRequestIsNotResentByLibcurl() async throws {
        // The server takes the second request on the kept-alive connection and closes it
        // without an answer. libcurl would send it again on a fresh connection on its own; the
        // client stops that, so the request is reported as possibly delivered and the retry
        // policy decides.
        let server = try LoopbackHTTPServer(
            defaultBehavior: .handler { request in
                request.bodyText == "2" && request.connectionNumber == 1 ? .close : .ok()
            })
        let client = WebhookClient(configuration: fastConfiguration(maxConcurrent: 1, maxIdleConnectionAge: .seconds(300)))
        _ = await client.send([try makeRequest(server.url("/"), body: "1")])
        let failure = try #require(await client.send([try makeRequest(server.url("/"), body: "2")])[0].failure)
        #expect(failure.code == .emptyResponse)
        #expect(failure.requestMayHaveBeenSent)
        #expect(server.requests.filter { $0.bodyText == "2" }.map(\.connectionNumber) == [1])
        // The next request opens a fresh connection and goes through.
        let third = await client.send([try makeRequest(server.url("/"), body: "3")])[0]
        #expect(third.response?.statusCode == 200, "\(third)")
    }

    @Test func aZeroIdleAgeOpensAConnectionPerRequest() async throws {
        let server = try LoopbackHTTPServer()
        let client = WebhookClient(configuration: fastConfiguration(maxConcurrent: 1, maxIdleConnectionAge: .zero))
        for index in 1...2 { _ = await client.send([try makeRequest(server.url("/"), body: "\(index)")]) }
        #expect(server.requests.map(\.connectionNumber) == [1, 2])
    }

    @Test func aRefusedConnectionWasNotSent() async throws {
        let refusing = try RefusingPort()
        let failure = try #require(await sendOne(try makeRequest("http://127.0.0.1:\(refusing.port)/hook")).failure)
        #expect(failure.code == .connect)
        #expect(!failure.requestMayHaveBeenSent)
        let now = epochSeconds()
        let retry = try #require(
            DeliveryOutcome.classify(result: .failure(failure), kind: .slack, attempt: 1, firstAttemptAt: now, now: now).retryDetails)
        #expect(!retry.mayHaveBeenDelivered)
    }

    @Test func aDripFeedIsAbortedByTheLowSpeedLimit() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .drip(.text(String(repeating: "x", count: 100)), interval: .milliseconds(200)))
        var configuration = fastConfiguration(totalTimeout: .seconds(20))
        configuration.lowSpeedLimit = 1000
        configuration.lowSpeedTime = .seconds(1)
        let failure = try #require(await sendOne(try makeRequest(server.url("/")), configuration: configuration).failure)
        #expect(failure.code == .timeout)
        #expect(failure.requestMayHaveBeenSent)
        #expect(failure.elapsed < .seconds(20))
    }

    @Test func anOversizedBodyWithoutLengthIsCutAtTheCapInTheWriteCallback() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .oversized(status: 200, bytes: 1_000_000, declareLength: false))
        let response = try #require(
            await sendOne(try makeRequest(server.url("/")), configuration: fastConfiguration(maxResponseBytes: 1000)).response)
        #expect(response.statusCode == 200)
        #expect(response.bodyWasTruncated)
        #expect(response.body.count == 1000)
        #expect(response.body.allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test func anOversizedDeclaredBodyIsRefusedBeforeReading() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .oversized(status: 200, bytes: 1_000_000, declareLength: true))
        let response = try #require(await sendOne(try makeRequest(server.url("/")), configuration: fastConfiguration()).response)
        #expect(response.statusCode == 200)
        #expect(response.bodyWasTruncated)
        #expect(response.body.count <= 64 * 1024)
    }

    @Test func cancellingTheTaskCancelsTheRequest() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .hang)
        let client = WebhookClient(configuration: fastConfiguration(totalTimeout: .seconds(20)))
        let request = try makeRequest(server.url("/"))
        let task = Task { await client.send([request]) }
        #expect(await server.waitForRequests(count: 1))
        task.cancel()
        let failure = try #require(await task.value[0].failure)
        #expect(failure.code == .cancelled)
        #expect(failure.requestMayHaveBeenSent)
        #expect(failure.elapsed < .seconds(20))
    }

    // MARK: Protocols and addresses

    @Test(arguments: [
        "ftp://127.0.0.1:PORT/file", "gopher://127.0.0.1:PORT/", "file:///etc/passwd", "dict://127.0.0.1:PORT/x", "scp://127.0.0.1:PORT/x",
    ])
    func onlyHTTPAndHTTPSAreAllowed(_ template: String) async throws {
        let server = try LoopbackHTTPServer()
        let url = template.replacingOccurrences(of: "PORT", with: String(server.port))
        let failure = try #require(await sendOne(try makeRequest(url)).failure)
        #expect(failure.code == .protocolNotAllowed)
        #expect(!failure.requestMayHaveBeenSent)
        #expect(failure.curlError?.code == CurlError.unsupportedProtocol)
        #expect(server.connectionCount == 0)
    }

    @Test(arguments: [
        ("http://169.254.169.254/latest/meta-data/", AddressCategory.cloudMetadata),
        ("http://0xa9fea9fe/", .cloudMetadata),
        ("http://2852039166/", .cloudMetadata),
        ("http://[::ffff:169.254.169.254]/", .cloudMetadata),
        ("http://[fd00:ec2::254]/", .cloudMetadata),
        ("http://169.254.10.10:8080/", .linkLocal),
        ("http://0.0.0.0:9/", .unspecified),
    ])
    func metadataAndLinkLocalAreRefusedBeforeConnecting(_ url: String, _ category: AddressCategory) async throws {
        let failure = try #require(await sendOne(try makeRequest(url)).failure)
        #expect(failure.code == .addressRefused)
        #expect(failure.refusedAddress == category)
        #expect(!failure.requestMayHaveBeenSent)
        #expect(failure.message.contains(category.rawValue))
        #expect(!failure.description.contains("meta-data"))
    }

    @Test func loopbackIsAllowedByDefaultAndRefusedWhenPrivateNetworksAreDenied() async throws {
        let server = try LoopbackHTTPServer()
        let allowed = await sendOne(try makeRequest(server.url("/")))
        #expect(allowed.response?.statusCode == 200)
        #expect(server.connectionCount == 1)

        for url in [server.url("/"), "http://localhost:\(server.port)/", "http://127.1:\(server.port)/", "http://2130706433:\(server.port)/"] {
            let failure = try #require(await sendOne(try makeRequest(url), configuration: fastConfiguration(denyPrivateNetworks: true)).failure)
            #expect(failure.code == .addressRefused, "\(url)")
            #expect(failure.refusedAddress == .loopback, "\(url)")
        }
        #expect(server.connectionCount == 1)
    }

    // MARK: Concurrency and pacing

    @Test func fiftyRequestsRunAtMostEightAtATime() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .respondAfter(.milliseconds(40), .text("ok")))
        let requests = try (0..<50).map { try makeRequest(server.url("/\($0)"), key: "key-\($0)") }
        let results = await WebhookClient(configuration: fastConfiguration(maxConcurrent: 8)).send(requests)
        #expect(results.allSatisfy { $0.response?.statusCode == 200 }, "\(results.filter { $0.response?.statusCode != 200 })")
        #expect(server.requestCount == 50)
        #expect(Set(server.requests.map(\.path)).count == 50)
        #expect(server.peakConcurrentRequests <= 8)
        #expect(server.peakConcurrentRequests >= 2, "requests should overlap")
    }

    @Test func requestsWithOneRateKeyStartNoCloserThanTheInterval() async throws {
        let clock = ManualClock()
        let startedAt = StartTimes(clock)
        let server = try LoopbackHTTPServer(defaultBehavior: startedAt.recordingBehavior(.ok()))
        let requests = try (0..<3).map { try makeRequest(server.url("/"), key: "slack-ops", rateLimit: .perSecond(5), body: "\($0)") }
        let client = WebhookClient(configuration: fastConfiguration(), timeline: Timeline(clock, startingAt: 0))
        let sending = Task { await client.send(requests) }
        for started in 1...2 {
            // One more request has gone out, and the loop waits on the clock for the next turn.
            try #require(await waitUntil { startedAt.count == started && clock.sleeperCount == 1 })
            clock.advance(by: .milliseconds(199))
            #expect(clock.sleeperCount == 1, "the next turn is a full interval after the last start")
            clock.advance(by: .milliseconds(1))
        }
        let results = await sending.value
        #expect(results.allSatisfy { $0.response?.statusCode == 200 })
        #expect(server.requests.map(\.bodyText) == ["0", "1", "2"], "same key, submission order")
        #expect(startedAt.byBody == ["0": .zero, "1": .milliseconds(200), "2": .milliseconds(400)])
    }

    @Test func configuredRateLimitsApplyPerKey() async throws {
        let server = try LoopbackHTTPServer()
        // No pacing budget: a request its key holds back comes back at once, saying for how long.
        var configuration = fastConfiguration(pacingBudget: .zero)
        configuration.rateLimits = ["paced": .perSecond(5)]
        let requests =
            try (0..<2).map { try makeRequest(server.url("/"), key: "paced", body: "paced \($0)") }
            + (0..<2).map { try makeRequest(server.url("/"), key: "free", body: "free \($0)") }
        let results = await WebhookClient(configuration: configuration, timeline: Timeline(ManualClock(), startingAt: 0)).send(requests)
        #expect(results[0].response?.statusCode == 200)
        #expect(results[1].deferredFor == .milliseconds(200))
        // A key without a configured limit is not paced.
        #expect(results[2...].allSatisfy { $0.response?.statusCode == 200 })
        #expect(Set(server.requests.map(\.bodyText)) == ["paced 0", "free 0", "free 1"])
    }

    @Test func pacingCarriesAcrossSendsOnOneClient() async throws {
        let server = try LoopbackHTTPServer()
        let clock = ManualClock()
        // As the engine uses it: a request its pacing holds back comes back at once, deferred.
        let client = WebhookClient(configuration: fastConfiguration(pacingBudget: .zero), timeline: Timeline(clock, startingAt: 0))
        func send(_ body: String) async throws -> WebhookResult {
            await client.send([try makeRequest(server.url("/"), key: "daemon-key", rateLimit: .perSecond(5), body: body)])[0]
        }
        #expect(try await send("0").response?.statusCode == 200)
        // A later send's request waits for the turn the previous send's request left it...
        clock.advance(by: .milliseconds(150))
        #expect(try await send("1").deferredFor == .milliseconds(50))
        // ...and goes out once the clock reaches it.
        clock.advance(by: .milliseconds(50))
        #expect(try await send("2").response?.statusCode == 200)
        #expect(server.requests.map(\.bodyText) == ["0", "2"])
    }

    @Test func whatThePacingBudgetCannotFitIsDeferredUnsent() async throws {
        let clock = ManualClock()
        let startedAt = StartTimes(clock)
        let server = try LoopbackHTTPServer(defaultBehavior: startedAt.recordingBehavior(.ok()))
        let requests = try (0..<5).map {
            try makeRequest(server.url("/"), key: "one-key", rateLimit: RateLimit(minimumInterval: .milliseconds(400)), body: "\($0)")
        }
        let client = WebhookClient(configuration: fastConfiguration(pacingBudget: .milliseconds(600)), timeline: Timeline(clock, startingAt: 0))
        let sending = Task { await client.send(requests) }
        // The second request's turn, at 400 ms, is within the budget: the send waits for it.
        try #require(await waitUntil { startedAt.count == 1 && clock.sleeperCount == 1 })
        clock.advance(by: .milliseconds(400))
        let results = await sending.value
        #expect(results[0].response?.statusCode == 200)
        #expect(results[1].response?.statusCode == 200)
        #expect(startedAt.byBody == ["0": .zero, "1": .milliseconds(400)])
        // The others' turns, at 800, 1200 and 1600 ms, are past it: each comes back unsent with
        // its own turn, one interval after the one before it, counted from now (400 ms).
        #expect(results[2...].map(\.deferredFor) == [.milliseconds(400), .milliseconds(800), .milliseconds(1200)])
        #expect(server.requests.map(\.bodyText) == ["0", "1"])
        let now = epochSeconds()
        let retry = try #require(
            DeliveryOutcome.classify(result: results[2], kind: .slack, attempt: 1, firstAttemptAt: now, now: now).retryDetails)
        #expect(!retry.consumesAttempt)
        #expect(retry.delay == .milliseconds(400))
    }

    // MARK: Requests

    @Test(arguments: ["bad\r\nX-Injected: 1", "bad\nvalue", "bad\rvalue", "nul\u{0}value"])
    func headerValuesWithLineBreaksAreRejected(_ value: String) {
        #expect(throws: DeliveryError.self) { try makeRequest("http://127.0.0.1:1/", headers: [HTTPHeader("X-Test", value)]) }
    }

    @Test(arguments: ["", "Bad Name", "Bad:Name", "Content-Length", "transfer-encoding", "Host"])
    func badOrReservedHeaderNamesAreRejected(_ name: String) {
        do {
            _ = try makeRequest("http://127.0.0.1:1/", headers: [HTTPHeader(name, "v")])
            Issue.record("\(name) should be rejected")
        } catch {
            #expect((error as? DeliveryError)?.code == .invalidHeader)
        }
    }

    // MARK: Redaction

    @Test func credentialsAndQueryNeverAppearInErrorsResultsOrOutcomes() async throws {
        let server = try LoopbackHTTPServer(
            defaultBehavior: .handler { request in
                // A hostile or careless receiver that echoes the request back in its error.
                let echo = "not found: \(request.target) auth=\(request.headers["authorization"] ?? "") url=http://user:pass@127.0.0.1/hook?token=abc"
                return .status(404, body: echo)
            })
        let secretURL = "http://user:pass@127.0.0.1:\(server.port)/hook?token=abc"
        let refusing = try RefusingPort()
        let port = refusing.port
        let unreachableURL = "http://user:pass@127.0.0.1:\(port)/hook?token=abc"
        let hangingServer = try LoopbackHTTPServer(defaultBehavior: .hang)
        let hangingURL = "http://user:pass@127.0.0.1:\(hangingServer.port)/hook?token=abc"

        let requests = try [secretURL, unreachableURL, hangingURL, "ftp://user:pass@127.0.0.1:\(port)/hook?token=abc"].enumerated().map {
            try makeRequest($0.element, key: "k\($0.offset)")
        }
        let client = WebhookClient(configuration: fastConfiguration(totalTimeout: .milliseconds(300)))
        let results = await client.send(requests)
        #expect(server.requests.first?.headers["authorization"] != nil, "curl sent the credentials")

        let now = epochSeconds()
        var texts: [String] = []
        for (request, result) in zip(requests, results) {
            texts += [request.description, String(reflecting: request), result.description, String(reflecting: result)]
            var dumped = ""
            dump(result, to: &dumped)
            texts.append(dumped)
            if let failure = result.failure { texts += [failure.message, failure.description, String(describing: failure.curlError)] }
            if let response = result.response { texts += [response.description, response.bodyExcerpt] }
            for kind in WebhookKind.allCases {
                let outcome = DeliveryOutcome.classify(result: result, kind: kind, attempt: 12, firstAttemptAt: now, now: now)
                texts += [outcome.description, String(reflecting: outcome)]
            }
        }
        #expect(results[0].response?.statusCode == 404)
        #expect(results[1].failure?.code == .connect)
        #expect(results[2].failure?.code == .timeout)
        #expect(results[3].failure?.code == .protocolNotAllowed)
        for text in texts {
            for secret in ["user:pass", "token=abc", "/hook", "dXNlcjpwYXNz"] {
                #expect(!text.contains(secret), "\(secret) leaked in: \(text)")
            }
        }
    }

    // MARK: Helpers

    /// When each request reached the server, by body, on a test's clock.
    final class StartTimes: Sendable {
        private let clock: ManualClock
        private let times = Mutex<[String: Duration]>([:])

        init(_ clock: ManualClock) { self.clock = clock }

        /// Records the clock's reading for each request, then behaves as `behavior`. The server
        /// counts a request before it asks the behaviour, so tests wait on ``count`` rather than
        /// on the server's count, to know the time is recorded before they move the clock.
        func recordingBehavior(_ behavior: LoopbackHTTPServer.Behavior) -> LoopbackHTTPServer.Behavior {
            .handler { [self] request in
                times.withLock { $0[request.bodyText] = clock.now.offset }
                return behavior
            }
        }

        var count: Int { times.withLock { $0.count } }
        var byBody: [String: Duration] { times.withLock { $0 } }
    }

    static func imfFixdate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
