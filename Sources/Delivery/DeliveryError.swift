/// Input that Delivery cannot use: a malformed webhook URL, a header that would corrupt the
/// request, or an unusable signing secret.
///
/// ``description`` is one line and never contains the secret itself, so it is safe to print
/// after `error: `.
package struct DeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of input was wrong. Compare with the static members; new codes may be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidURL, invalidHeader, invalidSigningSecret, invalidPayload
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The webhook URL cannot be parsed or contains characters no URL may contain.
        package static let invalidURL = Code(.invalidURL)
        /// A header name is not an HTTP token, or a value contains CR, LF or NUL.
        package static let invalidHeader = Code(.invalidHeader)
        /// A `whsec_` signing secret is not valid base64, or the secret is empty.
        package static let invalidSigningSecret = Code(.invalidSigningSecret)
        /// A stored payload does not fit the target (formatted for another kind).
        package static let invalidPayload = Code(.invalidPayload)

        package var description: String { "\(value)" }

        /// Lets `catch DeliveryError.Code.invalidHeader` match a thrown ``DeliveryError`` by code.
        package static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? DeliveryError)?.code == pattern
        }
    }

    /// What was wrong.
    package let code: Code
    /// One line naming the bad part; never the secret value.
    package let message: String

    /// Creates an error; `message` must already be free of secrets.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
