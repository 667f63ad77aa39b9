import Agendas
import Foundation
import Logging
import Playbooks
import ServiceLifecycle
import StateStore
import Timekeeping
import UnixSignals

/// `opscadence run`: the tick engine as a long-running service.
///
/// It sleeps until the next due instant (an occurrence opening or a delivery coming due),
/// never longer than ``Configuration/maximumSleep`` so a wall-clock step is noticed; re-reads
/// the workspace on SIGHUP or when its files change (an invalid edit is logged and the last
/// good workspace stays active); and on graceful shutdown (SIGTERM, SIGINT) finishes the
/// deliveries in flight, starts no new ones, and returns.
package struct CadenceService: Service, CustomStringConvertible {
    package struct Configuration: Sendable {
        /// The workspace folder.
        package var root: String
        /// Where `${env:NAME}` references are looked up.
        package var environment: [String: String]
        /// Where the service reads the time and sleeps: the system's, one started at `--now`, or a test's clock.
        package var timeline: Timeline
        /// Given the workspace after each reload, so that logs scrub a secret the edit added.
        package var redactor: LiveRedactor?
        /// The longest single sleep; after it the wall clock is read again.
        package var maximumSleep: Duration
        /// How often the workspace files are checked for changes.
        package var watchInterval: Duration

        package init(
            root: String, environment: [String: String], timeline: Timeline = .system, maximumSleep: Duration = .seconds(30),
            watchInterval: Duration = .seconds(2), redactor: LiveRedactor? = nil
        ) {
            self.redactor = redactor
            self.root = root
            self.environment = environment
            self.timeline = timeline
            self.maximumSleep = maximumSleep
            self.watchInterval = watchInterval
        }
    }

    package let configuration: Configuration
    let logger: Logger
    /// The workspace as the caller already loaded it, used for the first cycle.
    let initialWorkspace: Workspace?

    /// Creates the service; pass `workspace` when it is already loaded from `configuration.root`,
    /// so the start does not read every file twice.
    package init(configuration: Configuration, workspace: Workspace? = nil, logger: Logger) {
        self.configuration = configuration
        self.initialWorkspace = workspace
        self.logger = logger
    }

    /// What service-lifecycle logs: the workspace only, never the environment (it holds secrets).
    package var description: String { "CadenceService(workspace: \(configuration.root))" }

    package func run() async throws {
        var workspace = try initialWorkspace ?? Workspace.load(at: configuration.root, environment: configuration.environment)
        try workspace.checkTargets()
        var renderer = try AgendaRenderer(workspaceRoot: workspace.root)
        // A shared database coordinates instances itself; a state file admits one process at a time.
        let lock = workspace.sharesState ? nil : try WorkspaceLock(statePath: workspace.configuration.statePath)
        if !workspace.sharesState && lock == nil {
            throw EngineError("another opscadence tick or run holds the workspace lock (\(workspace.configuration.statePath).lock)")
        }
        let timeline = configuration.timeline
        var engine = Engine(
            workspace: workspace, store: try workspace.openState(), logger: logger, renderer: renderer,
            timeline: timeline, instance: .service)
        let wake = Wakeup()
        logger.notice("opscadence run: \(workspace.playbooks.count) playbooks", metadata: ["workspace": "\(configuration.root)"])

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { wake.signal(.reload) }
                }
                if let notifications = engine.store.workNotifications() {
                    // Wakes at once when another instance or a command queues work; the sleep's
                    // deadline stays the fallback if the listening connection is down.
                    group.addTask {
                        for await _ in notifications { wake.signal(.work) }
                    }
                }
                let root = configuration.root
                let interval = configuration.watchInterval
                group.addTask {
                    var last = WorkspaceFingerprint(root: root)
                    while !Task.isCancelled {
                        try? await timeline.sleep(for: interval)
                        let current = WorkspaceFingerprint(root: root)
                        if current != last {
                            last = current
                            wake.signal(.reload)
                        }
                    }
                }

                // SQLite's quick check reads every page: damage no query has touched yet is logged at
                // start and then daily, not first met when the team needs its history.
                var lastCheck: Duration?
                while !wake.isShuttingDown {
                    if lastCheck.map({ timeline.monotonic - $0 >= .seconds(86_400) }) ?? true {
                        lastCheck = timeline.monotonic
                        do {
                            let result = try engine.store.quickCheck()
                            if result != "ok" {
                                logger.error(
                                    "the state file is damaged; run `opscadence doctor`, and restore it from a backup",
                                    metadata: ["path": "\(engine.store.path)", "findings": "\(result)"])
                            }
                        } catch {
                            logger.error("the state file could not be checked", metadata: ["error": "\(workspace.redact("\(error)"))"])
                        }
                    }
                    do {
                        // The engine logs what it does; the report is for the terminal's `tick`.
                        _ = try await engine.tick(Engine.TickOptions(sendBudget: .seconds(20), keepSending: { !wake.isShuttingDown }))
                    } catch {
                        // State problems (a locked file, a full disk) are logged and retried; the service keeps running.
                        logger.error("tick failed; retrying at the next due time", metadata: ["error": "\(workspace.redact("\(error)"))"])
                    }
                    let maximum = configuration.maximumSleep.seconds
                    let next = (try? engine.nextDue(after: timeline.now)) ?? nil
                    let untilNext = next.map { Double($0) - timeline.seconds + 0.05 } ?? maximum
                    let sleep = min(max(untilNext, 1), maximum)
                    let wallBefore = timeline.seconds
                    let monotonicBefore = timeline.monotonic
                    let reasons = await wake.wait(for: .milliseconds(Int64(sleep * 1000)), on: timeline)
                    let drift = (timeline.seconds - wallBefore) - (timeline.monotonic - monotonicBefore).seconds
                    if abs(drift) > 2 {
                        logger.notice("the wall clock jumped; re-checking due work", metadata: ["seconds": "\(Int(drift))"])
                    }
                    if reasons.contains(.reload) && !reasons.contains(.shutdown) {
                        do {
                            let reloaded = try Workspace.load(at: configuration.root, environment: configuration.environment)
                            try reloaded.checkTargets()
                            let reloadedRenderer = try AgendaRenderer(workspaceRoot: reloaded.root)
                            guard reloaded.hasSameState(as: workspace) else {
                                logger.error("the state path changed; restart opscadence run to use it. Keeping the previous workspace.")
                                continue
                            }
                            workspace = reloaded
                            configuration.redactor?.update(reloaded)
                            renderer = reloadedRenderer
                            engine = Engine(
                                workspace: workspace, store: engine.store, logger: logger, renderer: renderer, timeline: timeline, instance: .service)
                            logger.notice("workspace reloaded", metadata: ["playbooks": "\(workspace.playbooks.count)"])
                        } catch let error as WorkspaceError {
                            logger.error(
                                "workspace edit is invalid; keeping the last good one",
                                metadata: ["problems": "\(error.issues.map(\.description).joined(separator: " | "))"])
                        }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            wake.signal(.shutdown)
        }
        logger.notice("opscadence run stopped")
        withExtendedLifetime(lock) {}
    }
}

/// Modification times and sizes of the files that define a workspace (opscadence.yaml, the
/// playbooks, their templates, and `*.ics` holiday calendars in the workspace folder).
package struct WorkspaceFingerprint: Equatable, Sendable {
    var entries: [String: String] = [:]

    /// A fingerprint no workspace has (to force the next comparison to differ).
    package init(entries: [String: String]) { self.entries = entries }

    package init(root: String) {
        let fm = FileManager.default
        var paths = [(root as NSString).appendingPathComponent(Workspace.configurationFile)]
        paths += Workspace.playbookFiles(at: root)
        let templates = (root as NSString).appendingPathComponent("playbooks/templates")
        paths += ((try? fm.contentsOfDirectory(atPath: templates)) ?? []).map { templates + "/" + $0 }
        // Holiday calendar files (`holidays: { ics: … }`) kept in the workspace folder.
        paths += ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasSuffix(".ics") }.map {
            (root as NSString).appendingPathComponent($0)
        }
        for path in paths {
            if let attributes = try? fm.attributesOfItem(atPath: path) {
                let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                entries[path] = "\(modified)-\(attributes[.size] ?? 0)"
            }
        }
    }
}
