import Glibc

/// A POSIX thread running a closure: for work that blocks (libcurl's event loop, the test
/// server's sockets, reading the workspace while the command line is parsed) and so must not
/// run on Swift concurrency's cooperative pool, and where a thread that cannot be created must
/// be seen (Foundation's `Thread` does not report it). The one place the package calls
/// `pthread_create`.
package struct NativeThread: Sendable {
    private let handle: pthread_t

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// No thread could be created; `description` says why (`strerror` of the status).
    package struct StartError: Error, CustomStringConvertible {
        package let description: String
    }

    /// Starts `body` on a new thread.
    ///
    /// - Parameters:
    ///   - detached: A detached thread cleans up after itself; do not join it.
    ///   - stackSize: The stack in bytes, nil for the system's default (8 MiB): threads that do
    ///     little can take a small one, so that thousands of them fit.
    package init(detached: Bool = false, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) throws(StartError) {
        let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        pthread_attr_init(attributes)
        defer {
            pthread_attr_destroy(attributes)
            attributes.deallocate()
        }
        if let stackSize { pthread_attr_setstacksize(attributes, stackSize) }
        if detached { pthread_attr_setdetachstate(attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(
            &handle, attributes,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw StartError(description: String(cString: strerror(status)))
        }
        self.handle = handle
    }

    /// True when called from this thread.
    package var isCurrent: Bool { pthread_equal(pthread_self(), handle) != 0 }

    /// Waits for the thread to finish (not for a detached thread).
    package func join() {
        pthread_join(handle, nil)
    }

    /// Lets a joinable thread finish on its own (when it cannot be joined from where it is).
    package func detach() {
        pthread_detach(handle)
    }
}
