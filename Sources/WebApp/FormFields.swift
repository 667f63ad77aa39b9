import Foundation
import HTTPTypes

/// The fields of an `application/x-www-form-urlencoded` body, decoded strictly: a field that is
/// not UTF-8 after decoding, or a malformed escape, is an error naming the field.
struct FormFields: Sendable {
    private(set) var values: [String: String] = [:]

    init() {}

    init(parsing body: String) throws(PageError) {
        guard !body.isEmpty else { return }
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { throw PageError(.badRequest, "a form field name is not valid URL encoding") }
            guard let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw PageError(.badRequest, "\(name): not valid URL encoding or not UTF-8")
            }
            guard values[name] == nil else { throw PageError(.badRequest, "\(name): given twice") }
            values[name] = value
        }
    }

    /// The fields of a `multipart/form-data` body (a file upload): each part's text by its
    /// name, and the file name of a file part under `NAME.filename`. Parts must be UTF-8.
    init(multipart body: [UInt8], boundary: String) throws(PageError) {
        // Linear: find each "--boundary" at the start or after CRLF by scanning for its first
        // byte, then compare at most 72 bytes (the boundary is capped at 70).
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [[UInt8]] = []
        var start: Int?
        var index = 0
        var done = false
        while !done, let found = body[index...].firstIndex(of: delimiter[0]) {
            index = found
            let atLineStart = found == 0 || (found >= 2 && body[found - 2] == 13 && body[found - 1] == 10)
            guard atLineStart, found + delimiter.count <= body.count, body[found..<found + delimiter.count].elementsEqual(delimiter) else {
                index = found + 1
                continue
            }
            if let from = start {
                let end = found >= from + 2 ? found - 2 : found
                parts.append(Array(body[from..<end]))
            }
            index = found + delimiter.count
            if index + 2 <= body.count, body[index] == UInt8(ascii: "-"), body[index + 1] == UInt8(ascii: "-") { done = true; break }
            if index + 2 <= body.count, body[index] == 13, body[index + 1] == 10 { index += 2 }
            start = index
        }
        guard !parts.isEmpty else { throw PageError(.badRequest, "the upload is not multipart/form-data with boundary \(boundary)") }
        for part in parts {
            guard let split = (0..<max(0, part.count - 3)).first(where: { part[$0] == 13 && part[$0 + 1] == 10 && part[$0 + 2] == 13 && part[$0 + 3] == 10 })
            else { throw PageError(.badRequest, "a part of the upload has no headers") }
            let head = String(decoding: part[..<split], as: UTF8.self)
            guard let disposition = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = Self.parameter("name", in: disposition)
            else { throw PageError(.badRequest, "a part of the upload has no name") }
            guard let text = String(validating: part[(split + 4)...], as: UTF8.self) else {
                throw PageError(.badRequest, "\(name): the file is not UTF-8 text (save the spreadsheet as CSV UTF-8)")
            }
            guard values[name] == nil else { throw PageError(.badRequest, "\(name): given twice") }
            values[name] = text
            if let file = Self.parameter("filename", in: disposition) { values[name + ".filename"] = file }
        }
    }

    /// `name="value"` inside a Content-Disposition header.
    private static func parameter(_ key: String, in header: Substring) -> String? {
        for piece in header.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key + "=") else { continue }
            var value = trimmed.dropFirst(key.count + 1)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }

    subscript(name: String) -> String? { values[name] }

    /// A field that must be there.
    func required(_ name: String) throws(PageError) -> String {
        guard let value = values[name] else { throw PageError(.badRequest, "\(name): missing from the form") }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
