import Delivery
import Foundation
import OpsCadenceTesting
import Testing

@Suite struct LoopbackServerTests {
    @Test func keepAliveServesPipelinedRequestsOnOneConnection() throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .handler { .respond(.text("echo \($0.bodyText)")) })
        let client = try RawClient(port: server.port)
        client.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\noneGET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        client.read { $0.contains("echo one") && $0.hasSuffix("echo ") }
        #expect(client.occurrences(of: "HTTP/1.1 200 OK") == 2)
        #expect(client.occurrences(of: "Connection: keep-alive") == 2)
        #expect(server.connectionCount == 1)
        try #require(server.requests.map(\.target) == ["/a", "/b?q=1"])
        #expect(server.requests.map(\.bodyText) == ["one", ""])
        #expect(server.requests[1].queryValue("q") == "1")
        #expect(server.requests.allSatisfy { $0.connectionNumber == 1 })
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try LoopbackHTTPServer()
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        let closed = client.read()
        #expect(closed)
        #expect(client.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(client.text.contains("Connection: close\r\n"))
        #expect(client.text.hasSuffix("\r\n\r\nok"))
    }

    @Test func httpOnePointZeroClosesUnlessAskedToKeepAlive() throws {
        let server = try LoopbackHTTPServer()
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.0\r\n\r\n")
        #expect(client.read())
        #expect(client.text.contains("Connection: close"))
    }

    @Test func chunkedBodiesAreDecoded() throws {
        let server = try LoopbackHTTPServer()
        let client = try RawClient(port: server.port)
        client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        client.read { $0.hasSuffix("ok") }
        #expect(server.requests.first?.bodyText == "hello world")
    }

    @Test func expectContinueIsAnswered() throws {
        let server = try LoopbackHTTPServer()
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        client.read { $0.contains("100 Continue\r\n\r\n") }
        #expect(client.text == "HTTP/1.1 100 Continue\r\n\r\n")
        client.send("hello")
        client.read { $0.hasSuffix("ok") }
        #expect(client.text.contains("HTTP/1.1 200 OK"))
        #expect(server.requests.first?.bodyText == "hello")
    }

    @Test func malformedRequestsGetA400() throws {
        let server = try LoopbackHTTPServer()
        let client = try RawClient(port: server.port)
        client.send("NONSENSE\r\n\r\n")
        #expect(client.read())
        #expect(client.text.hasPrefix("HTTP/1.1 400 Bad Request"))
        #expect(server.requestCount == 0)
    }

    @Test func queuedBehavioursComeBeforeRoutesAndTheDefault() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .status(200))
        server.setBehavior(.status(201), forPath: "/r")
        server.enqueue(.status(202), forPath: "/r")
        server.enqueue(.status(203))
        let client = WebhookClient()
        var statuses: [Int?] = []
        for path in ["/r", "/r", "/r", "/x"] {
            statuses.append(await client.send([try makeRequest(server.url(path))])[0].response?.statusCode)
        }
        #expect(statuses == [202, 203, 201, 200])
        server.setBehavior(nil, forPath: "/r")
        #expect(await client.send([try makeRequest(server.url("/r"))])[0].response?.statusCode == 200)
    }

    @Test(.timeLimit(.minutes(1)))
    func stopEndsHangingAndDelayedConnections() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .hang)
        server.setBehavior(.respondAfter(.seconds(3600), .text("late")), forPath: "/slow")
        let hanging = try RawClient(port: server.port)
        hanging.send("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        let slow = try RawClient(port: server.port)
        slow.send("POST /slow HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        let idle = try RawClient(port: server.port)
        #expect(await server.waitForRequests(count: 2))
        #expect(server.concurrentRequests == 2)
        server.stop()
        #expect(hanging.read())
        #expect(slow.read())
        #expect(idle.read())
        #expect(server.concurrentRequests == 0)
        #expect(throws: (any Error).self) { _ = try RawClient(port: server.port) }
        server.stop()
    }

    @Test func resetClearsRecordsAndCounters() async throws {
        let server = try LoopbackHTTPServer()
        _ = await WebhookClient().send([try makeRequest(server.url("/"))])
        #expect(server.requestCount == 1)
        server.reset()
        #expect(server.requests.isEmpty)
        #expect(server.requestCount == 0)
        #expect(server.connectionCount == 0)
    }

    @Test func countsWithoutRecordingWhenAskedTo() async throws {
        let server = try LoopbackHTTPServer(recordsRequests: false)
        let requests = try (0..<20).map { try makeRequest(server.url("/\($0)"), key: "\($0)") }
        let results = await WebhookClient(configuration: fastConfiguration(maxConcurrent: 16)).send(requests)
        #expect(results.allSatisfy { $0.response?.statusCode == 200 })
        #expect(server.requestCount == 20)
        #expect(server.requests.isEmpty)
    }

    @Test func servesAThousandRequests() async throws {
        let server = try LoopbackHTTPServer()
        let requests = try (0..<1000).map { try makeRequest(server.url("/\($0)"), key: "\($0 % 50)") }
        let results = await WebhookClient(configuration: fastConfiguration(maxConcurrent: 16)).send(requests)
        #expect(results.allSatisfy { $0.response?.statusCode == 200 }, "\(results.filter { $0.response?.statusCode != 200 })")
        #expect(server.requestCount == 1000)
        #expect(Set(server.requests.map(\.path)).count == 1000)
    }

    @Test func waitUntilPollsUntilTrueOrTimeout() async {
        let clock = ContinuousClock()
        let start = clock.now
        var calls = 0
        #expect(
            await waitUntil(timeout: .seconds(5)) {
                calls += 1
                return calls == 3
            })
        #expect(calls == 3)
        #expect(await waitUntil(timeout: .milliseconds(50)) { false } == false)
        #expect(clock.now - start >= .milliseconds(50))
    }
}
