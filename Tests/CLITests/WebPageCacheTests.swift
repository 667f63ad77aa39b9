import Foundation
import OpsCadenceTesting
import HTTPTypes
import NIOCore
import StateStore
import Testing

@testable import WebApp

/// The page cache (``PageCache`` in WebApp) over a real `opscadence serve`: a page is served
/// again only while nothing it shows changed, whoever changed it, and each browser gets its own
/// form token and name.
@Suite struct WebPageCacheTests {
    /// The CLI is another process with its own connection to the state file: what it records
    /// shows on the next load of a page that was already rendered (and served from the cache).
    @Test(arguments: Backend.available) func aChangeFromTheCommandLineShowsOnTheNextPageLoad(backend: Backend) throws {
        let web = try WebFixture(backend: backend)
        let cookie = try web.signIn("Ada Admin")
        for _ in 0..<3 { #expect(try !web.get(WebFixture.review, cookie: cookie).body.contains("Call the carrier")) }
        let json = WebFixture.review + "?format=json"
        #expect(try !web.get(json, cookie: cookie).body.contains("Call the carrier"))
        let added = try web.command(["action", "add", "Call the carrier", "--playbook", "weekly-review", "--format", "json"])
        try #require(added.status == 0, "\(added.stderr)")
        let id = try #require((try added.json() as? [String: Any])?["id"] as? Int)
        #expect(try web.get(WebFixture.review, cookie: cookie).body.contains("Call the carrier"))
        #expect(try web.get(json, cookie: cookie).body.contains("Call the carrier"))
        #expect(try web.get("/actions", cookie: cookie).body.contains("Call the carrier"))
        let done = try web.command(["action", "done", "\(id)"])
        try #require(done.status == 0, "\(done.stderr)")
        #expect(try !web.get(WebFixture.review, cookie: cookie).body.contains("Call the carrier"))
        #expect(try !web.get(json, cookie: cookie).body.contains("Call the carrier"))
        // A checklist item ticked from the command line.
        let before = try web.get(WebFixture.review + "?format=json", cookie: cookie).body
        let check = try web.command(["checklist", "check", "weekly-review", "1"])
        try #require(check.status == 0, "\(check.stderr)")
        let after = try web.get(WebFixture.review + "?format=json", cookie: cookie).body
        #expect(before != after)
        #expect(after.contains("\"done\" : true"))
    }

    /// A tick in another process (here: a second attempt at a reminder whose receiver is
    /// down) shows on the next load of the deliveries page and its JSON.
    @Test func aTickInAnotherProcessShowsOnTheNextPageLoad() throws {
        let web = try WebFixture(environment: ["CHAT_URL": "http://127.0.0.1:9/hook"])
        let cookie = try web.signIn("Ada Admin")
        for _ in 0..<2 {
            #expect(try web.get("/outbox", cookie: cookie).body.contains("<td>retrying</td><td>1</td>"))
            #expect(try web.get("/outbox?format=json", cookie: cookie).body.contains("\"attempts\" : 1"))
        }
        let tick = try web.runner.run(["tick", "--now", "2026-12-04T15:58:00Z"])
        try #require(tick.status == 0, "\(tick.stderr)")
        #expect(try web.get("/outbox", cookie: cookie).body.contains("<td>retrying</td><td>2</td>"))
        #expect(try web.get("/outbox?format=json", cookie: cookie).body.contains("\"attempts\" : 2"))
    }

    /// A change made on the page (the app's own connection: `PRAGMA data_version` does not
    /// move for it) shows on the page its redirect leads to.
    @Test(arguments: Backend.available) func aChangeThroughThePageShowsAfterItsRedirect(backend: Backend) throws {
        let web = try WebFixture(backend: backend)
        let cookie = try web.signIn("Max Member")
        let token = try web.csrf(cookie: cookie, page: WebFixture.review)
        #expect(try !web.get(WebFixture.review, cookie: cookie).body.contains("Book the truck"))
        let added = try web.post(
            "/actions", fields: [("csrf", token), ("playbook", "weekly-review"), ("text", "Book the truck"), ("return_to", WebFixture.review)],
            cookie: cookie)
        #expect(added.status == 303)
        let location = try #require(added.header("Location"))
        #expect(try web.get(location, cookie: cookie).body.contains("Book the truck"))
        let ticked = try web.post(WebFixture.review + "/checklist/2", fields: [("csrf", token), ("done", "1")], cookie: cookie)
        #expect(ticked.status == 303)
        let json = try web.get(WebFixture.review + "?format=json", cookie: cookie).body
        #expect(json.contains("\"done_by\" : \"Max Member\""))
    }

    /// Two people, and two browsers of one person, load the same pages in turn: each page has
    /// the session's own form token (the one its POSTs are accepted with) and the viewer's name.
    @Test func viewersNeverSeeEachOthersTokenOrName() throws {
        let web = try WebFixture()
        let sessions = [
            ("Ada Admin", try web.signIn("Ada Admin")), ("Max Member", try web.signIn("Max Member")), ("Ada Admin", try web.signIn("Ada Admin")),
        ]
        var tokens: [String] = []
        for (_, cookie) in sessions { tokens.append(try web.csrf(cookie: cookie)) }
        #expect(Set(tokens).count == 3)
        for _ in 0..<2 {
            for (index, (name, cookie)) in sessions.enumerated() {
                for path in ["/", WebFixture.review, "/actions", "/kpis"] {
                    let html = try web.get(path, cookie: cookie).body
                    #expect(html.contains("<span class=\"person\">\(name)</span>"), "\(path)")
                    for (other, token) in tokens.enumerated() {
                        #expect(html.contains(token) == (other == index), "\(path): session \(index) shows session \(other)'s token")
                    }
                    #expect(!html.contains("<span class=\"person\">\(name == "Ada Admin" ? "Max Member" : "Ada Admin")</span>"))
                    // Only an admin's navigation links to the deliveries.
                    #expect(html.contains("href=\"/outbox\"") == (name == "Ada Admin"), "\(path)")
                }
            }
        }
        // Each token is the one the session's forms work with.
        for (index, (_, cookie)) in sessions.enumerated() {
            let note = try web.post(WebFixture.review + "/notes", fields: [("csrf", tokens[index]), ("notes", "note \(index)")], cookie: cookie)
            #expect(note.status == 303)
            #expect(try web.get(WebFixture.review, cookie: cookie).body.contains("note \(index)"))
        }
        let wrong = try web.post(WebFixture.review + "/notes", fields: [("csrf", tokens[0]), ("notes", "x")], cookie: sessions[1].1)
        #expect(wrong.status == 403)
    }

    /// Answers from the cache carry the same headers as rendered ones.
    @Test func cachedAnswersKeepTheirHeaders() throws {
        let web = try WebFixture()
        let cookie = try web.signIn("Ada Admin")
        for path in [WebFixture.review, WebFixture.review, WebFixture.review + "?format=json", WebFixture.review + "?format=json"] {
            let reply = try web.get(path, cookie: cookie)
            #expect(reply.status == 200)
            #expect(reply.header("Cache-Control") == "no-store")
            #expect(reply.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(reply.header("X-Frame-Options") == "DENY")
            #expect(reply.header("Content-Type")?.hasPrefix(path.hasSuffix("json") ? "application/json" : "text/html") == true)
            #expect(reply.header("Content-Length") == "\(reply.body.utf8.count)")
        }
        #expect(try web.get(WebFixture.review + "?format=xml", cookie: cookie).status == 400)
    }

    /// A page is filed without the session (only the viewer's name and role): the session is
    /// checked on every request, cached page or not. Once a browser signs out, or the command
    /// line (another process) revokes the person, the pages it had loaded are refused to it,
    /// while another signed-in person's still come from the cache.
    @Test(arguments: Backend.available) func aCachedPageIsRefusedOnceTheSessionEnds(backend: Backend) throws {
        let web = try WebFixture(backend: backend)
        let first = try web.signIn("Max Member")
        let second = try web.signIn("Max Member")
        let admin = try web.signIn("Ada Admin")
        let paths = [WebFixture.review, WebFixture.review + "?format=json", "/"]
        for _ in 0..<2 {
            for cookie in [first, second, admin] {
                for path in paths { #expect(try web.get(path, cookie: cookie).status == 200, "\(path)") }
            }
        }
        let token = try web.csrf(cookie: first, page: WebFixture.review)
        #expect(try web.post("/signout", fields: [("csrf", token)], cookie: first).status == 303)
        for path in paths {
            let refused = try web.get(path, cookie: first)
            #expect(refused.status == 401, "\(path)")
            #expect(!refused.body.contains(token) && !refused.body.contains("Max Member"), "\(path)")
            // The same person's other browser still has the page.
            #expect(try web.get(path, cookie: second).status == 200, "\(path)")
        }

        let revoked = try web.command(["people", "revoke", "Max Member", "--format", "json"])
        try #require(revoked.status == 0, "\(revoked.stderr)")
        for path in paths {
            let refused = try web.get(path, cookie: second)
            #expect(refused.status == 401, "\(path)")
            #expect(!refused.body.contains("Max Member"), "\(path)")
            #expect(try web.get(path, cookie: admin).status == 200, "\(path)")
        }
    }

    /// What the cache key reads: another connection's commit, and this connection's own.
    @Test func theStateVersionMovesWithEveryCommit() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("state.sqlite")
        let server = try StateStore(path: path)
        let cli = try StateStore(path: path)
        let first = try server.version()
        #expect(try server.version() == first)
        _ = try server.session(tokenDigest: "x", now: 0)
        #expect(try server.version() == first)
        try cli.createInvite(tokenDigest: "a", person: "Ada Admin", now: 0, expiresAt: 10)
        let second = try server.version()
        #expect(second != first)
        try server.createInvite(tokenDigest: "b", person: "Ada Admin", now: 0, expiresAt: 10)
        let third = try server.version()
        #expect(third != second && third != first)
        #expect(try server.version() == third)
    }

    /// The token goes where the placeholder was, every time, for whichever session asks.
    @Test func theTokenIsPutWhereThePlaceholderWas() {
        let cache = PageCache()
        let marker = cache.placeholder
        let text = "\(marker)<form><input name=csrf value=\"\(marker)\">é</form>\(marker)"
        let page = PageCache.Page(pieces: PageCache.cut(Array(text.utf8), at: Array(marker.utf8)), contentType: "text/html")
        #expect(page.pieces.count == 4)
        var joined = page
        for token in ["first-token", "second", "first-token"] {
            let (body, _) = joined.body(csrf: token)
            #expect(String(buffer: body) == "\(token)<form><input name=csrf value=\"\(token)\">é</form>\(token)")
            joined.joined = (token, body)
        }
        let key = PageCache.Key(
            address: "/", workspaceVersion: 0, problem: nil, state: StateVersion(otherConnections: 1, ownChanges: 0), minute: 7, viewer: "Ada Admin",
            isAdmin: true)
        _ = cache.store(text, contentType: "text/html", for: key, csrf: "t")
        #expect(cache.response(for: key, csrf: "t") != nil)
        for other in [
            PageCache.Key(address: "/", workspaceVersion: 0, problem: nil, state: key.state, minute: 8, viewer: "Ada Admin", isAdmin: true),
            PageCache.Key(address: "/", workspaceVersion: 0, problem: nil, state: key.state, minute: 7, viewer: "Max Member", isAdmin: false),
            PageCache.Key(
                address: "/", workspaceVersion: 0, problem: nil, state: StateVersion(otherConnections: 1, ownChanges: 1), minute: 7,
                viewer: "Ada Admin", isAdmin: true),
            PageCache.Key(address: "/", workspaceVersion: 1, problem: nil, state: key.state, minute: 7, viewer: "Ada Admin", isAdmin: true),
            PageCache.Key(address: "/", workspaceVersion: 0, problem: "invalid", state: key.state, minute: 7, viewer: "Ada Admin", isAdmin: true),
        ] {
            #expect(cache.response(for: other, csrf: "t") == nil)
        }
    }

    /// The state held by another process past the busy timeout: 503, the same request may
    /// succeed in a moment; anything else (a connection lost mid-write may have committed): 500.
    @Test(arguments: [(StateError.Code.locked, 503), (.unavailable, 500), (.corrupted, 500)])
    func aBusyStateIsServiceUnavailable(code: StateError.Code, status: Int) {
        let error = StateError(code, path: "/srv/state.sqlite", detail: "locked by another process")
        #expect(PageError(error, redact: { $0 }).status == .init(code: status))
    }
}
