import Delivery
import Foundation
import Testing

@Suite struct SigningTests {
    // The sign() test vector published with the Standard Webhooks reference libraries
    // (standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py
    // test_sign_function and libraries/go/webhook_test.go TestWebhookSign), transcribed as is.
    static let vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let vectorMessageID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let vectorTimestamp: Int64 = 1_614_265_330
    static let vectorPayload = #"{"test": 2432232314}"#
    static let vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func matchesThePublishedVector() throws {
        let secret = try SigningSecret(Self.vectorSecret)
        let signature = secret.signature(messageID: Self.vectorMessageID, timestamp: Self.vectorTimestamp, body: Array(Self.vectorPayload.utf8))
        #expect(signature == Self.vectorSignature)
    }

    @Test func acceptsTheSecretWithoutItsPrefix() throws {
        let secret = try SigningSecret(String(Self.vectorSecret.dropFirst("whsec_".count)))
        let signature = secret.signature(messageID: Self.vectorMessageID, timestamp: Self.vectorTimestamp, body: Array(Self.vectorPayload.utf8))
        #expect(signature == Self.vectorSignature)
    }

    @Test func anyChangeToIDTimestampOrBodyChangesTheSignature() throws {
        let secret = try SigningSecret(Self.vectorSecret)
        let body = Array(Self.vectorPayload.utf8)
        #expect(secret.signature(messageID: "msg_other", timestamp: Self.vectorTimestamp, body: body) != Self.vectorSignature)
        #expect(secret.signature(messageID: Self.vectorMessageID, timestamp: Self.vectorTimestamp + 1, body: body) != Self.vectorSignature)
        #expect(secret.signature(messageID: Self.vectorMessageID, timestamp: Self.vectorTimestamp, body: body + [0x20]) != Self.vectorSignature)
    }

    @Test func usesARawSecretThatIsNotBase64AsItsBytes() throws {
        let raw = try SigningSecret("not base64! just a shared secret")
        let other = try SigningSecret("not base64! just another secret")
        let body = Array("{}".utf8)
        let signature = raw.signature(messageID: "id", timestamp: 1, body: body)
        #expect(signature.hasPrefix("v1,"))
        #expect(Data(base64Encoded: String(signature.dropFirst(3)))?.count == 32)
        #expect(signature != other.signature(messageID: "id", timestamp: 1, body: body))
    }

    @Test(arguments: ["", "   ", "whsec_", "whsec_not*base64!"])
    func rejectsUnusableSecrets(_ text: String) {
        #expect(throws: DeliveryError.self) { try SigningSecret(text) }
    }

    @Test func neverPrintsTheSecret() throws {
        let secret = try SigningSecret(Self.vectorSecret)
        var dumped = ""
        dump(secret, to: &dumped)
        for text in [secret.description, String(reflecting: secret), "\(secret)", dumped] {
            #expect(!text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "\(text)")
        }
    }
}
