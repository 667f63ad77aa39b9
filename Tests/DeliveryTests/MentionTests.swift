import Delivery
import Foundation
import Testing

/// The owner and attendees written as each platform's mention, from the handles `people:` gives,
/// and never from the text of a playbook.
@Suite struct MentionTests {
    static func json(_ kind: WebhookKind, _ message: ReminderMessage) throws -> [String: Any] {
        try FormatTests.json(kind.body(for: message))
    }

    static func raw(_ kind: WebhookKind, _ message: ReminderMessage) -> String {
        String(decoding: kind.body(for: message), as: UTF8.self)
    }

    static func slackDetails(_ message: ReminderMessage, kind: WebhookKind = .slack) throws -> String {
        let blocks = try #require(try json(kind, message)["blocks"] as? [[String: Any]])
        return try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
    }

    /// A message whose owner calls themselves `<!channel>` and whose title tries every
    /// platform's mention syntax, with the owner's handles in place.
    static var hostile: ReminderMessage {
        var message = Fixtures.weekly
        message.title = "<!channel> <@U999EVIL9> <at>Eve</at> @everyone @eve <users/all> <users/999>"
        message.owner = "<!channel>"
        message.attendees = ["@here", "Luis", "<@U999EVIL9>"]
        message.mentions = [
            Mention(name: "<!channel>", role: .owner, handles: Fixtures.weekly.mentions[0].handles),
            Fixtures.weekly.mentions[1],
        ]
        return message
    }

    // MARK: Slack

    @Test func slackOwnerAndAttendeesAreMentions() throws {
        let details = try Self.slackDetails(Fixtures.weekly)
        #expect(details.contains("*Owner:* <@U012AB3CD>\n"))
        #expect(details.hasSuffix("*Attendees:* Dana, <@U045LUIS9>, Priya"))
    }

    @Test func slackTextFormsNoMentionButTheHandles() throws {
        let raw = Self.raw(.slack, Self.hostile)
        let details = try Self.slackDetails(Self.hostile)
        #expect(details.contains("*Owner:* <@U012AB3CD>"))
        #expect(details.contains("*Attendees:* @here, <@U045LUIS9>, &lt;@U999EVIL9&gt;"))
        #expect(!raw.contains("<!channel>"))
        #expect(!raw.contains("<@U999EVIL9>"))
    }

    @Test func aNameWithoutAHandleStaysEscapedText() throws {
        var message = Fixtures.weekly
        message.owner = "<!channel>"
        message.mentions = []
        let details = try Self.slackDetails(message)
        #expect(details.contains("*Owner:* &lt;!channel&gt;"))
        #expect(!Self.raw(.slack, message).contains("<!channel>"))
    }

    @Test func aHandleOfTheWrongShapeIsNeverWritten() throws {
        var message = Fixtures.weekly
        message.mentions[0].handles = .init(
            slack: "U1>|<!channel", discord: "1> @everyone <@2", msteams: "x</at>\"", googlechat: "all>", mattermost: "channel")
        let slack = try Self.slackDetails(message)
        #expect(slack.contains("*Owner:* Dana (ops lead)"))
        #expect(!Self.raw(.slack, message).contains("<!channel>"))
        let discord = try Self.json(.discord, message)
        #expect((discord["allowed_mentions"] as? NSDictionary) == ["parse": [], "users": ["234567890123456789"]] as NSDictionary)
        #expect(Self.raw(.msteams, message).contains("entities") == false)
        #expect(!(try Self.json(.googlechat, message)["text"] as? String ?? "").contains("<users/"))
        let mattermost = try #require(try Self.json(.mattermost, message)["text"] as? String)
        #expect(mattermost.contains("**Owner:** Dana (ops lead)"))
        #expect(!mattermost.contains("@channel"))
    }

    // MARK: Discord

    @Test func discordAllowsExactlyTheMentionedUsers() throws {
        let body = try Self.json(.discord, Fixtures.weekly)
        #expect(
            body["allowed_mentions"] as? NSDictionary
                == ["parse": [], "users": ["123456789012345678", "234567890123456789"]] as NSDictionary)
        let content = try #require(body["content"] as? String)
        #expect(content.hasSuffix("\n<@123456789012345678> <@234567890123456789>"))
        let description = try #require((body["embeds"] as? [[String: Any]])?.first?["description"] as? String)
        #expect(description.contains("**Owner:** <@123456789012345678>\n**Attendees:** Dana, <@234567890123456789>, Priya"))
    }

    @Test func discordPingsNoOneElse() throws {
        let body = try Self.json(.discord, Self.hostile)
        // Parse stays empty: `@everyone`, `@here` and `<@U999…>` in the text notify nobody.
        #expect(
            body["allowed_mentions"] as? NSDictionary
                == ["parse": [], "users": ["123456789012345678", "234567890123456789"]] as NSDictionary)
    }

    @Test func discordMentionsOnlyWhoTheMessageShows() throws {
        var message = Fixtures.weekly
        message.attendees = ["Priya"]
        message.owner = nil
        let body = try Self.json(.discord, message)
        #expect(body["allowed_mentions"] as? NSDictionary == ["parse": []] as NSDictionary)
        #expect(!(body["content"] as? String ?? "").contains("<@"))
    }

    @Test func discordKeepsTheMentionsWhenTheTitleIsLong() throws {
        var message = Fixtures.weekly
        message.title = String(repeating: "Long title ", count: 400)
        message.attendees = (1...80).map { "Person \($0)" }
        message.mentions = (1...80).map {
            Mention(name: "Person \($0)", role: .attendee, handles: .init(discord: String(100_000_000_000_000_000 + $0)))
        }
        let body = try Self.json(.discord, message)
        let content = try #require(body["content"] as? String)
        #expect(content.utf16.count <= 2000)
        let users = try #require((body["allowed_mentions"] as? [String: Any])?["users"] as? [String])
        #expect(users.count == 60)
        for user in users { #expect(content.contains("<@\(user)>")) }
    }

    // MARK: Teams

    static func teamsCard(_ message: ReminderMessage) throws -> [String: Any] {
        let attachments = try #require(try json(.msteams, message)["attachments"] as? [[String: Any]])
        return try #require(attachments.first?["content"] as? [String: Any])
    }

    @Test func teamsEntitiesMatchTheText() throws {
        let card = try Self.teamsCard(Fixtures.weekly)
        let texts = try #require(card["body"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        #expect(texts.contains("**Owner:** <at>Dana (ops lead)</at>\n**Attendees:** Dana, Luis, Priya"))
        let entities = try #require((card["msteams"] as? [String: Any])?["entities"] as? [[String: Any]])
        #expect(entities.count == 1)
        let entity = try #require(entities.first)
        #expect(entity["type"] as? String == "mention")
        #expect(entity["text"] as? String == "<at>Dana (ops lead)</at>")
        #expect(entity["mentioned"] as? NSDictionary == ["id": "dana@example.com", "name": "Dana (ops lead)"] as NSDictionary)
        for entity in entities { #expect(texts.contains { $0.contains(entity["text"] as! String) }) }
        // Owner and attendees left the facts for the text block.
        let facts = try #require((card["body"] as? [[String: Any]])?.first { $0["type"] as? String == "FactSet" }?["facts"] as? [[String: Any]])
        #expect(!facts.contains { $0["title"] as? String == "Owner" })
    }

    @Test func teamsTextCannotFormAMention() throws {
        let card = try Self.teamsCard(Self.hostile)
        let texts = try #require(card["body"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        #expect(texts[0].contains("<\u{200B}at>Eve"))
        let entities = try #require((card["msteams"] as? [String: Any])?["entities"] as? [[String: Any]])
        #expect(entities.map { $0["text"] as? String } == ["<at>!channel</at>"])
        #expect(texts.contains { $0.hasPrefix("**Owner:** <at>!channel</at>") })
    }

    @Test func teamsWithoutHandlesKeepsTheFacts() throws {
        var message = Fixtures.weekly
        message.mentions = []
        let card = try Self.teamsCard(message)
        #expect((card["msteams"] as? NSDictionary) == ["width": "Full"] as NSDictionary)
        let facts = try #require((card["body"] as? [[String: Any]])?.first { $0["type"] as? String == "FactSet" }?["facts"] as? [[String: Any]])
        #expect(facts.contains { $0["title"] as? String == "Owner" && $0["value"] as? String == "Dana (ops lead)" })
    }

    // MARK: Mattermost, Google Chat, generic

    @Test func mattermostWritesUsernames() throws {
        let text = try #require(try Self.json(.mattermost, Fixtures.weekly)["text"] as? String)
        #expect(text.contains("**Owner:** @dana\n**Attendees:** Dana, @luis.m, Priya"))
        // The Slack blocks sent along carry no Slack ids into Mattermost.
        #expect(try Self.slackDetails(Fixtures.weekly, kind: .mattermost).contains("*Owner:* Dana (ops lead)"))
    }

    @Test func mattermostTextMentionsNoOneElse() throws {
        let text = try #require(try Self.json(.mattermost, Self.hostile)["text"] as? String)
        #expect(text.contains("@\u{200B}eve"))
        #expect(text.contains("**Attendees:** @\u{200B}here, @luis.m"))
        #expect(!text.contains("@everyone"))
    }

    @Test func googleChatMentionsInTextOnly() throws {
        let body = try Self.json(.googlechat, Fixtures.weekly)
        let text = try #require(body["text"] as? String)
        #expect(text.hasSuffix("(starts in 15m)\n<users/112233445566778899001>"))
        let hostile = try #require(try Self.json(.googlechat, Self.hostile)["text"] as? String)
        #expect(!hostile.contains("<users/all>"))
        #expect(hostile.hasSuffix("\n<users/112233445566778899001>"))
    }

    @Test func genericListsTheHandles() throws {
        let mentions = try #require(try Self.json(.generic, Fixtures.weekly)["mentions"] as? [[String: Any]])
        #expect(mentions.count == 2)
        #expect(mentions[0]["name"] as? String == "Dana (ops lead)")
        #expect(mentions[0]["role"] as? String == "owner")
        #expect(
            mentions[1]["handles"] as? NSDictionary
                == ["slack": "U045LUIS9", "discord": "234567890123456789", "mattermost": "luis.m"] as NSDictionary)
        var message = Fixtures.weekly
        message.mentions = []
        #expect(try Self.json(.generic, message)["mentions"] == nil)
    }
}
