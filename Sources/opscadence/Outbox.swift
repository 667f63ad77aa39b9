import ArgumentParser
import CadenceEngine
import Foundation
import Playbooks
import Recurrence
import StateStore

extension OpsCadence {
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "List, retry and drop reminder deliveries.",
            discussion: """
                Examples:
                  opscadence outbox list --state dead
                  opscadence outbox retry 42
                  opscadence outbox retry --dead
                  opscadence outbox drop 42
                  opscadence outbox replies
                """,
            subcommands: [List.self, Retry.self, Drop.self, Replies.self], defaultSubcommand: List.self)

        struct Replies: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "replies",
                abstract: "List the answers to chat button clicks (Slack's response_url), newest first.",
                discussion: """
                    A click on a Slack button queues an answer that replaces the message in Slack; the web app
                    sends it at once, the next tick retries it (five attempts within Slack's 30 minutes). The
                    address is never shown: it lets anyone post into the channel while it is valid.

                    Examples:
                      opscadence outbox replies --format json
                    """)

            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Option(parsing: .unconditional, help: "How many.")
            var limit: Int = 50

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Row: Encodable {
                var id: String
                var target: String
                var state: String
                var attempts: Int
                var lastError: String?
                enum CodingKeys: String, CodingKey { case id, target, state, attempts, lastError = "last_error" }
            }

            func run() async throws {
                guard limit > 0 else { throw CLIError("--limit: expected a positive number, got \(limit)") }
                let workspace = try workspaceOptions.load()
                let rows = try workspaceOptions.openStoreIfPresent(workspace)?.replies(limit: limit) ?? []
                let out = rows.map { Row(id: $0.key, target: $0.target, state: $0.state, attempts: $0.attempts, lastError: $0.lastError.map(workspace.redact)) }
                if format == .json { return try Output.json(out) }
                if out.isEmpty { return Output.line("no chat replies") }
                for row in out {
                    Output.line("\(row.id)  \(row.target)  \(row.state)  attempts \(row.attempts)\(row.lastError.map { "  \($0)" } ?? "")")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List deliveries, newest first.",
                discussion: """
                    Examples:
                      opscadence outbox list
                      opscadence outbox list --state dead --format json
                    """)

            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Option(help: ArgumentHelp("Only deliveries in this state (\(DeliveryState.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "STATE"))
            var state: String?

            @Option(parsing: .unconditional, help: "How many.")
            var limit: Int = 50

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Row: Encodable {
                var id: Int64
                var playbook: String
                var target: String
                var reminderAt: String
                var state: String
                var attempts: Int
                var nextAttemptAt: String?
                var lastStatus: Int?
                var lastError: String?
                var deliveredAt: String?
                var webhookId: String
                /// A checklist item's own reminder: the item's number (absent for the meeting's).
                var checklistItem: Int?

                enum CodingKeys: String, CodingKey {
                    case id, playbook, target, reminderAt = "reminder_at", state, attempts, nextAttemptAt = "next_attempt_at"
                    case lastStatus = "last_status", lastError = "last_error", deliveredAt = "delivered_at", webhookId = "webhook_id"
                    case checklistItem = "checklist_item"
                }
            }

            func run() async throws {
                var states: [DeliveryState]?
                if let state {
                    guard let parsed = DeliveryState(rawValue: state) else {
                        throw CLIError("--state: unknown state '\(state)' (expected \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    states = [parsed]
                }
                guard limit > 0 else { throw CLIError("--limit: expected a positive number, got \(limit)") }
                let workspace = try workspaceOptions.load()
                let now = try clock.instant()
                let rows = try workspaceOptions.openStoreIfPresent(workspace)?.deliveries(states: states, limit: limit) ?? []
                let zone = workspace.configuration.timeZone
                let out = rows.map { r in
                    Row(
                        id: r.id ?? 0, playbook: r.playbookId, target: r.target,
                        reminderAt: RFC3339.format(r.reminderAt, offset: zone.offset(at: r.reminderAt)), state: r.state.rawValue,
                        attempts: r.attempts,
                        nextAttemptAt: DeliveryState.open.contains(r.state) ? RFC3339.format(r.nextAttemptAt, offset: zone.offset(at: r.nextAttemptAt)) : nil,
                        lastStatus: r.lastStatus, lastError: r.lastError.map(workspace.redact),
                        deliveredAt: r.deliveredAt.map { RFC3339.format($0, offset: zone.offset(at: $0)) }, webhookId: r.idempotencyKey,
                        checklistItem: r.isChecklistReminder ? r.checklistItem : nil)
                }
                if format == .json {
                    try Output.json(out)
                    return
                }
                if out.isEmpty {
                    Output.line("no deliveries\(state.map { " in state \($0)" } ?? "")")
                    return
                }
                var table = [["ID", "PLAYBOOK", "TARGET", "REMINDER AT", "STATE", "WHEN", "ATTEMPTS", "LAST"]]
                for r in out {
                    let last = [r.lastStatus.map { "HTTP \($0)" }, r.lastError].compactMap { $0 }.joined(separator: " ")
                    // Delivered: when; waiting: when it is due, relative to now.
                    let when: String
                    if let delivered = r.deliveredAt {
                        when = delivered
                    } else if let next = rows.first(where: { $0.id == r.id }), DeliveryState.open.contains(next.state) {
                        when = next.nextAttemptAt <= now ? "due now" : "in \(DurationText.format(Int(next.nextAttemptAt - now)))"
                    } else {
                        when = "—"
                    }
                    let target = r.checklistItem.map { "\(r.target) (item \($0))" } ?? r.target
                    table.append(["\(r.id)", r.playbook, target, r.reminderAt, r.state, when, "\(r.attempts)", String(last.prefix(80))])
                }
                Table.print(table)
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "retry",
                abstract: "Queue dead, expired or missed deliveries again (sent by the next tick, with the same webhook-id).",
                discussion: """
                    Examples:
                      opscadence outbox retry 41 42
                      opscadence outbox retry --dead
                    """)

            @OptionGroup var workspaceOptions: WorkspaceOptions
            @OptionGroup var clock: ClockOptions

            @Argument(help: "Delivery ids.")
            var ids: [Int64] = []

            @Flag(help: "Retry every dead delivery.")
            var dead = false

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Queued: Encodable {
                var queued: Int
                var notQueued: Int
                enum CodingKeys: String, CodingKey {
                    case queued
                    case notQueued = "not_queued"
                }
            }

            func validate() throws {
                if ids.isEmpty && !dead { throw CLIError("give delivery ids or --dead") }
                if !ids.isEmpty && dead { throw CLIError("give delivery ids or --dead, not both") }
            }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                // Without a state file there is nothing to retry, and none is created.
                let store = try workspaceOptions.openExistingStore(workspace)
                let now = try clock.instant()
                let targets = dead ? try store?.deadDeliveryIds() ?? [] : ids
                // Every id is checked before any is queued: one that cannot be retried fails the
                // command and nothing changes (a dropped delivery was dropped on purpose).
                var refused: [String] = []
                for id in ids {
                    guard let row = try store?.delivery(id: id) else { throw CLIError("no delivery with id \(id) (see `opscadence outbox list`)") }
                    if !DeliveryState.retryable.contains(row.state) { refused.append("delivery \(id) is \(row.state.rawValue)") }
                }
                if !refused.isEmpty {
                    throw CLIError(refused.joined(separator: "; ") + "; only dead, expired or missed deliveries are sent again; nothing was queued")
                }
                var changed = 0
                for id in targets {
                    guard let store, let row = try store.delivery(id: id) else { continue }
                    let grace = Int64(workspace.playbook(id: row.playbookId)?.grace ?? 3600)
                    changed += try store.requeue(ids: [id], now: now, expiresAt: now + grace)
                }
                if format == .json { return try Output.json(Queued(queued: changed, notQueued: targets.count - changed)) }
                Output.line("queued \(changed) deliver\(changed == 1 ? "y" : "ies") for the next tick")
                if changed < targets.count {
                    Output.line("\(targets.count - changed) could not be queued again (no longer dead, expired or missed)")
                }
            }
        }

        struct Drop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "drop", abstract: "Drop a queued or failed delivery: it will not be sent.",
                discussion: """
                    Examples:
                      opscadence outbox drop 41
                    """)

            @OptionGroup var workspaceOptions: WorkspaceOptions

            @Argument(help: "The delivery id.")
            var id: Int64

            @Option(help: "text or json.")
            var format: TextOrJSON = .text

            struct Dropped: Encodable { var dropped: Int64 }

            func run() async throws {
                let workspace = try workspaceOptions.load()
                guard let store = try workspaceOptions.openExistingStore(workspace), let row = try store.delivery(id: id) else {
                    throw CLIError("no delivery with id \(id) (see `opscadence outbox list`)")
                }
                guard try store.drop(id: id) else {
                    throw CLIError("delivery \(id) is \(row.state.rawValue); only pending, retrying, dead or expired deliveries can be dropped")
                }
                if format == .json { return try Output.json(Dropped(dropped: id)) }
                Output.line("dropped delivery \(id)")
            }
        }
    }
}
