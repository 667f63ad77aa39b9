import Foundation
import OpsCadenceTesting
import Recurrence
import Testing

/// The exported calendar, parsed back by Python's `icalendar` and expanded by dateutil, must
/// give the same instants as `opscadence upcoming` — holidays, DST and time zones included.
@Suite struct CalendarExportTests {
    @Test func icalendarParsesBackToTheScheduledOccurrences() throws {
        let dir = try shippedWorkspaceCopy()
        // A cron playbook in another zone, and a holiday that moves one occurrence.
        dir.write(
            "playbooks/zz-london.yaml",
            "id: london-sync\ntitle: London sync\ncron: \"30 8 * * 1,4\"\ntimezone: Europe/London\nduration: 20m\nholiday: next_business_day\n")
        let runner = CommandRunner(directory: dir.path)
        let now = "2026-12-01T00:00:00Z"
        let ics = try runner.run(["calendar", "--now", now, "--days", "400"])
        #expect(ics.status == 0, "\(ics.stderr)")
        dir.write("cadence.ics", ics.stdout)
        #expect(ics.stdout.contains("BEGIN:VTIMEZONE\r\nTZID:America/New_York"))
        #expect(ics.stdout.contains("TZID:Europe/London"))
        #expect(ics.stdout.contains("UID:weekly-kpi-review@"))
        #expect(ics.stdout.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })

        let end = "2027-12-15T00:00:00Z"
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", repositoryRoot + "/Tests/CLITests/Scripts/ics_expand.py", dir.file("cadence.ics"), now, end]
        let pipe = Pipe()
        let errors = Pipe()
        python.standardOutput = pipe
        python.standardError = errors
        try python.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "\(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        let parsed = try #require(try JSONSerialization.jsonObject(with: output) as? [String: [String]])

        let days = (RFC3339.parseInstant(end)! - RFC3339.parseInstant(now)!) / 86_400
        let upcoming = try #require(try runner.run(["upcoming", "--days", "\(days)", "--format", "json", "--now", now]).json() as? [[String: String]])
        var expected: [String: [String]] = [:]
        for row in upcoming {
            let uid = parsed.keys.first { $0.hasPrefix(row["playbook"]! + "@") } ?? row["playbook"]!
            expected[uid, default: []].append(RFC3339.formatUTC(RFC3339.parseInstant(row["occurrence"]!)!))
        }
        #expect(parsed.count == 10)
        for (uid, instants) in parsed {
            #expect(instants == (expected[uid] ?? []), "\(uid)")
        }
        // Christmas (a workspace holiday, a Friday) is excluded from the daily check.
        #expect(ics.stdout.contains("EXDATE;TZID=America/New_York:20261225T083000"))
    }
}
