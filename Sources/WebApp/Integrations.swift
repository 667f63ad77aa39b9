import CadenceEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import StateStore
import Playbooks

/// The chat services' side of the reminder buttons: Slack's interactivity requests and
/// Mattermost's integration actions. Both carry a signed action path (the same as the links',
/// verified the same way) and act as "via slack" or "via mattermost" with the clicker's name.
extension WebServer {
    func addIntegrationRoutes(to router: Router<WebRequestContext>) {
        router.post("/integrations/slack/interactions") { request, context -> Response in
            let workspace = context.workspace
            let targets = workspace.configuration.targets.filter { $0.kind == .slack && $0.interactionSecret != nil }
            guard !targets.isEmpty else { throw PageError(.notFound, "no Slack target has a signing_secret") }
            switch SlackSignature.verify(
                signature: request.headers[.slackSignature], timestamp: request.headers[.slackRequestTimestamp], body: context.rawBody,
                secrets: targets.map { $0.interactionSecret!.value }, now: now)
            {
            case .failure(let failure):
                context.logger.warning("Slack request refused", metadata: ["reason": "\(failure)"])
                throw PageError(.unauthorized, "\(failure)")
            case .success(let index):
                try await slackInteraction(context, target: targets[index])
                return Self.text("", status: .ok)
            }
        }
        router.post("/integrations/mattermost/actions") { _, context -> Response in
            let request = try MattermostAction(json: context.rawBody)
            var reply: String
            do {
                let (playbook, action) = try signedAction(request.action, context)
                reply = try performFromChat(action, playbook: playbook, context: context, by: request.userName, via: "mattermost")
            } catch let error as PageError {
                // Mattermost shows the answer to the clicker alone: say what went wrong there.
                reply = "⚠️ " + error.message
            }
            let body = try JSONSerialization.data(withJSONObject: ["ephemeral_text": reply], options: [.sortedKeys, .withoutEscapingSlashes])
            return Self.text(String(decoding: body, as: UTF8.self), status: .ok, type: "application/json")
        }
    }

    /// Acts on a verified Slack click, then queues the answer to its `response_url` and sends it
    /// at once (the tick sends it if this process cannot).
    private func slackInteraction(_ context: WebRequestContext, target: Target) async throws {
        let form = try FormFields(parsing: String(decoding: context.rawBody, as: UTF8.self))
        guard let payloadText = form["payload"], let click = try SlackClick(json: Array(payloadText.utf8)) else {
            // Other interaction types (a shortcut, a modal) are not ours: acknowledged, ignored.
            return
        }
        guard click.actionID != SlackClick.openActionID else { return }
        var text: String
        var succeeded = false
        do {
            let (playbook, action) = try signedAction(click.value, context)
            text = try performFromChat(action, playbook: playbook, context: context, by: click.userName, via: "slack")
            succeeded = true
        } catch let error as PageError {
            text = error.message
        }
        guard let responseURL = click.responseURL else { return }
        guard ChatReplies.isAllowed(responseURL, workspace: context.workspace) else {
            context.logger.warning("Slack response_url refused: not Slack's address", metadata: ["target": "\(target.name)"])
            return
        }
        let body = click.reply(text: text, succeeded: succeeded)
        try store.enqueueReply(
            key: "slack.\(click.replyKey)", target: target.name, url: responseURL, body: body, now: now, expiresAt: now + ChatReplies.window)
        let replies = ChatReplies(
            workspace: context.workspace, store: store, timeline: options.timeline, logger: context.logger,
            owner: "serve:\(ProcessInfo.processInfo.processIdentifier)")
        // Slack wants the request answered within 3 s: the reply goes out after it, off the
        // event loops (it writes to the state; see BlockingWork).
        Task(executorPreference: BlockingWork.executor) { try? await replies.send() }
    }

    /// Carries out a verified action from a chat service; "already done" is an answer, not an error.
    private func performFromChat(_ action: SignedAction, playbook: Playbook, context: WebRequestContext, by person: String?, via: String) throws -> String {
        var result = ""
        try change(context) { teamwork, _ in
            result = try perform(action, playbook: playbook, teamwork: teamwork, by: person, via: via)
        }
        return result
    }
}

extension HTTPField.Name {
    static let slackSignature = Self("X-Slack-Signature")!
    static let slackRequestTimestamp = Self("X-Slack-Request-Timestamp")!
}

/// The parts of a Slack `block_actions` payload the app uses.
struct SlackClick {
    static let openActionID = "opscadence.open"

    var actionID: String
    var value: String
    var userName: String?
    var responseURL: String?
    /// Unique per click (the action's timestamp and the message's), so that a request Slack
    /// retries queues one answer.
    var replyKey: String
    /// The message the button was on, as Slack sent it, to answer with an updated copy.
    var message: [String: Any]?

    /// Nil for payloads that are not a button click.
    init?(json: [UInt8]) throws(PageError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)), let payload = object as? [String: Any] else {
            throw PageError(.badRequest, "payload: expected Slack's interaction JSON")
        }
        guard payload["type"] as? String == "block_actions", let actions = payload["actions"] as? [[String: Any]], let first = actions.first,
            let actionID = first["action_id"] as? String
        else { return nil }
        self.actionID = actionID
        value = first["value"] as? String ?? ""
        let user = payload["user"] as? [String: Any]
        userName = (user?["username"] as? String) ?? (user?["name"] as? String) ?? (user?["id"] as? String)
        responseURL = payload["response_url"] as? String
        let container = payload["container"] as? [String: Any]
        replyKey = [first["action_ts"] as? String, container?["message_ts"] as? String, payload["trigger_id"] as? String]
            .map { $0 ?? "-" }.joined(separator: ".")
        message = payload["message"] as? [String: Any]
    }

    /// The answer to post to `response_url`: the message it came from with the clicked button
    /// gone and a line saying what happened, or, when Slack did not send the message, a note
    /// only the clicker sees.
    func reply(text: String, succeeded: Bool) -> [UInt8] {
        let line = (succeeded ? "✅ " : "⚠️ ") + text.replacingOccurrences(of: "<", with: "‹").replacingOccurrences(of: ">", with: "›")
        var answer: [String: Any]
        if succeeded, let message, var blocks = message["blocks"] as? [[String: Any]] {
            for index in blocks.indices where blocks[index]["type"] as? String == "actions" {
                let elements = (blocks[index]["elements"] as? [[String: Any]] ?? []).filter { $0["action_id"] as? String != actionID }
                blocks[index]["elements"] = elements
            }
            blocks.removeAll { $0["type"] as? String == "actions" && ($0["elements"] as? [Any] ?? []).isEmpty }
            blocks.append(["type": "context", "elements": [["type": "plain_text", "text": String(line.prefix(2000))]]])
            answer = ["replace_original": true, "blocks": blocks, "text": message["text"] as? String ?? line]
        } else {
            answer = ["replace_original": false, "response_type": "ephemeral", "text": line]
        }
        let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data)
    }
}

/// The parts of a Mattermost integration action request the app uses.
struct MattermostAction {
    var action: String
    var userName: String?

    init(json: [UInt8]) throws(PageError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)), let request = object as? [String: Any],
            let context = request["context"] as? [String: Any], let action = context["action"] as? String
        else { throw PageError(.badRequest, "expected Mattermost's action JSON with context.action") }
        self.action = action
        userName = (request["user_name"] as? String) ?? (request["user_id"] as? String)
    }
}
