import ArgumentParser
import CadenceEngine
import Foundation
import Logging
import Playbooks
import ServiceLifecycle
import StateStore
import Timekeeping
import UnixSignals
import WebApp

extension OpsCadence {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the team's web app: today, meetings, checklists, action items, KPIs, deliveries.",
            discussion: """
                People listed under people: in opscadence.yaml sign in with a one-time link from \
                `opscadence people invite NAME`. Only loopback is served unless web.secret is set; put the \
                app behind a TLS reverse proxy (docs/WEB.md). The pages follow edits of the workspace files; \
                SIGTERM or SIGINT finishes the requests in flight and exits. To run the scheduler in the \
                same process, use `opscadence run --listen`.

                Examples:
                  opscadence serve
                  opscadence serve --listen 127.0.0.1:9000 --workspace /srv/ops
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var listenOptions: ListenOptions

        @Option(help: ArgumentHelp("Start the wall clock at this RFC 3339 instant; it then advances in real time.", valueName: "INSTANT"))
        var now: String?

        func run() async throws {
            let (host, port) = try listenOptions.address(default: "127.0.0.1:8080")
            let workspace = try workspaceOptions.load()
            let timeline: Timeline = try now.map { .starting(at: try Arguments.instant($0, option: "--now")) } ?? .system
            let redactor = LiveRedactor(workspace)
            let logger = logging.makeLogger(label: "opscadence.serve", redactor: redactor, defaultLevel: .info)
            let store = try workspaceOptions.openStore(workspace)
            EventLoopExecutor.install(for: store, logger: logger)
            let server = try WebServer(
                workspace: workspace, store: store,
                options: .init(host: host, port: port, environment: ProcessInfo.processInfo.environment, timeline: timeline))
            let web = server.service(logger: logger) { port in ListenOptions.announce(host: host, port: port) }
            try await ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [web, ReloadOnHangUp(server: server, logger: logger)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            ).run()
        }
    }
}

/// SIGHUP makes the web app read the workspace again (its files are also watched), as `run`
/// does; without it the signal's default action would end the process.
struct ReloadOnHangUp: Service {
    let server: WebServer
    let logger: Logger

    func run() async throws {
        // The signal sequence never ends by itself: it is cancelled when the group shuts down.
        try? await cancelWhenGracefulShutdown {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                server.reloadWorkspace()
                logger.notice("SIGHUP: the workspace is read again before the next request")
            }
        }
    }
}

/// `--listen HOST:PORT` for the web app.
struct ListenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Serve the web app on this address (HOST:PORT, [::1]:PORT; port 0 picks a free one).", valueName: "HOST:PORT"))
    var listen: String?

    func address(default fallback: String) throws -> (String, Int) {
        let text = listen ?? fallback
        guard let address = WebServer.Options.listenAddress(text) else {
            throw CLIError("--listen: expected HOST:PORT such as 127.0.0.1:8080, got \"\(text)\"")
        }
        return address
    }

    /// The line scripts and tests wait for: where the app is.
    static func announce(host: String, port: Int) {
        let shown = host.contains(":") ? "[\(host)]" : host
        Output.line("serving http://\(shown):\(port)/")
    }
}
