import Testing

@testable import Delivery

/// The mapping from libcurl codes to failures, including cases a loopback test cannot provoke
/// safely (a connect time-out needs an unreachable address; TLS needs a TLS server).
@Suite struct TransportMappingTests {
    static func map(_ code: CurlError.Code, pretransfer: Int64, refused: AddressCategory? = nil) -> TransportFailure {
        Transfer.failure(
            for: CurlError(code: code, detail: "detail text"), pretransferMicroseconds: pretransfer, refusedAddress: refused,
            elapsed: .milliseconds(5))
    }

    @Test(arguments: [
        (CurlError.couldNotResolveHost, TransportFailure.Code.resolve),
        (CurlError.couldNotConnect, .connect),
        (CurlError.sslConnectError, .tls),
        (CurlError.peerFailedVerification, .tls),
        (CurlError.sslCACertBadFile, .tls),
        (CurlError.unsupportedProtocol, .protocolNotAllowed),
        (CurlError.malformedURL, .invalidURL),
    ])
    func failuresBeforeSendingAreNeverInDoubt(_ code: CurlError.Code, _ expected: TransportFailure.Code) {
        // Even with a (bogus) pretransfer time, these phases end before the request goes out.
        let failure = Self.map(code, pretransfer: 1234)
        #expect(failure.code == expected)
        #expect(!failure.requestMayHaveBeenSent)
        #expect(failure.curlError?.code == code)
    }

    @Test(arguments: [
        (CurlError.sendError, TransportFailure.Code.send),
        (CurlError.receiveError, .receive),
        (CurlError.gotNothing, .emptyResponse),
        (CurlError.weirdServerReply, .protocolError),
        (CurlError.partialFile, .protocolError),
        (CurlError.http2Stream, .protocolError),
    ])
    func failuresWhileExchangingAreInDoubt(_ code: CurlError.Code, _ expected: TransportFailure.Code) {
        let failure = Self.map(code, pretransfer: 0)
        #expect(failure.code == expected)
        #expect(failure.requestMayHaveBeenSent)
    }

    @Test func aTimeoutIsInDoubtOnlyAfterPretransfer() {
        let beforeSending = Self.map(CurlError.operationTimedOut, pretransfer: 0)
        let afterSending = Self.map(CurlError.operationTimedOut, pretransfer: 850)
        #expect(beforeSending.code == .timeout && afterSending.code == .timeout)
        #expect(!beforeSending.requestMayHaveBeenSent)
        #expect(afterSending.requestMayHaveBeenSent)
    }

    @Test func aConnectFailureAfterARefusalIsAnAddressRefusal() {
        let failure = Self.map(CurlError.couldNotConnect, pretransfer: 0, refused: .cloudMetadata)
        #expect(failure.code == .addressRefused)
        #expect(failure.refusedAddress == .cloudMetadata)
        #expect(!failure.requestMayHaveBeenSent)
        #expect(failure.message == "refused to connect to a cloud-metadata address (address policy)")
    }

    @Test func unknownCodesAreInternalErrors() {
        let failure = Self.map(CurlError.Code(rawValue: 99), pretransfer: 10)
        #expect(failure.code == .internalError)
        #expect(failure.requestMayHaveBeenSent)
        #expect(failure.message == "detail text")
    }

    @Test func curlErrorsPrintOneLineAndMatchByCode() {
        let error = CurlError(code: CurlError.couldNotConnect, detail: "  Failed to connect to 127.0.0.1 port 1\n")
        #expect(error.description == "curl error 7 (Couldn't connect to server): Failed to connect to 127.0.0.1 port 1")
        #expect(error == CurlError(code: CurlError.couldNotConnect))
        do {
            throw error
        } catch CurlError.couldNotConnect {
            // Matched by code, as intended.
        } catch {
            Issue.record("should have matched by code")
        }
    }
}
