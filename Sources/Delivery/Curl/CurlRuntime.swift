internal import CCurl

/// Process-wide libcurl set-up, done exactly once.
///
/// It does not touch signal dispositions: a program that sends through libcurl must ignore
/// `SIGPIPE` itself (`opscadence` does first thing in `main`), since with `CURLOPT_NOSIGNAL`
/// a write to a connection the server reset would otherwise end the process.
enum CurlRuntime {
    /// `nil` when libcurl initialised; otherwise the error every transfer reports.
    ///
    /// A lazy global runs its initialiser once, thread-safely, on first use, which gives
    /// `curl_global_init` the "exactly once, before any handle" guarantee it needs.
    static var initializationError: CurlError? { _initialization.error }

    /// The libcurl in use; `nil` when it could not be loaded.
    static var version: LibcurlVersion? { _initialization.version }
}

private let _initialization: (version: LibcurlVersion?, error: CurlError?) = {
    if let problem = ccurl_load() { return (nil, CurlError(CURLE_FAILED_INIT, detail: String(cString: problem))) }
    let version = LibcurlVersion(number: UInt32(ccurl_version_number()), text: String(cString: ccurl_version_string()))
    do throws(CurlError) {
        try LibcurlVersion.check(version)
    } catch {
        return (version, error)
    }
    let code = ccurl_global_init_default()
    return (version, code == CURLE_OK ? nil : CurlError(code, detail: "curl_global_init failed"))
}()

/// The libcurl that webhooks are sent with.
package enum Libcurl {
    /// Loads and initialises libcurl if that was not done yet, and returns its version.
    ///
    /// - Throws: ``CurlError`` (``CurlError/failedInit``) when libcurl.so.4 cannot be loaded or
    ///   is older than ``LibcurlVersion/minimum``; every send then fails with the same error.
    package static func load() throws(CurlError) -> LibcurlVersion {
        if let error = CurlRuntime.initializationError { throw error }
        // Set whenever there is no error.
        return CurlRuntime.version ?? LibcurlVersion(number: 0)
    }

    /// The version of libcurl.so.4, loading it if needed, also when it is too old to use;
    /// `nil` when it cannot be loaded.
    package static var version: LibcurlVersion? {
        CurlRuntime.version
    }
}
