extension LoopbackHTTPServer {
    /// A complete HTTP response.
    package struct Response: Sendable {
        /// The status code.
        package var status: Int
        /// Extra header lines, in order. `Content-Length` and `Connection` are added unless given.
        package var headers: [(name: String, value: String)]
        /// The body bytes.
        package var body: [UInt8]

        /// Creates a response.
        package init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// A `text/plain` response.
        package static func text(_ body: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: Array(body.utf8))
        }

        /// An `application/json` response with `json` as the body, as given.
        package static func json(_ json: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
        }
    }

    /// What the server does with a request once it has read it.
    package enum Behavior: Sendable {
        /// Answer at once.
        case respond(Response)
        /// Answer after `delay` (or close the connection if the server stops first).
        case respondAfter(Duration, Response)
        /// Never answer; hold the connection until the client gives up or the server stops.
        case hang
        /// Reset the connection (`SO_LINGER` 0, then close): the client sees `ECONNRESET`.
        case reset
        /// Close the connection without answering.
        case close
        /// Send the status line and headers at once, then the body one byte per `interval`.
        case drip(Response, interval: Duration)
        /// Answer `status` with a body of `bytes` bytes. With `declareLength` false the body has
        /// no `Content-Length` and ends when the server closes the connection.
        case oversized(status: Int, bytes: Int, declareLength: Bool)
        /// Decide per request.
        case handler(@Sendable (Request) -> Behavior)

        /// `200` with a plain-text body (`ok` by default, what Slack answers).
        package static func ok(_ body: String = "ok") -> Behavior {
            .respond(.text(body))
        }

        /// `status` with a plain-text body and extra headers.
        package static func status(_ status: Int, body: String = "", headers: [(name: String, value: String)] = []) -> Behavior {
            .respond(.text(body, status: status, headers: headers))
        }
    }
}
