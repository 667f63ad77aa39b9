@testable import Delivery
import OpsCadenceTesting
import Testing

/// The libcurl that is loaded at run time, the versions it is refused below, and the options
/// chosen for older versions.
@Suite struct LibcurlTests {
    @Test func theLoadedVersionIsReadAndIsAtLeastTheMinimum() throws {
        let version = try Libcurl.load()
        #expect(version >= LibcurlVersion.minimum)
        #expect(version.major >= 7)
        // The text is libcurl's own ("7.88.1", possibly with a suffix) and agrees with the number.
        #expect(version.text.hasPrefix("\(version.major).\(version.minor).\(version.patch)"))
        #expect(Libcurl.version == version)
    }

    @Test(arguments: [(0x07_34_01 as UInt32, "7.52.1"), (0x07_41_03, "7.65.3"), (0x06_00_00, "6.0.0")])
    func aVersionBelowTheMinimumIsRefusedNamingBothVersions(_ number: UInt32, _ text: String) throws {
        let found = LibcurlVersion(number: number)
        #expect(found.text == text)
        let error = try #require(throws: CurlError.self) { try LibcurlVersion.check(found) }
        #expect(error.code == CurlError.failedInit)
        #expect(
            error.detail
                == "libcurl \(text) (libcurl.so.4) is too old: OpsCadence needs libcurl 7.66.0 or later; install a newer libcurl4")
    }

    @Test(arguments: [0x07_42_00 as UInt32, 0x07_51_00, 0x07_58_01, 0x08_05_00])
    func theMinimumAndNewerVersionsAreAccepted(_ number: UInt32) throws {
        try LibcurlVersion.check(LibcurlVersion(number: number))
    }

    @Test(arguments: [
        // (version, CURLOPT_PROTOCOLS_STR, CURLOPT_PREREQFUNCTION)
        (LibcurlVersion(major: 7, minor: 66, patch: 0), false, false),
        (LibcurlVersion(major: 7, minor: 79, patch: 1), false, false),
        (LibcurlVersion(major: 7, minor: 80, patch: 0), false, true),
        (LibcurlVersion(major: 7, minor: 81, patch: 0), false, true),
        (LibcurlVersion(major: 7, minor: 85, patch: 0), true, true),
        (LibcurlVersion(major: 8, minor: 5, patch: 0), true, true),
    ])
    func optionsFollowTheRunningVersion(_ version: LibcurlVersion, protocolsString: Bool, prereq: Bool) {
        #expect(version.hasProtocolsString == protocolsString)
        #expect(version.hasPrereqFunction == prereq)
    }

    // MARK: Fallbacks, run on the libcurl at hand

    /// As on Ubuntu 22.04 (7.81): protocols restricted with the CURLOPT_PROTOCOLS bitmask.
    static let ubuntu2204 = LibcurlVersion(major: 7, minor: 81, patch: 0)
    /// Before CURLOPT_PREREQFUNCTION.
    static let beforePrereq = LibcurlVersion(major: 7, minor: 79, patch: 1)

    @Test(arguments: [ubuntu2204, beforePrereq])
    func olderVersionsStillPostAndAllowOnlyHTTP(_ version: LibcurlVersion) async throws {
        let server = try LoopbackHTTPServer()
        var configuration = fastConfiguration()
        configuration.libcurlVersionLimit = version
        let client = WebhookClient(configuration: configuration)
        let results = await client.send([
            try makeRequest(server.url("/hook")),
            try makeRequest("ftp://127.0.0.1:\(server.port)/file"),
            try makeRequest("file:///etc/passwd"),
        ])
        #expect(results[0].response?.statusCode == 200, "\(results[0])")
        for refused in results.dropFirst() {
            #expect(refused.failure?.code == .protocolNotAllowed, "\(refused)")
        }
        #expect(server.requests.count == 1)
    }

    @Test func withoutThePrereqCallbackNoConnectionIsReusedSoLibcurlNeverResends() async throws {
        // The scenario of ClientTests.aKeptAliveConnectionThatDiesAfterTheRequestIsNotResentByLibcurl:
        // without CURLOPT_PREREQFUNCTION nothing could stop libcurl's resend on a reused
        // connection, so every request gets a connection of its own.
        let server = try LoopbackHTTPServer(
            defaultBehavior: .handler { request in
                request.bodyText == "2" && request.connectionNumber == 1 ? .close : .ok()
            })
        var configuration = fastConfiguration(maxConcurrent: 1, maxIdleConnectionAge: .seconds(300))
        configuration.libcurlVersionLimit = Self.beforePrereq
        let client = WebhookClient(configuration: configuration)
        for index in 1...3 {
            let result = await client.send([try makeRequest(server.url("/"), body: "\(index)")])[0]
            #expect(result.response?.statusCode == 200, "\(result)")
        }
        #expect(server.requests.map(\.connectionNumber) == [1, 2, 3])
    }

    @Test func from780KeptAliveConnectionsAreReused() async throws {
        let server = try LoopbackHTTPServer()
        var configuration = fastConfiguration(maxConcurrent: 1, maxIdleConnectionAge: .seconds(300))
        configuration.libcurlVersionLimit = Self.ubuntu2204
        let client = WebhookClient(configuration: configuration)
        for index in 1...3 {
            let result = await client.send([try makeRequest(server.url("/"), body: "\(index)")])[0]
            #expect(result.response?.statusCode == 200, "\(result)")
        }
        #expect(server.requests.map(\.connectionNumber) == [1, 1, 1])
    }
}
