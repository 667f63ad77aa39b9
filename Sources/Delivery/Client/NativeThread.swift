import Glibc

/// A joinable POSIX thread running a closure. Used so that blocking libcurl work never runs on
/// Swift concurrency's cooperative pool.
struct NativeThread: Sendable {
    private let handle: pthread_t

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) throws(DeliveryLoopError) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(
            &handle, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw DeliveryLoopError("could not start the delivery thread: \(String(cString: strerror(status)))")
        }
        self.handle = handle
    }

    /// True when called from this thread.
    var isCurrent: Bool { pthread_equal(pthread_self(), handle) != 0 }

    /// Waits for the thread to finish.
    func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread finish on its own.
    func detach() {
        pthread_detach(handle)
    }
}

/// The delivery loop could not be set up (no thread, no event descriptor).
struct DeliveryLoopError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
