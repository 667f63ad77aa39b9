import Delivery
import Foundation
import OpsCadenceTesting
import Testing

@Suite struct ClientTests {
    @Test func postsTheBodyAndHeadersAndReturnsTheResponse() async throws {
        let server = try LoopbackHTTPServer(defaultBehavior: .respond(.text("ok", headers: [("X-Extra", "1")])))
        let request = try makeRequest(server.url("/hook?a=1"), headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("webhook-id", "d-1")])
        let result = await sendOne(request)
        let response = try #require(result.response, "\(result)")
        #expect(response.statusCode == 200)
        #expect(response.bodyText == "ok")
        #expect(response.headers["x-extra"] == "1")
        #expect(response.elapsed > .zero)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.path == "/hook")
        #expect(received.query == "a=1")
        #expect(received.bodyText == #"{"text":"hi"}"#)
        #expect(received.headers["content-type"] == "application/json")
        #expect(received.headers["webhook-id"] == "d-1")
        #expect(received.headers["expect"] == nil)
    }
}
