import CadenceEngine
import Diagnostics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Playbooks
import ServiceLifecycle
import StateStore
import Synchronization
import Timekeeping

/// `opscadence serve`: the team's pages, served from a workspace and its state file.
///
/// Server-rendered HTML that works without JavaScript: every change is a form POST carrying
/// the session's CSRF token, answered with a redirect (post/redirect/get). Sessions come from
/// one-time sign-in links (`opscadence people invite`); only digests of tokens are stored.
package struct WebServer: Sendable {
    /// Where to listen and what time it is.
    package struct Options: Sendable {
        package var host: String
        package var port: Int
        /// Where `${env:NAME}` references are looked up when the workspace is reloaded.
        package var environment: [String: String]
        package var timeline: Timeline

        package init(host: String = "127.0.0.1", port: Int = 8080, environment: [String: String], timeline: Timeline = .system) {
            self.host = host
            self.port = port
            self.environment = environment
            self.timeline = timeline
        }

        /// `HOST:PORT`, `[::1]:PORT` or `:PORT`; nil when it is neither.
        package static func listenAddress(_ text: String) -> (host: String, port: Int)? {
            let host: Substring
            let portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
                host = text[..<colon].isEmpty ? "127.0.0.1" : text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
            return (String(host), port)
        }

        /// Whether the address only this machine can reach.
        var isLoopback: Bool { ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.") }
    }

    let cache: WorkspaceCache
    let store: StateStore
    let options: Options
    let templates: Templates
    let limiter: SignInLimiter
    let feedCache = FeedCache()
    /// Rendered pages, while nothing they show changed.
    let pageCache = PageCache()
    /// The workspace version whose `people:` the sessions were last checked against.
    let peopleChecked = PeopleCheck()

    /// Checks that the workspace may be served at that address.
    package init(workspace: Workspace, store: StateStore, options: Options) throws(WebServerError) {
        let web = workspace.configuration.web
        if !options.isLoopback && web.secret == nil {
            throw WebServerError(
                "refusing to listen on \(options.host): only loopback is served without web.secret in opscadence.yaml"
                    + (web.secretProblem.map { " (it is configured, but \($0))" } ?? "")
                    + "; set web: { url: https://ops.example.com, secret: ${file:...} } and put the app behind a TLS reverse proxy (docs/WEB.md)")
        }
        if workspace.configuration.people.isEmpty {
            throw WebServerError("no one can sign in: add people: [{ name: Ops Lead, role: admin }] to opscadence.yaml, then run opscadence people invite NAME")
        }
        do { templates = try Templates() } catch { throw WebServerError("a built-in page template does not parse: \(error)") }
        cache = WorkspaceCache(workspace: workspace, environment: options.environment, timeline: options.timeline)
        self.store = store
        self.options = options
        limiter = SignInLimiter(timeline: options.timeline)
    }

    /// The server as a service, to run in a `ServiceGroup` (with the scheduler, for `run --listen`).
    ///
    /// - Parameter onRunning: Called with the port once the server listens (useful with port 0).
    package func service(logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        Application(
            responder: HeadAsGet(responder: makeRouter().buildResponder()),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "OpsCadence"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Ends the sessions of people no longer listed, once per workspace version: one write
    /// (off the event loops, see ``BlockingWork``) that the requests arriving meanwhile wait
    /// for; if it fails, the next request tries again.
    func checkPeople(_ snapshot: WorkspaceCache.Snapshot) async throws {
        let version = snapshot.version
        let names = snapshot.workspace.configuration.people.map(\.name)
        let task: Task<Void, any Error>? = peopleChecked.state.withLock { state in
            if state.version == version { return nil }
            if let running = state.running, running.version == version { return running.task }
            let task = Task(executorPreference: BlockingWork.executor) { [store] in _ = try store.revokeEveryone(except: names) }
            state.running = (version, task)
            return task
        }
        guard let task else { return }
        let result = await task.result
        peopleChecked.state.withLock { state in
            if state.running?.version == version { state.running = nil }
            if case .success = result { state.version = version }
        }
        try result.get()
    }

    /// Reads the workspace files again before the next request (what SIGHUP does).
    package func reloadWorkspace() { cache.reloadSoon() }

    /// Every route, behind the gate that signs in, checks forms and sets the security headers.
    func makeRouter() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: Gate(server: self))
        addPublicRoutes(to: router)
        addPageRoutes(to: router)
        addChangeRoutes(to: router)
        addIntegrationRoutes(to: router)
        return router
    }

    var now: Int64 { options.timeline.now }
    /// The key token digests are made with (web.secret), or nil for plain SHA-256.
    func digestKey(_ workspace: Workspace) -> String? { workspace.configuration.web.secret?.value }
}

/// Why the web app cannot start.
package struct WebServerError: UserFacingError, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
    package var failure: FailureKind { .input }
}

/// One-time sign-in links, made by `opscadence people invite`.
package enum SignInLinks {
    /// How long a link can be used.
    package static let lifetime: Int64 = 24 * 3600

    /// Makes a link for a person listed in `people:`, stores its digest, and returns the URL
    /// (under `web.url`, else the default local address) and when it expires.
    package static func invite(_ person: Person, workspace: Workspace, store: StateStore, now: Int64) throws -> (url: String, expiresAt: Int64) {
        let token = Token.random()
        let expiresAt = now + lifetime
        try store.createInvite(
            tokenDigest: Token.digest(token, key: workspace.configuration.web.secret?.value), person: person.name, now: now, expiresAt: expiresAt)
        let base = workspace.configuration.web.url ?? "http://127.0.0.1:8080"
        return ("\(base)/signin/\(token)", expiresAt)
    }
}
