import Foundation
import OpsCadenceTesting
import Testing

/// Reminders mention the people `people:` gives handles, as `notify preview` shows; `validate`
/// warns about owners and attendees it does not list.
@Suite struct MentionCommandTests {
    static func fixture(kinds: [String]) -> (TemporaryDirectory, CommandRunner) {
        let dir = TemporaryDirectory()
        var config = "timezone: America/New_York\ntargets:\n"
        for kind in kinds { config += "  \(kind):\n    kind: \(kind)\n    url: https://chat.example.com/hooks/${env:CHAT_TOKEN}\n" }
        config += """
            people:
              - { name: Ops Lead, role: admin, slack: U012AB3CD, discord: "123456789012345678", teams: lead@example.com, mattermost: opslead }
              - { name: Founder, slack: W0FOUNDER1 }

            """
        dir.write("opscadence.yaml", config)
        dir.write(
            "playbooks/weekly.yaml",
            "id: weekly\ntitle: \"<!channel> Weekly\"\nschedule: weekly on monday at 09:00\nduration: 30m\nowner: Ops Lead\nattendees: [Founder, Warehouse Lead]\n")
        return (dir, CommandRunner(directory: dir.path, environment: ["CHAT_TOKEN": "secret-token-path"]))
    }

    @Test func previewShowsEachKindsMentions() throws {
        let (dir, runner) = Self.fixture(kinds: ["slack", "discord", "msteams", "mattermost"])
        defer { withExtendedLifetime(dir) {} }
        func preview(_ target: String) throws -> String {
            let result = try runner.run(["notify", "preview", "weekly", "--target", target, "--at", "2026-12-07", "--now", "2026-12-01T12:00:00Z"])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let slack = try preview("slack")
        #expect(slack.contains("*Owner:* <@U012AB3CD>\\n*Attendees:* <@W0FOUNDER1>, Warehouse Lead"), "\(slack)")
        #expect(!slack.contains("<!channel>"))
        let discord = try #require(try JSONSerialization.jsonObject(with: Data(try preview("discord").utf8)) as? [String: Any])
        #expect(discord["allowed_mentions"] as? NSDictionary == ["parse": [], "users": ["123456789012345678"]] as NSDictionary)
        let teams = try preview("msteams")
        #expect(teams.contains(#"{"type":"mention","text":"<at>Ops Lead</at>","mentioned":{"id":"lead@example.com","name":"Ops Lead"}}"#), "\(teams)")
        #expect(try preview("mattermost").contains("**Owner:** @opslead\\n**Attendees:** Founder, Warehouse Lead"))
    }

    @Test func validateWarnsAboutPeopleItDoesNotKnow() throws {
        let (dir, runner) = Self.fixture(kinds: ["slack"])
        defer { withExtendedLifetime(dir) {} }
        let result = try runner.run(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "playbooks/weekly.yaml:6:22: attendee 'Warehouse Lead' is not in people: in opscadence.yaml, so reminders cannot mention them (people: Ops Lead, Founder)"),
            "\(result.stderr)")
    }

    @Test func aBadHandleIsAnErrorAtItsPosition() throws {
        let (dir, runner) = Self.fixture(kinds: ["slack"])
        defer { withExtendedLifetime(dir) {} }
        dir.write("opscadence.yaml", "timezone: America/New_York\npeople:\n  - { name: Ops Lead, slack: \"<!channel>\" }\n")
        let result = try runner.run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("opscadence.yaml:3:30: error: slack of 'Ops Lead' is not a Slack member id"), "\(result.stderr)")
    }
}
