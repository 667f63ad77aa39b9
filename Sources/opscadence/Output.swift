import Diagnostics
import Foundation
import Playbooks
import Recurrence

/// Standard output and error. `line` writes at once; commands that print a lot (`next --count
/// 1000000` writes tens of megabytes) append to a ``Writer`` that writes in 64 KiB blocks.
///
/// Text meant for a terminal (lines, tables, errors, warnings, Markdown and HTML documents)
/// goes through ``terminalSafe(_:singleLine:keepingTabs:)``: titles, action items, notes and stored error
/// texts are local data, and an escape sequence in one must not recolour, retitle or rewrite
/// the user's terminal. JSON (``json(_:)``) is written exactly: its escaping already spells out
/// every control character.
enum Output {
    /// Prints an error the way compilers do: one `[file:line:column: ]error: message` line per
    /// problem, with control characters from quoted data made harmless.
    static func error(_ error: any UserFacingError) {
        let text = error.diagnostics.map { terminalSafe($0.description) }.joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func error(_ message: String) { error(CLIError(message)) }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(terminalSafe(message))\n".utf8))
    }

    /// Prints a line (or the lines of a text the command put together) to standard output.
    static func line(_ text: String = "") {
        var writer = Writer()
        writer.append(terminalSafe(text))
        writer.append("\n")
        writer.flush()
    }

    /// Prints a document (a Markdown or HTML agenda, a report) to standard output as it is,
    /// but for the control characters a terminal would act on.
    static func document(_ text: String) {
        var writer = Writer()
        writer.append(terminalSafe(text, keepingTabs: true))
        writer.flush()
    }

    /// The replacement for a control character on a terminal.
    static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `text` as a terminal may show it: every control character in ``FieldText``'s sense
    /// (ESC and the rest of C0, DEL, C1, the bidirectional overrides and isolates) becomes
    /// U+FFFD, so it is visible but does nothing. Line feeds stay (a CR right before one is
    /// dropped); tabs become a space, or stay with `keepingTabs`. With `singleLine` (a table
    /// cell, a field inside a line), line feeds become spaces as well.
    static func terminalSafe(_ text: String, singleLine: Bool = false, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: FieldText.isControlCharacter) else { return text }
        var scalars = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            switch scalar.value {
            case 0x0A: scalars.append(singleLine ? " " : scalar)
            case 0x09: scalars.append(keepingTabs && !singleLine ? scalar : " ")
            case 0x0D where pending?.value == 0x0A: continue
            default: scalars.append(FieldText.isControlCharacter(scalar) ? replacement : scalar)
            }
        }
        return String(scalars)
    }

    /// Prints a value as pretty JSON with sorted keys.
    static func json<T: Encodable>(_ value: T) throws {
        var writer = Writer()
        writer.append(try jsonText(value))
        writer.append("\n")
        writer.flush()
    }

    /// A value as pretty JSON with sorted keys, as ``json(_:)`` prints it.
    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return text == "[\n\n]" ? "[]" : text
    }

    /// A byte buffer flushed to standard output in large writes.
    struct Writer {
        var bytes: [UInt8] = []
        static let flushThreshold = 1 << 16

        init() { bytes.reserveCapacity(Writer.flushThreshold + 256) }

        mutating func append(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            if bytes.count >= Writer.flushThreshold { flush() }
        }

        @inline(__always)
        mutating func flushIfNeeded() {
            if bytes.count >= Writer.flushThreshold { flush() }
        }

        mutating func flush() {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                if written <= 0 {
                    if errno == EINTR { continue }
                    // The reader went away (a closed pipe): stop quietly, like other Unix tools.
                    Foundation.exit(0)
                }
                offset += written
            }
            bytes.removeAll(keepingCapacity: true)
        }
    }
}
