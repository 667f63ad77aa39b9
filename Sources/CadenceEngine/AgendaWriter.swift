import Agendas
import Dispatch
import Synchronization

/// Renders agendas in both formats and writes them, on other threads, as the tick builds them:
/// with many playbooks due at once (every Monday 09:00), template rendering and file creation
/// are most of a tick's work, and the state reads that build each agenda stay on one thread.
final class AgendaWriter: Sendable {
    private let renderer: AgendaRenderer
    private let group = DispatchGroup()
    private let results = Mutex<[Int: Result<String, EngineError>]>([:])

    init(renderer: AgendaRenderer) {
        self.renderer = renderer
    }

    /// Starts rendering and writing `job`, the `index`th of the tick.
    func submit(_ job: Engine.AgendaJob, index: Int) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = Result { () throws(EngineError) -> String in
                let markdown = renderer.render(job.agenda, as: .markdown)
                try AtomicFile.write(markdown, to: job.markdownPath)
                try AtomicFile.write(renderer.render(job.agenda, as: .html), to: job.htmlPath)
                return markdown
            }
            results.withLock { $0[index] = result }
            group.leave()
        }
    }

    /// Waits until every submitted job has finished.
    func waitForAll() {
        group.wait()
    }

    /// Waits for every submitted job; throws the first failure in submission order.
    /// - Returns: The agendas with their Markdown, for the tick's reminders.
    func finish(_ jobs: [Engine.AgendaJob]) throws(EngineError) -> RenderedAgendas {
        waitForAll()
        let finished = results.withLock { $0 }
        var rendered = RenderedAgendas()
        for (index, job) in jobs.enumerated() {
            switch finished[index] {
            case .success(let markdown): rendered.byKey[job.key] = (job.agenda, markdown)
            case .failure(let error): throw error
            case nil: throw EngineError("agenda \(job.markdownPath) was not rendered")
            }
        }
        return rendered
    }
}
