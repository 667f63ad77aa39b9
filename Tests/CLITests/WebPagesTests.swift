import Foundation
import OpsCadenceTesting
import Testing

/// The maturity and calendar pages, the calendar feed and `/metrics`, over real HTTP.
@Suite struct WebPagesTests {
    static let secret = "0123456789abcdef0123456789abcdef-web"

    @Test func anAssessmentIsSavedFromThePageAndReported() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let form = try web.get("/maturity", cookie: cookie)
        #expect(form.status == 200)
        #expect(form.body.contains("No assessment yet"))
        #expect(form.body.contains("<legend>Inventory Management</legend>"))
        let token = try web.csrf(cookie: cookie, page: "/maturity")
        let scores = [("inventory", "2"), ("fulfillment", "3"), ("planning", "3"), ("reporting", "2"), ("governance", "3")]
        let saved = try web.post("/maturity", fields: [("csrf", token), ("quarter", "2026-Q4"), ("note_planning", "Forecast by hand")] + scores, cookie: cookie)
        #expect(saved.status == 303)
        let report = try #require((try web.get("/maturity?format=json", cookie: cookie).json() as? [String: Any])?["report"] as? [String: Any])
        #expect(report["stage"] as? Int == 2)
        #expect(report["quarter"] as? String == "2026-Q4")
        #expect(((report["rows"] as? [[String: Any]]) ?? []).filter { $0["is_bottleneck"] as? Bool == true }.count == 2)
        let radar = try web.get("/maturity/radar.svg", cookie: cookie)
        #expect(radar.status == 200)
        #expect(radar.header("Content-Type") == "image/svg+xml")
        #expect(radar.body.contains("<svg"))
        // The CLI's report reads the same record.
        let cli = try web.runner.run(["report", "--format", "json"])
        #expect(cli.stdout.contains("2026-Q4"), "\(cli.stderr)")
        // A quarter already assessed is replaced only when asked; a score out of range names the field.
        let again = try web.post("/maturity", fields: [("csrf", token), ("quarter", "2026-Q4")] + scores, cookie: cookie)
        #expect(again.status == 400)
        #expect(again.body.contains("replace: 2026-Q4 is already assessed (2,3,3,2,3)"))
        var better = scores
        better[0] = ("inventory", "4")
        better[3] = ("reporting", "3")
        #expect(try web.post("/maturity", fields: [("csrf", token), ("quarter", "2026-Q4"), ("replace", "1")] + better, cookie: cookie).status == 303)
        let replaced = try #require((try web.get("/maturity?format=json", cookie: cookie).json() as? [String: Any])?["report"] as? [String: Any])
        #expect(replaced["stage"] as? Int == 3)
        let bad = try web.post("/maturity", fields: [("csrf", token), ("quarter", "2026-Q3"), ("inventory", "7")] + scores.dropFirst(), cookie: cookie)
        #expect(bad.status == 400)
        #expect(bad.body.contains("inventory: expected a score from 1 to 5 for Inventory Management, got &quot;7&quot;"))
        #expect(try web.post("/maturity", fields: [("csrf", token), ("quarter", "Q3 2026")] + scores, cookie: cookie).status == 400)
        // The server's day is 2026-12-04: a quarter ahead is refused, and the report still shows 2026-Q4.
        let ahead = try web.post("/maturity", fields: [("csrf", token), ("quarter", "2027-Q1")] + scores, cookie: cookie)
        #expect(ahead.status == 400 && ahead.body.contains("quarter: 2027-Q1 has not started yet"), "\(ahead.status)")
        #expect(((try web.get("/maturity?format=json", cookie: cookie).json() as? [String: Any])?["report"] as? [String: Any])?["quarter"] as? String == "2026-Q4")
    }

    @Test func theMeetingPageShowsKPIsEscalatedFromTheDailyCheck() throws {
        let daily = WebFixture.weeklyReview.replacingOccurrences(of: "id: weekly-review", with: "id: daily-check")
            .replacingOccurrences(of: "weekly on friday at 11:00", with: "weekdays at 08:30").replacingOccurrences(of: "duration: 30m", with: "duration: 30m\ntags: [daily]")
        let web = try WebFixture(playbooks: ["playbooks/weekly-review.yaml": WebFixture.weeklyReview, "playbooks/daily-check.yaml": daily])
        let cookie = try web.signIn("Max Member")
        #expect(try web.get(WebFixture.review, cookie: cookie).body.contains("No KPI was red at 3 daily checks in a row."))
        // Stockout 9 % (red above 8 %) from Tuesday: the checks of 1 to 4 December, before Friday's review.
        #expect(try web.command(["kpi", "record", "stockout_rate", "9", "--at", "2026-12-01"]).status == 0)
        let page = try web.get(WebFixture.review, cookie: cookie).body
        #expect(page.contains("<h2 id=\"escalation\">Escalated from the daily check</h2>"))
        #expect(page.contains("<strong>Stockout rate</strong>: red at 4 daily checks in a row: 9% (2026-12-01) (target ≤ 3%)"))
    }

    @Test func theCalendarShowsTheMonthWithHolidayMoves() throws {
        let web = try WebFixture(
            playbooks: ["playbooks/weekly-review.yaml": WebFixture.weeklyReview.replacingOccurrences(of: "duration: 30m", with: "duration: 30m\nholiday: next_business_day")],
            configuration: WebFixture.configuration + "\nholidays: [2026-12-25]\n")
        let cookie = try web.signIn("Max Member")
        let month = try #require(try web.get("/calendar?month=2026-12&format=json", cookie: cookie).json() as? [String: Any])
        let days = ((month["weeks"] as? [[String: Any]]) ?? []).flatMap { ($0["days"] as? [[String: Any]]) ?? [] }
        let withEvents = days.filter { !(($0["events"] as? [Any]) ?? []).isEmpty }.compactMap { $0["date"] as? String }
        // The grid runs Monday 30 November to Sunday 3 January: New Year's Day is shown too.
        #expect(withEvents == ["2026-12-04", "2026-12-11", "2026-12-18", "2026-12-28", "2027-01-01"])
        let moved = try #require(days.first { $0["date"] as? String == "2026-12-28" }?["events"] as? [[String: Any]])
        #expect(moved.first?["moved_from"] as? String == "Fri 25 Dec")
        #expect(days.count % 7 == 0 && days.first?["date"] as? String == "2026-11-30")
        let html = try web.get("/calendar?month=2026-12", cookie: cookie).body
        #expect(html.contains("<h1>December 2026</h1>"))
        #expect(html.contains("moved from Fri 25 Dec"))
        #expect(html.contains("needs web.secret"))
        #expect(try web.get("/calendar?month=2026-13", cookie: cookie).status == 400)
        #expect(try web.get("/calendar.ics?key=anything").status == 404)
    }

    @Test func theCalendarFeedNeedsItsKeyAndNoSignIn() throws {
        let web = try WebFixture(
            configuration: WebFixture.configuration + "\nweb:\n  secret: ${env:WEB_SECRET}\n", environment: ["WEB_SECRET": Self.secret])
        let cookie = try web.signIn("Ada Admin")
        let month = try #require(try web.get("/calendar?format=json", cookie: cookie).json() as? [String: Any])
        let feed = try #require(month["feed_url"] as? String)
        #expect(feed.hasPrefix("http://127.0.0.1:8080/calendar.ics?key="))
        let path = String(feed.dropFirst("http://127.0.0.1:8080".count))
        let calendar = try web.get(path)
        #expect(calendar.status == 200)
        #expect(calendar.header("Content-Type") == "text/calendar; charset=utf-8")
        #expect(calendar.body.contains("BEGIN:VCALENDAR") && calendar.body.contains("SUMMARY:Weekly review"))
        #expect(!calendar.body.contains(Self.secret))
        #expect(try web.get(String(path.dropLast())).status == 404)
        #expect(try web.get("/calendar.ics").status == 404)
    }

    @Test func attendeesRateAMeetingOnceItHasStarted() throws {
        let web = try WebFixture()
        let ada = try web.signIn("Ada Admin")
        let max = try web.signIn("Max Member")
        let adaToken = try web.csrf(cookie: ada)
        let maxToken = try web.csrf(cookie: max)
        let early = try web.post(WebFixture.review + "/rating", fields: [("csrf", adaToken), ("rating", "8")], cookie: ada)
        #expect(early.status == 400)
        #expect(early.body.contains("rating: the meeting has not started yet"))
        let last = "/meetings/weekly-review/2026-11-27T16:00:00Z"
        #expect(try web.post(last + "/rating", fields: [("csrf", adaToken), ("rating", "8")], cookie: ada).status == 303)
        #expect(try web.post(last + "/rating", fields: [("csrf", maxToken), ("rating", "5")], cookie: max).status == 303)
        // Rating again replaces one's own rating.
        #expect(try web.post(last + "/rating", fields: [("csrf", maxToken), ("rating", "7")], cookie: max).status == 303)
        #expect(try web.post(last + "/rating", fields: [("csrf", maxToken), ("rating", "11")], cookie: max).status == 400)
        let json = try #require((try web.get(last + "?format=json", cookie: max).json() as? [String: Any])?["rating"] as? [String: Any])
        #expect(json["average"] as? String == "7.5")
        #expect(json["count"] as? Int == 2)
        #expect(json["mine"] as? Int == 7)
        let page = try web.get(last, cookie: ada).body
        #expect(page.contains("Average <strong>7.5</strong>/10 from 2 rating(s)"))
        #expect(page.contains("<option value=\"8\" selected>8</option>"))
        #expect(try web.get(WebFixture.review, cookie: ada).body.contains("Ratings open when the meeting starts"))
    }

    @Test func remindersLinkToTheMeetingPageWhenTheAppHasAnAddress() throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", WebFixture.configuration + "\nweb:\n  url: https://ops.example.com/\n")
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview)
        let runner = CommandRunner(directory: dir.path, environment: ["CHAT_URL": "https://hooks.slack.com/services/T0/B0/x"])
        let preview = try runner.run(["notify", "preview", "weekly-review", "--target", "chat", "--now", WebFixture.now])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("https://ops.example.com/meetings/weekly-review/2026-12-04T16:00:00Z"), "\(preview.stdout)")
        // The sign-in links are made under the same address.
        let invite = try runner.run(["people", "invite", "Ada Admin", "--now", WebFixture.now])
        #expect(invite.stdout.contains("https://ops.example.com/signin/"))
    }

    /// A file upload as a browser sends it.
    func upload(_ web: WebFixture, cookie: String, token: String, file: String, bytes: [UInt8]) throws -> LoopbackHTTPClient.Reply {
        let boundary = "----OpsCadenceBoundaryX7"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csv\"; filename=\"\(file)\"\r\nContent-Type: text/csv\r\n\r\n"
        let payload = Array(body.utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        return try LoopbackHTTPClient.send(
            "POST", web.base + "/kpis/import",
            headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("Cookie", cookie), ("Origin", web.base)],
            body: String(decoding: payload, as: UTF8.self))
    }

    @Test func aCSVFileIsImportedAllOrNothing() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie, page: "/kpis")
        let bad = try upload(web, cookie: cookie, token: token, file: "week.csv", bytes: Array("Date,KPI,Value\n2026-12-01,order_accuracy,99.1%\n2026-12-02,stockout_rate,lots\n".utf8))
        #expect(bad.status == 400)
        #expect(bad.body.contains("week.csv:3:"), "\(bad.body)")
        var kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        #expect((kpis["recent_values"] as? [Any])?.isEmpty == true)
        let good = try upload(web, cookie: cookie, token: token, file: "week.csv", bytes: Array("Date,KPI,Value\r\n2026-12-01,order_accuracy,99.1%\r\n2026-12-02,stockout_rate,2.5\r\n".utf8))
        #expect(good.status == 303, "\(good.body)")
        kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        let recent = try #require(kpis["recent_values"] as? [[String: Any]])
        #expect(recent.count == 2)
        #expect(recent.allSatisfy { $0["recorded_by"] as? String == "Ada Admin" })
        #expect(try upload(web, cookie: cookie, token: "wrong", file: "week.csv", bytes: Array("2026-12-03,order_accuracy,99\n".utf8)).status == 403)
        // Multipart is taken only where a file is uploaded.
        let elsewhere = try LoopbackHTTPClient.send(
            "POST", web.base + "/kpis", headers: [("Content-Type", "multipart/form-data; boundary=x"), ("Cookie", cookie)], body: "--x--")
        #expect(elsewhere.status == 415)
    }

    @Test func aMeetingIsAcknowledgedFromTheWeb() throws {
        let web = try WebFixture(playbooks: [
            "playbooks/weekly-review.yaml": WebFixture.weeklyReview + "\nacknowledge:\n  within: 1h\n  escalate:\n    - { target: chat, after: 1h }\n"
        ])
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie)
        // Last week's review was never acknowledged: Today says so.
        let today = try #require(try web.get("/?format=json", cookie: cookie).json() as? [String: Any])
        let waiting = try #require(today["unacknowledged"] as? [[String: Any]])
        #expect(waiting.map { $0["occurrence"] as? String } == ["2026-11-27T16:00:00Z"])
        #expect(waiting.first?["is_over"] as? Bool == true)
        let last = "/meetings/weekly-review/2026-11-27T16:00:00Z"
        #expect(try web.get(last, cookie: cookie).body.contains("Acknowledge: it happened"))
        let done = try web.post(last + "/acknowledge", fields: [("csrf", token), ("return_to", "/")], cookie: cookie)
        #expect(done.status == 303)
        #expect(done.header("Location") == "/")
        let page = try web.get(last, cookie: cookie).body
        #expect(page.contains("Acknowledged by Max Member"))
        #expect(!page.contains("Acknowledge: it happened"))
        let after = try #require(try web.get("/?format=json", cookie: cookie).json() as? [String: Any])
        #expect((after["unacknowledged"] as? [Any])?.isEmpty == true)
        // The CLI sees the same record, and keeps it.
        let cli = try #require(try web.command(["ack", "weekly-review", "--at", "2026-11-27", "--format", "json"]).json() as? [String: Any])
        #expect(cli["by"] as? String == "Max Member")
        #expect(cli["via"] as? String == "web")
    }

    @Test func aSignedLinkInTheReminderAcknowledgesWithoutSigningIn() throws {
        let config = WebFixture.configuration + "\nweb:\n  url: https://ops.example.com\n  secret: ${env:WEB_SECRET}\n"
        let playbook = WebFixture.weeklyReview + "\nacknowledge:\n  within: 1h\n  escalate:\n    - { target: chat, after: 1h }\n"
        let web = try WebFixture(
            playbooks: ["playbooks/weekly-review.yaml": playbook], configuration: config,
            environment: ["WEB_SECRET": Self.secret, "CHAT_URL": "https://hooks.slack.com/services/T0/B0/x"], origin: "https://ops.example.com")
        // The Slack reminder carries the signed link beside the meeting page's.
        let preview = try web.command(["notify", "preview", "weekly-review", "--target", "chat", "--at", "2026-12-04"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let marker = "https://ops.example.com/a/ack/weekly-review/2026-12-04T16:00:00Z/"
        let start = try #require(preview.stdout.range(of: marker), "\(preview.stdout)")
        let link = String(preview.stdout[start.lowerBound...].prefix { $0 != "|" && $0 != "\"" })
        #expect(preview.stdout.contains("|Acknowledge>"))
        #expect(preview.stdout.contains("<https://ops.example.com/meetings/weekly-review/2026-12-04T16:00:00Z|Open the full agenda>"))
        let path = String(link.dropFirst("https://ops.example.com".count))
        // Opening it (as a link preview would) only shows the button; nothing is recorded.
        let shown = try web.get(path)
        #expect(shown.status == 200)
        #expect(shown.body.contains("Acknowledge: it happened"))
        let admin = try web.signIn("Ada Admin")
        let meeting = WebFixture.review + "?format=json"
        var json = try #require((try web.get(meeting, cookie: admin).json() as? [String: Any])?["acknowledgement"] as? [String: Any])
        #expect(json["is_acknowledged"] as? Bool == false)
        // A changed link is refused; the button acknowledges, via link, without a session.
        #expect(try web.get(String(path.dropLast()) + "0").status == 403)
        #expect(try web.post(String(path.dropLast()) + "0", fields: []).status == 403)
        let done = try web.post(path, fields: [])
        #expect(done.status == 200)
        #expect(done.body.contains("acknowledged (link)"))
        json = try #require((try web.get(meeting, cookie: admin).json() as? [String: Any])?["acknowledgement"] as? [String: Any])
        #expect(json["is_acknowledged"] as? Bool == true)
        #expect(json["via"] as? String == "link")
        #expect(try web.get(path).body.contains("Already acknowledged"))
        // From another site, the button's POST is refused like any other.
        #expect(try web.post(path, fields: [], headers: [("Origin", "https://evil.example")]).status == 403)
    }

    @Test(arguments: Backend.available) func metricsAnswerThisMachineOnly(backend: Backend) throws {
        let web = try WebFixture(backend: backend)
        let metrics = try web.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        // The fixture's first tick skipped the one reminder: its target has no URL.
        #expect(metrics.body.contains("opscadence_deliveries{state=\"skipped\"} 1\n"))
        #expect(metrics.body.contains("opscadence_deliveries{state=\"dead\"} 0\n"))
        #expect(metrics.body.contains("opscadence_deliveries_due 0\n"))
        #expect(metrics.body.contains("# TYPE opscadence_last_tick_age_seconds gauge\nopscadence_last_tick_age_seconds "))
        // The fixture's tick, at --now (a tick's clock): its start and how long it took.
        #expect(metrics.body.contains("opscadence_last_tick_timestamp_seconds 1796399400\n"))
        let duration = try #require(metrics.body.split(separator: "\n").first { $0.hasPrefix("opscadence_last_tick_duration_seconds ") })
        let seconds = try #require(Double(duration.split(separator: " ")[1]))
        #expect(seconds >= 0 && seconds < 60)
        let proxied = try LoopbackHTTPClient.send("GET", web.base + "/metrics", headers: [("X-Forwarded-For", "203.0.113.9")])
        #expect(proxied.status == 403)
    }
}
