import Delivery
import Foundation
import Glibc
import OpsCadenceTesting
import Testing

/// A request to `url` with a small JSON body.
func makeRequest(
    _ url: String,
    key: String = "test",
    rateLimit: RateLimit? = nil,
    body: String = #"{"text":"hi"}"#,
    headers: [HTTPHeader] = [HTTPHeader("Content-Type", "application/json")]
) throws -> WebhookRequest {
    try WebhookRequest(url: SecretURL(url), headers: headers, body: Array(body.utf8), rateKey: key, rateLimit: rateLimit)
}

/// Test settings: short limits so failure paths finish fast.
func fastConfiguration(
    totalTimeout: Duration = .seconds(5),
    maxConcurrent: Int = 8,
    denyPrivateNetworks: Bool = false,
    maxResponseBytes: Int = 64 * 1024,
    pacingBudget: Duration = .seconds(30),
    maxIdleConnectionAge: Duration = .seconds(2)
) -> WebhookClient.Configuration {
    WebhookClient.Configuration(
        maxConcurrent: maxConcurrent,
        connectTimeout: .seconds(2),
        totalTimeout: totalTimeout,
        maxResponseBytes: maxResponseBytes,
        denyPrivateNetworks: denyPrivateNetworks,
        pacingBudget: pacingBudget,
        maxIdleConnectionAge: maxIdleConnectionAge)
}

/// Sends one request and returns its result.
func sendOne(_ request: WebhookRequest, configuration: WebhookClient.Configuration = fastConfiguration()) async -> WebhookResult {
    let results = await WebhookClient(configuration: configuration).send([request])
    return results[0]
}

/// A port on 127.0.0.1 that refuses connections: bound but not listening, and held for as
/// long as this value lives, so no server started by a parallel test can take it.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

/// Always returns the same value: `.max` pins jitter to the top of its range and
/// ``lowest`` to the bottom.
struct ConstantGenerator: RandomNumberGenerator {
    /// Not 0: the standard library's unbiased sampling for a closed range rejects a zero low
    /// word and draws again, which a constant generator would repeat forever.
    static let lowest: UInt64 = 1

    let value: UInt64
    mutating func next() -> UInt64 { value }
}

extension Duration {
    /// Seconds as a `Double`.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// The system's wall time in epoch seconds, the instant type Delivery's edges take.
func epochSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
