import CadenceEngine
import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import Playbooks
import StateStore

/// What every request passes through: the workspace to serve it from, the session, the
/// same-origin and CSRF checks on every POST, sign-in for everything but the public paths,
/// admin for the outbox, one error page for every failure, and the security headers.
struct Gate: RouterMiddleware {
    typealias Context = WebRequestContext
    let server: WebServer

    static let sessionCookie = "opscadence_session"
    /// A Slack interaction payload carries the whole message it came from: tens of KB at most.
    static let integrationBodyLimit = 128 * 1024
    static let contentSecurityPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Everything but a read may write to the state, and so wait for its lock: off the
        // event loop (BlockingWork). HEAD arrives here as GET (HeadAsGet).
        guard request.method == .get else {
            return try await BlockingWork.run { try await handleHere(request, context: context, next: next) }
        }
        return try await handleHere(request, context: context, next: next)
    }

    private func handleHere(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let snapshot = server.cache.current()
        context.snapshot = snapshot
        var response: Response
        do {
            let sessionToken = request.cookies[Self.sessionCookie]?.value
            if sessionToken != nil {
                // Only a request with a session needs it (a static file or /healthz waits for
                // no write). A failure (the state's lock held past the busy timeout) does not
                // fail the page: someone no longer in `people:` is refused by `viewer` all the
                // same, and the next request tries again.
                do {
                    try await server.checkPeople(snapshot)
                } catch {
                    context.logger.warning(
                        "could not end the sessions of people no longer listed", metadata: ["error": "\(snapshot.workspace.redact("\(error)"))"])
                }
            }
            (context.viewer, context.stateVersion) = try viewer(of: sessionToken, workspace: snapshot.workspace)
            let path = request.uri.path
            // The router ignores empty segments (`//outbox` reaches /outbox): such a path is
            // refused here, so every check below sees the path the handler serves.
            guard !path.contains("//"), !path.contains("\\") else { throw PageError(.notFound, "there is no such page") }
            let isPublic = path == "/healthz" || path.hasPrefix("/static/") || path == "/signin" || path.hasPrefix("/signin/") || path == "/calendar.ics" || path == "/metrics" || path.hasPrefix("/a/")
                || path.hasPrefix("/integrations/")
            var request = request
            if request.method == .post && path.hasPrefix("/integrations/") {
                // Chat services post here: no session, origin or CSRF token applies. Slack signs
                // each request and Mattermost's carry a signed action; the handler checks them.
                context.rawBody = Array(buffer: try await request.collectBody(upTo: Self.integrationBodyLimit))
            } else if request.method != .get {
                try checkOrigin(request, workspace: snapshot.workspace)
                // Nobody's body is read before we know who is sending it (sign-in and sign-out
                // excepted: they carry no form).
                // A signed action link is its own proof, like a sign-in link: no session needed.
                let signingIn = path.hasPrefix("/signin/") || path.hasPrefix("/a/")
                if !signingIn && path != "/signout" && context.viewer == nil { throw PageError(.unauthorized, "sign in first") }
                let contentType = request.headers[.contentType] ?? ""
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                if path == "/kpis/import", contentType.lowercased().hasPrefix("multipart/form-data") {
                    context.form = try FormFields(multipart: Array(buffer: body), boundary: try Self.boundary(in: contentType))
                } else {
                    if body.readableBytes > 0 || !contentType.isEmpty {
                        guard contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
                            throw PageError(.unsupportedMediaType, "expected a form (application/x-www-form-urlencoded), got \(contentType.isEmpty ? "no content type" : contentType)")
                        }
                    }
                    context.form = try FormFields(parsing: String(buffer: body))
                }
                if !signingIn, let viewer = context.viewer {
                    guard let token = context.form["csrf"], Token.matches(token, viewer.csrfToken) else {
                        throw PageError(
                            .forbidden,
                            "this form is out of date or did not come from this site (its CSRF token is missing or wrong); reload the page and try again")
                    }
                }
            } else if !isPublic && context.viewer == nil {
                throw PageError(.unauthorized, "sign in first")
            }
            if path == "/outbox" || path.hasPrefix("/outbox/"), context.viewer?.isAdmin != true {
                throw PageError(.forbidden, "only admins can see and change deliveries")
            }
            response = try await next(request, context)
        } catch {
            response = errorPage(for: error, context: context, json: request.uri.queryParameters["format"] == "json")
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// The `boundary` parameter of a multipart content type, as sent (boundaries are
    /// case-sensitive), at most 70 characters of RFC 2046's alphabet.
    static func boundary(in contentType: String) throws(PageError) -> String {
        for piece in contentType.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("boundary=") else { continue }
            var value = trimmed.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'()+_,-./:=? ")
            guard (1...70).contains(value.count), value.allSatisfy({ allowed.contains($0) }) else { break }
            return String(value)
        }
        throw PageError(.badRequest, "the upload has no valid multipart boundary")
    }

    /// The signed-in person, from the session cookie; nil when there is none, it is unknown or
    /// expired, or the person is no longer in `people:`. With a cookie, also the state's
    /// version, read with the session (the page cache's key).
    private func viewer(of token: String?, workspace: Workspace) throws -> (Viewer?, StateVersion?) {
        guard let token, Token.isWellFormed(token) else { return (nil, nil) }
        let digest = Token.digest(token, key: server.digestKey(workspace))
        let (session, version) = try server.store.sessionAndVersion(tokenDigest: digest, now: server.now)
        guard let session, let person = workspace.configuration.person(named: session.person) else { return (nil, version) }
        return (Viewer(person: person, csrfToken: session.csrfToken, sessionDigest: digest), version)
    }

    /// Refuses a POST another site made the browser send: `Sec-Fetch-Site` other than
    /// same-origin, or an `Origin` other than this app's (web.url's, else the Host's).
    private func checkOrigin(_ request: Request, workspace: Workspace) throws(PageError) {
        if let site = request.headers[.secFetchSite], site != "same-origin" {
            throw PageError(.forbidden, "a form from another site (Sec-Fetch-Site: \(site)) cannot change anything here")
        }
        guard let origin = request.headers[.origin] else { return }
        let expected: String
        if let url = workspace.configuration.web.url, let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host {
            // A default port is not sent in Origin.
            let port = components.port.flatMap { ($0 == 443 && scheme == "https") || ($0 == 80 && scheme == "http") ? nil : $0 }
            expected = "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")".lowercased()
        } else {
            expected = "http://\(request.head.authority ?? "")".lowercased()
        }
        guard origin.lowercased() == expected else {
            throw PageError(.forbidden, "a form from another origin cannot change anything here")
        }
    }

    /// The answer to a request that failed: a page, or for a JSON twin (`?format=json`) the
    /// same status with `{"error": …, "status": …}`, so a script asking for JSON gets JSON.
    private func errorPage(for error: any Error, context: Context, json: Bool) -> Response {
        let workspace = context.snapshot?.workspace
        let redact: (String) -> String = { workspace?.redact($0) ?? "the request failed" }
        var page: PageError
        if let error = error as? any HTTPResponseError {
            let text: String
            switch error.status {
            case .notFound: text = "there is no such page"
            case .contentTooLarge: text = "the form is too large (at most \(context.maxUploadSize / 1024) KB)"
            case .methodNotAllowed: text = "this address does not take that method"
            default: text = error.status.reasonPhrase
            }
            page = PageError(error.status, text)
        } else {
            page = PageError(error, redact: redact)
        }
        if page.status.code >= 500 {
            context.logger.error("request failed", metadata: ["path": "\(context.endpointPath ?? "?")", "error": "\(page.message)"])
        }
        if json, let response = try? JSONPage(value: ErrorBody(error: page.message, status: Int(page.status.code)), status: page.status).response() {
            return response
        }
        let signedOut = page.status == .unauthorized
        let view = MessageView(
            chrome: Chrome(title: signedOut ? "Sign in" : "Error", viewer: context.viewer, banner: nil, current: "", refresh: false),
            heading: signedOut ? "Sign in" : "\(page.status.code) \(page.status.reasonPhrase)",
            message: signedOut
                ? "Open the sign-in link an admin made for you (opscadence people invite \"Your Name\"). Links work once, for 24 hours."
                : page.message)
        return HTMLPage(html: server.templates.render(view, page: "message"), status: page.status).response()
    }
}

/// HEAD as GET without the body (RFC 9110, 9.3.2), for every page: routed and answered as a
/// GET, its headers kept (Content-Length too), the body dropped. Hummingbird's
/// `autoGenerateHeadEndpoints` would route HEAD to the GET handlers, but with the method
/// unchanged the gate would treat it as a form post (origin and CSRF checks, BlockingWork).
struct HeadAsGet<Responder: HTTPResponder>: HTTPResponder {
    let responder: Responder

    func respond(to request: Request, context: Responder.Context) async throws -> Response {
        guard request.method == .head else { return try await responder.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await responder.respond(to: Request(head: head, body: request.body), context: context)
        let length = response.headers[.contentLength]
        response.body = .init()
        response.headers[.contentLength] = length
        return response
    }
}

/// The body of an error answered as JSON.
struct ErrorBody: Encodable {
    var error: String
    var status: Int
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let xForwardedHost = HTTPField.Name("X-Forwarded-Host")!
    static let xRealIP = HTTPField.Name("X-Real-IP")!
    static let via = HTTPField.Name("Via")!
}
