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
