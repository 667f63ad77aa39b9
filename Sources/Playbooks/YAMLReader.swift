import Foundation
import Yams

/// Reads a YAML file into located values and collects every problem instead of stopping at the
/// first, so `validate` can report them all in one run.
///
/// Yams' `Decodable` support loses positions; composing the node tree keeps a `Mark` on every
/// node, which is what lets each error name `file:line:column`.
struct YAMLReader {
    let file: String
    var issues: [ValidationIssue] = []

    init(file: String) { self.file = file }

    func location(_ node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ node: Node?, _ message: String) {
        issues.append(ValidationIssue(location(node), message))
    }

    mutating func report(_ location: SourceLocation, _ message: String) {
        issues.append(ValidationIssue(location, message))
    }

    mutating func report(_ issue: ValidationIssue) {
        issues.append(issue)
    }

    /// Composes the document; a syntax error is reported at its position and yields nil.
    mutating func root(_ text: String) -> Node? {
        do {
            // The reader types every scalar itself, so Yams need not resolve tags (its default
            // resolver runs a regular expression per scalar) nor read its encoding from the environment.
            guard text.utf8.count <= YAMLReader.maximumBytes else {
                report(
                    SourceLocation(file: file, line: 1, column: 1),
                    "the file is \(text.utf8.count / 1024) KB, over the \(YAMLReader.maximumBytes / 1024) KB a workspace file may have")
                return nil
            }
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                report(SourceLocation(file: file, line: 1, column: 1), "the file is empty (expected a mapping of keys)")
                return nil
            }
            if let entry = YAMLReader.oversizedEntry(of: node) {
                report(
                    entry,
                    "this value expands to more than \(YAMLReader.maximumValues) YAML values or \(YAMLReader.maximumBytes / 1024) KB of text: aliases (*name) repeat their anchor's content, and a file this large is refused")
                return nil
            }
            return node
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                .composer(let context, let problem, let mark, _):
                let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                report(SourceLocation(file: file, line: mark.line, column: mark.column), "YAML syntax error: \(detail)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                // Yams's own text for this carries the whole file, secrets included: never shown.
                let key = duplicates.first ?? ""
                let line = Self.lineRepeating(key, in: text, after: context.mark) ?? context.mark.line
                report(
                    SourceLocation(file: file, line: line, column: context.mark.column),
                    "duplicate key '\(key)' (a key may appear once in a mapping)")
            case .reader(let problem, _, _, _):
                // Yams's text for this quotes the whole line, which may be a literal webhook URL
                // or secret: only the position, the key and the character are shown.
                report(unreadable(text, problem: problem))
            default:
                // Yams's descriptions quote the document: never shown.
                report(SourceLocation(file: file, line: 1, column: 1), "YAML error: the file cannot be read as YAML")
            }
            return nil
        } catch {
            report(SourceLocation(file: file, line: 1, column: 1), "YAML error: the file cannot be read as YAML")
            return nil
        }
    }

    /// The largest file read: a playbook is a page of text, not megabytes.
    static let maximumBytes = 1 << 20
    /// The most values (scalars, mappings, sequences) a file may expand to once its aliases are
    /// followed. A shipped playbook has a few hundred; "billion laughs" has billions.
    static let maximumValues = 50_000

    /// The top-level entry under which the document expands past ``maximumValues``, or past
    /// ``maximumBytes`` of scalar text (one long anchored scalar repeated by a few thousand
    /// aliases is few values but hundreds of megabytes of agenda), if any. Counting stops as
    /// soon as a budget is spent, so a hostile file costs no more than the limit.
    static func oversizedEntry(of root: Node) -> Node? {
        var budget = maximumValues
        var textBudget = maximumBytes
        func count(_ node: Node) -> Bool {
            budget -= 1
            if budget < 0 { return false }
            switch node {
            case .scalar(let scalar):
                textBudget -= scalar.string.utf8.count
                return textBudget >= 0
            case .alias: return true
            case .mapping(let mapping):
                for (key, value) in mapping where !count(key) || !count(value) { return false }
                return true
            case .sequence(let sequence):
                for element in sequence where !count(element) { return false }
                return true
            }
        }
        if case .mapping(let mapping) = root {
            for (key, value) in mapping where !count(key) || !count(value) { return key }
            return nil
        }
        return count(root) ? nil : root
    }

    /// A reader error (a character YAML does not allow, such as a control character pasted
    /// into a URL) at the character's own position, naming the key whose value holds it and
    /// the character, never the value.
    func unreadable(_ text: String, problem: String) -> ValidationIssue {
        var line = 1
        var column = 1
        var lineText = ""
        var found: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if !Self.isYAMLPrintable(scalar) {
                found = scalar
                break
            }
            if scalar == "\n" {
                line += 1
                column = 1
                lineText = ""
            } else {
                column += 1
                lineText.unicodeScalars.append(scalar)
            }
        }
        guard let found else {
            return ValidationIssue(SourceLocation(file: file, line: 1, column: 1), "YAML error: \(problem)")
        }
        let key = Self.lastKey(in: lineText)
        let subject = key.map { "the value of '\($0)'" } ?? "this line"
        var message = "\(subject) contains \(FieldText.name(of: found)), a character YAML does not allow (expected printable text"
        if key == "url" || key == "secret" {
            message += "; a target's url and secret are written as ${env:NAME} or ${file:PATH}, never the value"
        }
        return ValidationIssue(SourceLocation(file: file, line: line, column: column), message + ")")
    }

    /// The characters a YAML stream may hold (`c-printable`, as libyaml's reader checks it).
    static func isYAMLPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// The last `key:` written on a line before a position: `url` in `    url: https://…`.
    static func lastKey(in line: String) -> String? {
        let characters = Array(line)
        var key: String?
        var index = 0
        while index < characters.count {
            guard characters[index] == ":", index + 1 == characters.count || characters[index + 1] == " " else {
                index += 1
                continue
            }
            var start = index
            while start > 0, characters[start - 1].isLetter || characters[start - 1].isNumber || characters[start - 1] == "_" || characters[start - 1] == "-" {
                start -= 1
            }
            // A key starts the line, follows a list dash, or follows `{` or `,` in a flow mapping;
            // `Note` in `title: Note: call` is part of a value.
            var before = start - 1
            while before >= 0, characters[before] == " " || characters[before] == "\t" { before -= 1 }
            if start < index, before < 0 || "{,-".contains(characters[before]) {
                key = String(characters[start..<index])
            }
            index += 1
        }
        return key
    }

    /// The line where `key` is written again, at the same column, after its first use at `first`.
    static func lineRepeating(_ key: String, in text: String, after first: Mark) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.column >= 1 else { return nil }
        for index in first.line..<lines.count {
            let line = lines[index]
            let indent = first.column - 1
            guard line.count > indent, line.prefix(indent).allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = line.dropFirst(indent)
            guard rest.hasPrefix(key) else { continue }
            if rest.dropFirst(key.count).drop(while: { $0 == " " }).first == ":" { return index + 1 }
        }
        return nil
    }

    // MARK: Typed access

    /// A mapping's entries by key, reporting non-string keys, duplicates and keys not in `allowed`.
    mutating func mapping(_ node: Node?, allowed: [String], what: String) -> Fields? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            report(node, "expected \(what) as a mapping of keys (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var fields = Fields(node: node)
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(keyNode, "expected a plain key")
                continue
            }
            if fields.values[key.string] != nil {
                report(keyNode, "duplicate key '\(key.string)'")
                continue
            }
            if !allowed.isEmpty, !allowed.contains(key.string) {
                report(keyNode, "unknown key '\(key.string)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            fields.values[key.string] = value
            fields.keys[key.string] = keyNode
            fields.order.append(key.string)
        }
        return fields
    }

    /// A mapping with arbitrary keys (targets, KPIs), in file order.
    mutating func namedEntries(_ node: Node?, what: String) -> [(key: String, keyNode: Node, value: Node)] {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            report(node, "expected \(what) as a mapping of names")
            return []
        }
        var seen = Set<String>()
        var entries: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(keyNode, "expected a plain name")
                continue
            }
            guard seen.insert(key.string).inserted else {
                report(keyNode, "duplicate name '\(key.string)' in \(what)")
                continue
            }
            entries.append((key.string, keyNode, value))
        }
        return entries
    }

    mutating func string(_ node: Node?, what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, !isNull(scalar) else {
            report(node, "expected \(what) as text")
            return nil
        }
        return scalar.string
    }

    /// - Parameter hint: What a line break in the value is told to do instead.
    mutating func nonEmptyString(_ node: Node?, what: String, hint: String = "longer text belongs in description") -> String? {
        guard let value = string(node, what: what) else { return nil }
        // Not Foundation's trimmingCharacters: it bridges through NSString, a measurable part
        // of loading a workspace.
        guard !value.allSatisfy(\.isWhitespace) else {
            report(node, "\(what) must not be empty")
            return nil
        }
        return oneLine(value, node: node, what: what, hint: hint)
    }

    /// `value` when it keeps ``FieldText``'s one-line rule, else nil and an issue at `node`.
    /// Titles, names and items end up in headings, list items and table cells: a line break
    /// would start a heading or a ticked item of its own in the Markdown agenda.
    mutating func oneLine(_ value: String, node: Node?, what: String, hint: String = "longer text belongs in description") -> String? {
        switch FieldText.oneLineProblem(in: value) {
        case nil: return value
        case .lineBreak: report(node, "\(what) must be one line (\(hint))")
        case let problem?: report(node, "\(what) \(problem)")
        }
        return nil
    }

    /// Text that may run over several lines (a description), without other control characters.
    mutating func multiLineString(_ node: Node?, what: String) -> String? {
        guard let value = string(node, what: what), let node else { return nil }
        if let problem = FieldText.multiLineProblem(in: value) {
            report(node, "\(what) \(problem)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, what: String) -> Bool? {
        guard let node else { return nil }
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node, "expected \(what) as true or false")
        return nil
    }

    mutating func integer(_ node: Node?, what: String, range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            report(node, "expected \(what) as a whole number")
            return nil
        }
        guard range.contains(value) else {
            report(node, "\(what) \(value) is out of range \(range.lowerBound)-\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node?, what: String) -> Double? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string),
            value.isFinite
        else {
            report(node, "expected \(what) as a number")
            return nil
        }
        return value
    }

    mutating func list(_ node: Node?, what: String) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            report(node, "expected \(what) as a list")
            return nil
        }
        return Array(sequence)
    }

    /// A list of one-line texts (attendees, talking points).
    mutating func stringList(_ node: Node?, what: String) -> [String]? {
        guard let nodes = list(node, what: what) else { return nil }
        return nodes.compactMap { item in
            string(item, what: "each entry of \(what)").flatMap { oneLine($0, node: item, what: "each entry of \(what)") }
        }
    }

    /// A duration such as `15m`, `1h30m`, `2h`, `90s`, `1d`, `0m`; `allowNegative` for `-1h`.
    mutating func duration(_ node: Node?, what: String, allowNegative: Bool = false) -> Int? {
        guard let text = string(node, what: what) else { return nil }
        guard let seconds = DurationText.parse(text), allowNegative || seconds >= 0 else {
            report(node, "expected \(what) as a duration such as 15m, 1h or 1h30m\(allowNegative ? " (negative for before the meeting, e.g. -1h)" : ""), got \"\(text)\"")
            return nil
        }
        return seconds
    }

    private func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// The entries of a YAML mapping, with their key nodes for error positions.
struct Fields {
    let node: Node
    var values: [String: Node] = [:]
    var keys: [String: Node] = [:]
    var order: [String] = []

    subscript(_ key: String) -> Node? { values[key] }
}

/// Durations as written in playbooks: `30m`, `1h`, `1h30m`, `90s`, `1d`, `-1h`.
package enum DurationText {
    package static func parse(_ text: String) -> Int? {
        var s = Substring(text.lowercased())
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        var sign = 1
        if s.hasPrefix("-") {
            sign = -1
            s = s.dropFirst()
        }
        guard !s.isEmpty else { return nil }
        var total = 0
        var number = 0
        var sawDigit = false
        var sawUnit = false
        for ch in s {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                number = number * 10 + digit
                sawDigit = true
                guard number < 10_000_000 else { return nil }
                continue
            }
            guard sawDigit else { return nil }
            switch ch {
            case "d": total += number * 86_400
            case "h": total += number * 3600
            case "m": total += number * 60
            case "s": total += number
            default: return nil
            }
            number = 0
            sawDigit = false
            sawUnit = true
        }
        guard sawUnit, !sawDigit else { return nil }
        return sign * total
    }

    /// The shortest text for a number of seconds: `15m`, `1h30m`, `0m`, `-1h`.
    package static func format(_ seconds: Int) -> String {
        if seconds == 0 { return "0m" }
        var rest = abs(seconds)
        var text = seconds < 0 ? "-" : ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
