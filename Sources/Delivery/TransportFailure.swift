/// A webhook request that produced no HTTP response.
///
/// ``requestMayHaveBeenSent`` is what at-least-once bookkeeping needs: `false` means the
/// request certainly did not reach the server (resolve, connect, TLS, refused address or
/// protocol, or a time-out before libcurl began sending), so a retry cannot duplicate it.
/// `true` means the server may have acted on it (send/receive errors, an empty reply, a time-out
/// after the request went out).
package struct TransportFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. Compare with the static members; new codes may be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case resolve = "could not resolve host"
            case connect = "could not connect"
            case addressRefused = "address refused by policy"
            case protocolNotAllowed = "protocol not allowed"
            case invalidURL = "invalid URL"
            case tls = "TLS failure"
            case timeout = "timed out"
            case send = "send failed"
            case receive = "receive failed"
            case emptyResponse = "empty response"
            case protocolError = "HTTP protocol error"
            case cancelled = "cancelled"
            case notAttempted = "not attempted"
            case internalError = "internal error"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// DNS resolution failed.
        package static let resolve = Code(.resolve)
        /// The TCP connection failed (refused, unreachable).
        package static let connect = Code(.connect)
        /// Every resolved address was refused by the ``AddressPolicy``; see
        /// ``TransportFailure/refusedAddress``.
        package static let addressRefused = Code(.addressRefused)
        /// The URL's scheme is not `http` or `https`.
        package static let protocolNotAllowed = Code(.protocolNotAllowed)
        /// libcurl could not parse the URL.
        package static let invalidURL = Code(.invalidURL)
        /// The TLS handshake or certificate verification failed.
        package static let tls = Code(.tls)
        /// The connect or total time-out, or the low-speed limit, ran out.
        package static let timeout = Code(.timeout)
        /// Sending the request failed part-way.
        package static let send = Code(.send)
        /// Receiving the response failed (for example, the connection was reset).
        package static let receive = Code(.receive)
        /// The server closed the connection without a response.
        package static let emptyResponse = Code(.emptyResponse)
        /// The server's response was not valid HTTP.
        package static let protocolError = Code(.protocolError)
        /// The send was cancelled (the calling task was cancelled).
        package static let cancelled = Code(.cancelled)
        /// Not sent: earlier requests to the same rate key timed out
        /// ``WebhookClient/Configuration/timeoutsBeforeSkipping`` times in a row, so that key's
        /// requests are given back unsent for ``WebhookClient/Configuration/skipDuration``.
        package static let notAttempted = Code(.notAttempted)
        /// libcurl itself failed (out of memory, an option it does not know).
        package static let internalError = Code(.internalError)

        package var description: String { value.rawValue }
    }

    /// What went wrong.
    package let code: Code
    /// Whether the server may have received (and acted on) the request.
    package let requestMayHaveBeenSent: Bool
    /// For ``Code/addressRefused``: the category of the refused address (never the URL).
    package let refusedAddress: AddressCategory?
    /// The libcurl error behind the failure, if any (its detail text is redacted).
    package let curlError: CurlError?
    /// One redacted line explaining the failure.
    package let message: String
    /// How long the attempt ran, on the client's timeline.
    package let elapsed: Duration

    /// Creates a failure; `message` must already be redacted.
    package init(
        code: Code,
        requestMayHaveBeenSent: Bool,
        message: String,
        curlError: CurlError? = nil,
        refusedAddress: AddressCategory? = nil,
        elapsed: Duration = .zero
    ) {
        self.code = code
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.message = message
        self.curlError = curlError
        self.refusedAddress = refusedAddress
        self.elapsed = elapsed
    }

    /// `timed out: … (request may have been sent)`.
    package var description: String {
        let sent = requestMayHaveBeenSent ? "request may have been sent" : "request not sent"
        return "\(code): \(message) (\(sent))"
    }

    /// Lets `case TransportFailure.Code.timeout` match a failure by code.
    package static func ~= (pattern: Code, failure: TransportFailure) -> Bool {
        failure.code == pattern
    }
}
