import CadenceEngine
import Foundation
import HTTPTypes
import Logging
import Agendas
import Hummingbird
import MaturityModel
import Playbooks
import Recurrence
import StateStore
import Timekeeping

extension WebServer {
    // MARK: Public

    func addPublicRoutes(to router: Router<WebRequestContext>) {
        // A read of the state file: the app is up only if it can answer from it (HEAD too, as
        // every GET: the gate routes it as GET and sends no body).
        router.get("/healthz") { _, _ -> Response in
            do {
                _ = try store.nextDeliveryDue()
                return Self.text("ok\n", status: .ok)
            } catch {
                return Self.text("state file unavailable\n", status: .serviceUnavailable)
            }
        }
        // Prometheus text format, for a scraper on this machine: loopback clients only, and not
        // through a reverse proxy (which would make everyone look local).
        router.get("/metrics") { request, context -> Response in
            let proxied: [HTTPField.Name] = [.xForwardedFor, .forwarded, .xForwardedProto, .xForwardedHost, .xRealIP, .via]
            let host = (request.head.authority ?? "").lowercased()
            let loopbackHost = ["127.0.0.1", "localhost", "[::1]"].contains { host == $0 || host.hasPrefix($0 + ":") }
            guard ["127.0.0.1", "::1"].contains(context.remoteAddress) || context.remoteAddress.hasPrefix("127."),
                !proxied.contains(where: { request.headers[$0] != nil }), loopbackHost
            else { throw PageError(.forbidden, "/metrics answers only to this machine") }
            var response = Self.text(Self.prometheus(try store.metrics(now: now), now: now), status: .ok, type: "text/plain; version=0.0.4; charset=utf-8")
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("/static/app.js") { _, _ -> Response in
            var response = Self.text(Templates.script, status: .ok, type: "text/javascript; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
        router.get("/static/app.css") { _, _ -> Response in
            var response = Self.text(Templates.stylesheet, status: .ok, type: "text/css; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
        router.get("/signin") { _, context -> HTMLPage in
            if context.viewer != nil { return message(context, "Signed in", "You are signed in as \(context.viewer!.person.name).") }
            return message(
                context, "Sign in",
                "Open the sign-in link an admin made for you (opscadence people invite \"Your Name\"). Links work once, for 24 hours.")
        }
        // Opening a link only shows a button: chat unfurlers and mail scanners fetch links, and
        // must not use them up.
        router.get("/signin/:token") { _, context -> HTMLPage in
            let token = try signInToken(context)
            guard let person = try store.invitee(tokenDigest: Token.digest(token, key: digestKey(context.workspace)), now: now) else {
                throw signInFailed(context)
            }
            var view = MessageView(
                chrome: Chrome(title: "Sign in", viewer: context.viewer, banner: nil, current: "", refresh: false), heading: "Sign in",
                message: "This link signs you in once, on this browser.")
            view.signInAction = "/signin/\(token)"
            view.person = person
            return HTMLPage(html: templates.render(view, page: "message"))
        }
        router.post("/signin/:token") { _, context -> Response in
            let token = try signInToken(context)
            let key = digestKey(context.workspace)
            let sessionToken = Token.random()
            let expiresAt = now + Self.sessionLifetime
            guard
                let person = try store.redeemInvite(
                    tokenDigest: Token.digest(token, key: key), now: now,
                    session: (Token.digest(sessionToken, key: key), Token.random(), expiresAt))
            else { throw signInFailed(context) }
            // Signing in again ends the session this browser had. The link is used and the new
            // session recorded by now: a failure here must not leave the browser without either
            // (its old cookie is replaced all the same).
            if let previous = context.viewer {
                do {
                    try store.endSession(tokenDigest: previous.sessionDigest)
                } catch {
                    context.logger.warning(
                        "could not end the session this browser had", metadata: ["error": "\(context.workspace.redact("\(error)"))"])
                }
            }
            context.logger.notice("signed in", metadata: ["person": "\(person)"])
            var response = Response.redirect(to: "/")
            response.setCookie(
                Cookie(
                    name: Gate.sessionCookie, value: sessionToken, maxAge: Int(Self.sessionLifetime), path: "/",
                    secure: context.workspace.configuration.web.isHTTPS, httpOnly: true, sameSite: .lax))
            return response
        }
        // The subscribable feed: no sign-in (calendar apps have none), a key derived from
        // web.secret instead, compared in constant time.
        router.get("/calendar.ics") { request, context -> Response in
            guard let expected = feedKey(context.workspace), let given = request.uri.queryParameters["key"].map(String.init),
                Token.matches(given, expected)
            else { throw PageError(.notFound, "there is no such page") }
            let feed = feedCache.feed(for: context.snapshot!.version, at: options.timeline.monotonic) {
                CalendarExport(workspace: context.workspace).render(now: now)
            }
            var response = Self.text(feed, status: .ok, type: "text/calendar; charset=utf-8")
            response.headers[.cacheControl] = "private, max-age=300"
            return response
        }
        // Signed links from reminders: GET shows what the link does and a button; only the
        // button's POST acts (link previews fetch with GET).
        for pattern in ["/a/ack/:playbook/:occurrence/:expires/:signature", "/a/done/:playbook/:occurrence/:item/:expires/:signature"] {
            router.get(RouterPath(pattern)) { request, context -> HTMLPage in
                let (playbook, action) = try signedAction(request.uri.path, context)
                let outcome = try actionState(playbook, action, context.workspace.configuration.presentation)
                if let done = outcome.already { return message(context, outcome.heading, done) }
                var view = MessageView(
                    chrome: Chrome(title: outcome.heading, viewer: context.viewer, banner: nil, current: "", refresh: false), heading: outcome.heading,
                    message: outcome.question)
                view.actionForm = request.uri.path
                view.actionLabel = outcome.button
                return HTMLPage(html: templates.render(view, page: "message"))
            }
            router.post(RouterPath(pattern)) { request, context -> HTMLPage in
                let (playbook, action) = try signedAction(request.uri.path, context)
                var result = ""
                try change(context) { teamwork, person in
                    result = try perform(action, playbook: playbook, teamwork: teamwork, by: person, via: "link")
                }
                return message(context, "Done", result + " Thank you.")
            }
        }
        router.post("/signout") { _, context -> Response in
            if let viewer = context.viewer { try store.endSession(tokenDigest: viewer.sessionDigest) }
            var response = Response.redirect(to: "/signin")
            response.setCookie(
                Cookie(name: Gate.sessionCookie, value: "", maxAge: 0, path: "/", secure: context.workspace.configuration.web.isHTTPS, httpOnly: true, sameSite: .lax))
            return response
        }
    }

    // MARK: Pages

    func addPageRoutes(to router: Router<WebRequestContext>) {
        router.get("/") { request, context -> Response in
            try page(request, context, template: "today") { try pages($0).today() }
        }
        router.get("/meetings/:playbook/:occurrence") { request, context -> Response in
            let (playbook, occurrence, canonical) = try meeting(context)
            if !canonical { return .redirect(to: Pages.meetingPath(playbook: playbook.id, occurrence: occurrence)) }
            return try page(request, context, template: "meeting") { try pages($0).meeting(playbook, at: occurrence) }
        }
        router.get("/actions") { request, context -> Response in
            let query = request.uri.queryParameters
            let owner = query["owner"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let playbook = query["playbook"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let statusText = query["status"].map(String.init) ?? "open"
            guard let status = Pages.ActionStatus(rawValue: statusText.isEmpty ? "open" : statusText) else {
                throw PageError(.badRequest, "status: expected open, overdue, done or all, got \"\(statusText)\"")
            }
            let returnTo = request.uri.query.map { "/actions?\($0)" } ?? "/actions"
            return try page(request, context, template: "actions") {
                try pages($0).actions(owner: owner, playbook: playbook, status: status, returnTo: returnTo)
            }
        }
        router.get("/kpis") { request, context -> Response in
            try page(request, context, template: "kpis") { try pages($0).kpis() }
        }
        router.get("/calendar") { request, context -> Response in
            let text = request.uri.queryParameters["month"].map(String.init) ?? ""
            let month: YearMonth
            if text.isEmpty {
                let today = context.workspace.configuration.date(at: now)
                month = YearMonth(year: today.year, month: today.month)!
            } else {
                guard let parsed = try? YearMonth(parsing: text), (2000...2199).contains(parsed.year) else {
                    throw PageError(.badRequest, "month: expected YYYY-MM between 2000 and 2199, got \"\(text)\"")
                }
                month = parsed
            }
            let feed = feedKey(context.workspace).map { "\(context.workspace.configuration.web.url ?? "http://127.0.0.1:8080")/calendar.ics?key=\($0)" }
            return try page(request, context, template: "calendar") { pages($0).calendar(month: month, feedURL: feed) }
        }
        router.get("/maturity") { request, context -> Response in
            try page(request, context, template: "maturity") { try pages($0).maturity() }
        }
        router.get("/maturity/:chart") { _, context -> Response in
            let name = context.parameters.get("chart") ?? ""
            guard name == "radar.svg" || name == "trend.svg", let svg = try pages(context).chart(String(name.dropLast(4))) else {
                throw PageError(.notFound, "there is no such chart (no assessment yet?)")
            }
            return Self.text(svg, status: .ok, type: "image/svg+xml")
        }
        router.get("/outbox") { request, context -> Response in
            guard context.viewer?.isAdmin == true else { throw PageError(.forbidden, "only admins can see and change deliveries") }
            var states: [DeliveryState]?
            if let text = request.uri.queryParameters["state"].map(String.init), !text.isEmpty {
                guard let state = DeliveryState(rawValue: text) else {
                    throw PageError(.badRequest, "state: expected one of \(DeliveryState.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
                }
                states = [state]
            }
            return try page(request, context, template: "outbox") { try pages($0).outbox(states: states) }
        }
    }

    // MARK: Changes

    func addChangeRoutes(to router: Router<WebRequestContext>) {
        router.post("/meetings/:playbook/:occurrence/checklist/:item") { _, context -> Response in
            let (playbook, occurrence, _) = try meeting(context)
            guard let item = context.parameters.get("item", as: Int.self) else { throw PageError(.notFound, "there is no such checklist item") }
            let done: Bool
            switch try context.form.required("done") {
            case "1": done = true
            case "0": done = false
            case let other: throw PageError(.badRequest, "done: expected 1 or 0, got \"\(other)\"")
            }
            try change(context) { teamwork, person in
                _ = try teamwork.mark(playbook: playbook, occurrence: occurrence, item: item, done: done, by: person, now: now)
            }
            return .redirect(to: Pages.meetingPath(playbook: playbook.id, occurrence: occurrence) + "#checklist")
        }
        router.post("/meetings/:playbook/:occurrence/notes") { _, context -> Response in
            let (playbook, occurrence, _) = try meeting(context)
            let text = try context.form.required("notes")
            try change(context) { teamwork, person in
                try teamwork.saveNotes(playbook: playbook, occurrence: occurrence, text: text, by: person, now: now)
            }
            return .redirect(to: Pages.meetingPath(playbook: playbook.id, occurrence: occurrence) + "#notes-heading")
        }
        router.post("/meetings/:playbook/:occurrence/acknowledge") { _, context -> Response in
            let (playbook, occurrence, _) = try meeting(context)
            try change(context) { teamwork, person in
                _ = try teamwork.acknowledge(playbook: playbook, occurrence: occurrence, by: person, via: "web", now: now)
            }
            return .redirect(to: returnTo(context.form, default: Pages.meetingPath(playbook: playbook.id, occurrence: occurrence)))
        }
        router.post("/meetings/:playbook/:occurrence/rating") { _, context -> Response in
            let (playbook, occurrence, _) = try meeting(context)
            let rating = try context.form.required("rating")
            try change(context) { teamwork, person in
                try teamwork.rate(playbook: playbook, occurrence: occurrence, rating: rating, by: person ?? "", now: now)
            }
            return .redirect(to: Pages.meetingPath(playbook: playbook.id, occurrence: occurrence) + "#rating-heading")
        }
        router.post("/actions") { _, context -> Response in
            let form = context.form
            let id = try form.required("playbook")
            guard let playbook = context.workspace.playbook(id: id) else { throw PageError(.badRequest, "playbook: no playbook '\(id)'") }
            try change(context) { teamwork, person in
                _ = try teamwork.addAction(
                    playbook: playbook, text: try form.required("text"), owner: form["owner"], due: form["due"], by: person, now: now)
            }
            return .redirect(to: returnTo(form, default: "/actions"))
        }
        router.post("/actions/:id/:verb") { _, context -> Response in
            guard let id = context.parameters.get("id", as: Int64.self) else { throw PageError(.notFound, "there is no such action item") }
            let form = context.form
            try change(context) { teamwork, person in
                switch context.parameters.get("verb") ?? "" {
                case "done": _ = try teamwork.setDone(action: id, done: true, by: person, now: now)
                case "reopen": _ = try teamwork.setDone(action: id, done: false, by: person, now: now)
                case "edit":
                    // A field the form does not send is not edited: the meeting page's owner and
                    // due form sends no text, so saving it cannot undo someone's new wording.
                    guard form["text"] != nil || form["owner"] != nil || form["due"] != nil else {
                        throw PageError(.badRequest, "text, owner, due: nothing to change (send at least one)")
                    }
                    _ = try teamwork.editAction(id: id, text: form["text"], owner: form["owner"], due: form["due"], now: now)
                case "delete": try teamwork.deleteAction(id: id, now: now)
                default: throw PageError(.notFound, "there is no such page")
                }
            }
            return .redirect(to: returnTo(form, default: "/actions"))
        }
        router.post("/kpis") { _, context -> Response in
            let form = context.form
            // A checkbox is sent only when ticked, as "1" (or "on" from a form without a value).
            let replace: Bool
            switch form["replace"] {
            case nil, "0"?: replace = false
            case "1"?, "on"?: replace = true
            case let other?: throw PageError(.badRequest, "replace: expected 1 or 0, got \"\(other)\"")
            }
            try change(context) { teamwork, person in
                _ = try teamwork.recordKPI(
                    key: try form.required("kpi"), value: try form.required("value"), date: form["date"], replace: replace, by: person, now: now)
            }
            return .redirect(to: "/kpis")
        }
        router.post("/kpis/import") { _, context -> Response in
            let form = context.form
            let text = try form.required("csv")
            let file = (form["csv.filename"]).flatMap { $0.isEmpty ? nil : ($0 as NSString).lastPathComponent } ?? "upload.csv"
            guard !text.isEmpty else { throw PageError(.badRequest, "csv: choose a CSV file (date,name,value lines)") }
            try change(context) { teamwork, person in _ = try teamwork.importKPIs(csv: text, file: file, by: person, now: now) }
            return .redirect(to: "/kpis")
        }
        router.post("/kpis/:kpi/:date/delete") { _, context -> Response in
            let kpi = context.parameters.get("kpi") ?? ""
            let date = context.parameters.get("date") ?? ""
            try change(context) { teamwork, _ in try teamwork.deleteKPIValue(key: kpi, date: date, now: now) }
            return .redirect(to: "/kpis")
        }
        router.post("/maturity") { _, context -> Response in
            let form = context.form
            var scores: [MaturityDimension: String] = [:]
            var notes: [MaturityDimension: String] = [:]
            for dimension in MaturityDimension.allCases {
                scores[dimension] = form[dimension.rawValue]
                notes[dimension] = form["note_\(dimension.rawValue)"]
            }
            try change(context) { teamwork, _ in
                _ = try teamwork.saveAssessment(
                    quarter: try form.required("quarter"), scores: scores, notes: notes, replace: form["replace"] == "1", now: now)
            }
            return .redirect(to: "/maturity")
        }
        router.post("/outbox/:id/:verb") { _, context -> Response in
            guard context.viewer?.isAdmin == true else { throw PageError(.forbidden, "only admins can see and change deliveries") }
            guard let id = context.parameters.get("id", as: Int64.self), let row = try store.delivery(id: id) else {
                throw PageError(.notFound, "there is no such delivery")
            }
            switch context.parameters.get("verb") ?? "" {
            case "retry":
                let grace = Int64(context.workspace.playbook(id: row.playbookId)?.grace ?? 3600)
                guard try store.requeue(ids: [id], now: now, expiresAt: now + grace) > 0 else {
                    throw PageError(.conflict, "delivery \(id) is \(row.state.rawValue); only dead, expired or missed deliveries are sent again")
                }
            case "drop":
                guard try store.drop(id: id) else {
                    throw PageError(.conflict, "delivery \(id) is \(row.state.rawValue); only pending, retrying, dead or expired deliveries can be dropped")
                }
            default: throw PageError(.notFound, "there is no such page")
            }
            context.logger.notice("delivery changed from the web", metadata: ["delivery": "\(id)", "by": "\(context.viewer?.person.name ?? "?")"])
            return .redirect(to: "/outbox")
        }
    }

    // MARK: Helpers

    static let sessionLifetime: Int64 = 30 * 86_400

    /// The calendar feed's key: HMAC of a fixed label under web.secret; nil without a secret.
    func feedKey(_ workspace: Workspace) -> String? {
        guard let secret = workspace.configuration.web.secret?.value else { return nil }
        return String(Token.digest("calendar-feed", key: secret).prefix(40))
    }

    func pages(_ context: WebRequestContext) -> Pages {
        Pages(workspace: context.workspace, store: store, now: now, viewer: context.viewer?.person.name) { title, current in
            chrome(context, title, current)
        }
    }

    func chrome(_ context: WebRequestContext, _ title: String, _ current: String) -> Chrome {
        Chrome(title: title, viewer: context.viewer, banner: context.snapshot?.problem, current: current)
    }

    func message(_ context: WebRequestContext, _ heading: String, _ text: String) -> HTMLPage {
        let chrome = Chrome(title: heading, viewer: context.viewer, banner: context.snapshot?.problem, current: "", refresh: false)
        return HTMLPage(html: templates.render(MessageView(chrome: chrome, heading: heading, message: text), page: "message"))
    }

    /// The HTML page, or its data with `?format=json`, from the page cache when nothing it is
    /// made from changed since it was rendered (``PageCache``).
    func page<View: Encodable & Sendable>(
        _ request: Request, _ context: WebRequestContext, template: String, _ build: (WebRequestContext) throws -> View
    ) throws -> Response {
        let format = request.uri.queryParameters["format"].map(String.init)
        guard format == nil || format == "html" || format == "json" else {
            throw PageError(.badRequest, "format: expected html or json, got \"\(format!)\"")
        }
        // Every page is behind sign-in; without a viewer there is nothing to key on.
        guard let viewer = context.viewer, let snapshot = context.snapshot else {
            return try render(build(context), request, context, template: template)
        }
        // The state's version is read before the page is built: the page is then at least as
        // new as the version it is filed under, never older.
        let key = PageCache.Key(
            address: request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path, workspaceVersion: snapshot.version,
            problem: snapshot.problem, state: try context.stateVersion ?? store.version(), minute: now / 60, viewer: viewer.person.name, isAdmin: viewer.isAdmin)
        if let response = pageCache.response(for: key, csrf: viewer.csrfToken) { return response }
        var rendering = context
        rendering.viewer?.csrfToken = pageCache.placeholder
        let view = try build(rendering)
        if format == "json" {
            return pageCache.store(try JSONPage<View>.text(view), contentType: JSONPage<View>.contentType, for: key, csrf: viewer.csrfToken)
        }
        return pageCache.store(templates.render(view, page: template), contentType: HTMLPage.contentType, for: key, csrf: viewer.csrfToken)
    }

    private func render(_ view: some Encodable & Sendable, _ request: Request, _ context: WebRequestContext, template: String) throws -> Response {
        if request.uri.queryParameters["format"] == "json" { return try JSONPage(value: view).response(from: request, context: context) }
        return HTMLPage(html: templates.render(view, page: template)).response()
    }

    /// Runs a change as the signed-in person; its errors become the page's 400 or 500.
    func change(_ context: WebRequestContext, _ body: (Teamwork, String?) throws -> Void) throws {
        // The change is recorded even if the agenda files cannot be rendered again: say so in
        // the log, not as a failed change a person would repeat.
        let logger = context.logger
        let teamwork = Teamwork(workspace: context.workspace, store: store) { failure in
            logger.warning("agenda files not rendered again after a change", metadata: ["error": "\(failure.detail)"])
        }
        do {
            try body(teamwork, context.viewer?.person.name)
        } catch let error as PageError {
            throw error
        } catch {
            throw PageError(error, redact: { context.workspace.redact($0) })
        }
    }

    /// The playbook and occurrence a meeting path names, and whether it names them the
    /// canonical way (a UTC instant).
    func meeting(_ context: WebRequestContext) throws -> (Playbook, Int64, Bool) {
        let id = context.parameters.get("playbook") ?? ""
        guard let playbook = context.workspace.playbook(id: id) else { throw PageError(.notFound, "there is no playbook '\(id)'") }
        let text = context.parameters.get("occurrence") ?? ""
        guard let selection = Playbook.OccurrenceSelection(text) else {
            throw PageError(.notFound, "\"\(text)\" is not an occurrence: expected next, last, a date YYYY-MM-DD or an instant")
        }
        switch playbook.occurrence(selection, now: now) {
        case .success(let occurrence): return (playbook, occurrence.instant, text == RFC3339.formatUTC(occurrence.instant))
        case .failure(let error): throw PageError(.notFound, error.message)
        }
    }

    /// The playbook and action of a signed link (or a chat button's value), checked: shape,
    /// signature, expiry, playbook, checklist item.
    func signedAction(_ path: String, _ context: WebRequestContext) throws -> (Playbook, SignedAction) {
        let invalid = PageError(.forbidden, "this link is not valid (it was changed, or the workspace's web.secret changed since it was sent)")
        guard let secret = context.workspace.configuration.web.secret?.value, let action = SignedAction(path: path), action.verify(secret: secret)
        else { throw invalid }
        guard now <= action.expires else {
            throw PageError(.gone, "this link expired a week after the meeting; use the meeting page instead")
        }
        guard let playbook = context.workspace.playbook(id: action.playbook) else {
            throw PageError(.notFound, "there is no playbook '\(action.playbook)' any more")
        }
        if case .done(let item) = action.verb {
            do { try Teamwork.checkItem(item, of: playbook) } catch { throw PageError(.notFound, error.message) }
        }
        return (playbook, action)
    }

    /// What a signed action would do, or what was already done.
    func actionState(_ playbook: Playbook, _ action: SignedAction, _ presentation: Presentation) throws -> (heading: String, question: String, button: String, already: String?) {
        let when = HumanTime.span(start: action.occurrence, duration: playbook.duration, zone: playbook.timeZone, presentation)
        switch action.verb {
        case .acknowledge:
            let ack = try store.acknowledgement(playbook: playbook.id, scheduledAt: action.occurrence)
            return (
                ack == nil ? "Acknowledge" : "Already acknowledged",
                "\(playbook.title), \(when): say that it happened. Its escalations will not be sent.", "Acknowledge: it happened",
                ack.map { "\(playbook.title), \(when): acknowledged\($0.by.map { " by \($0)" } ?? "") (\($0.via))." }
            )
        case .done(let item):
            let text = playbook.checklist[item - 1].item
            let mark = try store.checklistMarks(playbook: playbook.id, scheduledAt: action.occurrence)[item]
            return (
                mark == nil ? "Tick a checklist item" : "Already done",
                "\(playbook.title), \(when): mark “\(text)” done.", "Mark it done",
                mark.map { "\(playbook.title), \(when): “\(text)” is done\($0.doneBy.map { " (\($0))" } ?? "")." }
            )
        }
    }

    /// Carries out a verified action and says what it did; doing it again changes nothing.
    func perform(_ action: SignedAction, playbook: Playbook, teamwork: Teamwork, by person: String?, via: String) throws -> String {
        let when = HumanTime.span(
            start: action.occurrence, duration: playbook.duration, zone: playbook.timeZone, teamwork.workspace.configuration.presentation)
        switch action.verb {
        case .acknowledge:
            let ack = try teamwork.acknowledge(playbook: playbook, occurrence: action.occurrence, by: person, via: via, now: now).acknowledgement
            return "\(playbook.title), \(when): acknowledged\(ack.by.map { " by \($0)" } ?? "") (\(ack.via))."
        case .done(let item):
            let text = playbook.checklist[item - 1].item
            if let mark = try store.checklistMarks(playbook: playbook.id, scheduledAt: action.occurrence)[item] {
                return "\(playbook.title), \(when): “\(text)” was already done\(mark.doneBy.map { " (\($0))" } ?? "")."
            }
            _ = try teamwork.mark(playbook: playbook, occurrence: action.occurrence, item: item, done: true, by: person, now: now)
            return "\(playbook.title), \(when): “\(text)” is done\(person.map { " (\($0))" } ?? "")."
        }
    }

    /// The link's token, well formed; a malformed one counts as a failed attempt.
    func signInToken(_ context: WebRequestContext) throws -> String {
        guard let token = context.parameters.get("token"), Token.isWellFormed(token) else { throw signInFailed(context) }
        return token
    }

    /// A link that is used, expired or unknown. Only failures are counted, per client address:
    /// a valid link always works (behind a proxy every client has the proxy's address, and
    /// junk requests must not lock the team out), while guessing gets a 429 instead of a 410.
    func signInFailed(_ context: WebRequestContext) -> PageError {
        guard limiter.allow(context.remoteAddress) else {
            return PageError(.tooManyRequests, "too many failed sign-in attempts from this address; wait ten minutes")
        }
        return PageError(.gone, "this sign-in link is used, expired or unknown; ask an admin for a new one (opscadence people invite NAME)")
    }

    /// Where to go after a change: a path of this app, never another site.
    func returnTo(_ form: FormFields, default fallback: String) -> String {
        guard let target = form["return_to"], target.hasPrefix("/"), !target.hasPrefix("//"), !target.contains("\\"),
            !target.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0.properties.isWhitespace })
        else { return fallback }
        return target
    }

    /// The Prometheus exposition of the state's numbers.
    static func prometheus(_ metrics: StateMetrics, now: Int64) -> String {
        var lines = [
            "# HELP opscadence_deliveries Reminder deliveries by state.", "# TYPE opscadence_deliveries gauge",
        ]
        for (state, count) in metrics.deliveries.sorted(by: { $0.key < $1.key }) { lines.append("opscadence_deliveries{state=\"\(state)\"} \(count)") }
        lines += [
            "# HELP opscadence_deliveries_due Queued deliveries whose time has come and that are not sent yet.",
            "# TYPE opscadence_deliveries_due gauge", "opscadence_deliveries_due \(metrics.due)",
            "# HELP opscadence_playbooks_failing Playbooks whose last tick failed.", "# TYPE opscadence_playbooks_failing gauge",
            "opscadence_playbooks_failing \(metrics.failingPlaybooks)",
        ]
        if let last = metrics.lastTickAt {
            lines += [
                "# HELP opscadence_last_tick_timestamp_seconds When the last tick started (Unix time).",
                "# TYPE opscadence_last_tick_timestamp_seconds gauge", "opscadence_last_tick_timestamp_seconds \(last)",
                "# HELP opscadence_last_tick_age_seconds Seconds since the last tick started.",
                "# TYPE opscadence_last_tick_age_seconds gauge", "opscadence_last_tick_age_seconds \(max(0, now - last))",
            ]
        }
        if let duration = metrics.lastTickDuration {
            lines += [
                "# HELP opscadence_last_tick_duration_seconds How long the last tick took.",
                "# TYPE opscadence_last_tick_duration_seconds gauge", "opscadence_last_tick_duration_seconds \(duration)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func text(_ text: String, status: HTTPResponse.Status, type: String = "text/plain; charset=utf-8") -> Response {
        let body = ByteBuffer(string: text)
        return Response(status: status, headers: [.contentType: type, .contentLength: String(body.readableBytes)], body: .init(byteBuffer: body))
    }
}

extension WebRequestContext {
    /// The workspace this request is served from (set by the gate before any route runs).
    var workspace: Workspace { snapshot!.workspace }
}
