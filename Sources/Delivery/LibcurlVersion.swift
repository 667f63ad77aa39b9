/// A libcurl version, as `curl_version_info` reports it: `0x075801` and `"7.88.1"`.
///
/// The delivery code picks the options it sets from the version of the libcurl it loaded, not
/// the one it was built against: a binary built with the headers of libcurl 7.88 may run with
/// the libcurl 7.81 of an older system, which rejects the newer options at every request.
package struct LibcurlVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// `0xXXYYZZ`: major, minor and patch in one byte each (`LIBCURL_VERSION_NUM`).
    package let number: UInt32
    /// The text libcurl reports, such as `7.88.1` (it may carry a suffix such as `-DEV`).
    package let text: String

    package init(number: UInt32, text: String? = nil) {
        self.number = number
        self.text = text ?? "\(number >> 16).\((number >> 8) & 0xFF).\(number & 0xFF)"
    }

    package init(major: Int, minor: Int, patch: Int) {
        self.init(number: UInt32(clamping: major & 0xFF) << 16 | UInt32(clamping: minor & 0xFF) << 8 | UInt32(clamping: patch & 0xFF))
    }

    package var major: Int { Int(number >> 16) }
    package var minor: Int { Int((number >> 8) & 0xFF) }
    package var patch: Int { Int(number & 0xFF) }

    package var description: String { text }

    package static func < (lhs: LibcurlVersion, rhs: LibcurlVersion) -> Bool { lhs.number < rhs.number }
    package static func == (lhs: LibcurlVersion, rhs: LibcurlVersion) -> Bool { lhs.number == rhs.number }
    package func hash(into hasher: inout Hasher) { hasher.combine(number) }

    /// The oldest libcurl the client works with: 7.66.0, for `curl_multi_poll`.
    package static let minimum = LibcurlVersion(major: 7, minor: 66, patch: 0)

    /// Whether this version knows `CURLOPT_PROTOCOLS_STR` (7.85.0). Before it, the client
    /// restricts protocols with the `CURLOPT_PROTOCOLS` bitmask, which does the same.
    package var hasProtocolsString: Bool { number >= 0x07_55_00 }

    /// Whether this version knows `CURLOPT_PREREQFUNCTION` (7.80.0), with which the client stops
    /// libcurl from sending a request again on its own when a kept-alive connection died after
    /// the request went out. Before it, the client opens a connection per request
    /// (`CURLOPT_FORBID_REUSE`): libcurl only resends on a reused connection.
    package var hasPrereqFunction: Bool { number >= 0x07_50_00 }

    /// Refuses a libcurl older than ``minimum`` with one message naming both versions
    /// (``CurlError/failedInit``, the error every transfer then reports).
    ///
    /// A function of the version alone, so that the refusal can be tested without an old libcurl.
    package static func check(_ found: LibcurlVersion) throws(CurlError) {
        guard found >= minimum else {
            throw CurlError(
                code: CurlError.failedInit,
                detail: "libcurl \(found.text) (libcurl.so.4) is too old: OpsCadence needs libcurl \(minimum.text) or later; install a newer libcurl4")
        }
    }
}
