import Foundation
import OpsCadenceTesting
import Recurrence
import StateStore
import Testing

/// `opscadence health` against a week worked out by hand.
@Suite struct MeetingHealthTests {
    static let check = """
        id: check
        title: Daily check
        cron: "30 8 * * *"
        duration: 5m
        grace: 6h
        remind:
          - { target: hook, before: 0m }
        acknowledge:
          within: 30m
        agenda:
          - { title: Review, minutes: 5, carry_over: true }
        checklist:
          - Open the dashboard
          - Give every red alert an owner
        """

    @Test func aWeekMatchesTheFiguresWorkedOutByHand() throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        @discardableResult func run(_ arguments: [String]) throws -> CommandRunner.Result {
            let result = try f.runner.run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        // Seven occurrences in the week before Tuesday 8 December 15:00Z: 2-8 December at 13:30Z.
        // Acknowledged on time on the 2nd and the 4th (a second before the deadline), late on the 3rd: 2/7.
        try run(["ack", "check", "--at", "2026-12-02", "--now", "2026-12-02T13:40:00Z"])
        try run(["ack", "check", "--at", "2026-12-03", "--now", "2026-12-03T14:10:00Z"])
        try run(["ack", "check", "--at", "2026-12-04", "--now", "2026-12-04T13:59:59Z"])
        // Checklist before the start: both items on the 2nd, none on the 3rd (ticked after), one on the 4th: 3/14.
        try run(["checklist", "check", "check", "1", "--at", "2026-12-02", "--now", "2026-12-02T13:00:00Z"])
        try run(["checklist", "check", "check", "2", "--at", "2026-12-02", "--now", "2026-12-02T13:00:00Z"])
        try run(["checklist", "check", "check", "1", "--at", "2026-12-03", "--now", "2026-12-03T13:35:00Z"])
        try run(["checklist", "check", "check", "1", "--at", "2026-12-04", "--now", "2026-12-04T13:29:00Z"])
        // Action items due in the window: A done on its due date, B done late, C still open: 1/3.
        // D is due after the window. Open: C (7 days old) and D (1 day): median 4 days.
        func add(_ text: String, due: String, at: String) throws -> Int {
            let json = try run(["action", "add", text, "--playbook", "check", "--due", due, "--now", at, "--format", "json"]).json()
            return try #require((json as? [String: Any])?["id"] as? Int)
        }
        let a = try add("A", due: "2026-12-03", at: "2026-12-01T15:00:00Z")
        let b = try add("B", due: "2026-12-04", at: "2026-12-01T15:00:00Z")
        _ = try add("C", due: "2026-12-05", at: "2026-12-01T15:00:00Z")
        _ = try add("D", due: "2026-12-09", at: "2026-12-07T15:00:00Z")
        try run(["action", "done", "\(a)", "--now", "2026-12-03T22:00:00Z"])
        try run(["action", "done", "\(b)", "--now", "2026-12-06T15:00:00Z"])
        // Ratings of the 2nd: 8 and 6, average 7.0 (not red: the threshold is below 7).
        let store = try StateStore(path: f.dir.file(".opscadence/state.sqlite"))
        try store.rate(playbook: "check", scheduledAt: 1_796_218_200, person: "Ada", rating: 8, now: 1_796_222_000)
        try store.rate(playbook: "check", scheduledAt: 1_796_218_200, person: "Max", rating: 6, now: 1_796_222_000)

        let health = try #require(try run(["health", "--weeks", "1", "--now", "2026-12-08T15:00:00Z", "--format", "json"]).json() as? [String: Any])
        let row = try #require((health["rows"] as? [[String: Any]])?.first)
        func figure(_ key: String) -> (Double?, Bool) {
            let value = row[key] as? [String: Any]
            return (value?["value"] as? Double, value?["is_red"] as? Bool ?? false)
        }
        #expect(row["occurrences"] as? Int == 7)
        #expect(figure("acknowledged_on_time").0.map { abs($0 - 2.0 / 7) < 1e-9 } == true)
        #expect(figure("acknowledged_on_time").1)
        #expect(figure("checklist_before_start").0.map { abs($0 - 3.0 / 14) < 1e-9 } == true)
        #expect(figure("actions_closed_on_time").0.map { abs($0 - 1.0 / 3) < 1e-9 } == true)
        #expect(figure("open_action_median_age_days").0.map { abs($0 - 4.0) < 1e-9 } == true)
        #expect(figure("open_action_median_age_days").1 == false)
        #expect(figure("average_rating").0 == 7.0)
        #expect(figure("average_rating").1 == false)
        let text = try run(["health", "--weeks", "1", "--now", "2026-12-08T15:00:00Z"]).stdout
        #expect(text.contains("29 % (red)") && text.contains("21 % (red)") && text.contains("33 % (red)") && text.contains("4.0 days"))
        #expect(try f.runner.run(["health", "--weeks", "0"]).status == 2)
    }

    /// A quarter (13 weeks, 91 daily occurrences) of acknowledgements, checklist marks, action
    /// items and ratings generated from a seed through the command line (ratings through the
    /// state, as the web page records them); the figures are worked out here from what was
    /// generated, with Foundation's calendar for the local dates.
    @Test(arguments: [UInt64(13), 2027])
    func aGeneratedQuarterMatchesTheFiguresComputedInTheTest(seed: UInt64) throws {
        let f = try EngineFixture(playbooks: ["check.yaml": Self.check])
        @discardableResult func run(_ arguments: [String]) throws -> CommandRunner.Result {
            let result = try f.runner.run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        var rng = SeededGenerator(seed: seed)
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func stamp(_ t: Int64) -> String { RFC3339.formatUTC(t) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        func localDate(_ t: Int64) -> String {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(t)))
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }

        // Tuesday 2 March 2027, 15:00Z; the 13 weeks before it start on 1 December 15:00Z. The
        // daily 08:30 New York check is at 13:30Z throughout (no DST change in the window), so
        // 2 December to 2 March: 91 occurrences.
        let now = RFC3339.parseInstant("2027-03-02T15:00:00Z")!
        let start = now - 91 * 86_400
        let occurrences = (0..<Int64(91)).map { RFC3339.parseInstant("2026-12-02T13:30:00Z")! + $0 * 86_400 }
        // How disciplined this team is: some quarters are green, some red.
        let discipline = Double.random(in: 0.5...0.95, using: &rng)

        try FileManager.default.createDirectory(atPath: f.dir.file(".opscadence"), withIntermediateDirectories: true)
        let store = try StateStore(path: f.dir.file(".opscadence/state.sqlite"))
        var acknowledgedOnTime = 0
        var tickedBeforeStart = 0
        var ratings: [Int] = []
        for s in occurrences {
            // Acknowledged early, on time, exactly at the deadline, a second late, late, or never.
            if chance(0.95) {
                let at: Int64 =
                    chance(discipline)
                    ? [s - Int64.random(in: 1...3540, using: &rng), s + Int64.random(in: 0...1800, using: &rng), s + 1800].randomElement(using: &rng)!
                    : [s + 1801, s + Int64.random(in: 1802...14_400, using: &rng)].randomElement(using: &rng)!
                try run(["ack", "check", "--at", stamp(s), "--now", stamp(at)])
                if at <= s + 1800 { acknowledgedOnTime += 1 }
            }
            // Each checklist item: ticked the day before, exactly at the start, after it, or not at all.
            for item in 1...2 where chance(0.95) {
                let at: Int64 =
                    chance(discipline)
                    ? [s - Int64.random(in: 1...72_000, using: &rng), s].randomElement(using: &rng)!
                    : s + Int64.random(in: 1...10_800, using: &rng)
                try run(["checklist", "check", "check", "\(item)", "--at", stamp(s), "--now", stamp(at)])
                if at <= s { tickedBeforeStart += 1 }
            }
            // Zero to three ratings, an hour after the meeting.
            for person in ["Ada", "Max", "Noor"].prefix(Int.random(in: 0...3, using: &rng)) {
                let rating = Int.random(in: discipline > 0.75 ? 5...10 : 1...10, using: &rng)
                try store.rate(playbook: "check", scheduledAt: s, person: person, rating: rating, now: s + 3600)
                ratings.append(rating)
            }
        }

        // Action items created through the quarter, due 0-20 days later; open, done by the end of
        // their due date (local time), or done later.
        let fromDate = localDate(start)
        let today = localDate(now)
        var dueInWindow = 0
        var closedOnTime = 0
        var openAges: [Double] = []
        for index in 0..<Int.random(in: 24...32, using: &rng) {
            let created = start + Int64.random(in: 0..<(88 * 86_400), using: &rng)
            let dueDay = calendar.date(byAdding: .day, value: Int.random(in: 0...20, using: &rng), to: Date(timeIntervalSince1970: TimeInterval(created)))!
            let due = localDate(Int64(dueDay.timeIntervalSince1970))
            let json = try run(["action", "add", "Item \(index)", "--playbook", "check", "--due", due, "--now", stamp(created), "--format", "json"]).json()
            let id = try #require((json as? [String: Any])?["id"] as? Int)
            // The last second of the due date in New York.
            let endOfDue = Int64(calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: dueDay))!.timeIntervalSince1970) - 1
            var done: Int64?
            if chance(0.75) {
                done = chance(discipline) ? Int64.random(in: created...endOfDue, using: &rng) : endOfDue + Int64.random(in: 1...(10 * 86_400), using: &rng)
                if done! > now { done = nil }
            }
            if let done { try run(["action", "done", "\(id)", "--now", stamp(done)]) } else { openAges.append(Double(now - created) / 86_400) }
            if due >= fromDate && due < today {
                dueInWindow += 1
                if let done, localDate(done) <= due { closedOnTime += 1 }
            }
        }
        openAges.sort()
        let medianAge: Double? =
            openAges.isEmpty
            ? nil : openAges.count % 2 == 1 ? openAges[openAges.count / 2] : (openAges[openAges.count / 2 - 1] + openAges[openAges.count / 2]) / 2

        let expected: [(key: String, value: Double?, red: (Double) -> Bool)] = [
            ("acknowledged_on_time", Double(acknowledgedOnTime) / 91, { $0 < 0.8 }),
            ("checklist_before_start", Double(tickedBeforeStart) / 182, { $0 < 0.8 }),
            ("actions_closed_on_time", dueInWindow == 0 ? nil : Double(closedOnTime) / Double(dueInWindow), { $0 < 0.8 }),
            ("open_action_median_age_days", medianAge, { $0 > 28 }),
            ("average_rating", ratings.isEmpty ? nil : Double(ratings.reduce(0, +)) / Double(ratings.count), { $0 < 7 }),
        ]
        let health = try #require(try run(["health", "--now", stamp(now), "--format", "json"]).json() as? [String: Any])
        #expect(health["weeks"] as? Int == 13)
        #expect(health["from"] as? String == "2026-12-01" && health["to"] as? String == "2027-03-02")
        let row = try #require((health["rows"] as? [[String: Any]])?.first)
        #expect(row["occurrences"] as? Int == 91)
        for (key, value, red) in expected {
            let figure = row[key] as? [String: Any]
            let measured = figure?["value"] as? Double
            if let value {
                #expect(measured.map { abs($0 - value) < 1e-9 } == true, "\(key): expected \(value), got \(String(describing: measured))")
                #expect(figure?["is_red"] as? Bool == red(value), "\(key)")
            } else {
                #expect(measured == nil, "\(key)")
            }
        }
        // The generation reached every figure.
        #expect(dueInWindow > 0 && !openAges.isEmpty && !ratings.isEmpty)
    }
}
