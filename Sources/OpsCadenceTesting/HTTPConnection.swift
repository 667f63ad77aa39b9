import Foundation
import Glibc

/// One accepted connection: reads requests, asks the core how to answer, answers. Runs on its
/// own thread; its socket is blocking, and every wait also watches the server's stop signal.
struct HTTPConnection {
    let core: ServerCore
    let descriptor: Int32
    let number: Int

    /// Bytes read but not yet consumed (the start of a pipelined request, say).
    private var buffer: [UInt8] = []
    /// Whether the current request no longer counts as in flight.
    private var answered = true

    private static let maxHeaderBytes = 64 * 1024
    private static let maxBodyBytes = 64 * 1024 * 1024

    init(core: ServerCore, descriptor: Int32, number: Int) {
        self.core = core
        self.descriptor = descriptor
        self.number = number
    }

    private enum Wait { case ready, stopped, timedOut }

    private struct Head {
        var method: String
        var target: String
        var version: String
        var fields: [LoopbackHTTPServer.Request.Field]
        var headers: [String: String]
    }

    private enum ReadFailure: Error { case closed, malformed(String), tooLarge }

    /// Serves requests until the client closes, a behaviour ends the connection, or the server stops.
    mutating func serve() {
        while true {
            let request: LoopbackHTTPServer.Request
            do {
                guard let next = try readRequest() else { return }
                request = next
            } catch .malformed(let reason) {
                _ = write(status: 400, headers: [], body: Array("bad request: \(reason)\n".utf8), keepAlive: false)
                return
            } catch .tooLarge {
                _ = write(status: 413, headers: [], body: [], keepAlive: false)
                return
            } catch {
                return
            }
            let behavior = core.admit(request)
            answered = false
            let keepOpen = perform(behavior, for: request, depth: 0)
            markAnswered()
            if !keepOpen || !Self.wantsKeepAlive(request) { return }
        }
    }

    /// Stops counting the current request as in flight. Called before the last byte of the
    /// answer goes out, so a client that has the whole answer and sends its next request can
    /// never be counted twice.
    private mutating func markAnswered() {
        guard !answered else { return }
        answered = true
        core.finish()
    }

    // MARK: Behaviours

    /// Carries out a behaviour; returns whether the connection can serve another request.
    private mutating func perform(_ behavior: LoopbackHTTPServer.Behavior, for request: LoopbackHTTPServer.Request, depth: Int) -> Bool {
        let keepAlive = Self.wantsKeepAlive(request)
        switch behavior {
        case .respond(let response):
            markAnswered()
            return write(status: response.status, headers: response.headers, body: response.body, keepAlive: keepAlive) && keepAlive
        case .respondAfter(let delay, let response):
            guard wait(for: nil, timeout: delay) == .timedOut else { return false }
            markAnswered()
            return write(status: response.status, headers: response.headers, body: response.body, keepAlive: keepAlive) && keepAlive
        case .hang:
            holdUntilClientLeavesOrStop()
            return false
        case .reset:
            // Linger 0 turns the close that follows into a RST.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return false
        case .close:
            return false
        case .drip(let response, let interval):
            let head = Self.head(status: response.status, headers: response.headers, bodyLength: response.body.count, keepAlive: keepAlive)
            if response.body.isEmpty { markAnswered() }
            guard sendAll(head) else { return false }
            for (index, byte) in response.body.enumerated() {
                guard wait(for: nil, timeout: interval) == .timedOut else { return false }
                if index == response.body.count - 1 { markAnswered() }
                guard sendAll([byte]) else { return false }
            }
            return keepAlive
        case .oversized(let status, let bytes, let declareLength):
            let head = Self.head(status: status, headers: [], bodyLength: declareLength ? bytes : nil, keepAlive: keepAlive && declareLength)
            guard sendAll(head) else { return false }
            let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 16 * 1024)
            var remaining = bytes
            if remaining == 0 { markAnswered() }
            while remaining > 0 {
                let size = min(remaining, chunk.count)
                if size == remaining { markAnswered() }
                guard sendAll(Array(chunk[..<size])) else { return false }
                remaining -= size
            }
            return keepAlive && declareLength
        case .handler(let decide):
            guard depth < 8 else {
                markAnswered()
                write(status: 500, headers: [], body: Array("handler recursion\n".utf8), keepAlive: false)
                return false
            }
            return perform(decide(request), for: request, depth: depth + 1)
        }
    }

    private func holdUntilClientLeavesOrStop() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while wait(for: descriptor, timeout: nil) == .ready {
            // Readable means more bytes (ignored) or end of stream (the client gave up).
            if recv(descriptor, &scratch, scratch.count, 0) <= 0 { return }
        }
    }

    // MARK: Reading

    private mutating func readRequest() throws(ReadFailure) -> LoopbackHTTPServer.Request? {
        guard let headEnd = try fill(until: { $0.firstRange(of: [13, 10, 13, 10]).map { $0.upperBound } }, limit: Self.maxHeaderBytes) else {
            return nil
        }
        let head = try Self.parseHead(Array(buffer[..<headEnd]))
        buffer.removeFirst(headEnd)

        if head.headers["expect"]?.lowercased() == "100-continue" {
            guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { throw .closed }
        }

        let body: [UInt8]
        if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try readChunkedBody()
        } else if let lengthText = head.headers["content-length"] {
            guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else { throw .malformed("Content-Length") }
            guard length <= Self.maxBodyBytes else { throw .tooLarge }
            guard try fill(until: { $0.count >= length ? length : nil }, limit: length) != nil else { throw .closed }
            body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            body = []
        }

        let (path, query) = Self.split(target: head.target)
        return LoopbackHTTPServer.Request(
            method: head.method, target: head.target, path: path, query: query, version: head.version,
            headers: head.headers, fields: head.fields, body: body,
            receivedAt: Date(), arrival: .now, connectionNumber: number)
    }

    private mutating func readChunkedBody() throws(ReadFailure) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            guard let lineEnd = try fill(until: { $0.firstRange(of: [13, 10]).map { $0.lowerBound } }, limit: 4096) else { throw .closed }
            let line = String(decoding: buffer[..<lineEnd], as: UTF8.self)
            buffer.removeFirst(lineEnd + 2)
            let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformed("chunk size") }
            if size == 0 {
                // Trailer fields, if any, end with an empty line.
                while true {
                    guard let end = try fill(until: { $0.firstRange(of: [13, 10]).map { $0.lowerBound } }, limit: Self.maxHeaderBytes) else {
                        throw .closed
                    }
                    buffer.removeFirst(end + 2)
                    if end == 0 { return body }
                }
            }
            guard body.count + size <= Self.maxBodyBytes else { throw .tooLarge }
            guard try fill(until: { $0.count >= size + 2 ? size : nil }, limit: size + 2) != nil else { throw .closed }
            body.append(contentsOf: buffer[..<size])
            buffer.removeFirst(size + 2)
        }
    }

    /// Reads until `found` returns a position in the buffer; `nil` when the client closed
    /// cleanly before any byte of a new request, or the server is stopping.
    private mutating func fill(until found: ([UInt8]) -> Int?, limit: Int) throws(ReadFailure) -> Int? {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let position = found(buffer) { return position }
            if buffer.count > limit + 4 { throw .tooLarge }
            guard wait(for: descriptor, timeout: nil) == .ready else { return nil }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                if buffer.isEmpty { return nil }
                throw .closed
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Waits until `descriptor` is readable, the server stops, or `timeout` passes. With no
    /// descriptor it just sleeps, waking early for a stop.
    private func wait(for descriptor: Int32?, timeout: Duration?) -> Wait {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        while true {
            var descriptors = [pollfd(fd: core.stopSignal, events: Int16(POLLIN), revents: 0)]
            if let descriptor { descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
            var milliseconds: Int32 = -1
            if let deadline {
                let left = deadline - clock.now
                if left <= .zero { return .timedOut }
                let (seconds, attoseconds) = left.components
                milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return .stopped
            }
            if descriptors[0].revents != 0 { return .stopped }
            if descriptors.count > 1 && descriptors[1].revents != 0 { return .ready }
            if ready == 0 && deadline != nil && clock.now >= deadline! { return .timedOut }
        }
    }

    // MARK: Writing

    @discardableResult
    private func write(status: Int, headers: [(name: String, value: String)], body: [UInt8], keepAlive: Bool) -> Bool {
        sendAll(Self.head(status: status, headers: headers, bodyLength: body.count, keepAlive: keepAlive) + body)
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private static func head(status: Int, headers: [(name: String, value: String)], bodyLength: Int?, keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        let given = Set(headers.map { $0.name.lowercased() })
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        if let bodyLength, !given.contains("content-length") { text += "Content-Length: \(bodyLength)\r\n" }
        if !given.contains("connection") { text += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    // MARK: Parsing

    private static func parseHead(_ bytes: [UInt8]) throws(ReadFailure) -> Head {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        while lines.last == "" { lines.removeLast() }
        guard let requestLine = lines.first else { throw .malformed("empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { throw .malformed("request line") }
        var fields: [LoopbackHTTPServer.Request.Field] = []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(.init(name: name, value: value))
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        return Head(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), fields: fields, headers: headers)
    }

    private static func split(target: String) -> (path: String, query: String?) {
        guard let mark = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    private static func wantsKeepAlive(_ request: LoopbackHTTPServer.Request) -> Bool {
        let connection = request.headers["connection"]?.lowercased() ?? ""
        if request.version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }
}
