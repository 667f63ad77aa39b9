import Foundation
import OpsCadenceTesting
import Synchronization
import Testing

/// `opscadence serve` over real HTTP on loopback: sign-in, CSRF, roles, escaping, changes and
/// what they leave in the state, the CLI and the agenda files.
@Suite struct WebAppTests {
    @Test func aSignInLinkWorksOnceAndOpensASession() throws {
        let web = try WebFixture()
        let path = try web.invitePath("ada admin")
        // Opening the link (as a chat unfurler would) only shows the button.
        let shown = try web.get(path)
        #expect(shown.status == 200)
        #expect(shown.body.contains("Sign in as Ada Admin"))
        let signedIn = try web.post(path, fields: [])
        #expect(signedIn.status == 303)
        #expect(signedIn.header("Location") == "/")
        let cookie = try #require(signedIn.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"), "plain http on loopback: a Secure cookie would not come back")
        let session = String(cookie.split(separator: ";")[0])
        let today = try web.get("/", cookie: session)
        #expect(today.status == 200)
        #expect(today.body.contains("<h1>Today</h1>") && today.body.contains("Ada Admin"))
        // Used up: a second use is refused, and opens nothing.
        let again = try web.post(path, fields: [])
        #expect(again.status == 410)
        #expect(again.header("Set-Cookie") == nil)
        #expect(try web.get(path).status == 410)
        let people = try #require(try web.command(["people", "--format", "json"]).json() as? [[String: Any]])
        #expect(people.first { $0["name"] as? String == "Ada Admin" }?["sessions"] as? Int == 1)
        #expect(people.first { $0["name"] as? String == "Ada Admin" }?["unused_links"] as? Int == 0)
    }

    @Test func signedOutVisitorsGetTheSignInPageAndHealthzAnswers() throws {
        let web = try WebFixture()
        for path in ["/", "/kpis", "/actions", WebFixture.review, "/outbox"] {
            let reply = try web.get(path)
            #expect(reply.status == 401, "\(path)")
            #expect(reply.body.contains("<h1>Sign in</h1>"), "\(path)")
        }
        let forged = try web.get("/", cookie: "opscadence_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(forged.status == 401)
        let health = try web.get("/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        #expect(try web.get("/signin/not-a-token").status == 410)
    }

    /// HEAD is answered for every page as GET is, headers and all, without the body: an
    /// uptime check or a link checker may use it on any address.
    @Test func headAnswersAsGetDoesWithoutTheBody() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        for (path, signedIn) in [("/healthz", false), ("/metrics", false), ("/static/app.css", false), ("/", true), (WebFixture.review, true),
            ("/actions?format=json", true), ("/", false), ("/nowhere", true)] {
            let headers = signedIn ? [("Cookie", cookie)] : []
            let get = try LoopbackHTTPClient.send("GET", web.base + path, headers: headers)
            let head = try LoopbackHTTPClient.send("HEAD", web.base + path, headers: headers)
            #expect(head.status == get.status, "\(path)")
            #expect(head.body.isEmpty, "\(path)")
            #expect(head.header("Content-Type") == get.header("Content-Type"), "\(path)")
            #expect(head.header("Content-Length") == get.header("Content-Length"), "\(path)")
        }
        // On one kept-alive connection, a HEAD's answer ends with its headers: the next answer
        // follows at once (a body sent after a HEAD would be read as the next answer).
        let host = "Host: 127.0.0.1\r\nCookie: \(cookie)\r\n"
        let answers = try LoopbackHTTPClient.exchange(
            "HEAD / HTTP/1.1\r\n\(host)\r\nHEAD /nowhere?format=json HTTP/1.1\r\n\(host)\r\nGET /healthz HTTP/1.1\r\n\(host)Connection: close\r\n\r\n",
            with: web.base)
        let parts = answers.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 4 && parts[1].hasPrefix("HTTP/1.1 404") && parts[2].hasPrefix("HTTP/1.1 200") && parts[3] == "ok\n", "\(answers)")
        #expect(parts.first?.hasPrefix("HTTP/1.1 200") == true)
        // HEAD changes nothing on a path that only takes a POST.
        #expect(try LoopbackHTTPClient.send("HEAD", web.base + "/signout", headers: [("Cookie", cookie)]).status == 404)
        #expect(try web.get("/", cookie: cookie).status == 200)
    }

    /// A change waits for the state file's lock while another process holds it (a `tick` or a
    /// command does, for a moment; here a Python connection in BEGIN IMMEDIATE, released by the
    /// test), up to the busy timeout. Meanwhile every other request is answered at once: a
    /// static file, a cached page, a page rendered anew. Two changes, so that with the event
    /// loops as Swift's executor each loop would have one waiting on it.
    @Test func changesWaitingForTheLockHoldUpNoOtherRequest() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie)
        #expect(try web.get(WebFixture.review, cookie: cookie).status == 200)

        let lock = try LockHolder(web.dir.file(".opscadence/state.sqlite"))
        defer { lock.release() }

        let answers = Mutex<[Int]>([])
        let done = DispatchGroup()
        for n in 0..<2 {
            done.enter()
            Thread {
                let reply = try? web.post(
                    "/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "Waited for the lock \(n)")], cookie: cookie)
                answers.withLock { $0.append(reply?.status ?? 0) }
                done.leave()
            }.start()
        }
        // For under a second, and no request started after it (the changes give up after the
        // 5-second busy timeout: the lock must be released well before, even on a loaded
        // machine where one answer may take a second or two).
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(800)
        var slowest = Duration.zero
        var round = 0
        repeat {
            let path = ["/static/app.css", WebFixture.review, "/actions?format=json&round=\(round)"][round % 3]
            let started = clock.now
            let reply = try web.get(path, cookie: cookie)
            slowest = max(slowest, clock.now - started)
            #expect(reply.status == 200, "\(path)")
            // The changes are still waiting: nothing of theirs is recorded.
            #expect(!reply.body.contains("Waited for the lock"), "\(path)")
            round += 1
        } while clock.now < end || round < 3
        #expect(slowest < .seconds(2), "the slowest answer took \(slowest)")
        #expect(answers.withLock { $0 }.isEmpty, "a change was answered while the lock was held")

        lock.release()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(answers.withLock { $0 } == [303, 303])
        let items = try #require(try web.get("/actions?format=json", cookie: cookie).json() as? [String: Any])
        #expect((items["items"] as? [[String: Any]])?.count == 2)
    }

    /// `run --listen`: the scheduler's tick waits for the state file's lock (held by another
    /// process, up to the busy timeout) while the web app answers at once. The review's
    /// reminder comes due at 15:45, twenty seconds after `run` starts and once the lock is held.
    @Test func aTickWaitingForTheLockHoldsUpNoRequestBesideIt() async throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", WebFixture.configuration)
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview)
        let runner = CommandRunner(directory: dir.path)
        let process = try runner.start(["run", "--listen", "127.0.0.1:0", "--now", "2026-12-04T15:44:40Z"])
        defer { if process.process.isRunning { process.signal(SIGKILL) } }
        var base: String?
        let clock = ContinuousClock()
        let started = clock.now
        let lastTick = dir.file(".opscadence/state.sqlite.last-tick")
        while (base == nil || !FileManager.default.fileExists(atPath: lastTick)) && process.process.isRunning && clock.now < started + .seconds(30) {
            base = process.currentStdout.split(separator: "\n").first { $0.hasPrefix("serving ") }.map { String($0.dropFirst(8).dropLast()) }
            usleep(10_000)
        }
        let url = try #require(base, "\(process.currentStderr)")
        // The first tick is over (nothing was due): now another process holds the lock.
        let lock = try LockHolder(dir.file(".opscadence/state.sqlite"))
        defer { lock.release() }
        try #require(clock.now - started < .seconds(18), "too late to hold the lock before 15:45")
        let outbox = ["outbox", "--format", "json", "--now", "2026-12-04T15:46:00Z"]
        // Until 15:45 and three seconds into the tick's wait for the lock.
        var slowest = Duration.zero
        while clock.now < started + .seconds(23) {
            for path in ["/static/app.css", "/healthz"] {
                let before = clock.now
                #expect(try LoopbackHTTPClient.send("GET", url + path).status == 200, "\(path)")
                slowest = max(slowest, clock.now - before)
            }
        }
        #expect(slowest < .seconds(2), "the slowest answer took \(slowest)")
        // The tick was waiting: the reminder it records (skipped: the target has no URL) is
        // not there yet; once the lock is released, it is.
        #expect(try runner.run(outbox).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        lock.release()
        #expect(await waitUntil(timeout: .seconds(40), pollingEvery: .milliseconds(100)) {
            (try? runner.run(outbox).stdout.contains("\"skipped\"")) == true
        })
        process.signal(SIGTERM)
        #expect(try runner.finish(process, timeout: 30).status == 0)
    }

    /// A script asking for a page's JSON twin gets its errors as JSON too, with the status.
    @Test func aJSONTwinAnswersItsErrorsInJSON() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Max Member")
        let cases: [(String, String?, Int, String)] = [
            ("/actions?format=json", nil, 401, "sign in first"),
            ("/outbox?format=json", cookie, 403, "only admins can see and change deliveries"),
            ("/nowhere?format=json", cookie, 404, "there is no such page"),
            ("/actions?status=someday&format=json", cookie, 400, "status"),
        ]
        for (path, session, status, message) in cases {
            let reply = try web.get(path, cookie: session)
            #expect(reply.status == status, "\(path)")
            #expect(reply.header("Content-Type") == "application/json; charset=utf-8", "\(path)")
            let body = try #require(try reply.json() as? [String: Any], "\(path): \(reply.body)")
            #expect(body["status"] as? Int == status, "\(path)")
            #expect((body["error"] as? String)?.contains(message) == true, "\(path): \(body)")
        }
        // Without format=json, the same error is a page.
        #expect(try web.get("/nowhere", cookie: cookie).header("Content-Type") == "text/html; charset=utf-8")
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        for reply in [try web.get("/", cookie: cookie), try web.get("/"), try web.get("/nowhere", cookie: cookie)] {
            #expect(
                reply.header("Content-Security-Policy")
                    == "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
            #expect(reply.header("X-Content-Type-Options") == "nosniff")
            #expect(reply.header("X-Frame-Options") == "DENY")
            #expect(reply.header("Referrer-Policy") == "same-origin")
        }
        #expect(try web.get("/nowhere", cookie: cookie).status == 404)
        // No inline script or style anywhere: the policy above would block it. The one script is a file.
        let html = try web.get(WebFixture.review, cookie: cookie).body
        #expect(!html.contains("<script>") && !html.contains("style=") && !html.contains("onclick"))
        #expect(html.contains("<script src=\"/static/app.js\" defer></script>"))
    }

    @Test func aPostWithoutTheRightTokenOrFromAnotherSiteChangesNothing() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie, page: WebFixture.review)
        let path = WebFixture.review + "/checklist/1"
        #expect(try web.post(path, fields: [("done", "1")], cookie: cookie).status == 403)
        #expect(try web.post(path, fields: [("csrf", String(token.reversed())), ("done", "1")], cookie: cookie).status == 403)
        #expect(try web.post(path, fields: [("csrf", token), ("done", "1")], cookie: cookie, headers: [("Origin", "https://evil.example")]).status == 403)
        #expect(try web.post(path, fields: [("csrf", token), ("done", "1")], cookie: cookie, headers: [("Sec-Fetch-Site", "cross-site")]).status == 403)
        #expect(try web.post(path, fields: [("csrf", token), ("done", "1")]).status == 401)
        let untouched = try #require(try web.command(["checklist", "show", "weekly-review", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        #expect((untouched["items"] as? [[String: Any]])?.allSatisfy { $0["done"] as? Bool == false } == true)

        let ticked = try web.post(path, fields: [("csrf", token), ("done", "1")], cookie: cookie)
        #expect(ticked.status == 303)
        let shown = try #require(try web.command(["checklist", "show", "weekly-review", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        let first = try #require((shown["items"] as? [[String: Any]])?.first)
        #expect(first["done"] as? Bool == true)
        #expect(first["done_by"] as? String == "Ada Admin")
        // The agenda file the reminder linked to is rendered again with it.
        let markdown = try #require(web.dir.read("agendas/weekly-review/2026-12-04T1100.md"))
        #expect(markdown.contains("- [x] 1. Update the scorecard — Ada Admin (due Fri 4 Dec 10:00) — ticked by Ada Admin"))
        // Signing out ends the session on the server, not only in the browser.
        #expect(try web.post("/signout", fields: [("csrf", token)], cookie: cookie).status == 303)
        #expect(try web.get("/", cookie: cookie).status == 401)
    }

    @Test func membersCannotSeeOrChangeDeliveries() throws {
        let web = try WebFixture()
        let member = try web.signIn("Max Member")
        #expect(try web.get("/outbox", cookie: member).status == 403)
        let token = try web.csrf(cookie: member)
        #expect(try web.post("/outbox/1/retry", fields: [("csrf", token)], cookie: member).status == 403)
        #expect(!(try web.get("/", cookie: member).body.contains("href=\"/outbox\"")))
        let admin = try web.signIn("Ada Admin")
        let outbox = try web.get("/outbox", cookie: admin)
        #expect(outbox.status == 200)
        #expect(outbox.body.contains("<h1>Deliveries</h1>"))
    }

    /// Findings of a hostile review, each a request that once got through.
    @Test func whatAHostileReviewFoundStaysShut() throws {
        let web = try WebFixture()
        let member = try web.signIn("Max Member")
        let token = try web.csrf(cookie: member)
        // An empty path segment reached the admin pages past a prefix check.
        for path in ["//outbox", "///outbox?state=dead", "/outbox//", "//actions"] {
            #expect(try web.get(path, cookie: member).status == 404, "\(path)")
        }
        #expect(try web.post("//outbox/1/drop", fields: [("csrf", token)], cookie: member).status == 404)
        // Junk sign-in attempts cannot lock the team out: only failures are limited.
        for n in 0..<12 { _ = try web.get("/signin/garbage\(n)") }
        #expect(try web.get("/signin/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status == 429)
        let link = try web.invitePath("Ada Admin")
        #expect(try web.get(link).status == 200)
        #expect(try web.post(link, fields: []).status == 303)
        // /metrics through a proxy (as the documented nginx setup sends it) is refused.
        #expect(try LoopbackHTTPClient.send("GET", web.base + "/metrics", headers: [("X-Forwarded-Proto", "https")]).status == 403)
        #expect(try LoopbackHTTPClient.send("GET", web.base + "/metrics", headers: [("Host", "ops.example.com")]).status == 403)
        // A control character in return_to does not make a redirect to another site.
        let tabbed = try web.post(
            "/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "x"), ("return_to", "/\t/evil.example/x")], cookie: member)
        #expect(tabbed.header("Location") == "/actions")
        // One "character" of 40,000 combining marks is 80 KB, not one character.
        let heavy = try web.post(
            "/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "a" + String(repeating: "\u{301}", count: 40_000))],
            cookie: member)
        #expect(heavy.status == 400 || heavy.status == 413)
        // Signing out with a dead session clears the cookie instead of answering 401.
        let out = try web.post("/signout", fields: [], cookie: "opscadence_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(out.status == 303)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        // HEAD answers as GET does, without a body (uptime checks use it).
        let head = try LoopbackHTTPClient.send("HEAD", web.base + "/healthz")
        #expect(head.status == 200 && head.body.isEmpty)
        // A file upload is not read before the sender is known.
        let anonymous = try LoopbackHTTPClient.send(
            "POST", web.base + "/kpis/import", headers: [("Content-Type", "multipart/form-data; boundary=" + String(repeating: "-", count: 5000))],
            body: String(repeating: "-", count: 200_000))
        #expect(anonymous.status == 401)
    }

    @Test func hostileTextIsShownAsText() throws {
        let title = "<script>alert(1)</script>"
        let web = try WebFixture(playbooks: [
            "playbooks/weekly-review.yaml": WebFixture.weeklyReview.replacingOccurrences(of: "title: Weekly review", with: "title: \"\(title)\"")
        ])
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie)
        let added = try web.post(
            "/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", title), ("owner", "\"><img src=x onerror=alert(1)>")],
            cookie: cookie)
        #expect(added.status == 303)
        for path in ["/", WebFixture.review, "/actions"] {
            let html = try web.get(path, cookie: cookie).body
            #expect(!html.contains("<script>alert"), "\(path)")
            #expect(!html.contains("<img src=x"), "\(path)")
        }
        let meeting = try web.get(WebFixture.review, cookie: cookie).body
        #expect(meeting.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(meeting.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func badFormInputIsA400NamingTheFieldAndRecordsNothing() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie)
        let cases: [(String, [(String, String)], String)] = [
            ("/kpis", [("kpi", "order_accuracy"), ("value", "lots")], "value: expected a number such as 2.4 or 99.5%, got &quot;lots&quot;"),
            ("/kpis", [("kpi", "order_accuracy"), ("value", "99"), ("date", "2026-12-05")], "date: 2026-12-05 is in the future"),
            ("/kpis", [("kpi", "nope"), ("value", "1")], "kpi: unknown KPI &#39;nope&#39;"),
            ("/actions", [("playbook", "weekly-review"), ("text", "Call the carrier"), ("due", "2026-13-45")], "due: expected a date YYYY-MM-DD"),
            ("/actions", [("playbook", "weekly-review"), ("text", "  ")], "text: the action item text must not be empty"),
            ("/actions", [("playbook", "weekly-review"), ("text", "two\nlines")], "text: the action item text must be one line"),
            ("/actions", [("playbook", "gone"), ("text", "x")], "playbook: no playbook &#39;gone&#39;"),
            (WebFixture.review + "/checklist/9", [("done", "1")], "item: item 9 does not exist"),
            (WebFixture.review + "/checklist/1", [("done", "yes")], "done: expected 1 or 0"),
        ]
        for (path, fields, message) in cases {
            let reply = try web.post(path, fields: [("csrf", token)] + fields, cookie: cookie)
            #expect(reply.status == 400, "\(path) \(fields)")
            #expect(reply.body.contains(message), "\(path) \(fields): \(reply.body)")
        }
        let malformed = try LoopbackHTTPClient.send(
            "POST", web.base + "/kpis", headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", cookie)],
            body: "csrf=\(token)&value=%zz")
        #expect(malformed.status == 400)
        let json = try LoopbackHTTPClient.send(
            "POST", web.base + "/kpis", headers: [("Content-Type", "application/json"), ("Cookie", cookie)], body: "{}")
        #expect(json.status == 415)
        #expect(try web.get("/?format=xml", cookie: cookie).status == 400)
        #expect(try web.get("/actions?status=someday", cookie: cookie).status == 400)
        let kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        #expect((kpis["recent_values"] as? [Any])?.isEmpty == true)
        let actions = try #require(try web.get("/actions?status=all&format=json", cookie: cookie).json() as? [String: Any])
        #expect((actions["items"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: Backend.available) func anActionItemIsAddedEditedDoneReopenedAndDeleted(backend: Backend) throws {
        let web = try WebFixture(backend: backend)
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie)
        let added = try web.post(
            "/actions",
            fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "Call the carrier"), ("owner", "Max Member"), ("due", "2026-12-03"),
                ("return_to", WebFixture.review)], cookie: cookie)
        #expect(added.status == 303)
        #expect(added.header("Location") == WebFixture.review)
        var listed = try #require(try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])
        let id = try #require(listed.first?["id"] as? Int)
        #expect(listed.first?["text"] as? String == "Call the carrier")
        // Due yesterday: overdue on Today and in the filter.
        let today = try #require(try web.get("/?format=json", cookie: cookie).json() as? [String: Any])
        #expect((today["overdue_actions"] as? [[String: Any]])?.first?["id"] as? Int == id)
        let overdue = try #require(try web.get("/actions?status=overdue&format=json", cookie: cookie).json() as? [String: Any])
        #expect((overdue["items"] as? [[String: Any]])?.count == 1)

        #expect(try web.post("/actions/\(id)/edit", fields: [("csrf", token), ("text", "Call the new carrier"), ("owner", "Ada Admin"), ("due", "2026-12-10")], cookie: cookie).status == 303)
        listed = try #require(try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])
        #expect(listed.first?["text"] as? String == "Call the new carrier")
        #expect(listed.first?["owner"] as? String == "Ada Admin")
        // An open redirect is not: return_to must be a path of this app.
        let done = try web.post("/actions/\(id)/done", fields: [("csrf", token), ("return_to", "//evil.example/")], cookie: cookie)
        #expect(done.status == 303)
        #expect(done.header("Location") == "/actions")
        let doneList = try #require(try web.get("/actions?status=done&format=json", cookie: cookie).json() as? [String: Any])
        #expect((doneList["items"] as? [[String: Any]])?.first?["done_by"] as? String == "Max Member")
        #expect(try web.post("/actions/\(id)/reopen", fields: [("csrf", token)], cookie: cookie).status == 303)
        #expect((try web.command(["action", "list", "--format", "json"]).json() as? [[String: Any]])?.count == 1)
        #expect(try web.post("/actions/\(id)/delete", fields: [("csrf", token)], cookie: cookie).status == 303)
        #expect((try web.command(["action", "list", "--all", "--format", "json"]).json() as? [[String: Any]])?.isEmpty == true)
        #expect(try web.post("/actions/\(id)/done", fields: [("csrf", token)], cookie: cookie).status == 400)
    }

    @Test func aRecordedKPITurnsRedAndCanBeDeleted() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie)
        #expect(try web.post("/kpis", fields: [("csrf", token), ("kpi", "order_accuracy"), ("value", "97.5%")], cookie: cookie).status == 303)
        let kpis = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        let row = try #require((kpis["rows"] as? [[String: Any]])?.first { $0["key"] as? String == "order_accuracy" })
        #expect(row["status"] as? String == "red")
        #expect((row["cells"] as? [[String: Any]])?.last?["status"] as? String == "red")
        #expect((kpis["weeks"] as? [String])?.count == 13)
        let today = try #require(try web.get("/?format=json", cookie: cookie).json() as? [String: Any])
        #expect((today["red_kpis"] as? [[String: Any]])?.map { $0["key"] as? String } == ["order_accuracy"])
        let meeting = try web.get(WebFixture.review, cookie: cookie).body
        #expect(meeting.contains("status-red"))
        let cli = try #require(try web.command(["kpi", "show", "--format", "json"]).json() as? [[String: Any]])
        #expect(cli.first { $0["key"] as? String == "order_accuracy" }?["status"] as? String == "red")
        #expect(try web.post("/kpis/order_accuracy/2026-12-04/delete", fields: [("csrf", token)], cookie: cookie).status == 303)
        let after = try #require(try web.get("/kpis?format=json", cookie: cookie).json() as? [String: Any])
        #expect((after["recent_values"] as? [Any])?.isEmpty == true)
    }

    @Test func meetingAddressesAreCanonicalAndNotesAreKept() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let next = try web.get("/meetings/weekly-review/next", cookie: cookie)
        #expect(next.status == 303)
        #expect(next.header("Location") == WebFixture.review)
        #expect(try web.get("/meetings/weekly-review/2026-12-04", cookie: cookie).header("Location") == WebFixture.review)
        let missing = try web.get("/meetings/weekly-review/2026-12-05", cookie: cookie)
        #expect(missing.status == 404)
        #expect(missing.body.contains("weekly-review has no occurrence on 2026-12-05"))
        #expect(try web.get("/meetings/nope/next", cookie: cookie).status == 404)
        let token = try web.csrf(cookie: cookie)
        let notes = "Carrier late twice.\n<b>not bold</b>\n\n# Decisions\n- Switch to **two** carriers\n- `<script>` stays text"
        #expect(try web.post(WebFixture.review + "/notes", fields: [("csrf", token), ("notes", notes)], cookie: cookie).status == 303)
        let page = try web.get(WebFixture.review, cookie: cookie).body
        #expect(page.contains("Carrier late twice.\n&lt;b&gt;not bold&lt;/b&gt;\n\n# Decisions"))
        #expect(page.contains("<p>Carrier late twice.<br>&lt;b&gt;not bold&lt;/b&gt;</p>"))
        #expect(page.contains("<h3>Decisions</h3>\n<ul><li>Switch to <strong>two</strong> carriers</li><li><code>&lt;script&gt;</code> stays text</li></ul>"))
        #expect(!page.contains("<script>"))
        #expect(page.contains("Last saved by Ada Admin"))
        let json = try #require(try web.get(WebFixture.review + "?format=json", cookie: cookie).json() as? [String: Any])
        #expect(json["notes"] as? String == notes)
        #expect(json["notes_by"] as? String == "Ada Admin")
    }

    @Test func anItemWithoutAnOwnerShowsNone() throws {
        // Mustache looks a missing name up in the enclosing contexts: the meeting's owner must not
        // stand in for an item's (nor be saved by an edit form pre-filled with it).
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        let token = try web.csrf(cookie: cookie)
        #expect(try web.post("/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "Nobody's yet")], cookie: cookie).status == 303)
        let page = try web.get(WebFixture.review, cookie: cookie).body
        let second = try #require(page.range(of: "<span class=\"item\">2. Assign owners to new items</span>"))
        #expect(!page[second.upperBound...].prefix(80).contains("Ada Admin"), "\(page[second.upperBound...].prefix(80))")
        #expect(page.contains("<label>Owner <input name=\"owner\" value=\"\" maxlength=\"80\"></label>"))
    }

    @Test func revokingAPersonEndsTheirSessions() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Max Member")
        let unused = try web.invitePath("Max Member")
        #expect(try web.get("/", cookie: cookie).status == 200)
        let revoked = try #require(try web.command(["people", "revoke", "Max Member", "--format", "json"]).json() as? [String: Any])
        #expect(revoked["sessions"] as? Int == 1)
        #expect(revoked["links"] as? Int == 1)
        #expect(try web.get("/", cookie: cookie).status == 401)
        #expect(try web.post(unused, fields: []).status == 410)
        // A name not under people: (a typo) is an error, not "0 sessions ended".
        let typo = try web.command(["people", "revoke", "Max Membr"])
        #expect(typo.status == 2 && typo.stderr.contains("NAME: no person 'Max Membr' under people:"), "\(typo.stderr)")
    }

    @Test func someoneRemovedFromPeopleStaysOutWhenTheNameComesBack() async throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Max Member")
        #expect(try web.get("/", cookie: cookie).status == 200)
        web.dir.write("opscadence.yaml", WebFixture.configuration.replacingOccurrences(of: "\n  - { name: Max Member, role: member }", with: ""))
        #expect(await waitUntil(timeout: .seconds(20), pollingEvery: .milliseconds(200)) { (try? web.get("/", cookie: cookie).status) == 401 })
        web.dir.write("opscadence.yaml", WebFixture.configuration)
        #expect(await waitUntil(timeout: .seconds(20), pollingEvery: .milliseconds(200)) {
            ((try? web.command(["people", "--format", "json"]).json()) as? [[String: Any]])?.contains { $0["name"] as? String == "Max Member" } == true
        })
        // The page has seen the name come back (a second reload) and the old session is still out.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(try web.get("/healthz").status == 200)
        #expect(try web.get("/", cookie: cookie).status == 401)
        let people = try #require(try web.command(["people", "--format", "json"]).json() as? [[String: Any]])
        #expect(people.first { $0["name"] as? String == "Max Member" }?["sessions"] as? Int == 0)
    }

    @Test func theWorkspaceIsReloadedWhenItsFilesChange() async throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        web.dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview.replacingOccurrences(of: "title: Weekly review", with: "title: Friday numbers"))
        #expect(await waitUntil(timeout: .seconds(20), pollingEvery: .milliseconds(200)) {
            (try? web.get(WebFixture.review, cookie: cookie).body.contains("<h1>Friday numbers</h1>")) == true
        })
        // SIGHUP reads the files again (and does not end the process, its default action).
        web.server.signal(SIGHUP)
        #expect(await waitUntil(timeout: .seconds(10)) { web.server.currentStderr.contains("SIGHUP: the workspace is read again") })
        #expect(try web.get("/healthz").status == 200)
        // An invalid edit keeps the last good workspace, and says so.
        web.dir.write("playbooks/weekly-review.yaml", "id: weekly-review\nschedule: every blue moon\n")
        #expect(await waitUntil(timeout: .seconds(20), pollingEvery: .milliseconds(200)) {
            (try? web.get("/", cookie: cookie).body.contains("the workspace on disk does not validate")) == true
        })
        #expect(try web.get(WebFixture.review, cookie: cookie).body.contains("<h1>Friday numbers</h1>"))
    }

    @Test(arguments: Backend.available) func runWithListenServesThePagesBesideTheScheduler(backend: Backend) throws {
        let dir = TemporaryDirectory()
        let database = backend == .postgres ? try #require(TestDatabase.make()) : nil
        dir.write("opscadence.yaml", (database == nil ? "" : "state: ${env:OPS_STATE_URL}\n") + WebFixture.configuration)
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview)
        let runner = CommandRunner(directory: dir.path, environment: database.map { ["OPS_STATE_URL": $0.url] } ?? [:])
        let process = try runner.start(["run", "--listen", "127.0.0.1:0", "--now", WebFixture.now])
        var base: String?
        for _ in 0..<3000 where base == nil && process.process.isRunning {
            base = process.currentStdout.split(separator: "\n").first { $0.hasPrefix("serving ") }.map { String($0.dropFirst(8).dropLast()) }
            if base == nil { usleep(20_000) }
        }
        let url = try #require(base, "\(process.currentStderr)")
        #expect(try LoopbackHTTPClient.send("GET", url + "/healthz").status == 200)
        // Signed in, a page is built from the state.
        let invite = try #require(try runner.run(["people", "invite", "Ada Admin", "--format", "json", "--now", WebFixture.now]).json() as? [String: Any])
        let link = try #require((invite["url"] as? String)?.range(of: "/signin/").map { (invite["url"] as! String)[$0.lowerBound...] })
        let signedIn = try LoopbackHTTPClient.send("POST", url + link, headers: [("Origin", url), ("Content-Type", "application/x-www-form-urlencoded")])
        let cookie = try #require(signedIn.header("Set-Cookie")?.split(separator: ";").first.map(String.init), "\(signedIn.status)")
        let page = try LoopbackHTTPClient.send("GET", url + WebFixture.review, headers: [("Cookie", cookie)])
        #expect(page.status == 200 && page.body.contains("Weekly review"), "\(page.status)")
        // The scheduler ran its first tick in the same process: the review is recorded.
        let status = try #require(try runner.run(["status", "--format", "json", "--now", WebFixture.now]).json() as? [String: Any])
        #expect("\(status)".contains("weekly-review"))
        process.signal(SIGTERM)
        let result = try runner.finish(process, timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: [
        (["serve", "--listen", "0.0.0.0:0"], "refusing to listen on 0.0.0.0: only loopback is served without web.secret"),
        (["serve", "--listen", "8080"], "--listen: expected HOST:PORT such as 127.0.0.1:8080, got \"8080\""),
        (["people", "invite", "Nobody"], "NAME: no person 'Nobody' under people: in opscadence.yaml (expected one of: Ada Admin, Max Member)"),
    ])
    func commandsRefuseWhatTheyCannotDo(arguments: [String], message: String) throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", WebFixture.configuration)
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview)
        let result = try CommandRunner(directory: dir.path).run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file(".opscadence/state.sqlite")) || arguments[0] == "serve")
    }

    @Test func serveNeedsPeopleToSignIn() throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: UTC\n")
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview.replacingOccurrences(of: "remind:\n  - { target: chat, before: 15m }\n", with: ""))
        let result = try CommandRunner(directory: dir.path).run(["serve", "--listen", "127.0.0.1:0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no one can sign in: add people:"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("people:\n  - { name: Ada, role: owner }\n", "opscadence.yaml:3:24: error: expected role as admin or member, got \"owner\""),
        ("people:\n  - { name: Ada }\n  - { name: ada }\n", "opscadence.yaml:4:13: error: person 'ada' is listed twice"),
        ("web:\n  secret: hunter2-is-not-a-reference\n", "opscadence.yaml:3:11: error: web.secret is a secret: write ${env:NAME} or ${file:PATH} instead of the value"),
        ("web:\n  url: https://user:pw@ops.example.com\n", "opscadence.yaml:3:8: error: web.url must not carry a user name or password"),
        ("web:\n  secret: ${env:SHORT_SECRET}\n", "opscadence.yaml:3:11: error: web.secret is 5 bytes; it signs sign-in sessions and must be at least 32"),
    ])
    func webSettingsAreValidated(yaml: String, message: String) throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: UTC\n" + yaml)
        dir.write("playbooks/weekly-review.yaml", WebFixture.weeklyReview.replacingOccurrences(of: "remind:\n  - { target: chat, before: 15m }\n", with: ""))
        let result = try CommandRunner(directory: dir.path, environment: ["SHORT_SECRET": "short"]).run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2") && !result.stderr.contains("short\"") && !result.stderr.contains(":pw@"))
    }
}

/// Another process holding the SQLite state's write lock (a Python connection in
/// `BEGIN IMMEDIATE`) until ``release()``.
final class LockHolder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()

    init(_ path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)\nc.execute('BEGIN IMMEDIATE')\n"
                + "print('locked', flush=True)\nsys.stdin.read()\nc.execute('COMMIT')\n",
            path,
        ]
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("locked") {
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else {
                throw LoopbackHTTPClient.Failure(description: "the lock holder ended: \(String(decoding: said, as: UTF8.self))")
            }
            said.append(more)
        }
    }

    /// Commits and ends; again changes nothing.
    func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
