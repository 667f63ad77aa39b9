import Glibc

/// Makes the test process ignore `SIGPIPE`, as the `opscadence` executable does at start.
///
/// The Delivery library leaves signal dispositions to the program; a test process that sends
/// through libcurl (with `CURLOPT_NOSIGNAL`) to a server that resets connections would
/// otherwise be killed by the signal. ``LoopbackHTTPServer`` calls it when it starts; call it
/// yourself before sending anywhere else. Idempotent and thread-safe.
package func ignoreSIGPIPE() {
    _ = sigpipeIgnored
}

private let sigpipeIgnored: Bool = {
    signal(SIGPIPE, SIG_IGN)
    return true
}()
