import Foundation

extension LoopbackHTTPServer {
    /// One request exactly as the server read it.
    public struct Request: Sendable, CustomStringConvertible {
        /// One header line, name as sent.
        public struct Field: Hashable, Sendable {
            /// The field name, as sent.
            public let name: String
            /// The field value, without surrounding whitespace.
            public let value: String
        }

        /// `POST`, `GET`, ….
        public let method: String
        /// The request target as sent (`/hook?x=1`).
        public let target: String
        /// The target's path (`/hook`).
        public let path: String
        /// The target's query without `?`, percent-encoded as sent; `nil` when there is none.
        public let query: String?
        /// `HTTP/1.1` or `HTTP/1.0`.
        public let version: String
        /// Headers with lowercased names; repeated headers joined with `", "`.
        public let headers: [String: String]
        /// Every header line in order, names as sent.
        public let fields: [Field]
        /// The body (de-chunked when it came chunked).
        public let body: [UInt8]
        /// Wall-clock time when the whole request had arrived.
        public let receivedAt: Date
        /// Monotonic time when the whole request had arrived; use it to measure gaps.
        public let arrival: ContinuousClock.Instant
        /// Which accepted connection carried it, counting from 1.
        public let connectionNumber: Int

        /// The body decoded as UTF-8.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// The query as decoded name–value pairs, in order.
        public var queryItems: [(name: String, value: String)] {
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
        public func queryValue(_ name: String) -> String? {
            queryItems.first { $0.name == name }?.value
        }

        /// `POST /hook (27 bytes)`.
        public var description: String { "\(method) \(target) (\(body.count) bytes)" }
    }
}
