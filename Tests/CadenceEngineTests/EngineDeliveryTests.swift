import Foundation
import Logging
import OpsCadenceTesting
import Playbooks
import StateStore
import Synchronization
import Timekeeping
import Testing

@testable import CadenceEngine

/// The engine in-process against a real state file and a loopback receiver: batches of
/// deliveries, the next one prepared while the current one is on the wire.
@Suite struct EngineDeliveryTests {
    /// `count` playbooks due every day at 09:00 UTC, each with one reminder to `hook`, which is
    /// paced at `rateLimit`.
    static func workspace(count: Int, url: String, rateLimit: String = "none") throws -> (TemporaryDirectory, Workspace) {
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            """
            timezone: UTC
            delivery: { concurrency: 4 }
            targets:
              hook:
                kind: generic
                url: ${env:HOOK_URL}
                rate_limit: \(rateLimit)
            """)
        for i in 0..<count {
            dir.write(
                "playbooks/p\(i).yaml",
                """
                id: p\(i)
                title: Playbook \(i)
                cron: "0 9 * * *"
                duration: 15m
                grace: 1d
                remind:
                  - { target: hook, before: 0m }
                """)
        }
        return (dir, try Workspace.load(at: dir.path, environment: ["HOOK_URL": url]))
    }

    static let eight: Int64 = 1_796_630_400  // 2026-12-07T08:00:00Z
    static let nine: Int64 = eight + 3600

    /// A loopback receiver, `count` playbooks posting to it, and an engine that has ticked once
    /// at 08:00 (so every playbook has started and nothing is due before 09:00).
    struct Fixture {
        let server: LoopbackHTTPServer
        let dir: TemporaryDirectory
        let engine: Engine
        /// The engine's clock, at 08:00 when the fixture is made: tests move it forward.
        let clock = ManualClock()

        init(count: Int, rateLimit: String = "none") async throws {
            server = try LoopbackHTTPServer()
            let workspace: Workspace
            (dir, workspace) = try EngineDeliveryTests.workspace(count: count, url: server.url("/hook"), rateLimit: rateLimit)
            engine = Engine(
                workspace: workspace, store: try StateStore(path: dir.file("state.sqlite")), logger: Logger(label: "test"),
                timeline: Timeline(clock, startingAt: EngineDeliveryTests.eight))
            _ = try await engine.tick()
        }

        /// Moves the engine's clock to `instant`.
        func move(to instant: Int64) {
            clock.advance(by: .seconds(instant - engine.timeline.now))
        }

        var receivedIds: [String] { server.requests.compactMap { $0.headers["webhook-id"] } }
    }

    @Test func everyBatchIsSentOnceAcrossBatches() async throws {
        let f = try await Fixture(count: 150)
        defer { f.server.stop() }
        f.move(to: Self.nine + 5)
        let report = try await f.engine.tick()
        #expect(report.deliveries.count == 150)
        #expect(report.deliveries.allSatisfy { $0.outcome == "delivered" })
        let ids = f.receivedIds
        #expect(ids.count == 150)
        #expect(Set(ids).count == 150)
        #expect(try f.engine.store.deliveries(states: [.delivered], limit: 1000).count == 150)
    }

    @Test func anAgendaThatCannotBeWrittenRecordsNothing() async throws {
        let f = try await Fixture(count: 40)
        defer { f.server.stop() }
        let (dir, engine, store, server) = (f.dir, f.engine, f.engine.store, f.server)
        // A file where the output folder should be: no agenda folder can be created.
        dir.write("agendas", "not a folder")
        f.move(to: Self.nine + 5)
        await #expect(throws: EngineError.self) { try await engine.tick() }
        #expect(try store.lastOccurrences().isEmpty)
        #expect(try store.deliveries(limit: 1000).isEmpty)
        #expect(server.requestCount == 0)
        // Once the folder can be created, the next tick handles every occurrence, once.
        try FileManager.default.removeItem(atPath: dir.file("agendas"))
        f.move(to: Self.nine + 65)
        let report = try await engine.tick()
        #expect(report.occurrences.filter { $0.status == "handled" }.count == 40)
        #expect(server.requestCount == 40)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir.file("agendas")).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func whenTimeRunsOutNothingMoreIsClaimed() async throws {
        let f = try await Fixture(count: 100)
        defer { f.server.stop() }
        let (engine, server) = (f.engine, f.server)
        let concurrency = 4
        // Yes to starting, no to every later claim: only the first claim (one per place on the wire) goes out.
        let answers = Mutex(0)
        let keepSending: @Sendable () -> Bool = { answers.withLock { $0 += 1; return $0 <= 1 } }
        f.move(to: Self.nine + 5)
        let first = try await engine.tick(Engine.TickOptions(keepSending: keepSending))
        #expect(first.deliveries.count == concurrency)
        #expect(server.requestCount == concurrency)
        // The rest was never claimed: still pending, no attempt counted, no lease.
        let waiting = try engine.store.deliveries(states: [.pending], limit: 1000)
        #expect(waiting.count == 100 - concurrency)
        #expect(waiting.allSatisfy { $0.attempts == 0 && $0.leaseOwner == nil })
        #expect(try engine.store.deliveries(states: [.sending], limit: 1000).isEmpty)
        // The next tick sends the rest, each once.
        f.move(to: Self.nine + 65)
        let second = try await engine.tick()
        #expect(second.deliveries.count == 100 - concurrency)
        let ids = f.receivedIds
        #expect(ids.count == 100)
        #expect(Set(ids).count == 100)
    }

    /// Outcomes are recorded as answers arrive: at any moment at most `delivery.concurrency`
    /// deliveries are claimed and unrecorded, so a kill resends at most that many.
    @Test func atMostTheConcurrencyIsOnTheWireUnrecorded() async throws {
        let f = try await Fixture(count: 60)
        defer { f.server.stop() }
        let store = f.engine.store
        let most = Mutex(0)
        // The receiver looks at the state file while each request is on the wire.
        let reader = try StateStore(path: f.dir.file("state.sqlite"))
        f.server.setDefaultBehavior(
            .handler { _ in
                let sending = (try? reader.deliveries(states: [.sending], limit: 1000).count) ?? 0
                most.withLock { $0 = max($0, sending) }
                return .ok()
            })
        f.move(to: Self.nine + 5)
        let report = try await f.engine.tick()
        #expect(report.deliveries.count == 60)
        #expect(most.withLock { $0 } >= 1)
        #expect(most.withLock { $0 } <= 4)
        #expect(try store.deliveries(states: [.delivered], limit: 1000).count == 60)
    }

    /// The client paces on the engine's clock: a destination's next turn comes when that clock
    /// reaches it, not when real time does.
    @Test func aPacedTargetsNextReminderGoesOutWhenTheEnginesClockReachesItsTurn() async throws {
        let f = try await Fixture(count: 2, rateLimit: "1/s")
        defer { f.server.stop() }
        f.move(to: Self.nine + 5)
        let engine = f.engine
        let ticking = Task { try await engine.tick() }
        // One reminder went out; the other's turn is a second later, and the tick sleeps until then.
        #expect(await waitUntil(timeout: .seconds(10)) { f.server.requestCount == 1 && f.clock.sleeperCount == 1 })
        f.clock.advance(by: .seconds(1))
        let sent = await waitUntil(timeout: .seconds(10)) { f.server.requestCount == 2 }
        // Past the send budget, so that a tick still waiting for a turn ends and the test fails
        // instead of hanging.
        if !sent { f.clock.advance(by: .seconds(60)) }
        let report = try await ticking.value
        #expect(sent, "the second reminder was not sent at its turn on the engine's clock")
        let outcomes = report.deliveries.map(\.outcome)
        #expect(outcomes.filter { $0 == "delivered" }.count == 2, "\(outcomes)")
        #expect(outcomes.filter { $0 == "waiting until 2026-12-07T09:00:06Z" }.count == 1, "\(outcomes)")
        #expect(engine.timeline.now == Self.nine + 6)
        #expect(try engine.store.deliveries(states: [.delivered], limit: 10).count == 2)
    }
}
