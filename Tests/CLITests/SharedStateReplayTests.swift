import Foundation
import OpsCadenceTesting
import Testing

/// Several instances share one PostgreSQL database (three hosts, here three workspace folders
/// with the same playbooks and `state:`), ticking at the same instants over 60 days of `--now`,
/// with instances killed mid-send and the database server restarted mid-tick.
@Suite(.serialized) struct SharedStateReplayTests {
    static let start = 1_772_236_800  // 2026-02-28T00:00:00Z: the first ticks, before any occurrence counted
    static let first = 1_772_323_200  // 2026-03-01T00:00:00Z: the first step
    static let step = 4 * 3600
    static let steps = 60 * 6  // 60 days of four-hour steps

    static let playbooks = [
        "daily.yaml": playbook("daily", schedule: "cron: \"0 9 * * *\"", catchUp: "all", grace: "1d", before: ["30m", "0m"]),
        "fourhourly.yaml": playbook("fourhourly", schedule: "cron: \"0 */4 * * *\"", catchUp: "all", grace: "1d"),
        "weekly.yaml": playbook("weekly", schedule: "cron: \"0 14 * * 1\"", catchUp: "all", grace: "1d"),
    ]

    /// webhook-ids the replay must deliver: every reminder of every occurrence from the first
    /// tick (still ahead then, so handled) to the last step, computed here without the engine.
    static func expectedIds(through last: Int) -> Set<String> {
        var ids = Set<String>()
        func stamp(_ t: Int) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
        }
        var t = start
        while t <= last {
            let secondOfDay = t % 86_400
            let weekday = ((t / 86_400) + 4) % 7  // 1970-01-01 was a Thursday; 1 = Monday
            if secondOfDay % (4 * 3600) == 0 { ids.insert("fourhourly.\(stamp(t)).0m.hook") }
            if secondOfDay == 9 * 3600 {
                ids.insert("daily.\(stamp(t)).30m.hook")
                ids.insert("daily.\(stamp(t)).0m.hook")
            }
            if secondOfDay == 14 * 3600 && weekday == 1 { ids.insert("weekly.\(stamp(t)).0m.hook") }
            t += 3600
        }
        return ids
    }

    @Test func threeTickLoopsShareTheWorkThroughKillsAndARestart() throws {
        let cluster = try PostgresCluster()
        let server = try LoopbackHTTPServer(defaultBehavior: .respondAfter(.milliseconds(30), .text("ok")))
        let instances = (0..<3).map { _ in TemporaryDirectory() }
        let runners = instances.map { dir in
            dir.write(
                "opscadence.yaml",
                """
                timezone: UTC
                state: ${env:OPS_STATE_URL}
                targets:
                  hook:
                    kind: generic
                    url: ${env:HOOK_URL}
                    rate_limit: none
                """)
            for (name, text) in Self.playbooks { dir.write("playbooks/\(name)", text) }
            return CommandRunner(directory: dir.path, environment: ["HOOK_URL": server.url("/hook"), "OPS_STATE_URL": cluster.url])
        }
        func instant(_ t: Int) -> String { RFC3339UTC.format(t) }

        for runner in runners {
            let result = try runner.run(["tick", "--now", instant(Self.start), "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
        }

        var random = SeededGenerator(seed: 0x5EED_0017)
        let killSteps = Set((0..<10).map { _ in random.next(Self.steps - 2) + 1 })
        let restartStep = Self.steps / 2
        var delivered = [0, 0, 0]
        var disturbedIds = Set<String>()  // received during a step with a kill or the restart
        var kills = 0
        var signaled = 0  // kills that landed while the tick ran
        var failedAtRestart = 0
        for index in 0..<Self.steps {
            let now = Self.first + index * Self.step
            let before = server.requestCount
            // Started in a random order each time, as hosts whose cron fires a little apart.
            let order = (0..<3).shuffled(using: &random)
            var started = [Int: CommandRunner.Running]()
            for instance in order { started[instance] = try runners[instance].start(["tick", "--now", instant(now), "--format", "json"]) }
            let running = (0..<3).map { started[$0]! }
            let disturbed = killSteps.contains(index) || index == restartStep
            if killSteps.contains(index) {
                usleep(UInt32(random.next(120_000)))
                running[random.next(3)].signal(SIGKILL)
                kills += 1
            }
            if index == restartStep {
                // Mid-send: once the step's first reminder has reached the receiver.
                let deadline = Date().addingTimeInterval(10)
                while server.requestCount == before && Date() < deadline { usleep(1_000) }
                try cluster.restart()
            }
            for (instance, process) in running.enumerated() {
                let result = try runners[instance].finish(process)
                if result.signaled { signaled += 1 }
                if index == restartStep && result.status == 1 { failedAtRestart += 1 }
                if disturbed && (result.signaled || result.status == 1) { continue }
                #expect(result.status == 0, "step \(index) instance \(instance): \(result.stderr)")
                if let report = try? result.json() as? [String: Any], let lines = report["deliveries"] as? [[String: Any]] {
                    delivered[instance] += lines.filter { $0["outcome"] as? String == "delivered" }.count
                }
            }
            if disturbed {
                disturbedIds.formUnion(server.requests.dropFirst(before).compactMap { $0.headers["webhook-id"] })
            }
        }
        // Claims of an instance killed at the last steps are taken over once their lease ends.
        let last = Self.first + (Self.steps - 1) * Self.step
        let flush = try runners[0].run(["tick", "--now", instant(last + 600), "--format", "json"])
        #expect(flush.status == 0, "\(flush.stderr)")

        let ids = server.requests.compactMap { $0.headers["webhook-id"] }
        let expected = Self.expectedIds(through: last)
        let missing = expected.subtracting(ids)
        let unexpected = Set(ids).subtracting(expected)
        #expect(missing.isEmpty && unexpected.isEmpty, "\(missing.count) missing (\(missing.sorted().prefix(5))), \(unexpected.count) unexpected (\(unexpected.sorted().prefix(5)))")
        var seen = [String: Int]()
        for id in ids { seen[id, default: 0] += 1 }
        let repeated = Set(seen.filter { $0.value > 1 }.keys)
        let unexplained = repeated.subtracting(disturbedIds)
        #expect(unexplained.isEmpty, "repeated outside a kill or the restart: \(unexplained.sorted().prefix(10))")
        // At most the requests on the wire at each disturbance (delivery.concurrency, 8).
        let duplicates = ids.count - Set(ids).count
        #expect(duplicates <= (kills + 3) * 8, "\(duplicates) duplicates for \(kills) kills and a restart")
        // Every occurrence is recorded once (the unique key makes a second row impossible; the count shows none went missing).
        let occurrences = try cluster.psql("SELECT COUNT(*), COUNT(DISTINCT (playbook_id, scheduled_at)) FROM occurrence")
        let expectedOccurrences = Set(expected.map { $0.split(separator: ".").prefix(2).joined(separator: ".") }).count
        #expect(occurrences == "\(expectedOccurrences)|\(expectedOccurrences)")
        // The faults happened: kills landed on running ticks, and the restart broke a tick mid-way.
        #expect(signaled >= kills / 2, "\(signaled) of \(kills) kills landed")
        #expect(failedAtRestart >= 1)
        // The work was shared: every instance delivered a part of it.
        #expect(delivered.allSatisfy { $0 > expected.count / 10 }, "delivered per instance: \(delivered)")
    }
}

/// RFC 3339 in UTC for `--now`.
enum RFC3339UTC {
    static func format(_ t: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
    }
}
