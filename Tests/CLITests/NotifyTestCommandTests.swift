import Foundation
import OpsCadenceTesting
import Testing

/// `opscadence notify test` against a loopback receiver.
@Suite struct NotifyTestCommandTests {
    static func fixture(kind: String) throws -> (TemporaryDirectory, LoopbackHTTPServer, CommandRunner) {
        let dir = TemporaryDirectory()
        let server = try LoopbackHTTPServer(defaultBehavior: .ok())
        dir.write("opscadence.yaml", "timezone: America/New_York\ntargets:\n  chat:\n    kind: \(kind)\n    url: ${env:CHAT_URL}\n")
        dir.write("playbooks/p.yaml", "id: p\ntitle: P\nschedule: daily at 09:00\nduration: 15m\n")
        return (dir, server, CommandRunner(directory: dir.path, environment: ["CHAT_URL": server.url("/hooks/secret-token-path")]))
    }

    @Test func twoTestsInTheSameSecondCarryDifferentWebhookIDs() throws {
        let (dir, server, runner) = try Self.fixture(kind: "generic")
        defer { withExtendedLifetime(dir) {} }
        let now = ["--now", "2026-12-07T14:00:00Z"]
        let first = try runner.run(["notify", "test", "chat", "--format", "json"] + now)
        let second = try runner.run(["notify", "test", "chat", "--format", "json"] + now)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        let ids = server.requests.compactMap { $0.headers["webhook-id"] }
        #expect(ids.count == 2)
        #expect(Set(ids).count == 2, "\(ids)")
        #expect(ids.allSatisfy { $0.hasPrefix("test.20261207T140000Z.chat.") })
        // The JSON result says which id the post carried.
        let reported = try [first, second].map { try #require(try $0.json() as? [String: Any])["delivery_id"] as? String }
        #expect(reported == ids)
    }

    @Test func theMessageHasNoEmptyCodeSpanAndTheLineSaysDeliveredOnce() throws {
        let (dir, server, runner) = try Self.fixture(kind: "slack")
        defer { withExtendedLifetime(dir) {} }
        let result = try runner.run(["notify", "test", "chat"])
        #expect(result.status == 0, "\(result.stderr)")
        let body = try #require(server.requests.first?.bodyText)
        #expect(!body.contains("``"), "\(body)")
        #expect(!body.contains("(0 min)"))
        #expect(body.contains("This target is set up correctly"))
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("chat (slack): delivered — HTTP 200 in "), "\(line)")
        // Nothing after the time but the libcurl version in use.
        #expect(line.range(of: #" ms \(libcurl [0-9]+\.[0-9]+\.[0-9]+[^)]*\)$"#, options: .regularExpression) != nil, "\(line)")
        #expect(line.components(separatedBy: "delivered").count == 2, "\(line)")
        #expect(!line.contains("secret-token-path"))
    }
}
