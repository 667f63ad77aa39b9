import Foundation

/// Fits text into a platform's length limits without ever rejecting a message.
///
/// Lengths are counted in UTF-16 code units, which is never less than the number of characters
/// or code points, so whichever way a platform counts, the text is within its limit.
enum TextBudget {
    /// What a cut-short text ends with.
    static let ellipsis = "…"

    static func length(_ text: String) -> Int { text.utf16.count }

    /// `text` cut on a character boundary so that, with the ellipsis, it fits in `limit`.
    static func truncate(_ text: String, to limit: Int) -> String {
        guard length(text) > limit else { return text }
        guard limit > length(ellipsis) else { return String(ellipsis.prefix(max(0, limit))) }
        var out = ""
        var used = 0
        let room = limit - length(ellipsis)
        for character in text {
            let size = String(character).utf16.count
            if used + size > room { break }
            out.append(character)
            used += size
        }
        return out + ellipsis
    }

    /// As many items as fit in `limit`, one line each, joined with newlines; when some do not
    /// fit, the last line says how many were left out ("… and 3 more sections (see the full
    /// agenda)"). Lines are formatted only for items that are tried, so a huge list costs no
    /// more than the lines that fit.
    static func pack<Items: Collection>(_ items: Items, limit: Int, noun: String, line format: (Items.Element) -> String) -> String {
        let total = items.count
        var kept: [String] = []
        var used = 0
        for (index, item) in items.enumerated() {
            let left = total - index - 1
            let tail = left > 0 ? length(moreLine(left, noun: noun)) + 1 : 0
            let line = truncate(format(item), to: max(1, limit - tail - 1))
            let cost = (kept.isEmpty ? 0 : 1) + length(line)
            if used + cost + tail > limit {
                kept.append(moreLine(total - index, noun: noun))
                break
            }
            kept.append(line)
            used += cost
        }
        return truncate(kept.joined(separator: "\n"), to: limit)
    }

    /// `text` on one line: line breaks and tabs become spaces, runs of spaces collapse.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline || $0 == "\t" || $0 == " " }).joined(separator: " ")
    }

    /// User text for a platform that renders Markdown links in message text (Discord, Teams,
    /// Mattermost): on one line, with a zero-width space between `]` and `(`, so that a title or
    /// an action item such as `[Reset password](https://evil.example/reset)` cannot become a
    /// masked link, nor `![x](https://…)` an image (a tracking pixel). Every Markdown reader
    /// needs `](` side by side to form either; the text reads the same. Slack and Google Chat
    /// write links as `<url|text>`, which their escaping of `<` already rules out; their text
    /// is defused the same way all the same (Mattermost sends the Slack blocks along, and Chat
    /// apps may switch to Markdown).
    static func markdownLine(_ text: String) -> String { defusingLinks(oneLine(text)) }

    /// `text` with a zero-width space between every `]` and `(`; see ``markdownLine(_:)``.
    static func defusingLinks(_ text: String) -> String {
        text.contains("](") ? text.replacingOccurrences(of: "](", with: "]\u{200B}(") : text
    }

    /// An agenda line around its (already formatted) title: the clock first, as `clock` shows
    /// it, and the timebox after, `(10 min)`. A section without a clock or a timebox (the
    /// test message's) gets neither, rather than an empty code span or `(0 min)`.
    static func agendaLine(_ section: ReminderMessage.AgendaSection, title: String, clock: (String) -> String) -> String {
        var line = section.clock.isEmpty ? "" : clock(section.clock) + " "
        line += title
        if section.minutes > 0 { line += " (\(section.minutes) min)" }
        return line
    }

    /// Every `@` that starts a word with a zero-width space after it, so that text from a
    /// playbook can mention no one on a platform that parses `@name` in text (Mattermost): the
    /// only mentions are the ones written from `people:` handles. An `@` inside a word (an email
    /// address) is left alone, as no platform reads a mention there.
    static func defusingMentions(_ text: String) -> String {
        guard text.contains("@") else { return text }
        var out = ""
        var previous: Character? = nil
        for character in text {
            out.append(character)
            if character == "@", previous.map({ !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }) ?? true {
                out.append("\u{200B}")
            }
            previous = character
        }
        return out
    }

    /// Tries `build` with shrinking budgets (1, ½, ¼, …) until the encoded document fits in
    /// `maxBytes`; the smallest attempt is returned if nothing fits.
    static func fit(maxBytes: Int, _ build: (Double) -> JSONValue) -> JSONValue {
        var scale = 1.0
        var document = build(scale)
        while document.bytes.count > maxBytes && scale > 1.0 / 64 {
            scale /= 2
            document = build(scale)
        }
        return document
    }

    /// `base × scale`, at least `floor`.
    static func scaled(_ base: Int, _ scale: Double, floor: Int = 80) -> Int {
        max(floor, Int(Double(base) * scale))
    }

    /// "… and 3 more (see the full agenda)".
    static func moreLine(_ count: Int, noun: String) -> String {
        "… and \(count) more \(noun)\(count == 1 ? "" : "s") (see the full agenda)"
    }
}
