import Delivery
import Foundation
import Logging
import Playbooks
import StateStore
import Timekeeping

/// Sends the answers to chat services about button clicks (Slack's `response_url`), from the
/// `chat_reply` outbox: the web app right after recording a click, the tick for any it could
/// not finish (a failure to retry, a crash). A lease keeps two senders off the same reply;
/// each outcome is recorded as it arrives.
package struct ChatReplies: Sendable {
    /// Slack takes answers on a `response_url` for 30 minutes, at most five.
    package static let window: Int64 = 30 * 60
    package static let maxAttempts = 5

    let workspace: Workspace
    let store: StateStore
    let timeline: Timeline
    let logger: Logger
    let owner: String

    package init(workspace: Workspace, store: StateStore, timeline: Timeline, logger: Logger, owner: String) {
        self.workspace = workspace
        self.store = store
        self.timeline = timeline
        self.logger = logger
        self.owner = owner
    }

    /// Whether replies may go to `url`: `https://hooks.slack.com/…`, or a URL on the host (and
    /// scheme and port) of one of the workspace's own Slack targets — a Slack-compatible relay,
    /// a test receiver. A request that names any other place is refused before it is queued, so
    /// a click cannot make the app post somewhere the workspace does not already send to.
    package static func isAllowed(_ url: String, workspace: Workspace) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), components.user == nil,
            components.password == nil, !url.contains(where: { $0.isWhitespace })
        else { return false }
        if components.scheme == "https" && host == "hooks.slack.com" && components.port == nil { return true }
        return workspace.configuration.targets.contains { target in
            guard target.kind == .slack, let value = target.url?.value, let own = URLComponents(string: value) else { return false }
            return own.scheme == components.scheme && own.host?.lowercased() == host && own.port == components.port
        }
    }

    /// Sends the replies that are due; returns how many were delivered.
    @discardableResult
    package func send() async throws -> Int {
        // A read first: the tick calls this every minute, and there is almost never a reply
        // waiting; a claim is a write transaction.
        guard let due = try store.nextReplyDue(), due <= timeline.now else { return 0 }
        let lease = Int64(workspace.configuration.deliveryTimeout) + 30
        let claimed = try store.claimReplies(owner: owner, now: timeline.now, lease: lease)
        guard !claimed.isEmpty else { return 0 }
        let client = WebhookClient(
            configuration: WebhookClient.Configuration(
                totalTimeout: .seconds(workspace.configuration.deliveryTimeout), denyPrivateNetworks: workspace.configuration.denyPrivateNetworks),
            timeline: timeline)
        var requests: [(ChatReply, WebhookRequest)] = []
        for reply in claimed {
            do {
                guard Self.isAllowed(reply.url, workspace: workspace) else {
                    throw DeliveryError(.invalidURL, "the reply's address is not Slack's, nor a Slack target's host")
                }
                let target = WebhookTarget(name: reply.target, kind: .generic, url: try SecretURL(reply.url))
                let payload = WebhookPayload(kind: .generic, deliveryID: reply.idempotencyKey, body: reply.body)
                requests.append((reply, try target.makeRequest(for: payload, at: timeline.now)))
            } catch {
                try store.recordReply(id: reply.id, owner: owner, outcome: .dead(status: nil, error: "\(error)"), now: timeline.now)
            }
        }
        let results = await client.send(requests.map(\.1))
        var delivered = 0
        for ((reply, _), result) in zip(requests, results) {
            let now = timeline.now
            let outcome = DeliveryOutcome.classify(
                result: result, kind: .generic, attempt: reply.attempts, firstAttemptAt: reply.createdAt, now: now,
                policy: RetryPolicy(maxAttempts: Self.maxAttempts, maxAge: .seconds(Self.window), base: .seconds(2), cap: .seconds(60)))
            let recorded: ChatReplyOutcome
            switch outcome {
            case .delivered(let done):
                recorded = .delivered(status: done.statusCode)
                delivered += 1
            case .retry(let retry):
                recorded = .retry(
                    at: retry.at, status: retry.statusCode, error: retry.reason,
                    consumesAttempt: retry.consumesAttempt)
            case .dead(let dead):
                recorded = .dead(status: dead.statusCode, error: dead.summary)
            }
            try store.recordReply(id: reply.id, owner: owner, outcome: recorded, now: now)
            logger.log(
                level: outcome.isDelivered ? .info : .warning, "chat reply \(outcome.isDelivered ? "delivered" : "not delivered")",
                metadata: ["target": "\(reply.target)", "reply": "\(reply.idempotencyKey)", "attempt": "\(reply.attempts)"])
        }
        return delivered
    }
}
