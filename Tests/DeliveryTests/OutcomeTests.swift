import Delivery
import Foundation
import OpsCadenceTesting
import Testing

@Suite struct OutcomeTests {
    static let first: Int64 = 1_800_000_000
    static let now = first + 60

    static func response(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> WebhookResult {
        .response(WebhookResponse(statusCode: status, headers: headers, body: Array(body.utf8)))
    }

    static func classify(
        _ result: WebhookResult, kind: WebhookKind = .generic, attempt: Int = 1, now: Int64 = now, policy: RetryPolicy = RetryPolicy(),
        random: UInt64? = nil
    ) -> DeliveryOutcome {
        if let random {
            var generator = ConstantGenerator(value: random)
            return DeliveryOutcome.classify(
                result: result, kind: kind, attempt: attempt, firstAttemptAt: first, now: now, policy: policy, using: &generator)
        }
        var generator = SeededGenerator(seed: 42)
        return DeliveryOutcome.classify(
            result: result, kind: kind, attempt: attempt, firstAttemptAt: first, now: now, policy: policy, using: &generator)
    }

    // MARK: Success per kind

    @Test(arguments: [
        (WebhookKind.slack, 200, "ok", true),
        (.slack, 200, "ok\n", true),
        (.slack, 200, "no_service", false),
        (.slack, 200, "", false),
        (.mattermost, 200, "ok", true),
        (.mattermost, 200, "something else", false),
        (.discord, 200, #"{"id":"1","content":"x"}"#, true),
        (.discord, 204, "", true),
        (.msteams, 202, "", true),
        (.msteams, 200, "1", true),
        (.msteams, 200, "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429", false),
        (.googlechat, 200, #"{"name":"spaces/x/messages/y"}"#, true),
        (.generic, 201, "", true),
        (.generic, 299, "anything", true),
    ])
    func twoHundredsFollowEachKindsRules(_ kind: WebhookKind, _ status: Int, _ body: String, _ delivered: Bool) {
        let outcome = Self.classify(Self.response(status, body), kind: kind)
        #expect(outcome.isDelivered == delivered, "\(outcome)")
        if !delivered {
            let retry = outcome.retryDetails
            #expect(retry?.consumesAttempt == true)
            #expect(retry?.mayHaveBeenDelivered == false)
        }
    }

    @Test func teamsAcceptedIsDeliveredWithANote() {
        guard case .delivered(let delivered) = Self.classify(Self.response(202), kind: .msteams) else {
            Issue.record("202 should be delivered")
            return
        }
        #expect(delivered.statusCode == 202)
        #expect(delivered.note == "accepted, processed asynchronously")
    }

    @Test func slackNoServiceNamesTheBody() throws {
        let retry = try #require(Self.classify(Self.response(200, "no_service"), kind: .slack).retryDetails)
        #expect(retry.reason.contains("no_service"))
        #expect(retry.statusCode == 200)
    }

    @Test func googleChatDuplicateRequestIDCountsAsDelivered() {
        let duplicate = Self.response(409, #"{"error":{"code":409,"message":"Message already exists","status":"ALREADY_EXISTS"}}"#)
        #expect(Self.classify(duplicate, kind: .googlechat).isDelivered)
        #expect(Self.classify(Self.response(409, #"{"error":{"status":"ABORTED"}}"#), kind: .googlechat).deadDetails != nil)
        #expect(Self.classify(duplicate, kind: .generic).deadDetails != nil)
    }

    // MARK: Permanent failures

    @Test(arguments: [
        (WebhookKind.slack, 400, "invalid_payload", false),
        (.slack, 403, "action_prohibited", true),
        (.slack, 404, "channel_not_found", true),
        (.slack, 410, "channel_is_archived", true),
        (.discord, 404, #"{"message": "Unknown Webhook", "code": 10015}"#, true),
        (.generic, 401, "", true),
        (.generic, 413, "too big", false),
        (.generic, 422, "unprocessable", false),
    ])
    func otherFourHundredsAreDeadWithTheBody(_ kind: WebhookKind, _ status: Int, _ body: String, _ unusable: Bool) throws {
        let dead = try #require(Self.classify(Self.response(status, body), kind: kind).deadDetails)
        #expect(dead.statusCode == status)
        #expect(dead.responseExcerpt == body)
        #expect(dead.destinationUnusable == unusable)
        #expect(dead.reason.contains("HTTP \(status)"))
        // The line recorded and shown quotes the response once.
        #expect(dead.summary.components(separatedBy: body).count == (body.isEmpty ? 1 : 2))
        if !body.isEmpty { #expect(dead.reason.contains(body)) }
    }

    @Test func discordUnknownWebhookIsNamed() throws {
        let dead = try #require(Self.classify(Self.response(404, #"{"message": "Unknown Webhook", "code": 10015}"#), kind: .discord).deadDetails)
        #expect(dead.reason.contains("unknown webhook, code 10015"))
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectsAreDeadAndNotFollowed(_ status: Int) throws {
        let result = Self.response(status, "", headers: ["Location": "http://169.254.169.254/latest/meta-data/"])
        let dead = try #require(Self.classify(result, kind: .slack).deadDetails)
        #expect(dead.reason.contains("redirects are not followed"))
        #expect(dead.destinationUnusable)
    }

    @Test func deadExcerptIsCappedAndStripped() throws {
        let body = "channel_is_archived\u{07}\r\n" + String(repeating: "x", count: 2000)
        let dead = try #require(Self.classify(Self.response(410, body), kind: .slack).deadDetails)
        let excerpt = try #require(dead.responseExcerpt)
        #expect(excerpt.utf8.count == 500)
        #expect(excerpt.hasPrefix("channel_is_archived  xxx"))
    }

    // MARK: Backoff

    @Test(arguments: 1...14)
    func backoffStaysInTheFullJitterEnvelope(_ attempt: Int) throws {
        let policy = RetryPolicy(maxAttempts: 100)
        let ceiling = min(3600, 30 * pow(2, Double(attempt - 1)))
        #expect(abs(policy.backoffCeiling(afterAttempt: attempt).inSeconds - ceiling) < 0.001)
        var generator = SeededGenerator(seed: UInt64(attempt))
        var delays: [Double] = []
        for _ in 0..<200 {
            let outcome = DeliveryOutcome.classify(
                result: Self.response(500), kind: .generic, attempt: attempt, firstAttemptAt: Self.first, now: Self.now, policy: policy,
                using: &generator)
            let retry = try #require(outcome.retryDetails)
            #expect(retry.consumesAttempt)
            #expect(retry.at == Self.now + Int64(retry.delay.inSeconds.rounded(.up)))
            delays.append(retry.delay.inSeconds)
        }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= ceiling + 0.001 })
        // Full jitter spreads over the whole range, not just near the top.
        #expect(delays.min()! < ceiling * 0.2)
        #expect(delays.max()! > ceiling * 0.8)
    }

    @Test func jitterExtremesAreZeroAndTheCeiling() throws {
        let low = try #require(Self.classify(Self.response(503), attempt: 3, random: ConstantGenerator.lowest).retryDetails)
        let high = try #require(Self.classify(Self.response(503), attempt: 3, random: .max).retryDetails)
        #expect(low.delay == .zero)
        #expect(abs(high.delay.inSeconds - 120) < 0.001)
    }

    @Test(arguments: [408, 425, 500, 502, 503, 504, 599])
    func serverErrorsRetry(_ status: Int) throws {
        let retry = try #require(Self.classify(Self.response(status)).retryDetails)
        #expect(retry.statusCode == status)
        #expect(retry.consumesAttempt)
        #expect(retry.delay <= .seconds(30))
    }

    @Test func giveUpAfterMaxAttempts() throws {
        let policy = RetryPolicy(maxAttempts: 12)
        #expect(Self.classify(Self.response(500), attempt: 11, policy: policy).retryDetails != nil)
        let dead = try #require(Self.classify(Self.response(500), attempt: 12, policy: policy).deadDetails)
        #expect(dead.reason.contains("gave up after 12 attempts"))
        // A 429 does not use the budget, so it can still wait at the last attempt.
        #expect(Self.classify(Self.response(429, headers: ["Retry-After": "7"]), attempt: 12, policy: policy).retryDetails != nil)
    }

    @Test func giveUpPastMaxAge() throws {
        let nearlyADay = Self.first + 24 * 3600 - 5
        let dead = try #require(Self.classify(Self.response(500), attempt: 5, now: nearlyADay, random: .max).deadDetails)
        #expect(dead.reason.contains("24 h"))
        #expect(Self.classify(Self.response(500), attempt: 5, now: nearlyADay, random: ConstantGenerator.lowest).retryDetails != nil)
        // The deadline applies to 429 waits too.
        #expect(Self.classify(Self.response(429, headers: ["Retry-After": "7"]), now: nearlyADay).deadDetails != nil)
    }

    // MARK: 429 and Retry-After

    static let httpDateNow: Int64 = 784_111_740  // Sun, 06 Nov 1994 08:49:00 GMT

    @Test(arguments: [
        ("7", 7.0),
        ("0", 0),
        (" 12 ", 12),
        ("99999999", 3600),
        ("99999999999999999999999", 3600),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 37),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 37),
        ("Sun Nov  6 08:49:37 1994", 37),
        ("Sun, 06 Nov 1994 09:49:00 GMT", 3600),
        ("Sun, 06 Nov 1994 10:49:00 GMT", 3600),
        ("Sat, 05 Nov 1994 08:49:37 GMT", 0),
        ("Sun, 06 Nov 1994 08:48:00 GMT", 0),
        // 8,000 years ahead: more nanoseconds than Int64 holds, which trapped before the cap applied.
        ("Fri, 31 Dec 9999 23:59:59 GMT", 3600),
    ])
    func retryAfterIsHonouredAndClamped(_ header: String, _ seconds: Double) throws {
        let result = Self.response(429, headers: ["Retry-After": header])
        let retry = try #require(Self.classify(result, kind: .slack, now: Self.httpDateNow).retryDetails)
        #expect(abs(retry.delay.inSeconds - seconds) < 0.001, "\(header) → \(retry.delay)")
        #expect(!retry.consumesAttempt)
        #expect(retry.statusCode == 429)
    }

    @Test(arguments: ["abc", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", ""])
    func unreadableRetryAfterFallsBackToBackoff(_ header: String) throws {
        let atTop = try #require(Self.classify(Self.response(429, headers: ["Retry-After": header]), attempt: 2, random: .max).retryDetails)
        #expect(abs(atTop.delay.inSeconds - 60) < 0.001, "\(header)")
        #expect(!atTop.consumesAttempt)
        #expect(atTop.reason.contains("backing off"))
    }

    @Test func discordJSONRetryAfterIsSecondsAndTheHeaderWins() throws {
        let bodyOnly = Self.response(429, #"{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}"#)
        let fromBody = try #require(Self.classify(bodyOnly, kind: .discord).retryDetails)
        #expect(abs(fromBody.delay.inSeconds - 1.5) < 0.001)

        let both = Self.response(429, #"{"retry_after": 0.729}"#, headers: ["Retry-After": "1"])
        let fromHeader = try #require(Self.classify(both, kind: .discord).retryDetails)
        #expect(fromHeader.delay == .seconds(1))
    }

    @Test func retryAfterOnAServerErrorIsHonouredButUsesAnAttempt() throws {
        let retry = try #require(Self.classify(Self.response(503, headers: ["Retry-After": "120"]), random: ConstantGenerator.lowest).retryDetails)
        #expect(retry.delay == .seconds(120))
        #expect(retry.consumesAttempt)
    }

    // MARK: Transport failures and deferrals

    @Test func transportFailuresRetryAndCarryTheInDoubtFlag() throws {
        let afterSending = WebhookResult.failure(TransportFailure(code: .timeout, requestMayHaveBeenSent: true, message: "timed out"))
        let beforeSending = WebhookResult.failure(TransportFailure(code: .connect, requestMayHaveBeenSent: false, message: "refused"))
        let inDoubt = try #require(Self.classify(afterSending).retryDetails)
        let safe = try #require(Self.classify(beforeSending).retryDetails)
        #expect(inDoubt.mayHaveBeenDelivered)
        #expect(!safe.mayHaveBeenDelivered)
        #expect(inDoubt.consumesAttempt && safe.consumesAttempt)
    }

    @Test(arguments: [TransportFailure.Code.addressRefused, .protocolNotAllowed, .invalidURL])
    func policyRefusalsAreDead(_ code: TransportFailure.Code) throws {
        let result = WebhookResult.failure(TransportFailure(code: code, requestMayHaveBeenSent: false, message: "no"))
        let dead = try #require(Self.classify(result).deadDetails)
        #expect(dead.destinationUnusable)
    }

    @Test func deferredRetriesAtItsTimeWithoutUsingAnAttempt() throws {
        let retry = try #require(Self.classify(.deferred(for: .seconds(4)), attempt: 12).retryDetails)
        #expect(retry.at == Self.now + 4)
        #expect(!retry.consumesAttempt)
        #expect(!retry.mayHaveBeenDelivered)
    }
}
