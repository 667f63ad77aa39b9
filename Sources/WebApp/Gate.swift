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
    static let contentSecurityPolicy =
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let snapshot = server.cache.current()
        context.snapshot = snapshot
        var response: Response
        do {
            context.viewer = try viewer(of: request, workspace: snapshot.workspace)
            let path = request.uri.path
            let isPublic = path == "/healthz" || path.hasPrefix("/static/") || path == "/signin" || path.hasPrefix("/signin/") || path == "/calendar.ics" || path == "/metrics"
            var request = request
            if request.method != .get && request.method != .head {
                try checkOrigin(request, workspace: snapshot.workspace)
                let contentType = request.headers[.contentType]?.lowercased() ?? ""
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                if path == "/kpis/import", contentType.hasPrefix("multipart/form-data"),
                    let boundary = contentType.split(separator: ";").compactMap({ piece -> String? in
                        let trimmed = piece.trimmingCharacters(in: .whitespaces)
                        return trimmed.hasPrefix("boundary=") ? String(trimmed.dropFirst(9)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
                    }).first
                {
                    // The one file upload: the original header, since boundaries are case-sensitive.
                    let original = request.headers[.contentType] ?? ""
                    let exact = original.range(of: boundary, options: .caseInsensitive).map { String(original[$0]) } ?? boundary
                    context.form = try FormFields(multipart: Array(buffer: body), boundary: exact)
                } else {
                    if body.readableBytes > 0 || !contentType.isEmpty {
                        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
                            throw PageError(.unsupportedMediaType, "expected a form (application/x-www-form-urlencoded), got \(contentType.isEmpty ? "no content type" : contentType)")
                        }
                    }
                    context.form = try FormFields(parsing: String(buffer: body))
                }
                if !path.hasPrefix("/signin/") {
                    guard let viewer = context.viewer else { throw PageError(.unauthorized, "sign in first") }
                    guard let token = context.form["csrf"], Token.matches(token, viewer.csrfToken) else {
                        throw PageError(
                            .forbidden,
                            "this form is out of date or did not come from this site (its CSRF token is missing or wrong); reload the page and try again")
                    }
                }
            } else if !isPublic && context.viewer == nil {
                throw PageError(.unauthorized, "sign in first")
            }
            if path.hasPrefix("/outbox"), context.viewer?.isAdmin != true {
                throw PageError(.forbidden, "only admins can see and change deliveries")
            }
            response = try await next(request, context)
        } catch {
            response = errorPage(for: error, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// The signed-in person, from the session cookie; nil when there is none, it is unknown or
    /// expired, or the person is no longer in `people:`.
    private func viewer(of request: Request, workspace: Workspace) throws -> Viewer? {
        guard let token = request.cookies[Self.sessionCookie]?.value, Token.isWellFormed(token) else { return nil }
        let digest = Token.digest(token, key: server.digestKey(workspace))
        guard let session = try server.store.session(tokenDigest: digest, now: server.now),
            let person = workspace.configuration.person(named: session.person)
        else { return nil }
        return Viewer(person: person, csrfToken: session.csrfToken, sessionDigest: digest)
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
            expected = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")".lowercased()
        } else {
            expected = "http://\(request.head.authority ?? "")".lowercased()
        }
        guard origin.lowercased() == expected else {
            throw PageError(.forbidden, "a form from another origin cannot change anything here")
        }
    }

    private func errorPage(for error: any Error, context: Context) -> Response {
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
        let signedOut = page.status == .unauthorized
        let view = MessageView(
            chrome: Chrome(title: signedOut ? "Sign in" : "Error", viewer: context.viewer, banner: nil, current: ""),
            heading: signedOut ? "Sign in" : "\(page.status.code) \(page.status.reasonPhrase)",
            message: signedOut
                ? "Open the sign-in link an admin made for you (opscadence people invite \"Your Name\"). Links work once, for 24 hours."
                : page.message)
        return HTMLPage(html: server.templates.render(view, page: "message"), status: page.status).response()
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!
}
