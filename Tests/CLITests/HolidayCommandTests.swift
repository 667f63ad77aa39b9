import Foundation
import OpsCadenceTesting
import Testing

/// What people see when a holiday policy moves or skips a meeting: the shipped workspace takes
/// US federal holidays from `holidays: { country: US }`, so Martin Luther King Jr. Day
/// (Monday 18 January 2027) moves the weekly review and skips the daily check.
@Suite struct HolidayCommandTests {
    static let now = ["--now", "2027-01-15T12:00:00Z"]

    @Test func upcomingSaysMovedFromAndSkipped() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let text = try runner.run(["upcoming", "--days", "7"] + Self.now)
        #expect(text.status == 0, "\(text.stderr)")
        let weekly = text.lines.filter { $0.contains("weekly-kpi-review") }
        #expect(weekly.count == 1)
        #expect(weekly.first?.contains("Tue 2027-01-19 09:00") == true)
        #expect(weekly.first?.hasSuffix("— moved from Mon 18 Jan: Martin Luther King Jr. Day") == true, "\(weekly)")
        #expect(text.lines.contains { $0.contains("Mon 2027-01-18 08:30") && $0.hasSuffix("— skipped: Martin Luther King Jr. Day") })

        let json = try #require(try runner.run(["upcoming", "--days", "7", "--format", "json"] + Self.now).json() as? [[String: String]])
        let moved = try #require(json.first { $0["playbook"] == "weekly-kpi-review" })
        #expect(moved["occurrence"] == "2027-01-19T09:00:00-05:00")
        #expect(moved["holiday"] == "moved from Mon 18 Jan: Martin Luther King Jr. Day")
        #expect(json.filter { $0["holiday"] != nil }.count == 1)
    }

    @Test func theAgendaAndTheCalendarSaySo() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let agenda = try runner.run(["agenda", "weekly-kpi-review", "--at", "2027-01-19"] + Self.now)
        #expect(agenda.status == 0, "\(agenda.stderr)")
        #expect(agenda.stdout.contains("· moved from Mon 18 Jan: Martin Luther King Jr. Day"), "\(agenda.stdout.prefix(400))")
        let html = try runner.run(["agenda", "weekly-kpi-review", "--at", "2027-01-19", "--format", "html"] + Self.now)
        #expect(html.stdout.contains("moved from Mon 18 Jan: Martin Luther King Jr. Day"))
        let ics = try runner.run(["calendar"] + Self.now)
        let unfolded = ics.stdout.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("Tue 2027-01-19 09:00: moved from Mon 18 Jan: Martin Luther King Jr. Day"))
        #expect(unfolded.contains("Mon 2027-01-18 08:30: skipped: Martin Luther King Jr. Day"))
    }

    @Test(arguments: ["slack", "generic"])
    func theChatReminderSaysSo(kind: String) throws {
        let dir = TemporaryDirectory()
        let server = try LoopbackHTTPServer(defaultBehavior: .ok())
        dir.write(
            "opscadence.yaml",
            "timezone: America/New_York\nholidays: { country: US }\ntargets:\n  chat:\n    kind: \(kind)\n    url: ${env:CHAT_URL}\n")
        dir.write(
            "playbooks/weekly.yaml",
            """
            id: weekly
            title: Weekly review
            schedule: weekly on monday at 09:00
            duration: 30m
            holiday: next_business_day
            remind:
              - { target: chat, before: 15m }

            """)
        let runner = CommandRunner(directory: dir.path, environment: ["CHAT_URL": server.url("/hooks/x")])
        // 08:50 EST on Tuesday 19 January 2027: the reminder for 09:00 is due.
        let tick = try runner.run(["tick", "--now", "2027-01-19T13:50:00Z"])
        #expect(tick.status == 0, "\(tick.stderr)")
        let body = try #require(server.requests.first?.bodyText)
        #expect(body.contains("moved from Mon 18 Jan: Martin Luther King Jr. Day"), "\(body.prefix(600))")
    }
}
