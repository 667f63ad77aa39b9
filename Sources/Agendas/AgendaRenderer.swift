import Foundation
import Glibc
import Mustache
import Playbooks

/// Renders agendas through Mustache templates: the workspace's own
/// (`playbooks/templates/agenda.md.mustache`, `agenda.html.mustache`) when present, else the
/// built-in copies of the shipped ones.
package struct AgendaRenderer: Sendable {
    /// Output formats of `opscadence agenda`.
    package enum Format: String, CaseIterable, Sendable {
        case markdown, html, json

        package var fileExtension: String {
            switch self {
            case .markdown: return "md"
            case .html: return "html"
            case .json: return "json"
            }
        }
    }

    private let markdown: MustacheTemplate
    private let html: MustacheTemplate

    /// The template folder inside a workspace.
    package static let templatesFolder = "playbooks/templates"

    /// Loads templates, preferring the workspace's.
    ///
    /// - Throws: ``WorkspaceError`` naming the template file when a workspace template does not parse.
    package init(workspaceRoot: String?) throws(WorkspaceError) {
        MarkdownContentType.registerOnce
        markdown = try AgendaRenderer.template(
            named: "agenda.md.mustache", builtIn: PackageResources.agenda_md_mustache, root: workspaceRoot)
        html = try AgendaRenderer.template(
            named: "agenda.html.mustache", builtIn: PackageResources.agenda_html_mustache, root: workspaceRoot)
    }

    private static func template(named name: String, builtIn: [UInt8], root: String?) throws(WorkspaceError) -> MustacheTemplate {
        var text = String(decoding: builtIn, as: UTF8.self)
        var file = "built-in \(name)"
        if let root {
            let path = (root as NSString).appendingPathComponent(templatesFolder + "/" + name)
            // Templates are read from the workspace itself: a link could make the agenda (which
            // goes to chat) show any file the process can read.
            for candidate in [(root as NSString).appendingPathComponent(templatesFolder), path] {
                // lstat, not FileManager's attributes: those also look up the owner's name in
                // /etc/passwd and /etc/group, on every tick.
                var info = stat()
                if lstat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                    let shown = root == "." ? String(candidate.dropFirst(2)) : candidate
                    throw WorkspaceError(issues: [
                        ValidationIssue(
                            SourceLocation(file: shown, line: 1, column: 1),
                            "is a symbolic link; templates are read from the workspace itself (copy the file in instead)")
                    ])
                }
            }
            if let data = FileManager.default.contents(atPath: path) {
                text = String(decoding: data, as: UTF8.self)
                file = root == "." ? templatesFolder + "/" + name : path
            }
        }
        do {
            return try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            let context = error.context
            throw WorkspaceError(issues: [
                ValidationIssue(
                    SourceLocation(file: file, line: max(1, context.lineNumber), column: max(1, context.columnNumber)),
                    "template does not parse: \(AgendaRenderer.explain(error.error))")
            ])
        } catch {
            throw WorkspaceError(issues: [ValidationIssue(SourceLocation(file: file, line: 1, column: 1), "template does not parse")])
        }
    }

    /// What a Mustache parse error means, in words.
    static func explain(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "unexpected text" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed ({{/name}}) with a name that does not match the one opened"
        case .unfinishedName: return "a tag is not finished (expected a name and }})"
        case .expectedSectionEnd: return "a section ({{#name}} or {{^name}}) is never closed with {{/name}}"
        case .invalidSetDelimiter: return "a set-delimiter tag ({{=<% %>=}}) is malformed"
        case .transformAppliedToInheritanceSection: return "a transform cannot be applied to an inherited section"
        case .illegalTokenInsideInheritSection: return "only {{$blocks}} may appear inside an inherited partial"
        case .textInsideInheritSection: return "text is not allowed directly inside an inherited partial"
        case .invalidConfigVariableSyntax: return "a {{% CONFIG }} tag is malformed"
        case .unrecognisedConfigVariable: return "unknown {{% CONFIG }} variable (CONTENT_TYPE is the one templates use)"
        @unknown default: return "unexpected text"
        }
    }

    static func endingWithNewline(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }

    /// The agenda as Markdown, HTML or JSON.
    package func render(_ agenda: Agenda, as format: Format) -> String {
        switch format {
        case .markdown: return AgendaRenderer.endingWithNewline(markdown.render(agenda))
        case .html: return AgendaRenderer.endingWithNewline(html.render(agenda))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(agenda)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
        }
    }
}

/// `{{% CONTENT_TYPE: MARKDOWN}}`: values are escaped so that text from playbooks and the state
/// cannot change the agenda's structure: `|` would add a table cell, `<` could open raw HTML,
/// `[` and `]` could form a link. Backslash escapes and `&lt;` render as the characters
/// themselves in every CommonMark reader.
struct MarkdownContentType: MustacheContentType {
    static let registerOnce: Void = MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")

    func escapeText(_ text: String) -> String {
        guard text.contains(where: { $0 == "|" || $0 == "<" || $0 == "[" || $0 == "]" }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "|": escaped += "\\|"
            case "[": escaped += "\\["
            case "]": escaped += "\\]"
            case "<": escaped += "&lt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
