import Agendas
import Delivery
import Foundation
import Playbooks
import Recurrence
import StateStore
import Timekeeping

/// Messages outside the schedule: a test post to a target, and previews of reminders.
public struct Notifications: Sendable {
    public let workspace: Workspace
    public let store: StateStore?
    /// Where time is read: the message's timestamps and how long a test post took.
    public let timeline: Timeline

    public init(workspace: Workspace, store: StateStore?, timeline: Timeline = .system) {
        self.workspace = workspace
        self.store = store
        self.timeline = timeline
    }

    /// What a test post returned, without the URL.
    public struct TestResult: Sendable, Codable {
        public var target: String
        public var kind: String
        public var delivered: Bool
        public var status: Int?
        public var milliseconds: Int
        public var detail: String
        /// The version of the libcurl the post went through (`7.88.1`); nil when it could not be loaded.
        public var libcurl: String?
    }

    /// The reminder a target would get for an occurrence, built as the engine builds it.
    public func message(playbook: Playbook, occurrence: Int64, before: Int, target: String, now: Int64) throws -> ReminderMessage {
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
    public static func payload(for message: ReminderMessage, kind: Target.Kind) -> String {
        String(decoding: (WebhookKind(rawValue: kind.rawValue) ?? .generic).body(for: message), as: UTF8.self)
    }

    /// Posts a short test message to a target now and reports the outcome.
    public func sendTest(to target: Target) async throws -> TestResult {
        let now = timeline.now
        guard let webhook = try target.webhookTarget() else {
            throw EngineError("target '\(target.name)' is not configured: set the variables its url references")
        }
        let kind = webhook.kind
        let zone = workspace.configuration.timeZone
        let message = ReminderMessage(
            deliveryID: "test.\(RFC3339.formatUTC(now).filter { $0 != "-" && $0 != ":" }).\(target.name)", playbookID: "opscadence-test",
            title: "OpsCadence test message", occurrence: RFC3339.format(now, offset: zone.offset(at: now)),
            localTimeLine: HumanTime.span(start: now, duration: 0, zone: zone), reminderAt: RFC3339.format(now, offset: zone.offset(at: now)),
            before: "0m", durationMinutes: 0,
            agenda: [ReminderMessage.AgendaSection(title: "This target is set up correctly", minutes: 0, clock: "")],
            agendaMarkdown: "# OpsCadence test message\n\nThis target is set up correctly.\n")
        let request = try webhook.makeRequest(for: message, at: Date(timeIntervalSince1970: TimeInterval(now)))
        let client = WebhookClient(
            configuration: WebhookClient.Configuration(maxConcurrent: 1, denyPrivateNetworks: workspace.configuration.denyPrivateNetworks))
        let started = timeline.monotonic
        let results = await client.send([request])
        let elapsed = timeline.monotonic - started
        guard let result = results.first else { throw EngineError("the test post to '\(target.name)' returned no result") }
        // Loaded by the send (or found unusable, with the reason in the result).
        let libcurl = Libcurl.version?.text
        let outcome = DeliveryOutcome.classify(
            result: result, kind: kind, attempt: 1, firstAttemptAt: Date(timeIntervalSince1970: TimeInterval(now)),
            now: Date(timeIntervalSince1970: TimeInterval(now)))
        let milliseconds = elapsed.milliseconds
        switch outcome {
        case .delivered(let d):
            return TestResult(target: target.name, kind: kind.rawValue, delivered: true, status: d.statusCode, milliseconds: milliseconds, detail: d.note ?? "delivered", libcurl: libcurl)
        case .retry(let r):
            return TestResult(target: target.name, kind: kind.rawValue, delivered: false, status: r.statusCode, milliseconds: milliseconds, detail: workspace.redact(r.reason), libcurl: libcurl)
        case .dead(let d):
            return TestResult(target: target.name, kind: kind.rawValue, delivered: false, status: d.statusCode, milliseconds: milliseconds, detail: workspace.redact(d.summary), libcurl: libcurl)
        }
    }
}
