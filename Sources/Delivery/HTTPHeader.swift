/// One request header.
package struct HTTPHeader: Hashable, Sendable, CustomStringConvertible {
    /// The field name, as sent.
    package let name: String
    /// The field value, as sent.
    package let value: String

    /// Creates a header; ``WebhookRequest`` validates it.
    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `name: value`.
    package var description: String { "\(name): \(value)" }

    /// Header names the client sets itself; a request may not override them, because a second,
    /// disagreeing framing header is how request smuggling starts.
    static let reservedNames: Set<String> = ["content-length", "transfer-encoding", "host", "expect", "connection"]

    /// RFC 9110 token characters besides letters and digits.
    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)

    func validate() throws(DeliveryError) {
        let nameIsToken =
            !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || Self.tokenPunctuation.contains(byte)
            }
        guard nameIsToken else {
            throw DeliveryError(.invalidHeader, "header name \(String(reflecting: Redactor.strippingControlCharacters(name))) is not an HTTP token")
        }
        guard !Self.reservedNames.contains(name.lowercased()) else {
            throw DeliveryError(.invalidHeader, "header \(name) is set by the client and cannot be overridden")
        }
        // libcurl sends header lines as they are, so CR or LF here would inject a header or a body.
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            throw DeliveryError(.invalidHeader, "value of header \(name) contains CR, LF or NUL")
        }
    }
}
