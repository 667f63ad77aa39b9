import Foundation
import OpsCadenceTesting
import Testing

/// What a new user found where the web app and its command-line twins disagreed, or where the
/// app lost data without saying so: each over real HTTP against `opscadence serve`, checked
/// against what the commands then print.
@Suite struct WebConsistencyTests {
    @Test func aKPIValueAlreadyRecordedForTheDateIsReplacedOnlyWhenAskedTo() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie, page: "/kpis")
        let page = try web.get("/kpis", cookie: cookie).body
        #expect(page.contains("<input type=\"checkbox\" id=\"replace\" name=\"replace\" value=\"1\"> <label for=\"replace\">"))
        let first = [("csrf", token), ("kpi", "order_accuracy"), ("value", "97.5%"), ("date", "2026-12-03")]
        #expect(try web.post("/kpis", fields: first, cookie: cookie).status == 303)
        // The same date again, as the CLI's `kpi record` without --replace: refused, naming the value there.
        let again = try web.post("/kpis", fields: [("csrf", token), ("kpi", "order_accuracy"), ("value", "99.9%"), ("date", "2026-12-03")], cookie: cookie)
        #expect(again.status == 409)
        #expect(again.body.contains("order_accuracy already has 97.5"), "\(again.body)")
        #expect(again.body.contains("on 2026-12-03") && again.body.contains("Replace"), "\(again.body)")
        #expect(try recorded(web, cookie) == ["97.5"])
        let bad = try web.post(
            "/kpis", fields: [("csrf", token), ("kpi", "order_accuracy"), ("value", "99.9%"), ("date", "2026-12-03"), ("replace", "yes")], cookie: cookie)
        #expect(bad.status == 400)
        #expect(bad.body.contains("replace: expected 1 or 0"))
        #expect(try recorded(web, cookie) == ["97.5"])
        // Replace ticked: the value changes, as `kpi record --replace` changes it.
        let replaced = try web.post(
            "/kpis", fields: [("csrf", token), ("kpi", "order_accuracy"), ("value", "99.9%"), ("date", "2026-12-03"), ("replace", "1")], cookie: cookie)
        #expect(replaced.status == 303)
        #expect(try recorded(web, cookie) == ["99.9"])
        // Another date is no conflict.
        #expect(try web.post("/kpis", fields: [("csrf", token), ("kpi", "order_accuracy"), ("value", "98%"), ("date", "2026-12-04")], cookie: cookie).status == 303)
        // Deleting names the field that is wrong.
        let unknown = try web.post("/kpis/nope/2026-12-03/delete", fields: [("csrf", token)], cookie: cookie)
        #expect(unknown.status == 400 && unknown.body.contains("kpi: unknown KPI &#39;nope&#39;"), "\(unknown.status) \(unknown.body.prefix(2000))")
        let garbage = try web.post("/kpis/order_accuracy/garbage/delete", fields: [("csrf", token)], cookie: cookie)
        #expect(garbage.status == 400 && garbage.body.contains("date: expected a date YYYY-MM-DD"), "\(garbage.status)")
        #expect(try recorded(web, cookie) == ["98", "99.9"])
    }

    /// The numbers of the recorded values, newest first, without their unit.
    private func recorded(_ web: WebFixture, _ cookie: String) throws -> [String] {
        let kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        let values = try #require(kpis["recent_values"] as? [[String: Any]])
        return values.compactMap { ($0["value"] as? String).map { String($0.prefix { $0.isNumber || $0 == "." }) } }
    }

    static let dailyCheck = """
        id: daily-check
        title: Daily check
        schedule: daily at 09:00
        duration: 15m
        agenda:
          - title: Red KPIs
            minutes: 15
        """

    @Test func aMeetingWhoseAgendaCarriesNoActionItemsDoesNotOfferToAddOne() throws {
        let web = try WebFixture(playbooks: ["playbooks/weekly-review.yaml": WebFixture.weeklyReview, "playbooks/daily-check.yaml": Self.dailyCheck])
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie)
        let daily = "/meetings/daily-check/2026-12-04T14:00:00Z"
        let page = try web.get(daily, cookie: cookie)
        #expect(page.status == 200)
        #expect(!page.body.contains("id=\"add-action\""), "the form would add an item this page never shows")
        #expect(page.body.contains("does not carry action items"))
        // An item of that playbook (the command line may add one) shows neither in its agenda nor on its page.
        #expect(
            try web.post("/actions", fields: [("csrf", token), ("playbook", "daily-check"), ("text", "Check the label stock")], cookie: cookie).status
                == 303)
        let json = try #require(try web.get(daily + "?format=json", cookie: cookie).json() as? [String: Any])
        #expect(json["carries_action_items"] as? Bool == false)
        #expect((json["open_action_items"] as? [Any])?.isEmpty == true)
        let agenda = try #require(try web.command(["agenda", "daily-check", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        #expect((agenda["action_items"] as? [Any])?.isEmpty == true)
        // The weekly review carries them: its page lists its items and offers the form.
        let review = try web.get(WebFixture.review, cookie: cookie).body
        #expect(review.contains("id=\"add-action\""))
        let reviewJSON = try #require(try web.get(WebFixture.review + "?format=json", cookie: cookie).json() as? [String: Any])
        #expect(reviewJSON["carries_action_items"] as? Bool == true)
    }

    @Test func anEditChangesOnlyTheFieldsTheFormSends() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie)
        #expect(
            try web.post(
                "/actions",
                fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "Call the carrier"), ("owner", "Max Member"), ("due", "2026-12-10")],
                cookie: cookie
            ).status == 303)
        let id = try #require((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.first?["id"] as? Int)
        // Text only: owner and due stay, as `action edit ID --text …` leaves them.
        #expect(try web.post("/actions/\(id)/edit", fields: [("csrf", token), ("text", "Call the new carrier")], cookie: cookie).status == 303)
        var item = try #require((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.first)
        #expect(item["text"] as? String == "Call the new carrier")
        #expect(item["owner"] as? String == "Max Member")
        #expect(item["due"] as? String == "2026-12-10")
        // The meeting page's owner and due form sends no text, so it cannot undo a new wording.
        let page = try web.get(WebFixture.review, cookie: cookie).body
        let form = try #require(page.range(of: "action=\"/actions/\(id)/edit\""))
        let formText = page[form.upperBound...].prefix(600)
        let end = try #require(formText.range(of: "</form>"))
        #expect(!formText[..<end.lowerBound].contains("name=\"text\""), "\(formText[..<end.lowerBound])")
        #expect(try web.post("/actions/\(id)/edit", fields: [("csrf", token), ("owner", ""), ("due", "2026-12-11")], cookie: cookie).status == 303)
        item = try #require((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.first)
        #expect(item["text"] as? String == "Call the new carrier")
        #expect(item["owner"] == nil, "an empty field sent clears it")
        #expect(item["due"] as? String == "2026-12-11")
        // Nothing to change is a 400, and changes nothing.
        let empty = try web.post("/actions/\(id)/edit", fields: [("csrf", token)], cookie: cookie)
        #expect(empty.status == 400)
        #expect(empty.body.contains("nothing to change"))
    }

    @Test func actionListJSONSaysWhoAddedAndCompletedAnItem() throws {
        let web = try WebFixture()
        let max = try web.signIn("Max Member")
        let ada = try web.signIn("Ada Admin")
        #expect(
            try web.post(
                "/actions", fields: [("csrf", try web.csrf(cookie: max)), ("playbook", "weekly-review"), ("text", "Call the carrier")], cookie: max
            ).status == 303)
        var item = try #require((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.first)
        #expect(item["created_by"] as? String == "Max Member")
        #expect(item["done_by"] == nil)
        let id = try #require(item["id"] as? Int)
        #expect(try web.post("/actions/\(id)/done", fields: [("csrf", try web.csrf(cookie: ada))], cookie: ada).status == 303)
        item = try #require((try web.command(["action", "list", "--all", "--format", "json"]).json() as? [[String: Any]])?.first)
        #expect(item["created_by"] as? String == "Max Member")
        #expect(item["done_by"] as? String == "Ada Admin")
        // The same as the page's JSON twin says.
        let page = try #require(try web.get("/actions?status=all&format=json", cookie: ada).json() as? [String: Any])
        let row = try #require((page["items"] as? [[String: Any]])?.first)
        #expect(row["created_by"] as? String == "Max Member" && row["done_by"] as? String == "Ada Admin")
        // An item added by a command records no one.
        #expect(try web.command(["action", "add", "From cron", "--playbook", "weekly-review"]).status == 0)
        let cli = try #require((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.first { $0["text"] as? String == "From cron" })
        #expect(cli["created_by"] == nil)
    }

    @Test func timesInJSONAreRFC3339WithTheirOffset() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie, page: WebFixture.review)
        #expect(try web.post(WebFixture.review + "/checklist/1", fields: [("csrf", token), ("done", "1")], cookie: cookie).status == 303)
        #expect(try web.post(WebFixture.review + "/notes", fields: [("csrf", token), ("notes", "Carrier late.")], cookie: cookie).status == 303)
        #expect(try web.post(WebFixture.review + "/acknowledge", fields: [("csrf", token)], cookie: cookie).status == 303)
        // Friday 4 December 2026, 10:50 in New York; the item was due an hour before 11:00.
        let shown = try #require(try web.command(["checklist", "show", "weekly-review", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        let first = try #require((shown["items"] as? [[String: Any]])?.first)
        #expect(first["done_at"] as? String == "2026-12-04T10:50:00-05:00")
        #expect(first["due"] as? String == "2026-12-04T10:00:00-05:00")
        let agenda = try #require(try web.command(["agenda", "weekly-review", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        #expect((agenda["checklist"] as? [[String: Any]])?.first?["done_at"] as? String == "2026-12-04T10:50:00-05:00")
        let meeting = try #require(try web.get(WebFixture.review + "?format=json", cookie: cookie).json() as? [String: Any])
        let item = try #require((meeting["checklist"] as? [[String: Any]])?.first)
        #expect(item["done_at"] as? String == "2026-12-04T10:50:00-05:00")
        #expect(item["due"] as? String == "2026-12-04T10:00:00-05:00")
        #expect(meeting["notes_at"] as? String == "2026-12-04T10:50:00-05:00")
        #expect((meeting["acknowledgement"] as? [String: Any])?["at"] as? String == "2026-12-04T10:50:00-05:00")
        // The page and the text output still show them for people.
        let page = try web.get(WebFixture.review, cookie: cookie).body
        #expect(page.contains("ticked by Ada Admin, Fri 4 Dec 10:50"))
        #expect(try web.command(["checklist", "show", "weekly-review", "--at", "2026-12-04"]).stdout.contains("ticked by Ada Admin, Fri 4 Dec 10:50"))
    }

    @Test func onlyDeadExpiredOrMissedDeliveriesAreRetried() throws {
        // A target that answers 404: the weekly review's reminder dies, and is then dropped.
        let server = try LoopbackHTTPServer(defaultBehavior: .status(404))
        let dir = TemporaryDirectory()
        dir.write(
            "opscadence.yaml",
            """
            timezone: America/New_York
            targets:
              chat: { kind: generic, url: "${env:HOOK_URL}", rate_limit: none }
              spare: { kind: slack, url: "${env:SPARE_URL}", optional: true }
            people:
              - { name: Ada Admin, role: admin }
            """)
        dir.write(
            "playbooks/weekly-review.yaml",
            WebFixture.weeklyReview.replacingOccurrences(of: "  - { target: chat, before: 15m }", with: "  - { target: chat, before: 15m }\n  - { target: spare, before: 15m }"))
        let runner = CommandRunner(directory: dir.path, environment: ["HOOK_URL": server.url("/hook")])
        let tick = try runner.run(["tick", "--now", WebFixture.now])
        #expect(tick.status == 3, "\(tick.stdout)\(tick.stderr)")
        let web = try WebFixture(serving: dir, runner: runner, now: WebFixture.now)
        let rows = try #require(try web.command(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        let dead = try #require(rows.first { $0["state"] as? String == "dead" }?["id"] as? Int, "\(rows)")
        let skipped = try #require(rows.first { $0["state"] as? String == "skipped" }?["id"] as? Int, "\(rows)")
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie, page: "/outbox")
        #expect(try web.post("/outbox/\(dead)/drop", fields: [("csrf", token)], cookie: cookie).status == 303)
        for (id, state) in [(dead, "dropped"), (skipped, "skipped")] {
            let retried = try web.post("/outbox/\(id)/retry", fields: [("csrf", token)], cookie: cookie)
            #expect(retried.status == 409, "\(state)")
            #expect(retried.body.contains("delivery \(id) is \(state); only dead, expired or missed deliveries are sent again"), "\(retried.body)")
            let cli = try web.command(["outbox", "retry", String(id)])
            #expect(cli.status == 2, "\(state): \(cli.stdout)")
            #expect(cli.stderr.contains("delivery \(id) is \(state)") && cli.stderr.contains("only dead, expired or missed"), "\(cli.stderr)")
        }
        // One refused id fails the whole command: nothing was queued.
        #expect(try web.command(["outbox", "retry", String(dead), String(skipped)]).status == 2)
        let after = try #require(try web.command(["outbox", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(after.first { $0["id"] as? Int == dead }?["state"] as? String == "dropped")
        #expect(after.first { $0["id"] as? Int == skipped }?["state"] as? String == "skipped")
    }

    static let webDoc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/WEB.md")

    /// docs/WEB.md on what is cached and what /kpis/import takes, against what the app does.
    @Test func webMDSaysWhatIsCachedAndWhatTheImportTakes() throws {
        let doc = try String(contentsOf: Self.webDoc, encoding: .utf8).replacingOccurrences(of: "\n  ", with: " ")
        let web = try WebFixture(
            configuration: WebFixture.configuration + "\nweb:\n  secret: ${env:WEB_SECRET}\n", environment: ["WEB_SECRET": String(repeating: "s", count: 40)])
        let cookie = try web.signIn("Ada Admin")
        let month = try #require(try web.get("/calendar?format=json", cookie: cookie).json() as? [String: Any])
        let feed = try #require((month["feed_url"] as? String).map { String($0.dropFirst("http://127.0.0.1:8080".count)) })
        let feedCache = try #require(try web.get(feed).header("Cache-Control"))
        let staticCache = try #require(try web.get("/static/app.js").header("Cache-Control"))
        #expect(try web.get("/", cookie: cookie).header("Cache-Control") == "no-store")
        #expect(!doc.contains("`Cache-Control: no-store` on every answer,"), "every answer but the feed and the static files")
        #expect(doc.contains("calendar feed (`\(feedCache)`)"), "\(feedCache)")
        #expect(doc.contains("`\(staticCache)`"), "\(staticCache)")
        // A URL-encoded csv= field is imported as the file is.
        let token = try web.csrf(cookie: cookie, page: "/kpis")
        let imported = try web.post("/kpis/import", fields: [("csrf", token), ("csv", "2026-12-01,order_accuracy,99.1%\n")], cookie: cookie)
        #expect(imported.status == 303, "\(imported.body)")
        let kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        #expect((kpis["recent_values"] as? [Any])?.count == 1)
        #expect(doc.contains("URL-encoded `csv=` field"))
    }
}
