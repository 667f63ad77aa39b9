import Delivery
import Foundation
import Testing

@Suite struct RedactionTests {
    static let slackURL = "https://hooks.slack.com/services/T0000SECRET/B0000SECRET/abcdefghijklmnopqrstuvwx"

    @Test func secretURLPrintsOnlySchemeAndHost() throws {
        let url = try SecretURL(Self.slackURL)
        var dumped = ""
        dump(url, to: &dumped)
        let encoded = String(decoding: try JSONEncoder().encode(["url": url]), as: UTF8.self)
        #expect(url.description == "https://hooks.slack.com/…")
        for text in [url.description, String(reflecting: url), "\(url)", dumped, encoded] {
            #expect(!text.contains("services"), "\(text)")
            #expect(!text.contains("abcdefghijklmnop"), "\(text)")
        }
        #expect(url.revealedString == Self.slackURL)
    }

    @Test func secretURLDropsCredentialsAndKeepsThePort() throws {
        let url = try SecretURL("http://user:pass@127.0.0.1:8080/hook?token=abc#frag")
        #expect(url.description == "http://127.0.0.1:8080/…")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 8080)
        #expect(try SecretURL("http://[::1]:9/x").description == "http://[::1]:9/…")
    }

    @Test(arguments: ["", "hooks.slack.com/services/x", "https://hooks.slack.com/a b", "https://x/\r\nHost: evil"])
    func rejectsUnusableURLsWithoutEchoingThem(_ text: String) {
        do {
            _ = try SecretURL(text)
            Issue.record("\(text) should be rejected")
        } catch {
            #expect(error.code == .invalidURL)
            #expect(text.isEmpty || !error.description.contains(text))
        }
    }

    @Test func redactorScrubsTheURLItsPartsAndTheirEncodings() throws {
        let url = try SecretURL(Self.slackURL)
        let redactor = Redactor(urls: [url])
        let encoded = Self.slackURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let lines = [
            "POST \(Self.slackURL) failed",
            "url=\(encoded)",
            "url=\(encoded.lowercased())",
            "path /services/T0000SECRET/B0000SECRET/abcdefghijklmnopqrstuvwx",
            "token abcdefghijklmnopqrstuvwx leaked",
        ]
        for line in lines {
            let redacted = redactor.redact(line)
            #expect(!redacted.contains("abcdefghijklmnop"), "\(redacted)")
            #expect(!redacted.contains("T0000SECRET"), "\(redacted)")
            #expect(redacted.contains(Redactor.marker) || redacted.contains("https://hooks.slack.com/…"), "\(redacted)")
        }
        #expect(redactor.redact("POST \(Self.slackURL) failed") == "POST https://hooks.slack.com/… failed")
        #expect(redactor.redact("nothing secret here") == "nothing secret here")
    }

    @Test func redactorScrubsQueriesCredentialsAndBasicAuth() throws {
        let url = try SecretURL("https://example.org/workflows/run?api-version=1&sig=S1gn4tur3S3cr3tValue")
        let redactor = Redactor(urls: [url], secrets: ["extra-secret-token"])
        #expect(!redactor.redact("sig=S1gn4tur3S3cr3tValue").contains("S1gn4tur3"))
        #expect(!redactor.redact("S1gn4tur3S3cr3tValue").contains("S1gn4tur3"))
        #expect(!redactor.redact("Bearer extra-secret-token").contains("extra-secret-token"))
        #expect(!redactor.redact("Bearer extra%2Dsecret%2Dtoken").contains("secret"))

        let withCredentials = Redactor(urls: [try SecretURL("http://user:pass@127.0.0.1:1/hook?token=abc")])
        let echoed = "Authorization: Basic \(Data("user:pass".utf8).base64EncodedString()) for user:pass@127.0.0.1 /hook?token=abc"
        let redacted = withCredentials.redact(echoed)
        for secret in ["user:pass", "dXNlcjpwYXNz", "token=abc", "/hook"] {
            #expect(!redacted.contains(secret), "\(redacted)")
        }
    }

    @Test func excerptIsRedactedStrippedAndCutToFiveHundredBytes() throws {
        let url = try SecretURL("https://example.org/hooks/0123456789abcdef")
        let redactor = Redactor(urls: [url])
        let body = Array(
            ("error:\u{1B}[31m\r\nforged log line\u{202E} for https://example.org/hooks/0123456789abcdef " + String(repeating: "é", count: 600)).utf8)
        let excerpt = redactor.excerpt(of: body)
        #expect(excerpt.utf8.count <= 500)
        #expect(excerpt.hasPrefix("error:[31m  forged log line for https://example.org/…"))
        #expect(!excerpt.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E })
        #expect(!excerpt.contains("0123456789abcdef"))
    }
}
