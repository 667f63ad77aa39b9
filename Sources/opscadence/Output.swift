import Diagnostics
import Foundation
import Recurrence

/// Standard output and error, buffered: `next --count 1000000` writes tens of megabytes.
enum Output {
    /// Writes `error: message` lines to standard error.
    /// Prints an error the way compilers do: one `[file:line:column: ]error: message` line per problem.
    static func error(_ error: any UserFacingError) {
        let text = error.diagnostics.map(\.description).joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func error(_ message: String) { error(CLIError(message)) }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// Prints a line to standard output.
    static func line(_ text: String = "") {
        var writer = Writer()
        writer.append(text)
        writer.append("\n")
        writer.flush()
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
