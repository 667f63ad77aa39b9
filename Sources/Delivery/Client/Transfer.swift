internal import CCurl
import Foundation
import Timekeeping

/// One request in flight: the easy handle, its settings, and what the callbacks collect.
///
/// libcurl's callbacks get an unretained pointer to the transfer; the loop keeps the transfer
/// alive for as long as its handle is attached to the multi handle.
final class Transfer {
    let easy: EasyHandle
    let job: PendingJob
    /// When the transfer started, on the client's timeline.
    let startedAt: Duration
    private let maxResponseBytes: Int
    private let policy: AddressPolicy

    private var statusCode = 0
    private var headers: [(String, String)] = []
    private var body: [UInt8] = []
    private var bodyWasTruncated = false
    private var socketAttempts = 0
    private var refusals: [AddressCategory] = []
    /// How many times libcurl was about to send the request (see the prereq callback).
    private var requestStarts = 0

    /// Creates the easy handle and sets every option; nothing is sent until it joins a multi handle.
    init(job: PendingJob, configuration: WebhookClient.Configuration, now: Duration) throws(CurlError) {
        self.job = job
        self.startedAt = now
        self.maxResponseBytes = max(0, configuration.maxResponseBytes)
        self.policy = AddressPolicy(denyPrivateNetworks: configuration.denyPrivateNetworks)
        self.easy = try EasyHandle()
        try configure(configuration)
    }

    private func configure(_ configuration: WebhookClient.Configuration) throws(CurlError) {
        let request = job.request
        try easy.set(CURLOPT_URL, request.url.revealedString)
        // Timeouts without SIGALRM; safe with threads (libcurl here resolves asynchronously).
        try easy.set(CURLOPT_NOSIGNAL, true)
        // EasyHandle() succeeded, so libcurl is loaded and its version known.
        let loaded = CurlRuntime.version ?? LibcurlVersion.minimum
        let version = configuration.libcurlVersionLimit.map { min($0, loaded) } ?? loaded
        try easy.allowHTTPOnly(version: version)
        // A 3xx is a failure, never followed: following would turn the POST into a GET and could
        // aim at an internal address.
        try easy.set(CURLOPT_FOLLOWLOCATION, false)
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        // No proxy from the environment: the address policy must see the real destination.
        try easy.set(CURLOPT_PROXY, "")
        // Connections are kept alive and reused by the client's later requests to the same host
        // (a TLS handshake per chat message would cost more than the message), but only while
        // briefly idle, so that a request rarely meets a connection the server is closing.
        // libcurl counts idle time in whole seconds and reuses while it is at most the option's
        // value: 1 reuses connections idle for less than 2 s.
        // Without CURLOPT_PREREQFUNCTION (libcurl before 7.80) nothing could stop libcurl's own
        // resend on a reused connection (below), so no connection is reused.
        let idleSeconds = min(configuration.maxIdleConnectionAge.seconds.rounded(.up), 86_400)
        if idleSeconds < 1 || !version.hasPrereqFunction {
            try easy.set(CURLOPT_FORBID_REUSE, true)
        } else {
            try easy.set(CURLOPT_MAXAGE_CONN, Int(idleSeconds) - 1)
        }
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, configuration.totalTimeout.milliseconds)
        if configuration.lowSpeedLimit > 0 {
            try easy.set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
            try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime.seconds.rounded(.up))))
        }
        // Catches declared oversize bodies early; the write callback enforces the cap for the
        // rest (libcurl before 8.4 does not abort mid-transfer on this option).
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(max(1, maxResponseBytes)))
        try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        var lines = request.headers.map { header in
            // "Name:" with nothing after it would delete the header; "Name;" sends it empty.
            header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        lines.append("Expect:")
        try easy.setHeaders(lines)
        try easy.setPostBody(request.body)

        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(
            CURLOPT_WRITEFUNCTION,
            function: { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        try easy.set(CURLOPT_WRITEDATA, pointer: me)
        try easy.set(
            CURLOPT_HEADERFUNCTION,
            function: { data, size, count, context in
                guard let context else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        try easy.setOpenSocketFunction({ context, _, address in
            guard let context, let address else { return ccurl_socket_bad() }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.openSocket(address)
        })
        try easy.set(CURLOPT_OPENSOCKETDATA, pointer: me)
        // Called each time libcurl is about to send the request. A second call means the first
        // went out on a kept-alive connection that then died without an answer, and libcurl is
        // about to send it again on its own: stop instead, so the request counts as possibly
        // delivered and the retry policy (not libcurl) decides whether to send it again.
        // libcurl only resends on a reused connection, so before 7.80, which lacks the option,
        // connections are not reused (above) and there is nothing to stop.
        if version.hasPrereqFunction {
            try easy.setPrereqFunction(
                { context, _, _, _, _ in
                    guard let context else { return CCURL_PREREQFUNC_ABORT }
                    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                    transfer.requestStarts += 1
                    return transfer.requestStarts == 1 ? CCURL_PREREQFUNC_OK : CCURL_PREREQFUNC_ABORT
                }, context: me)
        }
    }

    // MARK: Callbacks (on the loop thread, inside curl_multi_perform)

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        let room = maxResponseBytes - body.count
        guard chunk.count <= room else {
            body.append(contentsOf: chunk.prefix(max(0, room)))
            bodyWasTruncated = true
            return 0  // anything short of chunk.count makes libcurl stop with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// One header line, parsed on its bytes: it runs for every line of every response, and
    /// going through `String` for the trimming and splitting was most of the loop's own time.
    private func receiveHeader(_ chunk: UnsafeRawBufferPointer) -> Int {
        let bytes = chunk.bindMemory(to: UInt8.self)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var (start, end) = (range.lowerBound, range.upperBound)
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            return start..<end
        }
        let line = trimmed(0..<bytes.count)
        if line.count >= 5, bytes[line.lowerBound..<line.lowerBound + 5].elementsEqual("HTTP/".utf8) {
            // A new status line: an interim 1xx response is over, or this is the first one.
            headers.removeAll()
            // "HTTP/1.1 200 OK": the second word (libcurl's CURLINFO_RESPONSE_CODE is read first).
            let words = bytes[line].split(separator: 0x20, maxSplits: 2)
            statusCode = words.count > 1 ? Int(String(decoding: words[1], as: UTF8.self)) ?? 0 : 0
        } else if let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) {
            let name = trimmed(line.lowerBound..<colon)
            let value = trimmed(colon + 1..<line.upperBound)
            if !name.isEmpty {
                let lowered = bytes[name].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
                headers.append((String(decoding: lowered, as: UTF8.self), String(decoding: UnsafeBufferPointer(rebasing: bytes[value]), as: UTF8.self)))
            }
        }
        return chunk.count
    }

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        socketAttempts += 1
        var raw = [UInt8](repeating: 0, count: 16)
        let length = raw.withUnsafeMutableBufferPointer { ccurl_sockaddr_ip(address, $0.baseAddress!) }
        let refusal: AddressCategory? = IPAddress(bytes: Array(raw.prefix(Int(length)))).map(policy.refusal(for:)) ?? .reserved
        if let refusal {
            refusals.append(refusal)
            return ccurl_socket_bad()
        }
        return ccurl_open_socket(address)
    }

    // MARK: Results

    /// The result of a finished transfer.
    func result(for code: CURLcode, now: Duration) -> WebhookResult {
        let elapsed = now - startedAt
        let finalStatus = (try? easy.info(CURLINFO_RESPONSE_CODE)).flatMap { $0 > 0 ? $0 : nil } ?? statusCode
        let capped = (code == CURLE_WRITE_ERROR && bodyWasTruncated) || code == CURLE_FILESIZE_EXCEEDED
        if code == CURLE_OK || (capped && finalStatus > 0) {
            let response = WebhookResponse(
                statusCode: finalStatus,
                headers: Dictionary(headers, uniquingKeysWith: { "\($0), \($1)" }),
                body: body,
                bodyWasTruncated: bodyWasTruncated || capped,
                elapsed: elapsed,
                redactor: job.request.redactor)
            return .response(response)
        }
        if code == CURLE_ABORTED_BY_CALLBACK && requestStarts > 1 {
            return .failure(
                TransportFailure(
                    code: .emptyResponse, requestMayHaveBeenSent: true,
                    message: "the kept-alive connection closed without an answer after the request was sent",
                    curlError: CurlError(code), refusedAddress: nil, elapsed: elapsed))
        }
        let pretransfer = (try? easy.info(offset: CURLINFO_PRETRANSFER_TIME_T)) ?? 0
        let detail = job.request.redactor.redact(easy.errorBufferText)
        let allRefused = socketAttempts > 0 && refusals.count == socketAttempts
        return .failure(
            Self.failure(
                for: CurlError(code, detail: detail),
                pretransferMicroseconds: pretransfer,
                refusedAddress: allRefused ? refusals.last : nil,
                elapsed: elapsed))
    }

    /// The result when the caller cancelled while the request was in flight.
    func cancelledResult(now: Duration) -> WebhookResult {
        let pretransfer = (try? easy.info(offset: CURLINFO_PRETRANSFER_TIME_T)) ?? 0
        return .failure(
            TransportFailure(
                code: .cancelled,
                requestMayHaveBeenSent: pretransfer > 0,
                message: "the send was cancelled while the request was in flight",
                elapsed: now - startedAt))
    }

    /// Maps a libcurl failure to a ``TransportFailure``.
    ///
    /// `pretransferMicroseconds` is `CURLINFO_PRETRANSFER_TIME_T`: zero until connect and TLS
    /// are done and libcurl is about to send, so a time-out with zero never sent anything.
    static func failure(
        for error: CurlError,
        pretransferMicroseconds: Int64,
        refusedAddress: AddressCategory?,
        elapsed: Duration
    ) -> TransportFailure {
        let started = pretransferMicroseconds > 0
        let text = error.detail ?? error.message
        func make(_ code: TransportFailure.Code, sent: Bool, _ message: String = text) -> TransportFailure {
            TransportFailure(code: code, requestMayHaveBeenSent: sent, message: message, curlError: error, refusedAddress: nil, elapsed: elapsed)
        }
        switch error.code {
        case CurlError.couldNotConnect where refusedAddress != nil:
            let category = refusedAddress ?? .reserved
            return TransportFailure(
                code: .addressRefused, requestMayHaveBeenSent: false,
                message: "refused to connect to a \(category) address (address policy)",
                curlError: error, refusedAddress: category, elapsed: elapsed)
        case CurlError.unsupportedProtocol:
            return make(.protocolNotAllowed, sent: false, "only http and https webhook URLs are allowed (\(text))")
        case CurlError.malformedURL:
            return make(.invalidURL, sent: false)
        case CurlError.couldNotResolveHost, CurlError.couldNotResolveProxy:
            return make(.resolve, sent: false)
        case CurlError.couldNotConnect:
            return make(.connect, sent: false)
        case CurlError.sslConnectError, CurlError.peerFailedVerification, CurlError.sslCertificateProblem, CurlError.sslCipher,
            CurlError.sslCACertBadFile, CurlError.sslIssuerError, CurlError.sslPinnedKeyMismatch, CurlError.sslInvalidCertificateStatus:
            return make(.tls, sent: false)
        case CurlError.operationTimedOut:
            return make(.timeout, sent: started)
        case CurlError.sendError:
            return make(.send, sent: true)
        case CurlError.receiveError:
            return make(.receive, sent: true)
        case CurlError.gotNothing:
            return make(.emptyResponse, sent: true)
        case CurlError.weirdServerReply, CurlError.http2, CurlError.http2Stream, CurlError.partialFile:
            return make(.protocolError, sent: true)
        default:
            return make(.internalError, sent: started)
        }
    }
}

@available(*, unavailable, message: "A transfer belongs to the delivery loop's thread.")
extension Transfer: Sendable {}
