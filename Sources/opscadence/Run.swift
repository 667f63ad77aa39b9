import ArgumentParser
import CadenceEngine
import Foundation
import Logging
import Playbooks
import ServiceLifecycle
import Timekeeping
import UnixSignals
import WebApp

extension OpsCadence {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the scheduler as a service: sleep until something is due, handle it, repeat.",
            discussion: """
                The same engine as `tick`. Re-reads the workspace on SIGHUP or when its files change (an \
                invalid edit is logged and the last good workspace stays active). SIGTERM or SIGINT finishes \
                the deliveries in flight and exits. It holds the workspace lock, so a cron `tick` for the \
                same workspace exits at once while it runs.

                With --listen, the web app (`opscadence serve`) runs in the same process.

                Examples:
                  opscadence run
                  opscadence run --listen 127.0.0.1:8080
                  opscadence run --workspace /srv/ops --log-format json
                  opscadence run --now 2026-12-07T13:44:50Z   # start the clock there
                """)

        @OptionGroup var workspaceOptions: WorkspaceOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var listenOptions: ListenOptions

        @Option(
            help: ArgumentHelp("Start the wall clock at this RFC 3339 instant; it then advances in real time.", valueName: "INSTANT"))
        var now: String?

        func run() async throws {
            let workspace = try workspaceOptions.load()
            let timeline: Timeline = try now.map { .starting(at: try Arguments.instant($0, option: "--now")) } ?? .system
            let redactor = LiveRedactor(workspace)
            let logger = logging.makeLogger(label: "opscadence.run", redactor: redactor, defaultLevel: .info)
            let service = CadenceService(
                configuration: CadenceService.Configuration(
                    root: workspaceOptions.workspace, environment: ProcessInfo.processInfo.environment, timeline: timeline,
                    redactor: redactor),
                workspace: workspace, logger: logger)
            var services: [any Service] = [service]
            if listenOptions.listen != nil {
                // The scheduler's ticks write and wait for the state's lock: off the event
                // loops the web app may run its requests on (BlockingWork).
                services = [OnBlockingWork(service: service)]
                let (host, port) = try listenOptions.address(default: "127.0.0.1:8080")
                let store = try workspaceOptions.openStore(workspace)
                EventLoopExecutor.install(for: store, logger: logger)
                let server = try WebServer(
                    workspace: workspace, store: store,
                    options: .init(host: host, port: port, environment: ProcessInfo.processInfo.environment, timeline: timeline))
                services.append(server.service(logger: logger) { port in ListenOptions.announce(host: host, port: port) })
                services.append(ReloadOnHangUp(server: server, logger: logger))
            }
            var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // In-flight requests time out after delivery.timeout; give them that, then cancel.
            configuration.maximumGracefulShutdownDuration = .seconds(workspace.configuration.deliveryTimeout + 10)
            do {
                try await ServiceGroup(configuration: configuration).run()
            } catch let error as EngineError {
                throw CLIError(error.message, exitCode: 1)
            }
        }
    }
}

/// A service run on ``BlockingWork``'s threads rather than Swift's global executor.
struct OnBlockingWork: Service {
    let service: any Service

    func run() async throws {
        try await BlockingWork.run { try await service.run() }
    }
}
