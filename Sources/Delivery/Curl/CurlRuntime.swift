internal import CCurl
import Glibc

/// Process-wide libcurl set-up, done exactly once.
enum CurlRuntime {
    /// `nil` when libcurl initialised; otherwise the error every transfer reports.
    ///
    /// A lazy global runs its initialiser once, thread-safely, on first use, which gives
    /// `curl_global_init` the "exactly once, before any handle" guarantee it needs.
    static var initializationError: CurlError? { _initialization }
}

private let _initialization: CurlError? = {
    // With CURLOPT_NOSIGNAL libcurl no longer shields us from SIGPIPE (OpenSSL writes with
    // write(2)), and a reset connection would otherwise kill the whole process.
    signal(SIGPIPE, SIG_IGN)
    if let problem = ccurl_load() { return CurlError(CURLE_FAILED_INIT, detail: String(cString: problem)) }
    let code = ccurl_global_init_default()
    return code == CURLE_OK ? nil : CurlError(code, detail: "curl_global_init failed")
}()
