import Foundation
import OpsCadenceTesting
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
        func run(_ arguments: [String]) throws -> CommandRunner.Result {
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
}
