import Foundation
import OpsCadenceTesting
import Recurrence
import Testing

/// A 90-day replay: `tick --now` advancing by random steps (minutes to days), checked against
/// what the recurrence engine predicts for each catch-up policy — every occurrence recorded
/// exactly once with the right status, every handled one delivered exactly once.
@Suite struct ReplayTests {
    struct Spec {
        var id: String
        var schedule: String
        var catchUp: String
        var grace: Int64
    }

    static let specs = [
        Spec(id: "every-three-hours", schedule: "cron: \"0 */3 * * *\"", catchUp: "all", grace: 30 * 86_400),
        Spec(id: "weekday-review", schedule: "schedule: weekdays at 09:00", catchUp: "latest", grace: 6 * 3600),
        Spec(id: "half-past", schedule: "cron: \"30 * * * *\"", catchUp: "none", grace: 6 * 3600),
    ]

    @Test func ninetyDaysOfRandomTicksMatchThePredictedOccurrences() throws {
        let playbooks = Dictionary(
            uniqueKeysWithValues: ReplayTests.specs.map {
                ("\($0.id).yaml", playbook($0.id, schedule: $0.schedule, catchUp: $0.catchUp, grace: DurationText($0.grace)))
            })
        let f = try EngineFixture(playbooks: playbooks)
        let zone = try ZoneRules(identifier: "America/New_York")
        let schedules = try ReplayTests.specs.map { spec -> Schedule in
            spec.schedule.hasPrefix("cron")
                ? try Schedule.cron(String(spec.schedule.dropFirst(7).dropLast()), zone: zone)
                : try Schedule.phrase(String(spec.schedule.dropFirst(10)), zone: zone)
        }

        // Random but reproducible tick instants.
        var rng = SeededGenerator(seed: 20_261_126)
        let start = RFC3339.parseInstant("2026-10-01T00:00:00Z")!
        var ticks = [start]
        while ticks.last! < start + 90 * 86_400 {
            let roll = rng.next(10)
            var step: Int64 = roll < 3 ? 60 + Int64(rng.next(7200)) : roll < 6 ? 7200 + Int64(rng.next(79_200)) : 86_400 + Int64(rng.next(172_800))
            // Sometimes land right after a half-past occurrence, where catch_up: none still handles it.
            if rng.next(6) == 0, let o = schedules[2].next(after: ticks.last!) { step = o.instant - ticks.last! + Int64(rng.next(45)) }
            ticks.append(ticks.last! + max(step, 1))
        }

        var observed: [String: String] = [:]  // "playbook instant" → status
        var duplicates: [String] = []
        for tick in ticks {
            let result = try f.tick(RFC3339.formatUTC(tick))
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try result.json() as? [String: Any])
            for line in report["occurrences"] as? [[String: Any]] ?? [] {
                let key = "\(line["playbook"]!) \(line["occurrence"]!)"
                if observed[key] != nil { duplicates.append(key) }
                observed[key] = line["status"] as? String
            }
        }
        #expect(duplicates.isEmpty)

        // The oracle: batch each playbook's occurrences by the tick that first sees them.
        var expected: [String: String] = [:]
        var expectedDeliveries = Set<String>()
        for (spec, schedule) in zip(ReplayTests.specs, schedules) {
            for (previous, tick) in zip(ticks, ticks.dropFirst()) {
                let batch = schedule.occurrences(after: previous, through: tick)
                for (index, o) in batch.enumerated() {
                    var status = "handled"
                    switch spec.catchUp {
                    case "latest": if index < batch.count - 1 { status = "coalesced" }
                    case "none": if tick - o.instant > 60 { status = "missed" }
                    default: break
                    }
                    if status == "handled", tick - o.instant > spec.grace { status = "missed" }
                    expected["\(spec.id) \(o.rfc3339)"] = status
                    if status == "handled" {
                        let stamp = RFC3339.formatUTC(o.instant).filter { $0 != "-" && $0 != ":" }
                        expectedDeliveries.insert("\(spec.id).\(stamp).0m.hook")
                    }
                }
            }
        }
        #expect(observed.count == expected.count)
        let mismatches = expected.filter { observed[$0.key] != $0.value }.map { "\($0.key): expected \($0.value), got \(observed[$0.key] ?? "nothing")" }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        // Every policy was exercised.
        for status in ["handled", "coalesced", "missed"] { #expect(expected.values.contains(status)) }

        let received = f.receivedIds
        #expect(received.count == Set(received).count, "a reminder was sent twice")
        #expect(Set(received) == expectedDeliveries)
        #expect(received.count > 700)
        #expect(ticks.count > 60)
    }
}


func DurationText(_ seconds: Int64) -> String { seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : "\(seconds / 3600)h" }
