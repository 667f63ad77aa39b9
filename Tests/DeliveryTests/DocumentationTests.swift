import Delivery
import Foundation
import Testing

/// Keeps the examples in docs/DELIVERY.md true: each is what the formatter produces for
/// ``Fixtures/weekly``. Run with `OPSCADENCE_UPDATE_DOCS=1` to rewrite them after a change.
@Suite struct DocumentationTests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/DELIVERY.md")

    static let exampleURLs: [WebhookKind: String] = [
        .slack: "https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        .discord: "https://discord.com/api/webhooks/000000000000000000/XXXXXXXX",
        .msteams: "https://prod-00.westus.logic.azure.com:443/workflows/0000/triggers/manual/paths/invoke?api-version=2016-06-01&sig=XXXXXXXX",
        .googlechat: "https://chat.googleapis.com/v1/spaces/AAAAAAAAAAA/messages?key=XXXXXXXX&token=XXXXXXXX",
        .mattermost: "https://mattermost.example.com/hooks/xxxxxxxxxxxxxxxxxxxxxxxxxx",
        .generic: "https://receiver.example.com/opscadence/reminders",
    ]

    /// 2026-12-07T13:45:00Z, the fixture's reminder time.
    static let attemptTime: Int64 = 1_796_651_100

    static func example(for kind: WebhookKind) throws -> String {
        let secret = kind == .generic ? try SigningSecret(SigningTests.vectorSecret) : nil
        let target = WebhookTarget(name: "ops-\(kind)", kind: kind, url: try SecretURL(exampleURLs[kind]!), signingSecret: secret)
        let request = try target.makeRequest(for: Fixtures.weekly, at: attemptTime)
        var lines = ["POST \(request.url.revealedString)"]
        lines += request.headers.map { "\($0.name): \($0.value)" }
        lines.append("")
        lines.append(kind.prettyBody(for: Fixtures.weekly))
        return lines.joined(separator: "\n")
    }

    static func block(for kind: WebhookKind, content: String) -> String {
        "<!-- example:\(kind) begin -->\n```http\n\(content)\n```\n<!-- example:\(kind) end -->"
    }

    @Test func examplesMatchWhatTheFormattersProduce() throws {
        var document = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let updating = ProcessInfo.processInfo.environment["OPSCADENCE_UPDATE_DOCS"] == "1"
        for kind in WebhookKind.allCases {
            let begin = "<!-- example:\(kind) begin -->"
            let end = "<!-- example:\(kind) end -->"
            let start = try #require(document.range(of: begin), "docs/DELIVERY.md has no \(begin)")
            let finish = try #require(document.range(of: end, range: start.upperBound..<document.endIndex))
            let expected = Self.block(for: kind, content: try Self.example(for: kind))
            let current = String(document[start.lowerBound..<finish.upperBound])
            if updating {
                document.replaceSubrange(start.lowerBound..<finish.upperBound, with: expected)
            } else {
                #expect(current == expected, "the \(kind) example in docs/DELIVERY.md is stale; run the tests with OPSCADENCE_UPDATE_DOCS=1")
            }
        }
        if updating { try document.write(to: Self.documentURL, atomically: true, encoding: .utf8) }
    }
}
