import Foundation
import Testing

@testable import Playbooks

/// `people:` handles, checked at their position, and the warning for an owner or attendee that
/// `people:` does not list.
@Suite struct PeopleHandlesTests {
    static let config = validConfig + """

        people:
          - { name: Ops Lead, role: admin, slack: U012AB3CD, discord: "123456789012345678", teams: lead@example.com, mattermost: opslead, email: lead@example.com }
          - { name: Founder, googlechat: "112233445566778899001" }
        """

    static let playbook = validPlaybook.replacingOccurrences(
        of: "duration: 30m\n", with: "duration: 30m\nowner: ops lead\nattendees: [Founder, Warehouse Lead]\n")

    @Test func handlesAreRead() throws {
        let (_, result) = workspace(config: Self.config, playbooks: ["weekly.yaml": validPlaybook])
        let ws = try result.get()
        let lead = try #require(ws.configuration.person(named: "ops lead"))
        #expect(
            lead.handles
                == Person.Handles(
                    slack: "U012AB3CD", discord: "123456789012345678", teams: "lead@example.com", mattermost: "opslead", email: "lead@example.com"))
        #expect(ws.configuration.person(named: "Founder")?.handles == Person.Handles(googlechat: "112233445566778899001"))
        #expect(lead.role == .admin)
    }

    @Test func anUnquotedDiscordIDIsRead() throws {
        let config = validConfig + "\npeople:\n  - { name: Ops Lead, discord: 123456789012345678 }\n"
        let (_, result) = workspace(config: config, playbooks: ["weekly.yaml": validPlaybook])
        #expect(try result.get().configuration.people.first?.handles.discord == "123456789012345678")
    }

    @Test(arguments: [
        ("slack: u012ab3cd", "slack of 'Ops Lead' is not a Slack member id"),
        ("slack: <!channel>", "slack of 'Ops Lead' is not a Slack member id"),
        ("discord: \"12345\"", "discord of 'Ops Lead' is not a Discord user id"),
        ("teams: lead", "teams of 'Ops Lead' is not a Teams user's email or user principal name"),
        ("mattermost: \"@opslead\"", "mattermost of 'Ops Lead' is not a Mattermost username"),
        ("mattermost: channel", "mattermost of 'Ops Lead' is not a Mattermost username"),
        ("email: \"lead@example\"", "email of 'Ops Lead' is not an email address"),
        ("googlechat: users/123", "googlechat of 'Ops Lead' is not a Google Chat user id"),
        ("skype: lead", "unknown key 'skype' in a person"),
    ])
    func aHandleOfTheWrongShapeIsAnError(_ entry: String, _ expected: String) throws {
        let config = validConfig + "\npeople:\n  - { name: Ops Lead, \(entry) }\n"
        let found = issues(config: config, playbooks: ["weekly.yaml": validPlaybook])
        #expect(found.count == 1)
        // At the handle's own line and column (the line after `people:`, past `- { name: Ops Lead, `).
        #expect(found.first?.hasPrefix("opscadence.yaml:8:") == true, "\(found)")
        #expect(found.first?.contains(expected) == true, "\(found)")
    }

    @Test func ownersAndAttendeesMissingFromPeopleAreWarnings() throws {
        let (_, result) = workspace(config: Self.config, playbooks: ["weekly.yaml": Self.playbook])
        let ws = try result.get()
        #expect(
            ws.warnings.map(\.description) == [
                "playbooks/weekly.yaml:6:22: attendee 'Warehouse Lead' is not in people: in opscadence.yaml, so reminders cannot mention them (people: Ops Lead, Founder)"
            ].map { $0.replacingOccurrences(of: "playbooks/", with: ws.root + "/playbooks/") })
    }

    @Test func withoutPeopleNobodyIsWarnedAbout() throws {
        let (_, result) = workspace(playbooks: ["weekly.yaml": Self.playbook])
        #expect(try result.get().warnings.isEmpty)
    }
}
