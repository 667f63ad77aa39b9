import Delivery
import Foundation
import Testing

@Suite struct FormatTests {
    static let attemptTime: Int64 = 1_796_652_000

    static func target(_ kind: WebhookKind, _ url: String = "https://hooks.example.com/services/T0/B0/secretsecret", secret: SigningSecret? = nil)
        throws -> WebhookTarget
    {
        WebhookTarget(name: "ops-\(kind)", kind: kind, url: try SecretURL(url), signingSecret: secret)
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// UTF-16 length: never less than characters or code points, however a platform counts.
    static func length(_ value: Any?) -> Int { (value as? String)?.utf16.count ?? 0 }

    // MARK: Every kind

    @Test(arguments: WebhookKind.allCases)
    func everyKindSendsJSONWithTheDeliveryID(_ kind: WebhookKind) throws {
        let request = try Self.target(kind).makeRequest(for: Fixtures.weekly, at: Self.attemptTime)
        #expect(request.headerValue("Content-Type") == "application/json")
        #expect(request.headerValue("webhook-id") == Fixtures.weekly.deliveryID)
        #expect(request.rateKey == "ops-\(kind)")
        #expect(request.rateLimit == kind.defaultRateLimit)
        _ = try Self.json(request.body)
    }

    @Test(arguments: WebhookKind.allCases)
    func bodiesAreIdenticalOnEveryAttempt(_ kind: WebhookKind) throws {
        let target = try Self.target(kind, secret: try SigningSecret(SigningTests.vectorSecret))
        let first = try target.makeRequest(for: Fixtures.weekly, at: Self.attemptTime)
        let later = try target.makeRequest(for: Fixtures.weekly, at: Self.attemptTime + 3600)
        #expect(first.body == later.body)
        #expect(first.body == kind.body(for: Fixtures.weekly))
        #expect(first.url.revealedString == later.url.revealedString)
        let changing: Set<String> = ["webhook-timestamp", "webhook-signature"]
        #expect(first.headers.filter { !changing.contains($0.name) } == later.headers.filter { !changing.contains($0.name) })
    }

    @Test(arguments: WebhookKind.allCases)
    func prettyBodyIsTheSameDocument(_ kind: WebhookKind) throws {
        let compact = try JSONSerialization.jsonObject(with: Data(kind.body(for: Fixtures.weekly))) as? NSDictionary
        let pretty = try JSONSerialization.jsonObject(with: Data(kind.prettyBody(for: Fixtures.weekly).utf8)) as? NSDictionary
        #expect(compact != nil)
        #expect(compact == pretty)
    }

    @Test(arguments: WebhookKind.allCases)
    func aDeliveryIDWithALineBreakIsRejected(_ kind: WebhookKind) throws {
        var message = Fixtures.weekly
        message.deliveryID = "dlv_1\r\nX-Injected: yes"
        #expect(throws: DeliveryError.self) { try Self.target(kind).makeRequest(for: message, at: Self.attemptTime) }
    }

    // MARK: Slack and Mattermost

    @Test(arguments: Fixtures.Name.allCases)
    func slackStaysWithinBlockKitLimits(_ fixture: Fixtures.Name) throws {
        let message = fixture.message
        let body = try Self.json(WebhookKind.slack.body(for: message))
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(Self.length(body["text"]) <= 40_000)
        #expect(!blocks.isEmpty && blocks.count <= 50)
        let header = try #require(blocks.first)
        #expect(header["type"] as? String == "header")
        #expect(Self.length((header["text"] as? [String: Any])?["text"]) <= 150)
        for block in blocks where block["type"] as? String == "section" {
            let text = try #require((block["text"] as? [String: Any])?["text"] as? String)
            #expect(text.utf16.count <= 3000)
        }
        let raw = String(decoding: WebhookKind.slack.body(for: message), as: UTF8.self)
        #expect(!raw.contains("<!channel>"))
        #expect(!raw.contains("<!here>"))
        #expect(!raw.contains("<@U123>"))
    }

    @Test func slackEscapesMarkupAndListsWhatMatters() throws {
        let body = try Self.json(WebhookKind.slack.body(for: Fixtures.weekly))
        let text = try #require(body["text"] as? String)
        #expect(text == "Reminder: Weekly KPI review — Mon 7 Dec 2026, 09:00–09:30 EST (America/New_York) (starts in 15m)")
        let sections = try #require(body["blocks"] as? [[String: Any]]).compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        let all = sections.joined(separator: "\n")
        #expect(all.contains("New issues &amp; owners"))
        #expect(all.contains("Fix checkout &lt;3DS&gt; drop-off"))
        #expect(all.contains("Pull BFCM ad spend"))
        #expect(!all.contains("Update the scorecard numbers"), "done items are not open")
        #expect(!all.contains("Renegotiate 3PL SLA"), "only overdue action items")
        #expect(all.contains("Conversion 1.8%"))
    }

    @Test func oversizedSlackSaysWhatWasLeftOut() throws {
        let body = try Self.json(WebhookKind.slack.body(for: Fixtures.oversized))
        let sections = try #require(body["blocks"] as? [[String: Any]]).compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        #expect(sections.contains { $0.hasPrefix("*Agenda*") && $0.contains("more sections (see the full agenda)") })
    }

    @Test(arguments: Fixtures.Name.allCases)
    func mattermostCarriesTheWholeReminderInText(_ fixture: Fixtures.Name) throws {
        let message = fixture.message
        let body = try Self.json(WebhookKind.mattermost.body(for: message))
        let text = try #require(body["text"] as? String)
        #expect(text.utf16.count <= 16_383)
        #expect(text.hasPrefix("#### Reminder: "))
        #expect((body["blocks"] as? [Any])?.isEmpty == false)
        for mention in ["@channel", "@everyone", "@here"] { #expect(!text.contains(mention), "\(mention)") }
        if message == Fixtures.weekly {
            #expect(text.contains("**Agenda**"))
            #expect(text.contains("- [ ] Pull BFCM ad spend vs. ROAS — Priya, due before the meeting"))
            #expect(text.contains("[Open the full agenda](https://ops.example.com/agendas/weekly-kpi-review/2026-12-07)"))
        }
    }

    // MARK: Discord

    @Test(arguments: Fixtures.Name.allCases)
    func discordStaysWithinItsLimitsAndMentionsNoOne(_ fixture: Fixtures.Name) throws {
        let message = fixture.message
        let body = try Self.json(WebhookKind.discord.body(for: message))
        #expect(Self.length(body["content"]) <= 2000)
        let embeds = try #require(body["embeds"] as? [[String: Any]])
        #expect(embeds.count == 1)
        let embed = embeds[0]
        let title = Self.length(embed["title"])
        let description = Self.length(embed["description"])
        let footer = Self.length((embed["footer"] as? [String: Any])?["text"])
        #expect(title <= 256)
        #expect(description <= 4096)
        #expect(title + description + footer <= 6000)
        // Nobody but the people the reminder mentions (MentionTests); the oversized owner is no one's.
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        if message == Fixtures.oversized {
            #expect(body["allowed_mentions"] as? NSDictionary == ["parse": []] as NSDictionary)
            #expect((embed["description"] as? String)?.hasSuffix("…") == true || (embed["description"] as? String)?.contains("more") == true)
            #expect((body["content"] as? String)?.hasSuffix("…") == true)
        }
    }

    @Test(arguments: [
        ("https://discord.com/api/webhooks/1/tok", "https://discord.com/api/webhooks/1/tok?wait=true"),
        ("https://discord.com/api/webhooks/1/tok?thread_id=99", "https://discord.com/api/webhooks/1/tok?thread_id=99&wait=true"),
        ("https://discord.com/api/webhooks/1/tok?wait=false&thread_id=99", "https://discord.com/api/webhooks/1/tok?thread_id=99&wait=true"),
        ("https://discord.com/api/webhooks/1/tok?", "https://discord.com/api/webhooks/1/tok?wait=true"),
    ])
    func discordAsksToWaitForTheSavedMessage(_ base: String, _ expected: String) throws {
        let request = try Self.target(.discord, base).makeRequest(for: Fixtures.weekly, at: Self.attemptTime)
        #expect(request.url.revealedString == expected)
    }

    // MARK: Teams

    @Test(arguments: Fixtures.Name.allCases)
    func teamsSendsAnAdaptiveCardMessage(_ fixture: Fixtures.Name) throws {
        let message = fixture.message
        let bytes = WebhookKind.msteams.body(for: message)
        #expect(bytes.count <= 28_000)
        let body = try Self.json(bytes)
        #expect(body["type"] as? String == "message")
        let attachments = try #require(body["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        #expect(attachments[0]["contentUrl"] is NSNull)
        let card = try #require(attachments[0]["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        #expect((card["msteams"] as? [String: Any])?["width"] as? String == "Full")
        let types = try #require(card["body"] as? [[String: Any]]).compactMap { $0["type"] as? String }
        #expect(Set(types) == ["TextBlock", "FactSet"])
        if message == Fixtures.weekly {
            let actions = try #require(card["actions"] as? [[String: Any]])
            #expect(actions.first?["url"] as? String == Fixtures.weekly.agendaLink)
        }
    }

    // MARK: Google Chat

    @Test func googleChatThreadsPerOccurrenceAndDeduplicatesByDeliveryID() throws {
        let target = try Self.target(.googlechat, "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=KEY123456&token=TOKEN7890")
        var sameOccurrence = Fixtures.weekly
        sameOccurrence.deliveryID = "dlv_second_reminder"
        var nextWeek = Fixtures.weekly
        nextWeek.occurrence = "2026-12-14T09:00:00-05:00"
        let items = try [Fixtures.weekly, sameOccurrence, nextWeek].map { message in
            try #require(URLComponents(string: try target.makeRequest(for: message, at: Self.attemptTime).url.revealedString)?.queryItems)
        }
        func value(_ name: String, _ index: Int) -> String? { items[index].first { $0.name == name }?.value }
        #expect(items[0].map(\.name) == ["key", "token", "threadKey", "messageReplyOption", "requestId"])
        #expect(value("key", 0) == "KEY123456")
        #expect(value("token", 0) == "TOKEN7890")
        #expect(value("messageReplyOption", 0) == "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD")
        #expect(value("requestId", 0) == Fixtures.weekly.deliveryID)
        #expect(value("requestId", 1) == "dlv_second_reminder")
        #expect(value("threadKey", 0) == value("threadKey", 1))
        #expect(value("threadKey", 0) != value("threadKey", 2))
        #expect(value("threadKey", 0)?.hasPrefix("weekly-kpi-review-") == true)
    }

    @Test(arguments: Fixtures.Name.allCases)
    func googleChatStaysUnderThirtyTwoThousandBytes(_ fixture: Fixtures.Name) throws {
        let message = fixture.message
        let bytes = WebhookKind.googlechat.body(for: message)
        #expect(bytes.count <= 32_000)
        let body = try Self.json(bytes)
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("Reminder: *"))
        let cards = try #require(body["cardsV2"] as? [[String: Any]])
        let card = try #require(cards.first?["card"] as? [String: Any])
        #expect(cards.first?["cardId"] as? String == "reminder")
        #expect((card["sections"] as? [Any])?.isEmpty == false)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("<3DS>"), "card text is HTML-escaped")
    }

    // MARK: Generic

    @Test func genericBodyHasTheFixedFieldsInOrder() throws {
        let raw = String(decoding: WebhookKind.generic.body(for: Fixtures.weekly), as: UTF8.self)
        let keys = [
            "type", "id", "playbook", "title", "occurrence", "reminder_at", "before", "agenda_markdown", "checklist", "action_items", "alerts",
            "truncated", "mentions",
        ]
        #expect(raw.hasPrefix(#"{"type":"reminder","id":"dlv_01JEXAMPLE0000000000000000","playbook":"weekly-kpi-review","#))
        let positions = keys.map { raw.range(of: "\"\($0)\":")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let body = try Self.json(Array(raw.utf8))
        #expect(Set(body.keys) == Set(keys))
        #expect(body["occurrence"] as? String == "2026-12-07T09:00:00-05:00")
        #expect(body["reminder_at"] as? String == "2026-12-07T08:45:00-05:00")
        #expect(body["before"] as? String == "15m")
        #expect(body["agenda_markdown"] as? String == Fixtures.weekly.agendaMarkdown)
        let checklist = try #require(body["checklist"] as? [[String: Any]])
        #expect(checklist.count == 2)
        #expect(checklist[0]["done"] as? Bool == true)
        let actions = try #require(body["action_items"] as? [[String: Any]])
        #expect(actions[0]["id"] as? String == "A-12")
        #expect(actions[0]["overdue"] as? Bool == true)
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        #expect(alerts[1]["severity"] as? String == "warning")
    }

    /// No playbook or state makes a multi-megabyte POST: the generic body carries at most 64 KB
    /// of agenda text and 200 items a list, and says `truncated` when it left something out.
    @Test func genericBodyIsBoundedAndSaysWhenItTruncated() throws {
        var message = Fixtures.weekly
        message.agendaMarkdown = String(repeating: "x", count: 3_000_000)
        message.actionItems = Array(repeating: message.actionItems[0], count: 5000)
        let body = WebhookKind.generic.body(for: message)
        #expect(body.count < 200_000, "\(body.count) bytes")
        let json = try Self.json(body)
        #expect(json["truncated"] as? Bool == true)
        #expect((json["agenda_markdown"] as? String)?.count ?? 0 <= 64 * 1024)
        #expect((json["action_items"] as? [Any])?.count == 200)
    }

    @Test func genericListsEscalatedKPIsLastAndOnlyWhenThereAreSome() throws {
        #expect(try Self.json(WebhookKind.generic.body(for: Fixtures.weekly))["escalated_kpis"] == nil)
        var message = Fixtures.weekly
        message.mentions = []  // which would follow them (MentionTests)
        message.escalatedKPIs = [
            ReminderMessage.EscalatedKPI(
                kpi: "cost_per_order", title: "Cost per order", from: "daily", streak: 4, values: ["$6.40 (2026-12-02)", "$6.80 (2026-12-04)"],
                target: "≤ $4.50")
        ]
        let raw = String(decoding: WebhookKind.generic.body(for: message), as: UTF8.self)
        #expect(
            raw.hasSuffix(
                #","truncated":false,"escalated_kpis":[{"kpi":"cost_per_order","title":"Cost per order","from":"daily","streak":4,"values":["$6.40 (2026-12-02)","$6.80 (2026-12-04)"],"target":"≤ $4.50"}]}"#
            ))
        message.escalatedKPIs = Array(repeating: message.escalatedKPIs[0], count: 201)
        let many = try Self.json(WebhookKind.generic.body(for: message))
        #expect((many["escalated_kpis"] as? [Any])?.count == 200)
        #expect(many["truncated"] as? Bool == true)
    }

    @Test(arguments: [WebhookKind.slack, .discord, .msteams, .googlechat, .mattermost])
    func chatFormatsListEscalatedKPIsWithoutLettingTheirTextPing(kind: WebhookKind) throws {
        var message = Fixtures.weekly
        message.escalatedKPIs = [
            ReminderMessage.EscalatedKPI(
                kpi: "cost_per_order", title: "Cost <!channel> @channel per order", from: "weekly", streak: 3, values: ["$6.40 (2026-12-02)"],
                target: "≤ $4.50")
        ]
        let body = String(decoding: kind.body(for: message), as: UTF8.self)
        #expect(body.contains("Escalated KPIs"))
        #expect(body.contains("red at 3 weekly reviews in a row, latest $6.40 (2026-12-02), target ≤ $4.50"), "\(body)")
        // Each service's own broadcast syntax stays inert (Discord's is off by allowed_mentions).
        if kind == .slack { #expect(!body.contains("<!channel>")) }
        // Mattermost renders `text` (the Block Kit copy beside it is for Slack-compatible receivers).
        if kind == .mattermost { #expect(!(try Self.json(kind.body(for: message))["text"] as? String ?? "").contains(" @channel ")) }
        #expect(!String(decoding: kind.body(for: Fixtures.weekly), as: UTF8.self).contains("Escalated KPIs"))
    }

    @Test func genericIsSignedPerStandardWebhooks() throws {
        let secret = try SigningSecret(SigningTests.vectorSecret)
        let request = try Self.target(.generic, secret: secret).makeRequest(for: Fixtures.weekly, at: Self.attemptTime)
        #expect(request.headerValue("webhook-id") == Fixtures.weekly.deliveryID)
        #expect(request.headerValue("webhook-timestamp") == "1796652000")
        let signature = try #require(request.headerValue("webhook-signature"))
        #expect(signature == secret.signature(messageID: Fixtures.weekly.deliveryID, timestamp: 1_796_652_000, body: request.body))
        #expect(signature.hasPrefix("v1,"))
        let unsigned = try Self.target(.generic).makeRequest(for: Fixtures.weekly, at: Self.attemptTime)
        #expect(unsigned.headerValue("webhook-signature") == nil)
        #expect(unsigned.headerValue("webhook-timestamp") == "1796652000")
    }

    @Test func jsonEscapesControlAndQuoteCharacters() throws {
        var message = Fixtures.weekly
        message.title = "Quote \" backslash \\ tab \t newline \n bell \u{07} separator \u{2028} end"
        let raw = String(decoding: WebhookKind.generic.body(for: message), as: UTF8.self)
        #expect(raw.contains(#""title":"Quote \" backslash \\ tab \t newline \n bell \u0007 separator \u2028 end""#))
        let decoded = try Self.json(WebhookKind.generic.body(for: message))
        #expect(decoded["title"] as? String == message.title)
    }

    @Test func messageRoundTripsThroughCodable() throws {
        let data = try JSONEncoder().encode(Fixtures.weekly)
        #expect(try JSONDecoder().decode(ReminderMessage.self, from: data) == Fixtures.weekly)
    }
}
