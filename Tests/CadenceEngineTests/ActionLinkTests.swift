@testable import CadenceEngine
import Foundation
import Testing

@Suite struct SlackSignatureTests {
    /// Slack's published example ("Verifying requests from Slack").
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    static let timestamp = "1531420618"
    static let body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    static let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

    @Test func slacksPublishedExampleVerifies() {
        #expect(SlackSignature.signature(secret: Self.secret, timestamp: Self.timestamp, body: Array(Self.body.utf8)) == Self.signature)
        let result = SlackSignature.verify(
            signature: Self.signature, timestamp: Self.timestamp, body: Array(Self.body.utf8), secrets: ["another", Self.secret], now: 1_531_420_618 + 299)
        #expect(result == .success(1))
    }

    @Test(arguments: [
        (body: SlackSignatureTests.body.replacingOccurrences(of: "roadrunner", with: "coyote"), secret: SlackSignatureTests.secret, now: Int64(1_531_420_618), failure: SlackSignature.Failure.mismatch),
        (body: SlackSignatureTests.body, secret: "8f742231b10e8888abcd99yyyzzz85a6", now: 1_531_420_618, failure: .mismatch),
        (body: SlackSignatureTests.body, secret: SlackSignatureTests.secret, now: 1_531_420_618 + 301, failure: .stale(seconds: 301)),
        (body: SlackSignatureTests.body, secret: SlackSignatureTests.secret, now: 1_531_420_618 - 400, failure: .stale(seconds: 400)),
    ])
    func refused(body: String, secret: String, now: Int64, failure: SlackSignature.Failure) {
        let result = SlackSignature.verify(signature: Self.signature, timestamp: Self.timestamp, body: Array(body.utf8), secrets: [secret], now: now)
        #expect(result == .failure(failure))
    }

    @Test(arguments: [(String?.none, String?.some("1531420618")), ("v0=abc", nil), ("v0=abc", "15314206l8"), ("v0=abc", "+1531420618")])
    func missingOrMalformedHeadersAreRefused(signature: String?, timestamp: String?) {
        #expect(SlackSignature.verify(signature: signature, timestamp: timestamp, body: [], secrets: [Self.secret], now: 1_531_420_618) == .failure(.missingHeaders))
    }
}

@Suite struct SignedActionTests {
    static let secret = "0123456789abcdef0123456789abcdef"

    @Test(arguments: [SignedAction.Verb.acknowledge, .done(item: 1), .done(item: 12)])
    func aPathRoundTripsAndVerifies(verb: SignedAction.Verb) throws {
        let action = SignedAction(verb: verb, playbook: "a", occurrence: 1_796_400_000, expires: 1_797_000_000, secret: Self.secret)
        for text in [action.path, "https://ops.example.com" + action.path, "https://ops.example.com/ops" + action.path, "http://h:8080" + action.path + "?x=1"] {
            let parsed = try #require(SignedAction(path: text), "\(text)")
            #expect(parsed == action)
            #expect(parsed.verify(secret: Self.secret))
            #expect(!parsed.verify(secret: Self.secret + "x"))
        }
    }

    @Test func everyBoundPartIsSigned() throws {
        let action = SignedAction(verb: .done(item: 2), playbook: "weekly", occurrence: 1_796_400_000, expires: 1_797_000_000, secret: Self.secret)
        var changed = [action, action, action, action]
        changed[0].verb = .done(item: 3)
        changed[1].verb = .acknowledge
        changed[2].playbook = "daily"
        changed[3].expires += 1
        for forged in changed { #expect(!forged.verify(secret: Self.secret)) }
        var occurrence = action
        occurrence.occurrence += 60
        #expect(!occurrence.verify(secret: Self.secret))
    }

    @Test(arguments: [
        "/a/ack/weekly/2026-12-04T16:00:00Z/1797000000", "/a/ack/weekly/notadate/1797000000/" + String(repeating: "a", count: 64),
        "/a/done/weekly/2026-12-04T16:00:00Z/0/1797000000/" + String(repeating: "a", count: 64),
        "/a/done/weekly/2026-12-04T16:00:00Z/01/1797000000/" + String(repeating: "a", count: 64),
        "/a/ack/weekly/2026-12-04T16:00:00Z/1797000000/" + String(repeating: "g", count: 64), "/a/undo/weekly/2026-12-04T16:00:00Z/1/2/3", "",
        "a/ack/weekly/2026-12-04T16:00:00Z/1797000000/" + String(repeating: "a", count: 64),
    ])
    func malformedPathsAreNotActions(text: String) {
        #expect(SignedAction(path: text) == nil)
    }
}
