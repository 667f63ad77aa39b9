import Foundation
import Glibc

/// A bare TCP client for driving the loopback server byte by byte.
final class RawClient {
    private let descriptor: Int32
    private(set) var received: [UInt8] = []

    init(port: Int) throws {
        // Owned by `self` only once connected: a throwing init of a fully initialised class
        // still runs deinit, which would close the number a second time.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Reads until `done` holds for everything received, the peer closes, or `timeout` passes.
    /// Returns true when the peer closed the connection.
    @discardableResult
    func read(timeout: Duration = .seconds(5), until done: (String) -> Bool = { _ in false }) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !done(text), clock.now < deadline {
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 1, 50) > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return true }
            received += buffer[..<count]
        }
        return false
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    func occurrences(of needle: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
