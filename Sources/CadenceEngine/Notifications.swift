import Agendas
import Delivery
import Foundation
import Playbooks
import Recurrence
import StateStore
import Timekeeping

/// Messages outside the schedule: a test post to a target, and previews of reminders.
package struct Notifications: Sendable {
    package let workspace: Workspace
    package let store: StateStore?
    /// Where time is read: the message's timestamps and how long a test post took.
    package let timeline: Timeline

    package init(workspace: Workspace, store: StateStore?, timeline: Timeline = .system) {
        self.workspace = workspace
        self.store = store
        self.timeline = timeline
    }

    /// What a test post returned, without the URL.
    package struct TestResult: Sendable, Codable {
        package var target: String
        package var kind: String
        package var delivered: Bool
        package var status: Int?
        package var milliseconds: Int
        /// What the outcome adds to `delivered`: the receiver's note on a delivered post
        /// (Teams' "accepted, processed asynchronously"), the reason one was not delivered; nil
        /// when there is nothing to add.
        package var detail: String?
        /// The post's `webhook-id`: a new one for every test, so that receivers that drop
        /// repeated ids do not drop the second test of a minute.
        package var deliveryID: String
        /// The version of the libcurl the post went through (`7.88.1`); nil when it could not be loaded.
        package var libcurl: String?

        enum CodingKeys: String, CodingKey {
            case target, kind, delivered, status, milliseconds, detail, deliveryID = "delivery_id", libcurl
        }
    }

    /// The `webhook-id` of a test post: `test.<UTC time>.<target>.<random>`. The random part
    /// keeps two tests in the same second (or with the same `--now`) apart.
    static func testDeliveryID(target: String, at now: Int64, using generator: inout some RandomNumberGenerator) -> String {
        let stamp = RFC3339.formatUTC(now).filter { $0 != "-" && $0 != ":" }
        let random = String(UInt64.random(in: .min ... .max, using: &generator), radix: 16)
        return "test.\(stamp).\(target).\(String(repeating: "0", count: 16 - random.count) + random)"
    }

    /// The reminder a target would get for an occurrence, built as the engine builds it.
    package func message(playbook: Playbook, occurrence: Int64, before: Int, target: String, now: Int64) throws -> ReminderMessage {
        let row = DeliveryRecord(
            occurrenceId: 0, playbookId: playbook.id, target: target, beforeSeconds: before, reminderAt: occurrence - Int64(before),
            idempotencyKey: TickPlanner.idempotencyKey(playbook: playbook.id, instant: occurrence, before: before, target: target),
            state: .pending, nextAttemptAt: occurrence - Int64(before), expiresAt: occurrence, createdAt: now)
        let renderer = try AgendaRenderer(workspaceRoot: workspace.root)
        return try ReminderMessages.message(
            for: row, playbook: playbook, source: AgendaSource(workspace: workspace, store: store), renderer: renderer,
            now: min(now, occurrence - Int64(before)))
    }

    /// The exact body a target of `kind` receives for `message`.
    package static func payload(for message: ReminderMessage, kind: Target.Kind) -> String {
        String(decoding: (WebhookKind(rawValue: kind.rawValue) ?? .generic).body(for: message), as: UTF8.self)
    }

    /// Posts a short test message to a target now and reports the outcome.
    package func sendTest(to target: Target) async throws -> TestResult {
        let now = timeline.now
        guard let webhook = try target.webhookTarget() else {
            throw EngineError("target '\(target.name)' is not configured: set the variables its url references")
        }
        let kind = webhook.kind
        let zone = workspace.configuration.timeZone
        var generator = SystemRandomNumberGenerator()
        let deliveryID = Notifications.testDeliveryID(target: target.name, at: now, using: &generator)
        let message = ReminderMessage(
            deliveryID: deliveryID, playbookID: "opscadence-test",
            title: "OpsCadence test message", occurrence: RFC3339.format(now, offset: zone.offset(at: now)),
            localTimeLine: HumanTime.span(start: now, duration: 0, zone: zone), reminderAt: RFC3339.format(now, offset: zone.offset(at: now)),
            before: "0m", durationMinutes: 0,
            agenda: [ReminderMessage.AgendaSection(title: "This target is set up correctly", minutes: 0, clock: "")],
            agendaMarkdown: "# OpsCadence test message\n\nThis target is set up correctly.\n")
        let request = try webhook.makeRequest(for: message, at: now)
        let client = WebhookClient(
            configuration: WebhookClient.Configuration(maxConcurrent: 1, denyPrivateNetworks: workspace.configuration.denyPrivateNetworks),
            timeline: timeline)
        let started = timeline.monotonic
        let results = await client.send([request])
        let elapsed = timeline.monotonic - started
        guard let result = results.first else { throw EngineError("the test post to '\(target.name)' returned no result") }
        // Loaded by the send (or found unusable, with the reason in the result).
        let libcurl = Libcurl.version?.text
        let outcome = DeliveryOutcome.classify(
            result: result, kind: kind, attempt: 1, firstAttemptAt: now, now: now)
        let milliseconds = elapsed.milliseconds
        func testResult(delivered: Bool, status: Int?, detail: String?) -> TestResult {
            TestResult(
                target: target.name, kind: kind.rawValue, delivered: delivered, status: status, milliseconds: milliseconds, detail: detail,
                deliveryID: deliveryID, libcurl: libcurl)
        }
        switch outcome {
        case .delivered(let d): return testResult(delivered: true, status: d.statusCode, detail: d.note)
        case .retry(let r): return testResult(delivered: false, status: r.statusCode, detail: workspace.redact(r.reason))
        case .dead(let d): return testResult(delivered: false, status: d.statusCode, detail: workspace.redact(d.summary))
        }
    }
}

extension Notifications {
    /// The libcurl reminders would be sent with: its version, or why it cannot be used (not
    /// installed, too old). Loads it.
    package static func libcurl() -> Result<String, CurlError> {
        do {
            return .success(try Libcurl.load().text)
        } catch {
            return .failure(error)
        }
    }
}
