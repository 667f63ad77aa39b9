import Agendas
import Dispatch
import Playbooks
import StateStore
import Synchronization

/// Renders agendas in both formats and writes them, on other threads, as the tick builds them:
/// with many playbooks due at once (every Monday 09:00), template rendering and file creation
/// are most of a tick's work, and the state reads that build each agenda stay on one thread.
final class AgendaWriter: Sendable {
    /// The largest agenda written: a playbook that renders bigger (YAML aliases, a runaway
    /// list) fails alone instead of filling the disk and every chat message.
    static let maximumBytes = 1 << 20

    private let renderer: AgendaRenderer
    private let outputRoot: String
    private let group = DispatchGroup()
    private let results = Mutex<[Int: Result<String, EngineError>]>([:])

    init(renderer: AgendaRenderer, outputRoot: String) {
        self.renderer = renderer
        self.outputRoot = outputRoot
    }

    /// Starts rendering and writing `job`, the `index`th of the tick.
    func submit(_ job: Engine.AgendaJob, index: Int) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = Result { () throws(EngineError) -> String in try write(job) }
            results.withLock { $0[index] = result }
            group.leave()
        }
    }

    /// Renders and writes one agenda on the calling thread.
    func write(_ job: Engine.AgendaJob) throws(EngineError) -> String {
        let markdown = renderer.render(job.agenda, as: .markdown)
        let html = renderer.render(job.agenda, as: .html)
        for text in [markdown, html] where text.utf8.count > AgendaWriter.maximumBytes {
            throw EngineError(
                "the agenda of \(job.playbookId) renders to \(text.utf8.count / 1024) KB, over the \(AgendaWriter.maximumBytes / 1024) KB limit; shorten the playbook or its template"
            )
        }
        try AtomicFile.write(markdown, to: job.markdownPath, within: outputRoot)
        try AtomicFile.write(html, to: job.htmlPath, within: outputRoot)
        return markdown
    }

    /// Waits until every submitted job has finished.
    func waitForAll() {
        group.wait()
    }

    /// Waits for every submitted job.
    /// - Returns: Each job's Markdown or failure, in submission order.
    func finish(_ jobs: [Engine.AgendaJob]) -> [Result<String, EngineError>] {
        waitForAll()
        let finished = results.withLock { $0 }
        return jobs.indices.map { finished[$0] ?? .failure(EngineError("agenda \(jobs[$0].markdownPath) was not rendered")) }
    }
}

/// Renders agendas again from the state as it is now: when a reminder of the occurrence is
/// sent, when it starts, and when a command or a page changes what the agenda shows. Only
/// meetings not yet over are rendered; after the end the last rendering stands as the minutes.
package struct AgendaRefresher: Sendable {
    let workspace: Workspace
    let store: StateStore
    let renderers: RendererCache

    init(engine: Engine) {
        workspace = engine.workspace
        store = engine.store
        renderers = engine.renderers
    }

    package init(workspace: Workspace, store: StateStore, renderer: AgendaRenderer? = nil) {
        self.workspace = workspace
        self.store = store
        renderers = RendererCache(root: workspace.root, renderer: renderer)
    }

    /// Renders the given occurrences (playbook id and start) that are not over at `now`.
    ///
    /// - Returns: The paths of the Markdown files written.
    @discardableResult
    package func refresh(_ occurrences: [(playbook: String, start: Int64)], now: Int64) throws -> [String] {
        let source = AgendaSource(workspace: workspace, store: store)
        var written: [String] = []
        var writer: AgendaWriter?
        for (id, start) in occurrences {
            guard let playbook = workspace.playbook(id: id), now < start + Int64(playbook.duration) else { continue }
            let agenda = try source.agenda(for: playbook, at: start, now: now)
            let output = workspace.configuration.outputPath
            let job = Engine.AgendaJob(
                key: RenderedAgendas.key(id, start), playbookId: id, agenda: agenda,
                markdownPath: AgendaFiles.path(output: output, playbook: playbook, instant: start, format: .markdown),
                htmlPath: AgendaFiles.path(output: output, playbook: playbook, instant: start, format: .html))
            if writer == nil { writer = AgendaWriter(renderer: try renderers.renderer(), outputRoot: output) }
            _ = try writer?.write(job)
            written.append(job.markdownPath)
        }
        return written
    }

    /// Renders every recorded occurrence of `playbook` (or of every playbook) that has opened
    /// and is not over: what a change to checklists, action items or KPIs can show in.
    @discardableResult
    package func refreshLive(playbook: String? = nil, now: Int64) throws -> [String] {
        let longest = Int64(workspace.playbooks.map(\.duration).max() ?? 0)
        let live = try store.handledOccurrences(startingIn: (now - longest)...Int64.max, playbook: playbook)
        return try refresh(live.map { ($0.playbookId, $0.scheduledAt) }, now: now)
    }
}
