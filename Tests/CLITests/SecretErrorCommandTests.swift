import Foundation
import OpsCadenceTesting
import Testing

/// `validate` on a literal webhook URL that YAML cannot read: the position, never the token.
@Suite struct SecretErrorCommandTests {
    @Test func aMalformedLiteralURLIsReportedAtItsPositionWithoutTheToken() throws {
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            "timezone: America/New_York\ntargets:\n  ops-chat:\n    kind: slack\n    url: https://hooks.slack.com/services/T0/B0/tok3n-s3cret\u{0B}\n")
        dir.write("playbooks/p.yaml", "id: p\ntitle: P\nschedule: daily at 09:00\nduration: 15m\n")
        let result = try CommandRunner(directory: dir.path).run(["validate"])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "opscadence.yaml:5:61: error: the value of 'url' contains U+000B, a character YAML does not allow (expected printable text; a target's url and secret are written as ${env:NAME} or ${file:PATH}, never the value)\n"
        )
        #expect(!result.stderr.contains("tok3n") && !result.stderr.contains("hooks.slack.com"))
    }
}
