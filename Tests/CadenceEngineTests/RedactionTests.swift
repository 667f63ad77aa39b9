import OpsCadenceTesting
import Playbooks
import Testing

@testable import CadenceEngine

/// One redactor per workspace, and the log handler's follows reloads.
@Suite struct RedactionTests {
    static func workspace(url: String, secret: String) throws -> (TemporaryDirectory, Workspace) {
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            "timezone: UTC\ntargets:\n  hook:\n    kind: generic\n    url: ${env:URL}\n    secret: ${env:SECRET}\n")
        dir.write("playbooks/p.yaml", "id: p\ntitle: P\ncron: \"0 9 * * *\"\nduration: 15m\n")
        return (dir, try Workspace.load(at: dir.path, environment: ["URL": url, "SECRET": secret]))
    }

    @Test func theWorkspaceRedactorHidesURLsTheirPartsAndSecrets() throws {
        let (_, workspace) = try Self.workspace(url: "https://hooks.example.com/services/T000/B000/abcdefghijkl", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let text = workspace.redact(
            "POST https://hooks.example.com/services/T000/B000/abcdefghijkl failed; token abcdefghijkl; key whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(!text.contains("abcdefghijkl"))
        #expect(!text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(text.contains("https://hooks.example.com/…"))
        #expect(text.contains("[REDACTED]"))
        // As a receiver may echo them: the key without its whsec_ prefix, the URL in other letter cases.
        let echoed = workspace.redact(
            "bad signature, key MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw; no route for /SERVICES/t000/b000/ABCDEFGHIJKL at HTTPS://HOOKS.EXAMPLE.COM/services/T000/B000/abcdefghijkl")
        #expect(!echoed.lowercased().contains("mfkq9r8gkyqrtwjupd8ilpzio2lalasw"), "\(echoed)")
        #expect(!echoed.lowercased().contains("abcdefghijkl"), "\(echoed)")
        #expect(echoed.contains("https://hooks.example.com/…"), "\(echoed)")
    }

    @Test func aReloadTeachesTheLiveRedactorTheNewSecrets() throws {
        let (_, before) = try Self.workspace(url: "https://hooks.example.com/old-token-0000", secret: "first-secret-value")
        let (_, after) = try Self.workspace(url: "https://hooks.example.com/new-token-1111", secret: "second-secret-value")
        let live = LiveRedactor(before)
        #expect(live.redact("second-secret-value") == "second-secret-value")
        live.update(after)
        #expect(!live.redact("leaked second-secret-value here").contains("second-secret-value"))
        #expect(!live.redact("https://hooks.example.com/new-token-1111").contains("new-token-1111"))
    }
}
