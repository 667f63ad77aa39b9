import Foundation
import OpsCadenceTesting
import Testing

/// The KPI escalation ladder through the real binary: values recorded with `kpi record`, ticks
/// at given instants, the agenda files written and the generic webhook's JSON received.
@Suite struct KPIEscalationTests {
    static func playbook(_ id: String, _ schedule: String, agenda: String = "{ title: Scorecard, minutes: 5, kpis: [cost_per_order] }") -> String {
        """
        id: \(id)
        title: \(id)
        schedule: \(schedule)
        duration: 30m
        grace: 6h
        remind:
          - { target: hook, before: 0m }
        agenda:
          - \(agenda)
        """
    }

    static let playbooks = [
        "daily.yaml": playbook("daily-check", "weekdays at 08:30"),
        "weekly.yaml": playbook("weekly-review", "weekly on monday at 09:00"),
        "monthly.yaml": playbook("ops-sync", "monthly on the first tuesday at 10:00").replacingOccurrences(
            of: "title: ops-sync", with: "title: ops-sync\ntags: [monthly]"),
    ]

    static let config = """
        kpi_escalation: { daily_to_weekly: 2, weekly_to_monthly: 2 }
        kpis:
          cost_per_order: { green: 4.50, red: 6.00 }
        """

    /// Cost per order $7.10 from Friday 20 November, $6.80 from 2 December, $6.50 from 4
    /// December: all red (above $6.00), nothing before the 20th. The monthly review of Tuesday
    /// 1 December follows the weekly reviews of 23 and 30 November, both red (2 ≥ 2). The weekly
    /// review of Monday 7 December follows twelve red daily checks (20 November to 7 December,
    /// weekdays), the 19th having no value yet.
    @Test func redKPIsClimbIntoTheAgendasAndTheWebhook() throws {
        let f = try EngineFixture(playbooks: Self.playbooks, extraConfig: Self.config)
        for (date, value) in [("2026-11-20", "7.10"), ("2026-12-02", "6.80"), ("2026-12-04", "6.50")] {
            let recorded = try f.runner.run(["kpi", "record", "cost_per_order", value, "--at", date, "--now", "2026-12-05T12:00:00Z"])
            try #require(recorded.status == 0, "\(recorded.stderr)")
        }

        let monthlyTick = try f.tick("2026-12-01T15:00:00Z")  // Tuesday 10:00 EST
        #expect(monthlyTick.status == 0, "\(monthlyTick.stderr)")
        let monthly = try String(contentsOfFile: f.dir.file("agendas/ops-sync/2026-12-01T1000.md"), encoding: .utf8)
        #expect(monthly.contains("## Escalated from the weekly review\n\n- 🔴 **Cost per order**: red at 2 weekly reviews in a row: $7.10 (2026-11-20) (target ≤ $4.50)"))
        #expect(monthly.contains("## Meeting health\n\n2026-09-01 to 2026-12-01 (13 weeks)"))
        #expect(monthly.contains("| daily-check |"))

        let weeklyTick = try f.tick("2026-12-07T14:00:00Z")  // Monday 09:00 EST
        #expect(weeklyTick.status == 0, "\(weeklyTick.stderr)")
        let weekly = try String(contentsOfFile: f.dir.file("agendas/weekly-review/2026-12-07T0900.md"), encoding: .utf8)
        #expect(
            weekly.contains(
                "## Escalated from the daily check\n\n- 🔴 **Cost per order**: red at 12 daily checks in a row: $7.10 (2026-11-20), $6.80 (2026-12-02), $6.50 (2026-12-04) (target ≤ $4.50)"
            ))
        #expect(!weekly.contains("## Meeting health"))
        let daily = try String(contentsOfFile: f.dir.file("agendas/daily-check/2026-12-07T0830.md"), encoding: .utf8)
        #expect(!daily.contains("Escalated"))

        // The generic webhook's JSON: escalated_kpis on the weekly and monthly reminders only.
        var bodies: [String: [String: Any]] = [:]
        for request in f.server.requests {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            bodies[json["playbook"] as? String ?? ""] = json
        }
        #expect(bodies["daily-check"] != nil && bodies["daily-check"]?["escalated_kpis"] == nil)
        let fromDaily = try #require(bodies["weekly-review"]?["escalated_kpis"] as? [[String: Any]])
        #expect(fromDaily.count == 1)
        #expect(fromDaily.first?["kpi"] as? String == "cost_per_order")
        #expect(fromDaily.first?["from"] as? String == "daily")
        #expect(fromDaily.first?["streak"] as? Int == 12)
        #expect(fromDaily.first?["values"] as? [String] == ["$7.10 (2026-11-20)", "$6.80 (2026-12-02)", "$6.50 (2026-12-04)"])
        #expect(fromDaily.first?["target"] as? String == "≤ $4.50")
        let fromWeekly = try #require(bodies["ops-sync"]?["escalated_kpis"] as? [[String: Any]])
        #expect(fromWeekly.first?["from"] as? String == "weekly")
        #expect(fromWeekly.first?["streak"] as? Int == 2)

        // The same section in `opscadence agenda --format json`.
        let json = try #require(
            try f.runner.run(["agenda", "weekly-review", "--at", "2026-12-07", "--now", "2026-12-07T14:05:00Z", "--format", "json"]).json()
                as? [String: Any])
        let escalation = try #require(json["escalation"] as? [String: Any])
        #expect(escalation["heading"] as? String == "Escalated from the daily check")
        #expect((escalation["kpis"] as? [[String: Any]])?.first?["count"] as? Int == 12)
    }
}
