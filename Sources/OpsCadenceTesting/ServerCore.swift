import NativeThreads
import Dispatch
import Foundation
import Glibc
import Synchronization

/// The listening socket, the accept thread and the shared state of a ``LoopbackHTTPServer``.
/// Threads hold this object, not the public server, so releasing the server stops them.
final class ServerCore: Sendable {
    struct State {
        var defaultBehavior: LoopbackHTTPServer.Behavior
        var routes: [String: LoopbackHTTPServer.Behavior] = [:]
        var queue: [LoopbackHTTPServer.Behavior] = []
        var pathQueues: [String: [LoopbackHTTPServer.Behavior]] = [:]
        var requests: [LoopbackHTTPServer.Request] = []
        var requestCount = 0
        var connectionCount = 0
        var inFlight = 0
        var peakInFlight = 0
        /// Open connection sockets, so that stop() can shut them down and unblock their threads.
        var openConnections: [Int: Int32] = [:]
        var stopped = false
        var acceptThread: NativeThread?
    }

    let port: Int
    let state: Mutex<State>
    let recordsRequests: Bool
    private let listener: Int32
    /// Closing the write end makes the read end readable forever: every thread polls it, so one
    /// close wakes them all for shutdown.
    let stopSignal: Int32
    private let stopTrigger: Int32
    private let connections = DispatchGroup()

    init(defaultBehavior: LoopbackHTTPServer.Behavior, recordsRequests: Bool) throws(LoopbackHTTPServer.StartError) {
        self.recordsRequests = recordsRequests
        state = Mutex(State(defaultBehavior: defaultBehavior))

        // Close-on-exec from the start: tests also spawn child processes, which must never
        // inherit the server's sockets.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Self.startError("socket") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1024) == 0 else {
            let error = Self.startError("bind/listen")
            close(listener)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else {
            let error = Self.startError("getsockname")
            close(listener)
            throw error
        }
        Self.configure(listener, nonBlocking: true)
        var ends: [Int32] = [-1, -1]
        let pairType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, pairType, 0, &ends) == 0 else {
            let error = Self.startError("socketpair")
            close(listener)
            throw error
        }
        self.listener = listener
        stopSignal = ends[0]
        stopTrigger = ends[1]
        port = Int(UInt16(bigEndian: address.sin_port))

        guard let thread = POSIXThread.start(detached: false, { [self] in acceptLoop() }) else {
            close(listener)
            close(stopSignal)
            close(stopTrigger)
            throw LoopbackHTTPServer.StartError(description: "could not start the accept thread")
        }
        state.withLock { $0.acceptThread = thread }
    }

    func stop() {
        let acceptThread: NativeThread? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            defer { state.acceptThread = nil }
            return state.acceptThread
        }
        guard let acceptThread else { return }
        close(stopTrigger)
        acceptThread.join()
        state.withLock { state in
            // Unblocks threads stuck in send(2) to a client that stopped reading.
            for descriptor in state.openConnections.values { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
        // Threads poll the stop signal, so they end promptly; if one does not, keep the
        // descriptors open rather than let a reused number reach it.
        if connections.wait(timeout: .now() + 10) == .success {
            close(stopSignal)
        }
        close(listener)
    }

    private func acceptLoop() {
        var connectionNumber = 0
        while true {
            var descriptors = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopSignal, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if descriptors[1].revents != 0 || ready < 0 { return }
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                continue
            }
            // accept4(SOCK_CLOEXEC) is not visible from Swift's Glibc module, so this leaves a
            // tiny window in which a concurrent fork could inherit the connection.
            Self.configure(client, nonBlocking: false)
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            connectionNumber += 1
            let number = connectionNumber
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.openConnections[number] = client
                state.connectionCount += 1
                return true
            }
            guard admitted else {
                close(client)
                return
            }
            connections.enter()
            let started = POSIXThread.start(detached: true) { [self] in
                var connection = HTTPConnection(core: self, descriptor: client, number: number)
                connection.serve()
                state.withLock { _ = $0.openConnections.removeValue(forKey: number) }
                close(client)
                connections.leave()
            }
            if started == nil {
                state.withLock { _ = $0.openConnections.removeValue(forKey: number) }
                close(client)
                connections.leave()
            }
        }
    }

    /// Records a request that has fully arrived and picks the behaviour for it.
    func admit(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Behavior {
        state.withLock { state in
            state.requestCount += 1
            if recordsRequests { state.requests.append(request) }
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            if var queue = state.pathQueues[request.path], !queue.isEmpty {
                let behavior = queue.removeFirst()
                state.pathQueues[request.path] = queue
                return behavior
            }
            if !state.queue.isEmpty { return state.queue.removeFirst() }
            return state.routes[request.path] ?? state.defaultBehavior
        }
    }

    /// Called when the response to an admitted request is finished (or abandoned).
    func finish() {
        state.withLock { $0.inFlight -= 1 }
    }

    private static func configure(_ descriptor: Int32, nonBlocking: Bool) {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK)
    }

    private static func startError(_ call: String) -> LoopbackHTTPServer.StartError {
        LoopbackHTTPServer.StartError(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}
