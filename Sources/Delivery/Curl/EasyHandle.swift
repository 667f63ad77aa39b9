internal import CCurl

/// Owns one libcurl easy handle and everything libcurl keeps pointers to while the handle
/// lives: the header list and the error buffer.
///
/// Exactly one owner calls `curl_easy_cleanup` (in `deinit`). Not thread-safe: a handle is
/// created, driven and released on the delivery loop's thread only.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        if let error = CurlRuntime.initializationError { throw error }
        guard let raw = ccurl_easy_init() else { throw CurlError(CURLE_FAILED_INIT, detail: "curl_easy_init returned NULL") }
        self.raw = raw
        let size = Int(ccurl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        // Set before anything else so that every later failure has its detail text.
        try ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer).check()
    }

    deinit {
        // The handle goes first: libcurl may still refer to the list and buffer until cleanup.
        ccurl_easy_cleanup(raw)
        if let headerList { ccurl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// The text libcurl left in `CURLOPT_ERRORBUFFER`, unredacted; empty when none.
    var errorBufferText: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try ccurl_easy_setopt_long(raw, option, value).check()
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try ccurl_easy_setopt_off_t(raw, option, curl_off_t(value)).check()
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // libcurl copies string options, so the temporary C string may go away after the call.
        try ccurl_easy_setopt_string(raw, option, value).check()
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try ccurl_easy_setopt_pointer(raw, option, pointer).check()
    }

    func set(_ option: CURLoption, function: curl_write_callback?) throws(CurlError) {
        try ccurl_easy_setopt_write_function(raw, option, function).check()
    }

    func setOpenSocketFunction(_ function: curl_opensocket_callback?) throws(CurlError) {
        try ccurl_easy_setopt_opensocket_function(raw, function).check()
    }

    /// `CURLOPT_PREREQFUNCTION` with `context` as its `CURLOPT_PREREQDATA` (libcurl 7.80 and later).
    func setPrereqFunction(_ function: ccurl_prereq_callback?, context: UnsafeMutableRawPointer?) throws(CurlError) {
        try ccurl_easy_setopt_prereq(raw, function, context).check()
    }

    /// Only `http` and `https`, for the request and any redirect, with the options the running
    /// libcurl has (`CURLOPT_PROTOCOLS_STR` from 7.85, the `CURLOPT_PROTOCOLS` bitmask before).
    func allowHTTPOnly(version: LibcurlVersion) throws(CurlError) {
        try ccurl_easy_allow_http_only(raw, version.hasProtocolsString ? 1 : 0).check()
    }

    /// Sets the POST body with `CURLOPT_COPYPOSTFIELDS`, so libcurl keeps its own copy.
    func setPostBody(_ body: [UInt8]) throws(CurlError) {
        try set(CURLOPT_POST, 1)
        // The size must be set before COPYPOSTFIELDS, which copies exactly that many bytes.
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        let code: CURLcode = body.withUnsafeBytes { bytes in
            // An empty array may have no storage; any valid pointer will do for zero bytes.
            guard let base = bytes.baseAddress else { return ccurl_easy_setopt_string(raw, CURLOPT_COPYPOSTFIELDS, "") }
            return ccurl_easy_setopt_bytes(raw, CURLOPT_COPYPOSTFIELDS, base)
        }
        try code.check()
    }

    /// Replaces the request header list; the handle keeps the list alive until cleanup.
    func setHeaders(_ lines: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let appended = ccurl_slist_append(list, line) else {
                if let list { ccurl_slist_free_all(list) }
                throw CurlError(CURLE_OUT_OF_MEMORY, detail: "curl_slist_append failed")
            }
            list = appended
        }
        do {
            try ccurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list).check()
        } catch {
            if let list { ccurl_slist_free_all(list) }
            throw error
        }
        if let old = headerList { ccurl_slist_free_all(old) }
        headerList = list
    }

    func info(_ info: CURLINFO) throws(CurlError) -> Int {
        var value = 0
        try ccurl_easy_getinfo_long(raw, info, &value).check()
        return value
    }

    func info(offset info: CURLINFO) throws(CurlError) -> Int64 {
        var value: curl_off_t = 0
        try ccurl_easy_getinfo_off_t(raw, info, &value).check()
        return Int64(value)
    }
}

@available(*, unavailable, message: "An easy handle belongs to the thread that drives it.")
extension EasyHandle: Sendable {}
