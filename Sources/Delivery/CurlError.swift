internal import CCurl

/// A libcurl failure: the `CURLcode`, libcurl's text for it, and the detail from
/// `CURLOPT_ERRORBUFFER` when there was one (already passed through a ``Redactor``).
///
/// Two errors are equal when their codes are equal. Catch by code the way GRDB lets you catch
/// SQLite result codes:
///
/// ```swift
/// do { … } catch CurlError.couldNotConnect { … }
/// ```
package struct CurlError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A `CURLcode` value. Compare with the static members of ``CurlError``.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: Int32
        package init(rawValue: Int32) { self.rawValue = rawValue }
        init(_ code: CURLcode) { self.rawValue = Int32(code.rawValue) }

        /// libcurl's own one-line explanation of the code (`curl_easy_strerror`).
        package var description: String { String(cString: ccurl_easy_strerror(CURLcode(UInt32(bitPattern: rawValue)))) }

        /// Lets `catch CurlError.couldNotConnect` match a thrown ``CurlError`` by code.
        package static func ~= (pattern: Code, error: any Error) -> Bool {
            (error as? CurlError)?.code == pattern
        }
    }

    /// Which libcurl error this is.
    package let code: Code
    /// libcurl's text for ``code`` (`curl_easy_strerror`).
    package let message: String
    /// The more specific text libcurl wrote into the error buffer, redacted; `nil` when empty.
    package let detail: String?

    /// Creates an error for a libcurl code, with an optional (already redacted) detail text.
    package init(code: Code, detail: String? = nil) {
        self.code = code
        self.message = code.description
        let trimmed = detail?.trimmingWhitespace()
        self.detail = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    init(_ code: CURLcode, detail: String? = nil) {
        self.init(code: Code(code), detail: detail)
    }

    /// One line: `curl error 7 (Couldn't connect to server): <detail>`.
    package var description: String {
        var text = "curl error \(code.rawValue) (\(message))"
        if let detail, detail != message { text += ": \(detail)" }
        return text
    }

    package static func == (lhs: CurlError, rhs: CurlError) -> Bool { lhs.code == rhs.code }
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// `CURLE_UNSUPPORTED_PROTOCOL`: the scheme is not allowed (`CURLOPT_PROTOCOLS_STR` or `CURLOPT_PROTOCOLS`).
    package static let unsupportedProtocol = Code(CURLE_UNSUPPORTED_PROTOCOL)
    /// `CURLE_FAILED_INIT`.
    package static let failedInit = Code(CURLE_FAILED_INIT)
    /// `CURLE_URL_MALFORMAT`.
    package static let malformedURL = Code(CURLE_URL_MALFORMAT)
    /// `CURLE_COULDNT_RESOLVE_PROXY`.
    package static let couldNotResolveProxy = Code(CURLE_COULDNT_RESOLVE_PROXY)
    /// `CURLE_COULDNT_RESOLVE_HOST`.
    package static let couldNotResolveHost = Code(CURLE_COULDNT_RESOLVE_HOST)
    /// `CURLE_COULDNT_CONNECT`; also what libcurl reports when the open-socket callback refuses.
    package static let couldNotConnect = Code(CURLE_COULDNT_CONNECT)
    /// `CURLE_WEIRD_SERVER_REPLY`.
    package static let weirdServerReply = Code(CURLE_WEIRD_SERVER_REPLY)
    /// `CURLE_HTTP2`.
    package static let http2 = Code(CURLE_HTTP2)
    /// `CURLE_PARTIAL_FILE`.
    package static let partialFile = Code(CURLE_PARTIAL_FILE)
    /// `CURLE_WRITE_ERROR`: the write callback refused bytes (the response size cap).
    package static let writeError = Code(CURLE_WRITE_ERROR)
    /// `CURLE_OUT_OF_MEMORY`.
    package static let outOfMemory = Code(CURLE_OUT_OF_MEMORY)
    /// `CURLE_OPERATION_TIMEDOUT`: a connect, total or low-speed limit was hit.
    package static let operationTimedOut = Code(CURLE_OPERATION_TIMEDOUT)
    /// `CURLE_ABORTED_BY_CALLBACK`.
    package static let abortedByCallback = Code(CURLE_ABORTED_BY_CALLBACK)
    /// `CURLE_BAD_FUNCTION_ARGUMENT`.
    package static let badFunctionArgument = Code(CURLE_BAD_FUNCTION_ARGUMENT)
    /// `CURLE_UNKNOWN_OPTION`: this libcurl does not know an option we set.
    package static let unknownOption = Code(CURLE_UNKNOWN_OPTION)
    /// `CURLE_GOT_NOTHING`: the server closed the connection without a response.
    package static let gotNothing = Code(CURLE_GOT_NOTHING)
    /// `CURLE_SEND_ERROR`.
    package static let sendError = Code(CURLE_SEND_ERROR)
    /// `CURLE_RECV_ERROR` (a reset connection lands here).
    package static let receiveError = Code(CURLE_RECV_ERROR)
    /// `CURLE_SSL_CONNECT_ERROR`.
    package static let sslConnectError = Code(CURLE_SSL_CONNECT_ERROR)
    /// `CURLE_PEER_FAILED_VERIFICATION`: the server's certificate or name did not verify.
    package static let peerFailedVerification = Code(CURLE_PEER_FAILED_VERIFICATION)
    /// `CURLE_FILESIZE_EXCEEDED`: the declared response size is over `CURLOPT_MAXFILESIZE_LARGE`.
    package static let fileSizeExceeded = Code(CURLE_FILESIZE_EXCEEDED)
    /// `CURLE_SSL_CERTPROBLEM`.
    package static let sslCertificateProblem = Code(CURLE_SSL_CERTPROBLEM)
    /// `CURLE_SSL_CIPHER`.
    package static let sslCipher = Code(CURLE_SSL_CIPHER)
    /// `CURLE_SSL_CACERT_BADFILE`.
    package static let sslCACertBadFile = Code(CURLE_SSL_CACERT_BADFILE)
    /// `CURLE_SSL_SHUTDOWN_FAILED`.
    package static let sslShutdownFailed = Code(CURLE_SSL_SHUTDOWN_FAILED)
    /// `CURLE_SSL_ISSUER_ERROR`.
    package static let sslIssuerError = Code(CURLE_SSL_ISSUER_ERROR)
    /// `CURLE_SSL_PINNEDPUBKEYNOTMATCH`.
    package static let sslPinnedKeyMismatch = Code(CURLE_SSL_PINNEDPUBKEYNOTMATCH)
    /// `CURLE_SSL_INVALIDCERTSTATUS`.
    package static let sslInvalidCertificateStatus = Code(CURLE_SSL_INVALIDCERTSTATUS)
    /// `CURLE_HTTP2_STREAM`.
    package static let http2Stream = Code(CURLE_HTTP2_STREAM)
}

extension CURLcode {
    /// Throws unless the code is `CURLE_OK`.
    func check(detail: @autoclosure () -> String? = nil) throws(CurlError) {
        if self != CURLE_OK { throw CurlError(self, detail: detail()) }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
