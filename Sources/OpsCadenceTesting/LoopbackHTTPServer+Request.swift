import Foundation

extension LoopbackHTTPServer {
    /// One request exactly as the server read it.
    package struct Request: Sendable, CustomStringConvertible {
        /// One header line, name as sent.
        package struct Field: Hashable, Sendable {
            /// The field name, as sent.
            package let name: String
            /// The field value, without surrounding whitespace.
            package let value: String
        }

        /// `POST`, `GET`, ….
        package let method: String
        /// The request target as sent (`/hook?x=1`).
        package let target: String
        /// The target's path (`/hook`).
        package let path: String
        /// The target's query without `?`, percent-encoded as sent; `nil` when there is none.
        package let query: String?
        /// `HTTP/1.1` or `HTTP/1.0`.
        package let version: String
        /// Headers with lowercased names; repeated headers joined with `", "`.
        package let headers: [String: String]
        /// Every header line in order, names as sent.
        package let fields: [Field]
        /// The body (de-chunked when it came chunked).
        package let body: [UInt8]
        /// Wall-clock time when the whole request had arrived.
        package let receivedAt: Date
        /// Monotonic time when the whole request had arrived; use it to measure gaps.
        package let arrival: ContinuousClock.Instant
        /// Which accepted connection carried it, counting from 1.
        package let connectionNumber: Int

        /// The body decoded as UTF-8.
        package var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// The query as decoded name–value pairs, in order.
        package var queryItems: [(name: String, value: String)] {
            guard let query else { return [] }
            return query.split(separator: "&").map { item in
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ text: Substring) -> String {
                    let spaced = text.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                return (decode(pair[0]), pair.count > 1 ? decode(pair[1]) : "")
            }
        }

        /// The first decoded query value called `name`.
        package func queryValue(_ name: String) -> String? {
            queryItems.first { $0.name == name }?.value
        }

        /// `POST /hook (27 bytes)`.
        package var description: String { "\(method) \(target) (\(body.count) bytes)" }
    }
}
