internal import CCurl

/// A `CURLMcode` failure from the multi interface.
struct CurlMultiError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    init(_ code: CURLMcode) {
        self.code = code.rawValue
        self.message = String(cString: ccurl_multi_strerror(code))
    }

    var description: String { "curl multi error \(code) (\(message))" }
}

extension CURLMcode {
    func check() throws(CurlMultiError) {
        if self != CURLM_OK { throw CurlMultiError(self) }
    }
}

/// Owns one libcurl multi handle and keeps every easy handle added to it alive until removed.
///
/// `deinit` removes the remaining easy handles before `curl_multi_cleanup`, the order libcurl
/// requires. Not thread-safe: it lives on the delivery loop's thread.
final class MultiHandle {
    private let raw: UnsafeMutableRawPointer
    private var attached: [UnsafeMutableRawPointer: EasyHandle] = [:]

    init() throws(CurlError) {
        if let error = CurlRuntime.initializationError { throw error }
        guard let raw = ccurl_multi_init() else { throw CurlError(CURLE_FAILED_INIT, detail: "curl_multi_init returned NULL") }
        self.raw = raw
    }

    deinit {
        for easy in attached.keys { ccurl_multi_remove_handle(raw, easy) }
        attached.removeAll()
        ccurl_multi_cleanup(raw)
    }

    var count: Int { attached.count }

    func add(_ easy: EasyHandle) throws(CurlMultiError) {
        try ccurl_multi_add_handle(raw, easy.raw).check()
        attached[easy.raw] = easy
    }

    /// Detaches a handle and hands it back to the caller (who then usually drops it).
    @discardableResult
    func remove(_ raw: UnsafeMutableRawPointer) -> EasyHandle? {
        guard let easy = attached.removeValue(forKey: raw) else { return nil }
        ccurl_multi_remove_handle(self.raw, raw)
        return easy
    }

    /// Drives every transfer as far as it can go without blocking.
    func perform() throws(CurlMultiError) {
        var running: Int32 = 0
        try ccurl_multi_perform(raw, &running).check()
    }

    /// The transfers that finished since the last call, with their result codes.
    func finishedTransfers() -> [(handle: UnsafeMutableRawPointer, result: CURLcode)] {
        var finished: [(UnsafeMutableRawPointer, CURLcode)] = []
        var remaining: Int32 = 0
        while let message = ccurl_multi_info_read(raw, &remaining) {
            guard ccurl_message_is_done(message) != 0, let easy = message.pointee.easy_handle else { continue }
            finished.append((easy, ccurl_message_result(message)))
        }
        return finished
    }

    /// Waits until a transfer's socket is ready, `wakeDescriptor` becomes readable, or
    /// `timeoutMilliseconds` pass (`curl_multi_poll`).
    func poll(timeoutMilliseconds: Int32, wakeDescriptor: Int32) throws(CurlMultiError) {
        var extra = curl_waitfd(fd: wakeDescriptor, events: Int16(CURL_WAIT_POLLIN), revents: 0)
        var ready: Int32 = 0
        try ccurl_multi_poll(raw, &extra, 1, timeoutMilliseconds, &ready).check()
    }
}

@available(*, unavailable, message: "A multi handle belongs to the thread that drives it.")
extension MultiHandle: Sendable {}
