import Foundation

/// Meeting notes as people type them (a little Markdown: `#` headings, `-` or `*` lists,
/// `**bold**`, `` `code` ``, blank lines between paragraphs) shown as HTML. Everything is
/// escaped first; only the tags made here are markup, so no note can inject any.
enum NotesText {
    static func html(_ text: String) -> String {
        var output: [String] = []
        var paragraph: [String] = []
        var list: [String] = []
        func flush() {
            if !paragraph.isEmpty { output.append("<p>" + paragraph.joined(separator: "<br>") + "</p>") }
            if !list.isEmpty { output.append("<ul>" + list.map { "<li>\($0)</li>" }.joined() + "</ul>") }
            paragraph = []
            list = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingPrefix(while: { $0 == " " })
            if line.isEmpty {
                flush()
            } else if let heading = ["### ", "## ", "# "].first(where: { line.hasPrefix($0) }) {
                flush()
                output.append("<h3>" + inline(String(line.dropFirst(heading.count))) + "</h3>")
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty { flush() }
                list.append(inline(String(line.dropFirst(2))))
            } else {
                if !list.isEmpty { flush() }
                paragraph.append(inline(String(line)))
            }
        }
        flush()
        return output.joined(separator: "\n")
    }

    /// Escapes a line, then turns `**x**` into bold and `` `x` `` into code.
    static func inline(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return wrap(wrap(escaped, marker: "**", tag: "strong"), marker: "`", tag: "code")
    }

    /// Pairs of `marker` around non-empty text become `<tag>…</tag>`; an unpaired one stays.
    private static func wrap(_ text: String, marker: String, tag: String) -> String {
        let pieces = text.components(separatedBy: marker)
        guard pieces.count >= 3 else { return text }
        var result = pieces[0]
        var index = 1
        while index < pieces.count {
            if index + 1 < pieces.count, !pieces[index].isEmpty {
                result += "<\(tag)>\(pieces[index])</\(tag)>" + pieces[index + 1]
                index += 2
            } else {
                result += marker + pieces[index]
                index += 1
            }
        }
        return result
    }
}
