import Crypto
import Foundation
import OpsCadenceTesting
import Testing

/// Done links, Slack Block Kit buttons and Mattermost buttons, through a real `serve`, the real
/// reminder a tick posts to a loopback receiver, and requests signed as Slack signs them.
@Suite struct ChatButtonTests {
    static let webSecret = "0123456789abcdef0123456789abcdef-web"
    static let slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

    static func configuration(target: String) -> String {
        """
        timezone: America/New_York
        targets:
        \(target)
        people:
          - { name: Ada Admin, role: admin }
        web:
          url: https://ops.example.com
          secret: ${env:WEB_SECRET}
        """
    }

    static let playbook = WebFixture.weeklyReview + "\nacknowledge:\n  within: 1h\n"

    /// `serve` over the weekly review with web.url and web.secret, one target `chat` given as
    /// YAML, and its URL in CHAT_URL.
    static func web(target: String, url: String) throws -> WebFixture {
        try WebFixture(
            playbooks: ["playbooks/weekly-review.yaml": playbook], configuration: configuration(target: target),
            environment: ["WEB_SECRET": webSecret, "CHAT_URL": url], origin: "https://ops.example.com")
    }

    /// Seconds since 1970 of the fixture's clock (serve's clock starts there).
    static var fixtureNow: Int64 { Int64(ISO8601DateFormatter().date(from: WebFixture.now)!.timeIntervalSince1970) }

    static func slackSignature(secret: String, timestamp: Int64, body: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("v0:\(timestamp):\(body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "v0=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// A `block_actions` payload as Slack posts it for a click on `element` of `message`.
    static func slackClick(_ element: [String: Any], message: [String: Any], responseURL: String) throws -> String {
        let payload: [String: Any] = [
            "type": "block_actions", "user": ["id": "U2CERLKJA", "username": "roadrunner", "name": "roadrunner", "team_id": "T1"],
            "trigger_id": "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", "response_url": responseURL,
            "container": ["type": "message", "message_ts": "1733327100.000100"], "message": message,
            "actions": [
                [
                    "type": "button", "action_id": element["action_id"] as Any, "block_id": "b1", "value": element["value"] as Any,
                    "action_ts": "1733327160.123456",
                ]
            ],
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return "payload=" + WebFixture.encode(json)
    }

    func postSlack(_ web: WebFixture, body: String, secret: String = slackSecret, timestamp: Int64 = fixtureNow) throws -> LoopbackHTTPClient.Reply {
        try LoopbackHTTPClient.send(
            "POST", web.base + "/integrations/slack/interactions",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", String(timestamp)),
                ("X-Slack-Signature", Self.slackSignature(secret: secret, timestamp: timestamp, body: body)),
            ], body: body)
    }

    func acknowledgement(_ web: WebFixture) throws -> [String: Any] {
        let admin = try web.signIn("Ada Admin")
        return try #require((try web.get(WebFixture.review + "?format=json", cookie: admin).json() as? [String: Any])?["acknowledgement"] as? [String: Any])
    }

    @Test func slackButtonsActOnlyForRequestsSignedWithTheAppsSecret() async throws {
        let receiver = try LoopbackHTTPServer()
        defer { receiver.stop() }
        let web = try WebFixture(
            playbooks: ["playbooks/weekly-review.yaml": Self.playbook],
            configuration: Self.configuration(target: "  chat: { kind: slack, url: \"${env:CHAT_URL}\", signing_secret: \"${env:SLACK_SIGNING_SECRET}\" }"),
            environment: ["WEB_SECRET": Self.webSecret, "CHAT_URL": receiver.url("/services/T0/B0/x"), "SLACK_SIGNING_SECRET": Self.slackSecret],
            origin: "https://ops.example.com")
        // The fixture's tick posted the 10:45 reminder: with buttons, not links.
        let sent = try #require(receiver.requests(forPath: "/services/T0/B0/x").first)
        let message = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
        let blocks = try #require(message["blocks"] as? [[String: Any]])
        let actions = try #require(blocks.first { $0["type"] as? String == "actions" }?["elements"] as? [[String: Any]])
        #expect(actions.map { $0["action_id"] as? String } == ["opscadence.ack", "opscadence.open", "opscadence.done.1", "opscadence.done.2"])
        #expect(!sent.bodyText.contains("|Acknowledge>"))
        #expect(!sent.bodyText.contains(Self.slackSecret))
        let ack = actions[0]
        let value = try #require(ack["value"] as? String)
        #expect(value.hasPrefix("https://ops.example.com/a/ack/weekly-review/2026-12-04T16:00:00Z/"))
        let click = try Self.slackClick(ack, message: message, responseURL: receiver.url("/actions/T1/123/response"))

        // Refused, and nothing recorded: a changed body, another secret, a timestamp over five
        // minutes old, no signature.
        let tampered = try LoopbackHTTPClient.send(
            "POST", web.base + "/integrations/slack/interactions",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-Slack-Request-Timestamp", String(Self.fixtureNow)),
                ("X-Slack-Signature", Self.slackSignature(secret: Self.slackSecret, timestamp: Self.fixtureNow, body: click)),
            ], body: click.replacingOccurrences(of: "roadrunner", with: "coyote"))
        #expect(tampered.status == 401)
        #expect(try postSlack(web, body: click, secret: "another-app-secret-0000000000000").status == 401)
        #expect(try postSlack(web, body: click, timestamp: Self.fixtureNow - 3600).status == 401)
        let unsigned = try LoopbackHTTPClient.send(
            "POST", web.base + "/integrations/slack/interactions", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: click)
        #expect(unsigned.status == 401)
        var json = try acknowledgement(web)
        #expect(json["is_acknowledged"] as? Bool == false)
        // Slack's response_url fails once: the reply waits in the outbox for the next tick.
        receiver.enqueue(.status(503), forPath: "/actions/T1/123/response")
        #expect(try postSlack(web, body: click).status == 200)
        // The correctly signed request acknowledged, via slack, as the clicker.
        json = try acknowledgement(web)
        #expect(json["is_acknowledged"] as? Bool == true)
        #expect(json["via"] as? String == "slack")
        #expect(json["by"] as? String == "roadrunner")

        // The original message is replaced through response_url: the clicked button gone, a line added.
        #expect(await waitUntil(timeout: .seconds(20)) { !receiver.requests(forPath: "/actions/T1/123/response").isEmpty })
        let later = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(Self.fixtureNow + 120)))
        for _ in 0..<2 {
            let tick = try web.runner.run(["tick", "--now", later])
            #expect(tick.status == 0, "\(tick.stderr)")
        }
        let attempts = receiver.requests(forPath: "/actions/T1/123/response")
        #expect(attempts.count == 2)
        #expect(Set(attempts.map(\.bodyText)).count == 1)
        #expect(Set(attempts.compactMap { $0.headers["webhook-id"] }).count == 1)
        let replies = try #require(try web.runner.run(["outbox", "replies", "--format", "json"]).json() as? [[String: Any]])
        #expect(replies.count == 1)
        #expect(replies.first?["state"] as? String == "delivered")
        #expect(replies.first?["attempts"] as? Int == 2)
        #expect(!(String(describing: replies)).contains("/actions/T1/123/response"))
        let reply = try #require(attempts.last)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        #expect(answer["replace_original"] as? Bool == true)
        let replaced = try #require(answer["blocks"] as? [[String: Any]])
        let left = try #require(replaced.first { $0["type"] as? String == "actions" }?["elements"] as? [[String: Any]])
        #expect(left.map { $0["action_id"] as? String } == ["opscadence.open", "opscadence.done.1", "opscadence.done.2"])
        #expect(reply.bodyText.contains("✅ Weekly review"))
        #expect(reply.bodyText.contains("acknowledged by roadrunner (slack)"))

        // Done: the second checklist item, from its button.
        let done = try #require(actions.first { $0["action_id"] as? String == "opscadence.done.2" })
        let doneClick = try Self.slackClick(done, message: message, responseURL: receiver.url("/actions/T1/124/response"))
            .replacingOccurrences(of: "1733327160.123456", with: "1733327170.5")
        #expect(try postSlack(web, body: doneClick).status == 200)
        let admin = try web.signIn("Ada Admin")
        let meeting = try #require(try web.get(WebFixture.review + "?format=json", cookie: admin).json() as? [String: Any])
        let checklist = try #require(meeting["checklist"] as? [[String: Any]])
        #expect(checklist.map { $0["done"] as? Bool } == [false, true])
        #expect(checklist[1]["done_by"] as? String == "roadrunner")
        // A reply to anywhere but Slack or the workspace's own Slack host is never posted.
        let elsewhere = try Self.slackClick(ack, message: message, responseURL: "https://attacker.example/collect")
            .replacingOccurrences(of: "1733327160.123456", with: "1733327180.5")
        #expect(try postSlack(web, body: elsewhere).status == 200)
        json = try acknowledgement(web)
        #expect(json["by"] as? String == "roadrunner")
        let outbox = try #require(try web.command(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(!outbox.contains { ($0["url"] as? String)?.contains("attacker") == true })
    }

    @Test func buttonsWithoutTheWebAppAreAWarning() throws {
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            "timezone: UTC\ntargets:\n  chat: { kind: slack, url: \"${env:CHAT_URL}\", signing_secret: \"${env:SLACK_SIGNING_SECRET}\" }\n")
        dir.write("playbooks/weekly-review.yaml", Self.playbook.replacingOccurrences(of: "owner: Ada Admin\n", with: ""))
        let result = try CommandRunner(
            directory: dir.path, environment: ["CHAT_URL": "https://hooks.slack.com/services/T0/B0/x", "SLACK_SIGNING_SECRET": Self.slackSecret]
        ).run(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("opscadence.yaml:3:3: target 'chat' asks for buttons, but reminders get them only when web: { url, secret } is set"))
        #expect(!result.stderr.contains(Self.slackSecret))
    }

    @Test func doneLinksShowAConfirmationAndOnlyThePostTicks() throws {
        let web = try Self.web(target: "  chat: { kind: slack, url: \"${env:CHAT_URL}\" }", url: "https://hooks.slack.com/services/T0/B0/x")
        let preview = try web.command(["notify", "preview", "weekly-review", "--target", "chat", "--at", "2026-12-04"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let marker = "https://ops.example.com/a/done/weekly-review/2026-12-04T16:00:00Z/1/"
        let start = try #require(preview.stdout.range(of: marker), "\(preview.stdout)")
        let path = String(preview.stdout[start.lowerBound...].prefix { $0 != "|" }.dropFirst("https://ops.example.com".count))
        #expect(preview.stdout.contains("/a/done/weekly-review/2026-12-04T16:00:00Z/2/"))
        let shown = try web.get(path)
        #expect(shown.status == 200)
        #expect(shown.body.contains("Mark it done"))
        #expect(shown.body.contains("Update the scorecard"))
        let admin = try web.signIn("Ada Admin")
        func checklist() throws -> [Bool?] {
            let meeting = try #require(try web.get(WebFixture.review + "?format=json", cookie: admin).json() as? [String: Any])
            return try #require(meeting["checklist"] as? [[String: Any]]).map { $0["done"] as? Bool }
        }
        #expect(try checklist() == [false, false])
        // A link for item 1 changed to item 2 is refused; the real one ticks item 1 only.
        let forged = path.replacingOccurrences(of: "T16:00:00Z/1/", with: "T16:00:00Z/2/")
        #expect(try web.post(forged, fields: []).status == 403)
        let posted = try web.post(path, fields: [])
        #expect(posted.status == 200)
        #expect(posted.body.contains("is done"))
        #expect(try checklist() == [true, false])
        #expect(try web.get(path).body.contains("Already done"))
    }

    @Test func mattermostButtonsCarryASignedActionTheAppVerifies() throws {
        let web = try Self.web(target: "  chat: { kind: mattermost, url: \"${env:CHAT_URL}\", buttons: true }", url: "https://chat.example.com/hooks/xyz")
        let preview = try web.command(["notify", "preview", "weekly-review", "--target", "chat", "--at", "2026-12-04"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let body = try #require(try preview.json() as? [String: Any])
        let attachments = try #require(body["attachments"] as? [[String: Any]])
        let actions = try #require(attachments.first?["actions"] as? [[String: Any]])
        #expect(actions.map { $0["id"] as? String } == ["ack", "done1", "done2"])
        let integration = try #require(actions[0]["integration"] as? [String: Any])
        #expect(integration["url"] as? String == "https://ops.example.com/integrations/mattermost/actions")
        let action = try #require((integration["context"] as? [String: Any])?["action"] as? String)
        #expect(!(body["text"] as? String ?? "").contains("[Acknowledge]("))

        func click(_ action: String) throws -> String {
            let request: [String: Any] = ["user_id": "u1", "user_name": "wile", "channel_id": "c1", "post_id": "p1", "context": ["action": action]]
            let reply = try LoopbackHTTPClient.send(
                "POST", web.base + "/integrations/mattermost/actions", headers: [("Content-Type", "application/json")],
                body: String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
            #expect(reply.status == 200)
            return try #require((try reply.json() as? [String: Any])?["ephemeral_text"] as? String)
        }
        // A changed action is refused and records nothing; the real one acknowledges, once.
        #expect(try click(String(action.dropLast()) + (action.hasSuffix("0") ? "1" : "0")).contains("not valid"))
        #expect(try acknowledgement(web)["is_acknowledged"] as? Bool == false)
        #expect(try click(action).contains("acknowledged by wile (mattermost)"))
        #expect(try click(action).contains("acknowledged by wile (mattermost)"))
        let json = try acknowledgement(web)
        #expect(json["via"] as? String == "mattermost")
        let malformed = try LoopbackHTTPClient.send(
            "POST", web.base + "/integrations/mattermost/actions", headers: [("Content-Type", "application/json")], body: "{\"context\": 3}")
        #expect(malformed.status == 400)
    }
}
