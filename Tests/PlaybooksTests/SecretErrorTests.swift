import Foundation
import OpsCadenceTesting
import Testing

@testable import Playbooks

/// Errors about a target's url or secret name the field and its position, never the value;
/// `agenda_url`, which every reminder carries, holds no credentials.
@Suite struct SecretErrorTests {
    @Test(arguments: ["hunter2-very-secret", "https://hooks.slack.com/services/T0/B0/hunter2"])
    func aSecretNeverPrintsItsValue(value: String) throws {
        let secret = Secret(value: value, reference: "${env:HOOK}")
        var dumped = ""
        dump(secret, to: &dumped)
        let encoded = String(decoding: try JSONEncoder().encode([secret]), as: UTF8.self)
        for text in [secret.description, String(reflecting: secret), String(describing: [secret]), dumped, encoded] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        #expect(dumped.contains("${env:HOOK}"))
        #expect(secret.value == value)
    }

    @Test func aControlCharacterInALiteralURLIsReportedAtItsPositionWithoutTheURL() {
        let config = validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "https://hooks.slack.com/services/T0/B0/super-secret\u{01}")
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(
            found == [
                "opscadence.yaml:6:61: the value of 'url' contains U+0001, a character YAML does not allow (expected printable text; a target's url and secret are written as ${env:NAME} or ${file:PATH}, never the value)"
            ])
        #expect(!found.joined().contains("super-secret"))
        #expect(!found.joined().contains("hooks.slack.com"))
    }

    @Test func anEscapeInALiteralSigningSecretIsReportedWithoutTheSecret() {
        let config = validConfig + "\n  audit:\n    kind: generic\n    url: ${env:TEST_SLACK_URL}\n    secret: whsec_c2VjcmV0\u{1B}\n"
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("opscadence.yaml:10:27: the value of 'secret' contains U+001B escape") == true, "\(found)")
        #expect(!found.joined().contains("c2VjcmV0"))
    }

    @Test func aBidirectionalOverrideInAReferenceIsRefusedWithoutTheValue() {
        let config = validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "${env:TEST_SLACK_URL}\u{202E}terces")
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(found == ["opscadence.yaml:6:10: url of target 'ops-chat' must not contain control characters (found U+202E right-to-left override)"])
    }

    @Test func aMalformedReferenceIsNotEchoed() {
        let config = validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "https://hooks.slack.com/services/T0/B0/${env:super-secret")
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(
            found == [
                "opscadence.yaml:6:10: url of target 'ops-chat' has a malformed reference (expected ${env:NAME}, NAME in letters, digits and underscores, or ${file:PATH})"
            ])
    }

    @Test func anyOtherUnreadableCharacterIsPlacedOnItsLine() {
        let found = issues(playbooks: ["p.yaml": validPlaybook.replacingOccurrences(of: "duration: 30m", with: "duration: 30m\u{7F}")])
        #expect(found == ["playbooks/p.yaml:4:14: the value of 'duration' contains U+007F delete, a character YAML does not allow (expected printable text)"])
    }

    // MARK: agenda_url

    @Test(arguments: ["https://user:hunter2@ops.example.com/agendas", "https://token@ops.example.com/agendas", "http://a:b@[::1/agendas"])
    func agendaURLWithCredentialsIsRefused(_ url: String) {
        let found = issues(config: validConfig + "\nagenda_url: \(url)\n", playbooks: ["p.yaml": validPlaybook])
        #expect(found.count == 1)
        #expect(
            found.first
                == "opscadence.yaml:7:13: agenda_url must not carry a user name or password (user:password@host): every reminder shows this link; serve the agendas without credentials in the URL, such as https://ops.example.com/agendas"
        )
        #expect(!found.joined().contains("hunter2") && !found.joined().contains("token@"))
    }

    @Test func agendaURLWithoutCredentialsLoads() throws {
        let (_, result) = workspace(config: validConfig + "\nagenda_url: https://ops.example.com/agendas/\n", playbooks: ["p.yaml": validPlaybook])
        #expect(try result.get().configuration.agendaBaseURL == "https://ops.example.com/agendas")
    }
}
