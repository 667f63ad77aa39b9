import Foundation
import OpsCadenceTesting
import Testing

@Suite struct NextCommandTests {
    let runner = CommandRunner(directory: FileManager.default.temporaryDirectory.path)

    @Test func jsonIsAnArrayOfRFC3339InTheZonesOffset() throws {
        let r = try runner.run(["next", "--cron", "0 9 * * 1", "--tz", "America/New_York", "--after", "2026-03-01T00:00:00Z", "--count", "3", "--format", "json"])
        #expect(r.status == 0)
        #expect(try r.json() as? [String] == ["2026-03-02T09:00:00-05:00", "2026-03-09T09:00:00-04:00", "2026-03-16T09:00:00-04:00"])
    }

    @Test func everyFormAndDtstart() throws {
        let every = try runner.run(["next", "--every", "every 2 weeks on friday at 15:00 starting 2026-12-04", "--tz", "Europe/London", "--after", "2026-11-01T00:00:00Z", "--count", "2", "--format", "json"])
        #expect(try every.json() as? [String] == ["2026-12-04T15:00:00+00:00", "2026-12-18T15:00:00+00:00"])
        let rrule = try runner.run(["next", "--rrule", "FREQ=DAILY;COUNT=3", "--dtstart", "2026-03-07T02:30", "--tz", "America/New_York", "--after", "2026-01-01T00:00:00Z", "--format", "json"])
        #expect(try rrule.json() as? [String] == ["2026-03-07T02:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"])
        let empty = try runner.run(["next", "--cron", "@daily", "--count", "0", "--format", "json"])
        #expect(empty.stdout == "[]\n")
    }

    @Test func defaultsToTheSystemZoneFromTZ() throws {
        let r = try CommandRunner(directory: runner.directory, environment: ["TZ": "Asia/Kathmandu"])
            .run(["next", "--cron", "0 9 * * *", "--after", "2026-06-01T00:00:00Z", "--count", "1", "--format", "json"])
        #expect(try r.json() as? [String] == ["2026-06-01T09:00:00+05:45"])
    }

    @Test(arguments: [
        (["next", "--cron", "0 0 32 * *"], "error: cron field 3 (day of month): 32 is out of range 1-31"),
        (["next", "--cron", "0 9 * * *", "--tz", "Mars/Base"], "error: --tz: unknown time zone \"Mars/Base\" (expected an IANA name such as America/New_York)"),
        (["next", "--cron", "0 9 * * *", "--after", "yesterday"], "error: --after: expected an RFC 3339 instant such as 2026-03-08T06:00:00Z or 2026-03-08T01:00:00-05:00, got \"yesterday\""),
        (["next", "--rrule", "FREQ=DAILY;BYSECOND=30"], "error: RRULE part BYSECOND: only 0 is supported (occurrences fall on whole minutes)"),
        (["next", "--every", "fortnightly"], "error: unknown cadence phrase \"fortnightly\""),
        (["next"], "error: give exactly one of --cron EXPR, --rrule RULE or --every PHRASE"),
        (["next", "--cron", "@daily", "--every", "daily at 09:00"], "error: give exactly one of --cron EXPR, --rrule RULE or --every PHRASE"),
        (["next", "--cron", "0 0 30 2 *"], "error: cron expression \"0 0 30 2 *\" can never fire: no date matches its day and month fields"),
        (["next", "--rrule", "FREQ=DAILY", "--dtstart", "tomorrow"], "error: --dtstart: expected a local date-time YYYY-MM-DDTHH:MM[:SS], got \"tomorrow\""),
        // A negative number is the option's value, checked by the command, not taken for a flag.
        (["next", "--cron", "0 9 * * *", "--count", "-3"], "error: --count: expected a number of occurrences, 0 or more, got -3"),
        (["upcoming", "--days", "-5"], "error: --days: expected 1 to 3660, got -5"),
        (["outbox", "list", "--limit", "-1"], "error: --limit: expected a positive number, got -1"),
        (["kpi", "show", "--weeks", "-2"], "error: --weeks: expected 1 to 520, got -2"),
        (["calendar", "--days", "-400"], "error: --days: expected 7 to 3660, got -400"),
    ])
    func badInputIsOneLineAndExitsNonZero(arguments: [String], message: String) throws {
        let r = try runner.run(arguments)
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
    }

    @Test func streamsInsteadOfBuildingEverythingFirst() throws {
        // A count this large would take minutes and gigabytes if built first; output must flow at once.
        let running = try runner.start(["next", "--cron", "* * * * *", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z", "--count", "2000000000", "--format", "json"])
        let deadline = Date().addingTimeInterval(30)
        while running.currentStdout.utf8.count < 1_000_000, Date() < deadline, running.process.isRunning { usleep(5_000) }
        let stillRunning = running.process.isRunning
        running.signal(SIGKILL)
        let result = try runner.finish(running)
        #expect(stillRunning)
        #expect(result.stdout.hasPrefix("[\n  \"2026-01-01T00:01:00+00:00\",\n  \"2026-01-01T00:02:00+00:00\""))
    }

    @Test func explainSaysWhichDayRuleApplies() throws {
        let or = try runner.run(["explain", "30 4 1,15 * 5", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z"])
        #expect(or.status == 0)
        #expect(or.stdout.contains("a day matches if EITHER matches"))
        #expect(or.stdout.contains("2026-01-02T04:30:00+00:00"))
        let and = try runner.run(["explain", "0 9 */2 * 1", "--tz", "UTC", "--after", "2026-01-01T00:00:00Z", "--format", "json"])
        let object = try #require(try and.json() as? [String: Any])
        #expect((object["next"] as? [String])?.first == "2026-01-05T09:00:00+00:00")
        #expect((object["explanation"] as? [String])?.contains { $0.contains("both fields must match (AND)") } == true)
        let phrase = try runner.run(["explain", "monthly on the last business day at 16:00", "--tz", "America/New_York", "--after", "2026-01-01T00:00:00Z"])
        #expect(phrase.stdout.contains("Compiled to RRULE: FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=16;BYMINUTE=0;BYSETPOS=-1"))
    }

    /// Inside a workspace, `next` and `explain` mean what a playbook there would: its zone.
    @Test func nextAndExplainUseTheWorkspacesZone() throws {
        let workspace = TemporaryDirectory()
        // Only timezone: is read: an unset webhook variable elsewhere does not stop them.
        _ = workspace.write(
            "opscadence.yaml",
            "timezone: Asia/Kathmandu\nholidays: [2026-06-02]\ntargets:\n  chat:\n    kind: slack\n    url: ${env:UNSET_FOR_THIS_TEST}\n")
        let inside = CommandRunner(directory: workspace.path)
        let after = ["--after", "2026-06-01T00:00:00Z"]
        let next = try inside.run(["next", "--every", "every monday at 9", "--count", "1", "--format", "json"] + after)
        #expect(try next.json() as? [String] == ["2026-06-01T09:00:00+05:45"], "\(next.stderr)")
        let explain = try inside.run(["explain", "every other friday at 14:00", "--format", "json"] + after)
        let object = try #require(try explain.json() as? [String: Any], "\(explain.stderr)")
        #expect(object["time_zone"] as? String == "Asia/Kathmandu")
        #expect((object["next"] as? [String])?.first == "2026-06-05T14:00:00+05:45")
        #expect((object["explanation"] as? [String])?.first == "phrase \"every other friday at 14:00\": every 2 weeks on Friday at 14:00")
        // Its holidays are not business days: Tuesday the 2nd is skipped.
        let business = try inside.run(["next", "--every", "every business day at 08:45", "--count", "2", "--format", "json"] + after)
        #expect(try business.json() as? [String] == ["2026-06-01T08:45:00+05:45", "2026-06-03T08:45:00+05:45"], "\(business.stderr)")
        // --tz still wins; --workspace names the workspace from elsewhere.
        let overridden = try inside.run(["next", "--cron", "0 9 * * *", "--tz", "Europe/Berlin", "--count", "1", "--format", "json"] + after)
        #expect(try overridden.json() as? [String] == ["2026-06-01T09:00:00+02:00"])
        let elsewhere = try runner.run(["next", "--cron", "0 9 * * *", "--workspace", workspace.path, "--count", "1", "--format", "json"] + after)
        #expect(try elsewhere.json() as? [String] == ["2026-06-01T09:00:00+05:45"], "\(elsewhere.stderr)")
        let missing = try runner.run(["explain", "daily at 09:00", "--workspace", workspace.file("nowhere")])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: --workspace: \(workspace.file("nowhere")) has no opscadence.yaml"), "\(missing.stderr)")
    }

    @Test func aBadWorkspaceZoneIsAnErrorAtItsPosition() throws {
        let workspace = TemporaryDirectory()
        _ = workspace.write("opscadence.yaml", "# team\ntimezone: Mars/Base\n")
        let r = try CommandRunner(directory: workspace.path).run(["next", "--every", "weekdays at 9am"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("opscadence.yaml:2:11: error: unknown time zone \"Mars/Base\""), "\(r.stderr)")
    }

    @Test func anUnknownPhraseListsTheClosestForms() throws {
        let r = try runner.run(["next", "--every", "evry monday at 9"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: unknown cadence phrase \"evry monday at 9\" (closest known forms: \"every monday at 09:00\", "), "\(r.stderr)")
    }
}
