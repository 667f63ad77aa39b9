import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client for loopback servers in tests (the web app, chromedriver): one
/// request per connection (`Connection: close`), redirects not followed, so a test sees each
/// status and `Set-Cookie` as the server sent it.
package enum LoopbackHTTPClient {
    package struct Reply: Sendable {
        package var status: Int
        package var headers: [(name: String, value: String)]
        package var body: String

        /// The first header of that name, compared without regard to case.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body as JSON.
        package func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body.utf8)) }
    }

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// Sends one request to `http://127.0.0.1:PORT/...` (or `localhost`) and reads the whole reply.
    package static func send(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: String? = nil, timeout: Duration = .seconds(60)
    ) throws -> Reply {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw Failure(description: "not a loopback URL with a port: \(url)")
        }
        let target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        let descriptor = try connect(host: host, port: port, timeout: timeout)
        defer { close(descriptor) }

        var head = "\(method) \(target) HTTP/1.1\r\nConnection: close\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { head += "Host: \(host):\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bytes = Array((body ?? "").utf8)
        if body != nil || method == "POST" { head += "Content-Length: \(bytes.count)\r\n" }
        try send(Array((head + "\r\n").utf8) + bytes, on: descriptor)

        // Read to the end of the body its Content-Length (or last chunk) announces: chromedriver
        // says `Connection: close` but keeps the socket open.
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(received, method: method) {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "no complete reply from \(url) within \(timeout) (\(String(cString: strerror(errno))))") }
            received += buffer[0..<n]
        }
        return try parse(received, from: url)
    }

    /// Sends `requests` as they are, on one connection (keep-alive, pipelining), and returns
    /// every byte answered until the server closes it: end the last request with
    /// `Connection: close`.
    package static func exchange(_ requests: String, with url: String, timeout: Duration = .seconds(60)) throws -> String {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw Failure(description: "not a loopback URL with a port: \(url)")
        }
        let descriptor = try connect(host: host, port: port, timeout: timeout)
        defer { close(descriptor) }
        try send(Array(requests.utf8), on: descriptor)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n == 0 { return String(decoding: received, as: UTF8.self) }
            guard n > 0 else { throw Failure(description: "the connection to \(url) was not closed within \(timeout)") }
            received += buffer[0..<n]
        }
    }

    private static func connect(host: String, port: Int, timeout: Duration) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Failure(description: "connect to \(host):\(port): \(reason)")
        }
        return descriptor
    }

    private static func send(_ request: [UInt8], on descriptor: Int32) throws {
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
    }

    private static func isComplete(_ bytes: [UInt8], method: String) -> Bool {
        guard let end = headEnd(bytes) else { return false }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let bodyLength = bytes.count - end - 4
        if method == "HEAD" || head.hasPrefix("http/1.1 204") || head.hasPrefix("http/1.1 304") { return true }
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix("content-length:"), let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
                return bodyLength >= length
            }
            if line.hasPrefix("transfer-encoding:") && line.contains("chunked") {
                return bytes.suffix(5) == Array("0\r\n\r\n".utf8)
            }
        }
        return false
    }

    private static func parse(_ bytes: [UInt8], from url: String) throws -> Reply {
        guard let end = headEnd(bytes) else {
            throw Failure(description: "no HTTP head in the reply from \(url)")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line \(lines[0])") }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(bytes[(end + 4)...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = dechunk(body)
        }
        return Reply(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            output += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
        }
        return output
    }
}
