import Foundation
import OpsCadenceTesting
import Recurrence
import StateStore
import Testing

/// A 60-day replay of a daily playbook that asks for acknowledgement and escalates twice:
/// `tick --now` advancing by random steps (sometimes past grace), acknowledgements before,
/// between or after the escalation deadlines or never, overlapping ticks, and ticks killed with
/// SIGKILL while a request is on the wire. The receiver's log is checked against escalations
/// worked out in the test from the same events.
@Suite struct EscalationReplayTests {
    /// 08:30 New York is 13:30Z every day of the replay: December and January have no DST change.
    static let firstOccurrence = RFC3339.parseInstant("2026-12-01T13:30:00Z")!
    static let days = 60
    static let grace: Int64 = 6 * 3600

    /// The reminder at the start and the two escalations: (offset from the start, lead as in the
    /// webhook-id, target, cancelled by an acknowledgement).
    static let steps: [(offset: Int64, lead: String, target: String, escalates: Bool)] = [
        (0, "0m", "hook", false), (1800, "-30m", "first", true), (7200, "-2h", "second", true),
    ]

    static let playbook = """
        id: daily
        title: Daily check
        cron: "30 8 * * *"
        duration: 5m
        catch_up: all
        grace: 6h
        remind:
          - { target: hook, before: 0m }
        acknowledge:
          within: 30m
          escalate:
            - { target: first, after: 30m }
            - { target: second, after: 2h }
        """

    enum Event {
        case tick(Int64)
        case ack(occurrence: Int64, at: Int64)

        var time: Int64 {
            switch self {
            case .tick(let t): t
            case .ack(_, let at): at
            }
        }
    }

    enum TickMode { case single, overlapping, killed }

    @Test(arguments: [UInt64(20_261_201), 7_340_027])
    func sixtyDaysSendEveryDueEscalationExactlyOnce(seed: UInt64) async throws {
        let f = try EngineFixture(playbooks: ["daily.yaml": Self.playbook])
        // One request on the wire at a time: a kill then interrupts exactly the request the
        // receiver is holding, and nothing else can have been sent by the killed process.
        f.dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            delivery: { concurrency: 1 }
            targets:
              hook: { kind: generic, url: "${env:HOOK_URL}", rate_limit: none }
              first: { kind: generic, url: "${env:FIRST_URL}", rate_limit: none }
              second: { kind: generic, url: "${env:SECOND_URL}", rate_limit: none }
            """)
        let runner = CommandRunner(
            directory: f.dir.path,
            environment: ["HOOK_URL": f.server.url("/hook"), "FIRST_URL": f.server.url("/first"), "SECOND_URL": f.server.url("/second")])
        var rng = SeededGenerator(seed: seed)
        let occurrences = (0..<Int64(Self.days)).map { Self.firstOccurrence + $0 * 86_400 }
        // The replay ends the morning after the last occurrence, before the next one.
        let end = occurrences.last! + 20 * 3600

        // Ticks on whole minutes, mostly every few hours, sometimes after an outage longer than
        // grace, sometimes exactly on a deadline.
        var ticks: [Int64] = [RFC3339.parseInstant("2026-12-01T00:00:00Z")!]
        while ticks.last! < end {
            let last = ticks.last!
            let roll = Int.random(in: 0..<100, using: &rng)
            let step: Int64
            switch roll {
            case 0..<60: step = Int64.random(in: 30...240, using: &rng) * 60
            case 60..<85: step = Int64.random(in: 180...360, using: &rng) * 60
            case 85..<95: step = Int64.random(in: 420...780, using: &rng) * 60
            default:
                let deadlines = occurrences.flatMap { s in Self.steps.map { s + $0.offset } }
                step = (deadlines.first { $0 > last } ?? last + 3600) - last
            }
            ticks.append(min(last + step, end))
        }

        // Acknowledgements at odd seconds, so never at the instant of a tick.
        var acks: [Int64: Int64] = [:]
        var kinds: [String: Int] = [:]
        for s in occurrences {
            let (e1, e2) = (s + 1800, s + 7200)
            let kind = ["before", "second before", "between", "second after", "after", "never"].randomElement(using: &rng)!
            kinds[kind, default: 0] += 1
            switch kind {
            case "before": acks[s] = s - 1800 + Int64.random(in: 0..<59, using: &rng) * 60 + 31
            case "second before": acks[s] = e1 - 1
            case "between": acks[s] = e1 + Int64.random(in: 0..<89, using: &rng) * 60 + 31
            case "second after": acks[s] = e1 + 1
            case "after": acks[s] = e2 + Int64.random(in: 0..<600, using: &rng) * 60 + 31
            default: break
            }
        }
        let events = (ticks.map(Event.tick) + acks.map { Event.ack(occurrence: $0.key, at: $0.value) }).sorted { $0.time < $1.time }

        // Play the events.
        let server = f.server
        var logicalTicks: [Int64] = []
        var inFlightAtKill = Set<String>()
        var kills = 0
        var overlaps = 0
        for event in events {
            switch event {
            case .ack(let occurrence, let at):
                let ack = try runner.run(["ack", "daily", "--at", RFC3339.formatUTC(occurrence), "--now", RFC3339.formatUTC(at), "--format", "json"])
                #expect(ack.status == 0, "\(ack.stderr)")
                let json = try #require(try ack.json() as? [String: Any])
                #expect((json["occurrence"] as? String).flatMap(RFC3339.parseInstant) == occurrence)
            case .tick(let now):
                logicalTicks.append(now)
                let arguments = ["tick", "--now", RFC3339.formatUTC(now), "--format", "json"]
                let mode: TickMode = [.single, .single, .single, .single, .overlapping, .killed, .killed].randomElement(using: &rng)!
                switch mode {
                case .single:
                    let result = try runner.run(arguments)
                    #expect(result.status == 0, "\(RFC3339.formatUTC(now)): \(result.stdout)\(result.stderr)")
                case .overlapping:
                    overlaps += 1
                    let running = try [runner.start(arguments), runner.start(arguments)]
                    for result in try running.map({ try runner.finish($0) }) {
                        #expect(result.status == 0, "\(RFC3339.formatUTC(now)): \(result.stdout)\(result.stderr)")
                    }
                case .killed:
                    // The receiver holds whatever comes; the tick is killed as soon as a request
                    // arrives, from a thread of its own so that the kill lands while it is held.
                    server.setDefaultBehavior(.hang)
                    let before = server.requestCount
                    let running = try runner.start(arguments)
                    _ = await waitOnThread(timeout: .seconds(30)) {
                        server.requestCount > before || !running.process.isRunning
                    } then: { _ in
                        if server.requestCount > before { running.signal(SIGKILL) }
                    }
                    let result = try runner.finish(running)
                    server.setDefaultBehavior(.ok())
                    guard result.signaled else {
                        // Nothing was due: the tick ended on its own.
                        #expect(result.status == 0, "\(RFC3339.formatUTC(now)): \(result.stdout)\(result.stderr)")
                        continue
                    }
                    kills += 1
                    let held = server.requests.dropFirst(before).compactMap { $0.headers["webhook-id"] }
                    #expect(held.count == 1, "\(held)")
                    inFlightAtKill.formUnion(held)
                    // The next tick at the same instant finds the interrupted delivery and resends it.
                    let rerun = try runner.run(arguments)
                    #expect(rerun.status == 0, "\(RFC3339.formatUTC(now)): \(rerun.stdout)\(rerun.stderr)")
                    #expect((try rerun.json() as? [String: Any])?["recovered"] as? Int == 1)
                }
            }
        }

        // The oracle, from the events alone. An occurrence opens at the first tick at or after
        // its start, and is missed if that is more than grace after it; a delivery whose time
        // passed more than grace before that tick is missed too. The others wait for the first
        // tick at or after their time, the sender. An escalation is cancelled when the occurrence
        // was acknowledged before the sender: by the acknowledgement itself if it came after the
        // opening, else by the sender's look before sending, unless the sender first expires it
        // (more than grace late). What is left is sent, unless the sender is more than grace late.
        var expected = Set<String>()
        var cancelled = 0
        var late = 0
        for s in occurrences {
            guard let opening = logicalTicks.first(where: { $0 >= s }), opening - s <= Self.grace else {
                late += 1
                continue
            }
            for step in Self.steps {
                let due = s + step.offset
                guard let sender = logicalTicks.first(where: { $0 >= due }) else { continue }
                let tooLate = sender - due > Self.grace
                if opening - due > Self.grace {
                    late += 1
                    continue
                }
                if step.escalates, let ack = acks[s], ack < sender, ack > opening || !tooLate {
                    cancelled += 1
                    continue
                }
                if tooLate {
                    late += 1
                    continue
                }
                let stamp = RFC3339.formatUTC(s).filter { $0 != "-" && $0 != ":" }
                expected.insert("daily.\(stamp).\(step.lead).\(step.target)")
            }
        }

        let requests = server.requests
        let received = requests.compactMap { $0.headers["webhook-id"] }
        #expect(received.count == requests.count, "a request without webhook-id")
        let missing = expected.subtracting(received)
        let unexpected = Set(received).subtracting(expected)
        #expect(missing.isEmpty, "never received: \(missing.sorted().prefix(10))")
        #expect(unexpected.isEmpty, "received but not due: \(unexpected.sorted().prefix(10))")
        let counts = Dictionary(received.map { ($0, 1) }, uniquingKeysWith: +)
        let duplicates = Set(counts.filter { $0.value > 1 }.keys)
        #expect(duplicates.isSubset(of: inFlightAtKill), "sent twice without a kill: \(duplicates.subtracting(inFlightAtKill).sorted())")
        #expect(counts.values.allSatisfy { $0 <= 2 }, "sent more than twice: \(counts.filter { $0.value > 2 })")
        // A resend is the same request: the same webhook-id, the same stored body.
        for id in duplicates {
            let bodies = Set(requests.filter { $0.headers["webhook-id"] == id }.map(\.body))
            #expect(bodies.count == 1, "\(id) was resent with another body")
        }

        // The outbox agrees: the cancelled escalations are dropped, none died.
        let store = try StateStore(path: f.dir.file(".opscadence/state.sqlite"))
        let dropped = try store.deliveries(states: [.dropped], limit: 10_000)
        #expect(dropped.count == cancelled)
        #expect(try store.deliveries(states: [.dead], limit: 10_000).isEmpty)

        // Every path was taken.
        #expect(kills >= 3 && overlaps >= 3, "kills \(kills), overlaps \(overlaps)")
        #expect(cancelled >= 10 && late >= 1, "cancelled \(cancelled), late \(late)")
        #expect(expected.filter { $0.hasSuffix(".first") || $0.hasSuffix(".second") }.count >= 20)
        #expect(kinds.count == 6, "\(kinds)")
    }
}
