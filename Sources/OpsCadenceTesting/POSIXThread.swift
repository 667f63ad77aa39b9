import Glibc

/// Plain POSIX threads for the loopback server: its sockets block, so its work must not run on
/// Swift concurrency's cooperative pool.
enum POSIXThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread; returns the handle to join, or `nil` when no thread could
    /// be created. A detached thread cleans up after itself and returns no handle worth joining.
    static func start(detached: Bool, stackSize: Int = 512 * 1024, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        pthread_attr_init(attributes)
        defer {
            pthread_attr_destroy(attributes)
            attributes.deallocate()
        }
        // Connection threads do little; a small stack lets thousands of them exist at once.
        pthread_attr_setstacksize(attributes, stackSize)
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
            return nil
        }
        return handle
    }
}
