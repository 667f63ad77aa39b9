import Foundation
import OpsCadenceTesting
import Recurrence
import Testing

/// The workspace commands on a copy of the shipped workspace, as real processes.
@Suite struct WorkspaceCommandTests {
    @Test func validateReportsEveryErrorAsTextAndJSON() throws {
        let dir = try shippedWorkspaceCopy()
        dir.write("playbooks/broken.yaml", "id: broken\ntitle: [x]\ncron: \"0 9 * * 8\"\nduration: 30m\nfoo: 1\n")
        let runner = CommandRunner(directory: dir.path)
        let text = try runner.run(["validate"])
        #expect(text.status == 2)
        let lines = text.stderr.split(separator: "\n").filter { $0.contains("error:") }
        #expect(lines.count == 3, "\(text.stderr)")
        #expect(text.stderr.contains("playbooks/broken.yaml:5:1: error: unknown key 'foo'"))
        let json = try runner.run(["validate", "--format", "json"])
        #expect(json.status == 2)
        let issues = try #require(try json.json() as? [[String: Any]])
        #expect(issues.count == 3)
        #expect(issues.allSatisfy { Set($0.keys) == ["file", "line", "column", "message", "severity"] && $0["severity"] as? String == "error" })
        #expect(issues.contains { $0["line"] as? Int == 3 && ($0["message"] as? String)?.contains("8 is out of range 0-7") == true })
        // The positional form and --workspace both work from elsewhere.
        try FileManager.default.removeItem(atPath: dir.file("playbooks/broken.yaml"))
        let elsewhere = CommandRunner(directory: FileManager.default.temporaryDirectory.path)
        #expect(try elsewhere.run(["validate", dir.path]).status == 0)
        #expect(try elsewhere.run(["validate", "--workspace", dir.path]).stdout.hasPrefix("ok: 9 playbooks"))
        // Warnings (here the optional targets whose variables are not set) are listed too, and pass.
        let warned = try elsewhere.run(["validate", "--workspace", dir.path, "--format", "json"])
        let warnings = try #require(try warned.json() as? [[String: Any]])
        #expect(warned.status == 0 && !warnings.isEmpty && warnings.allSatisfy { $0["severity"] as? String == "warning" }, "\(warned.stdout)")
        #expect(warnings.contains { ($0["message"] as? String)?.contains("is skipped") == true }, "\(warnings)")
    }

    @Test func agendaRendersTheShippedWeeklyReviewInEveryFormat() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        try runner.run(["kpi", "record", "stockout_rate", "9.5", "--at", "2026-12-04", "--now", "2026-12-05T12:00:00Z"])
        try runner.run(["action", "add", "Call the 3PL about late pickups", "--owner", "Sam", "--due", "2026-12-01", "--playbook", "weekly-kpi-review", "--now", "2026-11-30T16:00:00Z"])
        let md = try runner.run(["agenda", "weekly-kpi-review", "--now", "2026-12-05T12:00:00Z"])
        #expect(md.status == 0, "\(md.stderr)")
        #expect(md.stdout.hasPrefix("# Weekly KPI review"))
        #expect(md.stdout.contains("Monday 7 December 2026, 09:00–09:30 EST"))
        #expect(md.stdout.contains("### 1. KPI scorecard — 10 min (09:00–09:10)"))
        #expect(md.stdout.contains("| Stockout rate | 9.5% (2026-12-04) | ≤ 3% | — | red | Stage 1 (Reactive) |"))
        #expect(md.stdout.contains("#1 Call the 3PL about late pickups — Sam, due 2026-12-01 ⚠️ overdue"))
        #expect(md.stdout.contains("- [ ] 1. Update the scorecard before the meeting — Ops Lead (due Mon 7 Dec 08:00)"))
        let html = try runner.run(["agenda", "weekly-kpi-review", "--format", "html", "--now", "2026-12-05T12:00:00Z"])
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(html.stdout.contains("<td class=\"red\">red</td>"))
        let json = try runner.run(["agenda", "weekly-kpi-review", "--format", "json", "--at", "2026-12-07"])
        let object = try #require(try json.json() as? [String: Any])
        #expect(object["occurrence"] as? String == "2026-12-07T09:00:00-05:00")
        #expect((object["sections"] as? [[String: Any]])?.count == 3)
    }

    @Test func quarterlyAgendaCarriesTheAssessmentAndRoadmap() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let saved = try runner.run(["assess", "--quarter", "2026-Q4", "--inventory", "2", "--fulfillment", "3", "--planning", "1", "--reporting", "2", "--governance", "3"])
        #expect(saved.status == 0, "\(saved.stderr)")
        let md = try runner.run(["agenda", "quarterly-maturity-assessment", "--now", "2026-12-05T12:00:00Z"])
        #expect(md.stdout.contains("| Planning/Forecasting | 1 | ___ |"))
        #expect(md.stdout.contains("Overall: Stage 1 (Reactive); bottleneck: Planning/Forecasting."))
        #expect(md.stdout.contains("**Stage 1 → 2 priorities (bottleneck first)**"))
        #expect(md.stdout.contains("- Establish basic reorder points for A-class SKUs."))
    }

    @Test func checklistAndActionsRoundTrip() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let now = ["--now", "2026-12-07T15:00:00Z"]
        #expect(try runner.run(["checklist", "check", "weekly-kpi-review", "2"] + now).stdout.contains("checked 2."))
        let shown = try runner.run(["checklist", "weekly-kpi-review", "--format", "json"] + now)
        let items = try #require((try shown.json() as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.map { $0["done"] as? Bool } == [false, true])
        #expect(try runner.run(["checklist", "uncheck", "weekly-kpi-review", "2"] + now).status == 0)
        let bad = try runner.run(["checklist", "check", "weekly-kpi-review", "9"] + now)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("item 9 does not exist: weekly-kpi-review has 2 checklist items (1-2)"))

        let added = try runner.run(["action", "add", "Fix the label printer", "--owner", "Ana", "--due", "2026-12-10", "--playbook", "weekly-kpi-review"] + now)
        #expect(added.stdout.contains("added #1 to weekly-kpi-review"), "\(added.stdout)\(added.stderr)")
        #expect(try runner.run(["action", "done", "1"] + now).stdout.contains("done #1"))
        #expect(try runner.run(["action", "list"] + now).stdout.contains("no open action items"))
        #expect(try runner.run(["action", "done", "42"]).stderr.contains("no action item #42"))
        #expect(try runner.run(["action", "add", "x", "--due", "next week"]).stderr.contains("--due: expected a date YYYY-MM-DD, got \"next week\""))
    }

    @Test func upcomingListsEveryPlaybookWithHolidaysApplied() throws {
        let dir = try shippedWorkspaceCopy()
        let r = try CommandRunner(directory: dir.path).run(["upcoming", "--days", "14", "--format", "json", "--now", "2026-12-20T00:00:00Z"])
        let rows = try #require(try r.json() as? [[String: String]])
        #expect(rows.allSatisfy { Set($0.keys) == ["playbook", "title", "occurrence"] })
        // Christmas Day (a holiday) has no daily check; the weekly review moves nowhere (Mondays 21 and 28 are business days).
        let daily = rows.filter { $0["playbook"] == "daily-red-alert-check" }.compactMap { $0["occurrence"] }
        #expect(!daily.contains("2026-12-25T08:30:00-05:00"))
        #expect(daily.contains("2026-12-24T08:30:00-05:00"))
        #expect(rows.filter { $0["playbook"] == "weekly-kpi-review" }.compactMap { $0["occurrence"] } == ["2026-12-21T09:00:00-05:00", "2026-12-28T09:00:00-05:00"])
        #expect(rows.map { $0["occurrence"]! } == rows.map { $0["occurrence"]! }.sorted { RFC3339Order($0) < RFC3339Order($1) })
    }

    @Test func kpiImportReadsSpreadsheetExports() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        // Excel: a byte order mark, CRLF line ends, a capitalised header, quoted fields, thousands separators.
        dir.write(
            "excel.csv",
            "\u{FEFF}Date,KPI,Value\r\n2026-11-02,stockout_rate,4.2%\r\n\"2026-11-02\",\"cost_per_order\",\"$1,204.50\"\r\n2026-11-09,order_accuracy,\"99.7\"\r\n")
        let imported = try runner.run(["kpi", "import", "excel.csv"])
        #expect(imported.stdout.contains("imported 3 values"), "\(imported.stderr)")
        let shown = try #require(try runner.run(["kpi", "show", "--format", "json", "--now", "2026-11-20T00:00:00Z"]).json() as? [[String: Any]])
        #expect(shown.first { $0["key"] as? String == "cost_per_order" }?["latest"] as? Double == 1204.5)
        dir.write("open.csv", "2026-11-16,stockout_rate,\"2.9\n")
        #expect(try runner.run(["kpi", "import", "open.csv"]).stderr.contains("open.csv:1: a quoted field is not closed; nothing was imported"))
        dir.write("decimal-comma.csv", "2026-11-16,stockout_rate,\"2,9\"\n")
        #expect(try runner.run(["kpi", "import", "decimal-comma.csv"]).stderr.contains("decimal-comma.csv:1: expected a number, got \"2,9\""))
    }

    @Test func kpiImportIsAllOrNothing() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        dir.write("good.csv", "date,name,value\n2026-11-02,stockout_rate,4.2\n2026-11-09,stockout_rate,3.1%\n2026-11-09,order_accuracy,99.7\n")
        #expect(try runner.run(["kpi", "import", "good.csv"]).stdout.contains("imported 3 values"))
        dir.write("bad.csv", "2026-11-16,stockout_rate,2.9\n2026-11-16,stockout_rate,lots\n")
        let bad = try runner.run(["kpi", "import", "bad.csv"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.csv:2: expected a number, got \"lots\"; nothing was imported"))
        dir.write("bad2.csv", "2026-11-16,conversion,2.9\n")
        #expect(try runner.run(["kpi", "import", "bad2.csv"]).stderr.contains("bad2.csv:1: unknown KPI 'conversion'"))
        let shown = try #require(try runner.run(["kpi", "show", "--format", "json", "--now", "2026-11-20T00:00:00Z"]).json() as? [[String: Any]])
        let stockout = try #require(shown.first { $0["key"] as? String == "stockout_rate" })
        #expect(stockout["latest"] as? Double == 3.1)
        #expect(stockout["status"] as? String == "amber")
        #expect(stockout["stage"] as? Int == 2)
        #expect(stockout["trend"] as? String == "improving")
        #expect(try runner.run(["kpi", "record", "nope", "1"]).stderr.contains("unknown KPI 'nope'"))
        #expect(try runner.run(["kpi", "record", "stockout_rate", "high"]).stderr.contains("VALUE: expected a number"))
        let dollars = try runner.run(["kpi", "record", "stockout_rate", "$3"])
        #expect(dollars.status == 2)
        #expect(dollars.stderr.contains("VALUE: Stockout rate is measured in %, not $, got \"$3\""), "\(dollars.stderr)")
        #expect(try runner.run(["kpi", "record", "cost_per_order", "5%"]).stderr.contains("is measured in $, not %"))
        // Values the KPI cannot take: a share beyond 0–100%, more hours than a week has, a
        // negative cost, a number no report can show.
        for (kpi, value, message) in [
            ("order_accuracy", "150%", "VALUE: Order accuracy cannot be above 100%, got \"150%\""),
            ("stockout_rate", "-5%", "VALUE: Stockout rate cannot be below 0%, got \"-5%\""),
            ("manual_hours_per_week", "200", "VALUE: Manual process hours per week cannot be above 168 h, got \"200\""),
            ("cost_per_order", "-1", "VALUE: Cost per order cannot be below $0.00, got \"-1\""),
            ("forecast_mape", "1e308", "VALUE: \"1e308\" is too large for a KPI value"),
        ] {
            let refused = try runner.run(["kpi", "record", kpi, "--", value])
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(kpi) \(value): \(refused.stderr)")
        }
        #expect(try runner.run(["kpi", "record", "forecast_mape", "140%", "--at", "2026-11-03"]).status == 0, "an error can exceed 100%")
        dir.write("range.csv", "2026-11-16,stockout_rate,2.9\n2026-11-16,order_accuracy,101\n")
        #expect(try runner.run(["kpi", "import", "range.csv"]).stderr.contains("range.csv:2: Order accuracy cannot be above 100%, got \"101\"; nothing was imported"))
        let future = try runner.run(["kpi", "record", "stockout_rate", "3", "--at", "2027-06-01", "--now", "2026-11-20T15:00:00Z"])
        #expect(future.stderr.contains("--at: 2027-06-01 is in the future (today is 2026-11-20 in America/New_York)"))
        dir.write("future.csv", "2027-06-01,stockout_rate,2.9\n")
        #expect(try runner.run(["kpi", "import", "future.csv", "--now", "2026-11-20T15:00:00Z"]).stderr.contains("future.csv:1: 2027-06-01 is in the future"))
    }

    @Test func assessmentRulesAndBadInput() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        func assess(_ q: String, _ s: [Int], _ extra: [String] = []) throws -> CommandRunner.Result {
            try runner.run(["assess", "--quarter", q, "--inventory", "\(s[0])", "--fulfillment", "\(s[1])", "--planning", "\(s[2])", "--reporting", "\(s[3])", "--governance", "\(s[4])", "--format", "json"] + extra)
        }
        #expect(try assess("2026-Q2", [2, 2, 2, 2, 2]).status == 0)
        #expect(try assess("2026-Q3", [2, 2, 2, 2, 2]).status == 0)
        let third = try assess("2026-Q4", [2, 2, 2, 2, 2])
        let object = try #require(try third.json() as? [String: Any])
        #expect(object["flat_warning"] as? Bool == true)
        #expect(object["stage_name"] as? String == "Controlled")
        #expect(try assess("2026-Q4", [3, 2, 2, 2, 2]).stderr.contains("2026-Q4 is already assessed (2,2,2,2,2); add --force to replace it"))
        #expect(try assess("2026-Q4", [3, 2, 2, 2, 2], ["--force"]).status == 0)
        #expect(try assess("2027-Q1", [3, 2, 2, 2, 7]).stderr.contains("--governance: expected a whole number from 1 to 5, got \"7\""))
        // A quarter that has not started would show as the current stage: refused.
        let ahead = try assess("2027-Q3", [3, 3, 3, 3, 3], ["--now", "2026-12-06T12:00:00Z"])
        #expect(ahead.status == 2 && ahead.stderr.contains("--quarter: 2027-Q3 has not started yet (today is 2026-12-06, in 2026-Q4)"), "\(ahead.stderr)")
        #expect(try runner.run(["assess", "--quarter", "2026-Q9", "--inventory", "1"]).stderr.contains("--quarter: expected a quarter YYYY-Qn"))
        #expect(try runner.run(["assess", "--inventory", "1"]).stderr.contains("missing scores for --fulfillment, --planning, --reporting, --governance"))
        // Nothing was saved by the failed attempts.
        let report = try runner.run(["report"])
        #expect(report.stdout.contains("| 2026-Q4 | 3 | 2 | 2 | 2 | 2 | 2 |"))
        #expect(!report.stdout.contains("2027-Q1"))
    }

    @Test func planAndReportFiles() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        try runner.run(["assess", "--quarter", "2026-Q4", "--inventory", "2", "--fulfillment", "3", "--planning", "1", "--reporting", "2", "--governance", "3"])
        #expect(try runner.run(["plan", "--start", "2027-01"]).status == 0)
        #expect(try runner.run(["plan", "--start", "2027-01"]).stderr.contains("already exists; add --force"))
        #expect(try runner.run(["plan", "--start", "2027-13"]).stderr.contains("--start: expected a month YYYY-MM"))
        // The 2026-Q4 assessment, the quarter before the plan starts, proves the self-assessment
        // and the bottleneck items done; marking one done again changes nothing.
        try runner.run(["action", "done", "1"])
        let shown = try #require(try runner.run(["plan", "show", "--format", "json"]).json() as? [String: Any])
        let phases = try #require(shown["phases"] as? [[String: Any]])
        #expect(phases.map { $0["done"] as? Int } == [2, 0, 0, 0])
        #expect(phases.map { $0["total"] as? Int } == [8, 5, 5, 5])
        // The monthly review's agenda shows the progress.
        #expect(try runner.run(["agenda", "monthly-process-improvement", "--now", "2026-12-01T12:00:00Z"]).stdout.contains("| Foundations | Months 1-3 | 2/8 |"))
        let ics = try runner.run(["plan", "export", "--format", "ics"])
        #expect(ics.stdout.components(separatedBy: "BEGIN:VTODO").count == 24)
        let html = try runner.run(["report", "--format", "html", "--output", "out/maturity.html"])
        #expect(html.status == 0)
        #expect(dir.read("out/maturity.html")?.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") == true)
        #expect(try runner.run(["report", "--output", "out/maturity.md"]).status == 0)
        #expect(dir.read("out/maturity-radar.svg")?.hasPrefix("<svg") == true)
        #expect(dir.read("out/maturity.md")?.contains("![Maturity by dimension](maturity-radar.svg)") == true)
        #expect(dir.read("out/maturity.md")?.contains("| Dimension | Score | Change | Stage description |") == true)
        #expect(dir.read("out/maturity.html")?.contains("<th>Dimension</th>") == true)
        // A bare file name lands in the current folder; nothing is left beside it.
        #expect(try runner.run(["report", "--format", "html", "--output", "maturity.html"]).status == 0)
        #expect(dir.read("maturity.html")?.contains("<svg") == true)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".maturity") }
        #expect(hidden.isEmpty)
        let blocked = try runner.run(["report", "--output", "maturity.html/inside.md"])
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("--output: cannot create maturity.html"))
    }

    @Test func theCrontabLineRunsOnAFreshWorkspaceWhosePathHasASpace() throws {
        let dir = TemporaryDirectory(prefix: "ops cadence")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/opscadence.yaml", toPath: dir.file("opscadence.yaml"))
        try FileManager.default.copyItem(atPath: repositoryRoot + "/playbooks", toPath: dir.file("playbooks"))
        let runner = CommandRunner(directory: dir.path)
        let line = try #require(try runner.run(["install", "cron"]).lines.first { $0.hasPrefix("* * * * * ") })
        // What cron runs: the command after the five fields, through sh, with \% turned back into %.
        let command = String(line.dropFirst("* * * * * ".count)).replacingOccurrences(of: "\\%", with: "%")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", command]
        shell.currentDirectoryURL = URL(fileURLWithPath: "/")
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0, "\(command)")
        #expect(FileManager.default.fileExists(atPath: dir.file(".opscadence/state.sqlite")))
        // The first tick only starts the playbooks, and JSON logging is silent when nothing is due.
        #expect(dir.read(".opscadence/tick.log") == "")
        let systemd = try runner.run(["install", "systemd"]).stdout
        #expect(systemd.contains("tick --workspace \"\(dir.path)\" --log-format json"))
    }

    @Test(arguments: [
        ["outbox", "drop", "999"], ["outbox", "retry", "999"], ["action", "done", "999"], ["action", "reopen", "999"],
    ])
    func aFailedCommandLeavesNoStateBehind(_ arguments: [String]) throws {
        let dir = try shippedWorkspaceCopy()
        let result = try CommandRunner(directory: dir.path).run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("999"))
        #expect(!FileManager.default.fileExists(atPath: dir.file(".opscadence")))
    }

    @Test func aMalformedSigningSecretStopsEveryCommandBeforeAnythingRuns() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(
            directory: dir.path, environment: ["OPS_AUDIT_URL": "https://example.com/hook", "OPS_AUDIT_SECRET": "whsec_!!!notbase64"])
        let expected = "opscadence.yaml:17:3: error: target 'audit': signing secret starts with whsec_ but the rest is not base64"
        for arguments in [["validate"], ["tick", "--now", "2026-12-01T14:00:00Z"]] {
            let result = try runner.run(arguments)
            #expect(result.status == 2)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("notbase64"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file(".opscadence")))
    }

    @Test func commandsThatChangeStatePrintJSONOnRequest() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let now = ["--now", "2026-12-03T15:00:00Z"]
        func object(_ arguments: [String]) throws -> [String: Any] {
            let result = try runner.run(arguments + ["--format", "json"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try #require(try result.json() as? [String: Any], "\(arguments)")
        }
        let added = try object(["action", "add", "Call the 3PL", "--owner", "Sam", "--due", "2026-12-01", "--playbook", "weekly-kpi-review"] + now)
        let id = try #require(added["id"] as? Int)
        #expect(added["overdue"] as? Bool == true)
        #expect(try object(["action", "done", "\(id)"] + now)["done"] as? Bool == true)
        #expect(try object(["action", "reopen", "\(id)"] + now)["done"] as? Bool == false)
        let recorded = try object(["kpi", "record", "stockout_rate", "9.5"] + now)
        #expect(recorded["status"] as? String == "red")
        dir.write("week.csv", "date,name,value\n2026-12-01,order_accuracy,99.7\n")
        #expect(try object(["kpi", "import", "week.csv"] + now)["imported"] as? Int == 1)
        let checked = try object(["checklist", "check", "weekly-kpi-review", "1"] + now)
        #expect((checked["items"] as? [[String: Any]])?.first?["done"] as? Bool == true)
        let unchecked = try object(["checklist", "uncheck", "weekly-kpi-review", "1"] + now)
        #expect((unchecked["items"] as? [[String: Any]])?.first?["done"] as? Bool == false)
        let plan = try object(["plan", "create", "--start", "2027-01", "--from-assessment", "none"] + now)
        #expect(plan["start"] as? String == "2027-01")
        #expect((plan["items"] as? Int ?? 0) > 0)
        #expect(try object(["outbox", "retry", "--dead"] + now)["queued"] as? Int == 0)
        try runner.run(["assess", "--quarter", "2026-Q4", "--inventory", "2", "--fulfillment", "3", "--planning", "1", "--reporting", "2", "--governance", "3"])
        let report = try runner.run(["report", "--format", "json"])
        let quarters = try #require(try report.json() as? [[String: Any]], "\(report.stderr)")
        #expect(quarters.map { $0["quarter"] as? String } == ["2026-Q4"])
    }

    /// A new workspace's agenda shows its KPIs and says how to start the plan; once the plan
    /// exists, the monthly review works through this month's items only, and the assessment
    /// already recorded marks its items done.
    @Test func theMonthlyReviewCarriesThisMonthsPlanItems() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let fresh = try runner.run(["agenda", "monthly-process-improvement", "--at", "2027-02-02", "--now", "2027-01-20T12:00:00Z"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(fresh.stdout.contains("| Order accuracy |"), "\(fresh.stdout)")
        #expect(fresh.stdout.contains("No transformation plan yet: create one with `opscadence plan create --start YYYY-MM`."))
        let assess = try runner.run([
            "assess", "--quarter", "2027-Q1", "--inventory", "2", "--fulfillment", "3", "--planning", "1", "--reporting", "2", "--governance", "3",
            "--now", "2027-01-15T12:00:00Z",
        ])
        #expect(assess.status == 0, "\(assess.stderr)")
        #expect(try runner.run(["plan", "create", "--start", "2027-01", "--now", "2027-01-20T12:00:00Z"]).status == 0)
        let show = try #require(try runner.run(["plan", "show", "--format", "json"]).json() as? [String: Any])
        let items = try #require((show["phases"] as? [[String: Any]])?.flatMap { ($0["items"] as? [[String: Any]]) ?? [] })
        let done = items.filter { $0["done"] as? Bool == true }.compactMap { $0["text"] as? String }
        #expect(Set(done) == ["Complete maturity self-assessment", "Identify bottleneck dimension"], "\(items)")
        let agenda = try runner.run(["agenda", "monthly-process-improvement", "--at", "2027-02-02", "--now", "2027-01-20T12:00:00Z"])
        // Foundations is due at the end of March: not this month's (February's) work yet.
        #expect(!agenda.stdout.contains("Plan items due this month"), "\(agenda.stdout)")
        #expect(!agenda.stdout.contains("- [ ] #"), "plan items are not carried over as action items: \(agenda.stdout)")
        let march = try runner.run(["agenda", "monthly-process-improvement", "--at", "2027-03-02", "--now", "2027-01-20T12:00:00Z"])
        #expect(march.stdout.contains("Plan items due this month:"), "\(march.stdout)")
        #expect(!march.stdout.contains("- [ ] Complete maturity self-assessment"))
        #expect(march.stdout.contains("- [ ] Establish weekly KPI review cadence"), "\(march.stdout)")
    }

    @Test func remindersLinkToTheAgenda() throws {
        let dir = try shippedWorkspaceCopy()
        let environment = ["OPS_SLACK_WEBHOOK": "https://hooks.slack.com/services/T0/B0/secret"]
        let preview = ["notify", "preview", "weekly-kpi-review", "--target", "ops-chat", "--at", "2026-12-07", "--now", "2026-12-05T12:00:00Z"]
        // Without agenda_url: the Markdown file's path in the workspace, as text.
        let local = try CommandRunner(directory: dir.path, environment: environment).run(preview)
        #expect(local.stdout.contains("agendas/weekly-kpi-review/2026-12-07T0900.md"), "\(local.stderr)")
        // With agenda_url: a link to the published HTML agenda.
        let config = try #require(dir.read("opscadence.yaml"))
        dir.write("opscadence.yaml", config + "\nagenda_url: https://ops.example.com/agendas/\n")
        let published = try CommandRunner(directory: dir.path, environment: environment).run(preview)
        #expect(published.stdout.contains("https://ops.example.com/agendas/weekly-kpi-review/2026-12-07T0900.html"), "\(published.stderr)")
        dir.write("opscadence.yaml", config + "\nagenda_url: ops.example.com\n")
        #expect(try CommandRunner(directory: dir.path).run(["validate"]).stderr.contains("expected agenda_url as an http(s) URL"))
    }

    @Test func installPrintsCronAndSystemdUnits() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let cron = try runner.run(["install", "cron"])
        #expect(cron.stdout.contains("* * * * * "))
        #expect(cron.stdout.contains(" tick --workspace \(dir.path)"))
        let systemd = try runner.run(["install", "systemd"])
        #expect(systemd.stdout.contains("Persistent=true"))
        #expect(systemd.stdout.contains("OnCalendar=*-*-* *:*:00"))
        #expect(systemd.stdout.contains("Type=oneshot"))
        #expect(try runner.run(["install", "systemd", "--daemon"]).stdout.contains(" run --workspace \(dir.path)"))
    }

    @Test func notifyPreviewPrintsTheExactPayloadWithoutTheURL() throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path, environment: ["OPS_SLACK_WEBHOOK": "https://hooks.slack.com/services/T0/B0/very-secret"])
        let r = try runner.run(["notify", "preview", "weekly-kpi-review", "--target", "ops-chat", "--at", "2026-12-07"])
        #expect(r.status == 0, "\(r.stderr)")
        let body = try #require(try r.json() as? [String: Any])
        #expect((body["text"] as? String)?.contains("Weekly KPI review") == true)
        #expect((body["blocks"] as? [Any])?.isEmpty == false)
        #expect(!r.stdout.contains("very-secret"))
        let test = try CommandRunner(directory: dir.path, environment: ["OPS_SLACK_WEBHOOK": "http://127.0.0.1:9/services/very-secret"]).run(["notify", "test", "ops-chat"])
        #expect(test.status == 1)
        #expect(test.stdout.contains("NOT delivered"))
        #expect(!(test.stdout + test.stderr).contains("very-secret"))
    }

    /// `rate_limit: 1e-20/s` used to kill every command with SIGILL (1e20 s in milliseconds
    /// overflowed Int64); now every command stops with the place and what is expected.
    @Test(arguments: [["validate"], ["status"], ["tick"], ["notify", "test", "ops-chat"]])
    func aRateLimitTooSlowIsAnErrorForEveryCommand(_ arguments: [String]) throws {
        let dir = try shippedWorkspaceCopy()
        let config = try String(contentsOfFile: dir.file("opscadence.yaml"), encoding: .utf8)
        dir.write("opscadence.yaml", config.replacingOccurrences(of: "    kind: slack\n", with: "    kind: slack\n    rate_limit: 1e-20/s\n"))
        let r = try CommandRunner(directory: dir.path, environment: ["OPS_SLACK_WEBHOOK": "http://127.0.0.1:9/hook"]).run(arguments)
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(
            r.stderr.contains(
                "opscadence.yaml:15:17: error: rate_limit \"1e-20/s\" is too slow: it must allow at least one request an hour (e.g. 1/s, 30/min, 1/min, or none)"),
            "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    /// `plan create --start 9999-12` trapped on a force-unwrap (the plan's months ran past 9999-12).
    @Test(arguments: ["9999-12", "9999-02"])
    func aPlanStartTooLateIsAnError(_ start: String) throws {
        let dir = try shippedWorkspaceCopy()
        let runner = CommandRunner(directory: dir.path)
        let r = try runner.run(["plan", "create", "--start", start])
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(r.stderr == "error: --start: the 12-month plan must start by 9999-01 so that it ends by 9999-12, got \(start)\n", "\(r.stderr)")
        // Nothing was recorded, and the last possible start still works.
        #expect(try runner.run(["plan", "show"]).status == 1)
        let last = try runner.run(["plan", "create", "--start", "9999-01"])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try runner.run(["plan", "export"]).stdout.contains("9999-12"))
    }

    @Test func notifyTestReportsTheLibcurlVersionInUse() throws {
        let dir = try shippedWorkspaceCopy()
        let server = try LoopbackHTTPServer()
        let runner = CommandRunner(directory: dir.path, environment: ["OPS_SLACK_WEBHOOK": server.url("/services/T0/B0/very-secret")])
        let json = try runner.run(["notify", "test", "ops-chat", "--format", "json"])
        #expect(json.status == 0, "\(json.stdout)\(json.stderr)")
        let result = try #require(try json.json() as? [String: Any])
        #expect(result["delivered"] as? Bool == true)
        let version = try #require(result["libcurl"] as? String)
        // "7.88.1": what curl_version_info reports, at least the supported minimum.
        let parts = version.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(parts.count == 2 && (parts[0], parts[1]) >= (7, 66), "\(version)")
        let text = try runner.run(["notify", "test", "ops-chat"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("(libcurl \(version))"), "\(text.stdout)")
        #expect(server.requestCount == 2)
        #expect(!(json.stdout + text.stdout).contains("very-secret"))
    }
}

/// Orders RFC 3339 strings by instant.
func RFC3339Order(_ text: String) -> Int64 { RFC3339.parseInstant(text) ?? 0 }
