import HTTPTypes
import Hummingbird
import NIOCore
import StateStore
import Synchronization

/// Rendered pages, kept while nothing they show can have changed: a page with 50 action items
/// took about 7 ms of CPU to render, and the team's laptops and the projector ask for the same
/// page (and its JSON, every five seconds) far more often than anything changes.
///
/// A page is filed under everything it is made from (``Key``): the address, the workspace
/// version (and the problem shown when an edit does not validate), the state file's version,
/// the minute of now, and the viewer's name and role. The session's CSRF token is the one part
/// that differs between two browsers of the same person: pages are rendered with a placeholder
/// in its place, and each answer puts the session's own token there.
final class PageCache: Sendable {
    struct Key: Hashable, Sendable {
        /// Path and query, as asked (`/actions?status=overdue&format=json`).
        var address: String
        var workspaceVersion: Int
        var problem: String?
        /// Read before the page is built (``StateStore/version()``).
        var state: StateVersion
        /// Pages say what is over, overdue, open or due by comparing with now; with minutes,
        /// what they show is at most the rest of the current minute late (meetings and their
        /// deadlines fall on whole minutes, so the change shows in the minute it happens).
        var minute: Int64
        var viewer: String
        var isAdmin: Bool
    }

    /// A rendered answer, cut where the CSRF token goes.
    struct Page: Sendable {
        var pieces: [ByteBuffer]
        var contentType: String
        /// The body last joined, and for which token: the same browser asks again and again
        /// (the meeting page has 106 forms, each with the token).
        var joined: (csrf: String, body: ByteBuffer)?

        /// The body for a session: the pieces joined by its token; `fresh` when joined now.
        func body(csrf: String) -> (body: ByteBuffer, fresh: Bool) {
            if pieces.count == 1 { return (pieces[0], false) }
            if let joined, Token.matches(joined.csrf, csrf) { return (joined.body, false) }
            let size = pieces.reduce(0) { $0 + $1.readableBytes } + (pieces.count - 1) * csrf.utf8.count
            var body = ByteBufferAllocator().buffer(capacity: size)
            for (index, piece) in pieces.enumerated() {
                if index > 0 { body.writeString(csrf) }
                body.writeImmutableBuffer(piece)
            }
            return (body, true)
        }

        func response(body: ByteBuffer) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = contentType
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }

    /// Stands for the CSRF token while a page is rendered: random per process, so no text a
    /// person can type matches it (and were it matched, it would become the viewer's own token).
    let placeholder = Token.random()
    /// Pages differ by address and viewer; past this many, the oldest generation goes first.
    static let capacity = 128

    private let pages = Mutex<[Key: Page]>([:])

    /// The answer for a session from the page filed under the key, if there is one.
    func response(for key: Key, csrf: String) -> Response? {
        guard let page = pages.withLock({ $0[key] }) else { return nil }
        let (body, fresh) = page.body(csrf: csrf)
        if fresh { pages.withLock { $0[key]?.joined = (csrf, body) } }
        return page.response(body: body)
    }

    /// Files a rendered page (HTML or JSON) under its key, and answers a session with it.
    func store(_ text: String, contentType: String, for key: Key, csrf: String) -> Response {
        let page = Page(pieces: Self.cut(Array(text.utf8), at: Array(placeholder.utf8)), contentType: contentType)
        pages.withLock { pages in
            if pages.count >= Self.capacity {
                // Pages of an older state, workspace or minute are never asked for again.
                pages = pages.filter {
                    $0.key.state == key.state && $0.key.workspaceVersion == key.workspaceVersion && $0.key.minute == key.minute
                }
                if pages.count >= Self.capacity { pages.removeAll(keepingCapacity: true) }
            }
            pages[key] = page
        }
        return page.response(body: page.body(csrf: csrf).body)
    }

    /// The bytes between the placeholders.
    static func cut(_ bytes: [UInt8], at placeholder: [UInt8]) -> [ByteBuffer] {
        var pieces: [ByteBuffer] = []
        var start = 0
        var index = 0
        while index + placeholder.count <= bytes.count {
            if bytes[index] == placeholder[0] && bytes[index..<index + placeholder.count].elementsEqual(placeholder) {
                pieces.append(ByteBuffer(bytes: bytes[start..<index]))
                index += placeholder.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(ByteBuffer(bytes: bytes[start...]))
        return pieces
    }
}
