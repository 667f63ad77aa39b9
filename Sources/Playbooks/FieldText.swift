/// The rule for text that people type into OpsCadence (playbook titles, names and items, action
/// items, owners, CSV fields) and that ends up in Markdown agendas, chat messages and terminals.
///
/// A **one-line field** (a title, an owner, a checklist or action item, a KPI name) may not hold
/// a line break, which would start a heading, a ticked item or a table row of its own in the
/// Markdown agenda, nor any other control character: C0 and C1 controls (the terminal escapes
/// among them) and the bidirectional overrides and isolates that make text display in another
/// order than it reads. A **multi-line field** (a playbook's `description`) may hold line breaks
/// and tabs, but no other control character.
///
/// The playbook loader, the command line and anything else that takes such text (a web form)
/// call the same check, so a field is refused the same way whichever path it comes in by.
package enum FieldText {
    /// Why a text cannot be used as a field. Never quotes the text itself (it may be a secret,
    /// or an escape sequence for the terminal that shows the message).
    package enum Problem: Hashable, Sendable, CustomStringConvertible {
        /// A line break: LF, CR, vertical tab, form feed, NEL, U+2028 or U+2029.
        case lineBreak
        /// Another control character (C0, DEL, C1) or a bidirectional override or isolate.
        case controlCharacter(Unicode.Scalar)

        /// `must be one line`, `must not contain control characters (found U+001B escape)`.
        package var description: String {
            switch self {
            case .lineBreak: return "must be one line"
            case .controlCharacter(let scalar): return "must not contain control characters (found \(FieldText.name(of: scalar)))"
            }
        }
    }

    /// The first reason `text` cannot be a one-line field, or nil when it can.
    package static func oneLineProblem(in text: String) -> Problem? {
        for scalar in text.unicodeScalars {
            if isLineBreak(scalar) { return .lineBreak }
            if isControl(scalar) { return .controlCharacter(scalar) }
        }
        return nil
    }

    /// The first reason `text` cannot be a multi-line field, or nil when it can: line breaks
    /// (LF, or CR LF) and tabs are allowed, other control characters are not.
    package static func multiLineProblem(in text: String) -> Problem? {
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar.value {
            case 0x09, 0x0A, 0x2028, 0x2029: continue
            case 0x0D where pending?.value == 0x0A: continue
            default: if isControl(scalar) || isLineBreak(scalar) { return .controlCharacter(scalar) }
            }
        }
        return nil
    }

    /// Checks a one-line field.
    ///
    /// - Parameters:
    ///   - text: The value.
    ///   - field: What the message calls it: `title`, `TEXT`, `--owner`.
    /// - Throws: ``FieldTextError`` naming the field and the problem, never the value.
    package static func checkOneLine(_ text: String, field: String) throws(FieldTextError) {
        if let problem = oneLineProblem(in: text) { throw FieldTextError(field: field, problem: problem) }
    }

    /// Checks a multi-line field; see ``checkOneLine(_:field:)``.
    package static func checkMultiLine(_ text: String, field: String) throws(FieldTextError) {
        if let problem = multiLineProblem(in: text) { throw FieldTextError(field: field, problem: problem) }
    }

    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Whether `scalar` is a control character in this rule's sense: C0 (tab and line feed
    /// included), DEL, C1, or a bidirectional override or isolate. What terminal output
    /// replaces, too.
    package static func isControlCharacter(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `U+001B escape`, `U+202E right-to-left override`, `U+0007`.
    static func name(of scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [
            0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x1B: "escape", 0x7F: "delete", 0x202A: "left-to-right embedding",
            0x202B: "right-to-left embedding", 0x202C: "pop directional formatting", 0x202D: "left-to-right override",
            0x202E: "right-to-left override", 0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
            0x2068: "first strong isolate", 0x2069: "pop directional isolate",
        ]
        return names[scalar.value].map { "\(code) \($0)" } ?? code
    }
}

/// A field that breaks ``FieldText``'s rule: `TEXT must be one line`.
package struct FieldTextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the field is called where it was given: `title`, `TEXT`, `--owner`.
    package var field: String
    package var problem: FieldText.Problem

    package init(field: String, problem: FieldText.Problem) {
        self.field = field
        self.problem = problem
    }

    /// `--owner must be one line`, `title must not contain control characters (found U+001B escape)`.
    package var description: String { "\(field) \(problem)" }
}
