import Mustache

/// The page templates, compiled into the binary and parsed once.
struct Templates: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        let sources: [(String, [UInt8])] = [
            ("top", PackageResources.top_mustache), ("bottom", PackageResources.bottom_mustache),
            ("message", PackageResources.message_mustache), ("today", PackageResources.today_mustache),
            ("meeting", PackageResources.meeting_mustache), ("actions", PackageResources.actions_mustache),
            ("kpis", PackageResources.kpis_mustache), ("outbox", PackageResources.outbox_mustache),
            ("maturity", PackageResources.maturity_mustache), ("calendar", PackageResources.calendar_mustache),
        ]
        // Every value is escaped by our byte-wise escaper rather than Mustache's per-Character one.
        for (name, bytes) in sources { try library.register(HTMLEscaper.pragma + String(decoding: bytes, as: UTF8.self), named: name) }
        self.library = library
    }

    /// The stylesheet every page links to.
    static let stylesheet = String(decoding: PackageResources.app_css, as: UTF8.self)

    /// The live-refresh script.
    static let script = String(decoding: PackageResources.app_js, as: UTF8.self)

    /// Renders a page; every `{{value}}` is HTML-escaped (``HTMLEscaper``).
    func render(_ view: Any, page: String) -> String {
        library.render(view, withTemplate: page) ?? "<!doctype html><title>OpsCadence</title><p>The page \(page) has no template.</p>"
    }
}
