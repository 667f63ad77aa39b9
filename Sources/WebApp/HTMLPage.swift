import Foundation
import HTTPTypes
import Hummingbird

/// A rendered HTML page.
struct HTMLPage: ResponseGenerator {
    var html: String
    var status: HTTPResponse.Status = .ok

    static let contentType = "text/html; charset=utf-8"

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        let body = ByteBuffer(string: html)
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

/// A page's data as JSON (`?format=json`).
struct JSONPage<Value: Encodable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok

    static var contentType: String { "application/json; charset=utf-8" }

    func response(from request: Request, context: some RequestContext) throws -> Response { try response() }

    func response() throws -> Response {
        let body = ByteBuffer(string: try Self.text(value))
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // The same key style as every command's --format json.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
