import Foundation
import OpsCadenceTesting
import Testing

/// The web app in a real headless Chromium through chromedriver: what a person sees and does.
/// One browser at a time (each takes a few hundred MB and a second or two to start).
///
/// `OPSCADENCE_SCREENSHOTS=DIR` saves a screenshot of every page into DIR (docs/images holds
/// the ones docs/WEB.md shows).
@Suite(.serialized) struct BrowserTests {
    /// Every visible form field has a label; the page has exactly one h1.
    static let accessibilityProblems = """
        const unlabeled = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name || e.id);
        const h1 = document.querySelectorAll('h1').length;
        return unlabeled.concat(h1 === 1 ? [] : ['h1 count ' + h1]);
        """

    /// Where screenshots go when OPSCADENCE_SCREENSHOTS is not set (kept for the test's lifetime).
    let scratch = TemporaryDirectory()

    func screenshot(_ browser: WebDriver, _ name: String) throws {
        let folder = ProcessInfo.processInfo.environment["OPSCADENCE_SCREENSHOTS"] ?? scratch.path
        let path = (folder as NSString).appendingPathComponent("\(name).png")
        try browser.screenshot(to: path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot \(name) is \(size) bytes")
    }

    func expectAccessible(_ browser: WebDriver, _ page: String) throws {
        let problems = try browser.execute(Self.accessibilityProblems) as? [String]
        #expect(problems == [], "\(page): \(problems ?? [])")
    }

    @Test func aTeamRunsItsMeetingInTheBrowser() throws {
        let web = try WebFixture()
        let browser = try WebDriver()
        defer { browser.quit() }
        let link = web.base + (try web.invitePath("Ada Admin"))

        // Signing in: the link shows a button; only the button signs in.
        try browser.open(link)
        try screenshot(browser, "signin")
        try browser.click("#sign-in")
        try browser.wait(forURL: web.base + "/")
        #expect(try browser.text(of: "h1") == "Today")
        let session = try #require(try browser.cookies().first { $0["name"] as? String == "opscadence_session" })
        #expect(session["httpOnly"] as? Bool == true)
        #expect(session["sameSite"] as? String == "Lax")
        try expectAccessible(browser, "today")
        try screenshot(browser, "today")

        // The meeting page, from Today's list.
        try browser.click("a[href='\(WebFixture.review)']")
        try browser.wait(forURL: web.base + WebFixture.review)
        #expect(try browser.text(of: "h1") == "Weekly review")
        try expectAccessible(browser, "meeting")
        try browser.click(try browser.find("ul.checklist li:first-child button"))
        try browser.wait(forURL: web.base + WebFixture.review + "#checklist")
        let first = try browser.text(of: "ul.checklist li:first-child")
        #expect(first.contains("ticked by Ada Admin"), "\(first)")
        #expect(try browser.text(of: "#checklist").contains("1/2 done"))
        let shown = try #require(try web.command(["checklist", "show", "weekly-review", "--at", "2026-12-04", "--format", "json"]).json() as? [String: Any])
        #expect((shown["items"] as? [[String: Any]])?.first?["done_by"] as? String == "Ada Admin")
        #expect(web.dir.read("agendas/weekly-review/2026-12-04T1100.md")?.contains("— ticked by Ada Admin") == true)

        // An action item, added and then completed from the meeting page.
        try browser.type("Call the carrier about late pickups", into: try browser.find("#new-action"))
        try browser.type("Max Member", into: try browser.find("#new-owner"))
        try browser.click("#add-action button[type=submit]")
        try browser.wait("the new action item") { try browser.text(of: "ul.actions").contains("Call the carrier about late pickups") }
        try screenshot(browser, "meeting")
        try browser.click("ul.actions li:first-child form.inline button")
        try browser.wait("the action item to be done") { try browser.findAll("ul.actions li").isEmpty }
        let done = try #require(try web.command(["action", "list", "--all", "--format", "json"]).json() as? [[String: Any]])
        #expect(done.first?["text"] as? String == "Call the carrier about late pickups")
        #expect(done.first?["done"] as? Bool == true || done.first?["done_at"] != nil)

        // A KPI recorded below its red line turns red in the grid.
        try browser.open(web.base + "/kpis")
        try expectAccessible(browser, "kpis")
        try browser.type("97.5%", into: try browser.find("#value"))
        try browser.click("form.add button[type=submit]")
        try browser.wait("the recorded value") { try browser.text(of: "#kpi-order_accuracy").contains("red") }
        #expect(try browser.attribute(try browser.find("#kpi-order_accuracy td.status-red"), "class") == "status-red")
        try screenshot(browser, "kpis")

        // The quarterly self-assessment: the radar chart appears (an image the policy allows).
        try browser.open(web.base + "/maturity")
        try expectAccessible(browser, "maturity")
        for (dimension, score) in [("inventory", 2), ("fulfillment", 3), ("planning", 3), ("reporting", 2), ("governance", 4)] {
            try browser.click("label[for='\(dimension)-\(score)']")
        }
        try browser.click("form.assessment button[type=submit]")
        try browser.wait("the report") { try browser.text(of: "#report").contains("Stage 2 (Controlled)") }
        try browser.wait("the radar chart to load") {
            try browser.execute("const i = document.querySelector('img[src=\"/maturity/radar.svg\"]'); return i !== null && i.complete && i.naturalWidth > 0") as? Bool == true
        }
        try screenshot(browser, "maturity")

        try browser.open(web.base + "/calendar?month=2026-12")
        try expectAccessible(browser, "calendar")
        #expect(try browser.findAll("a.event").count >= 4)
        try screenshot(browser, "calendar")

        try browser.open(web.base + "/actions?status=all")
        try expectAccessible(browser, "actions")
        try screenshot(browser, "actions")
        try browser.open(web.base + "/outbox")
        #expect(try browser.text(of: "h1") == "Deliveries")
        try screenshot(browser, "outbox")

        // The link was used: a second visit is refused.
        try browser.open(link)
        #expect(try browser.text(of: "h1").contains("410"))
    }

    @Test func hostileTextStaysTextInTheBrowser() throws {
        let title = "<script>alert(1)</script>"
        let web = try WebFixture(playbooks: [
            "playbooks/weekly-review.yaml": WebFixture.weeklyReview.replacingOccurrences(of: "title: Weekly review", with: "title: \"\(title)\"")
        ])
        let browser = try WebDriver()
        defer { browser.quit() }
        try browser.open(web.base + (try web.invitePath("Max Member")))
        try browser.click("#sign-in")
        try browser.wait(forURL: web.base + "/")
        try browser.open(web.base + WebFixture.review)
        // An alert would leave the session blocked on it, and every command below would fail.
        #expect(try browser.text(of: "h1") == title)
        try browser.type("<img src=x onerror=\"document.title='owned'\">", into: try browser.find("#new-action"))
        try browser.click("#add-action button[type=submit]")
        try browser.wait("the new action item") { try browser.text(of: "ul.actions").contains("<img src=x") }
        #expect(try browser.title.hasSuffix("· OpsCadence"))
        #expect(try browser.findAll("ul.actions img").isEmpty)
        // A member is told the outbox is for admins.
        try browser.open(web.base + "/outbox")
        #expect(try browser.text(of: "h1") == "403 Forbidden")
    }

    @Test func theMeetingPageShowsOthersChangesWithoutAReload() throws {
        let web = try WebFixture()
        let browser = try WebDriver()
        defer { browser.quit() }
        try browser.open(web.base + (try web.invitePath("Ada Admin")))
        try browser.click("#sign-in")
        try browser.wait(forURL: web.base + "/")
        try browser.open(web.base + WebFixture.review)
        #expect(try !browser.text(of: "ul.checklist li:first-child").contains("ticked by"))
        // Someone else ticks the first item from their own session.
        let other = try web.signIn("Max Member")
        let token = try web.csrf(cookie: other, page: WebFixture.review)
        #expect(try web.post(WebFixture.review + "/checklist/1", fields: [("csrf", token), ("done", "1")], cookie: other).status == 303)
        try browser.wait("the page to refresh itself", timeout: .seconds(30)) {
            try browser.text(of: "ul.checklist li:first-child").contains("ticked by Max Member")
        }
    }

    @Test func theChecklistWorksWithTheKeyboardAlone() throws {
        let web = try WebFixture()
        let browser = try WebDriver()
        defer { browser.quit() }
        try browser.open(web.base + (try web.invitePath("Ada Admin")))
        try browser.click("#sign-in")
        try browser.wait(forURL: web.base + "/")
        try browser.open(web.base + WebFixture.review)
        // Tab from the top of the page to the first checklist button, then press Enter.
        var reached = false
        for _ in 0..<60 {
            try browser.pressKeys("\u{E004}")
            let label = try browser.execute("return document.activeElement.getAttribute('aria-label')") as? String
            if label == "Tick: Update the scorecard" {
                reached = true
                break
            }
        }
        try #require(reached, "the checklist button is not reachable with Tab")
        try browser.pressKeys("\u{E007}")
        try browser.wait("the ticked item") { try browser.text(of: "ul.checklist li:first-child").contains("ticked by Ada Admin") }
        // The skip link is the first stop, and leads to the content.
        try browser.open(web.base + "/")
        try browser.pressKeys("\u{E004}")
        #expect(try browser.execute("return document.activeElement.textContent") as? String == "Skip to content")
    }
}
