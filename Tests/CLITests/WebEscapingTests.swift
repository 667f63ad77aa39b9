import Foundation
import Mustache
import Testing

@testable import WebApp

/// The pages' HTML escaping (``HTMLEscaper``, on UTF-8 bytes) against swift-mustache's own
/// (by `Character`), which the pages used before: the same output for every value, but for the
/// one case where the old one left a character raw.
@Suite struct WebEscapingTests {
    static let hostile = [
        "", "plain text", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='alert(1)", "Tom & Jerry &amp; co",
        "a < b > c", "&lt;already&gt;", "Grüße, Zoë — 東京 ✓ 🚚📦 👩‍👩‍👧", "<b>Grüße</b> & \"東京\" 's", "\u{0}\u{1}\t\r\n<\r\n>",
        "e\u{301}te\u{301} <é>", "🇺🇸<🇩🇪>&", String(repeating: "<&>\"'", count: 1000), "\u{FEFF}<\u{200B}>"
    ]

    static func before(_ text: String) -> String {
        (try? MustacheTemplate(string: "{{value}}"))?.render(["value": text]) ?? ""
    }

    static func now(_ text: String) -> String {
        (try? MustacheTemplate(string: HTMLEscaper.pragma + "{{value}}"))?.render(["value": text]) ?? ""
    }

    @Test(arguments: hostile)
    func escapesAsBefore(_ text: String) {
        #expect(Self.now(text) == Self.before(text))
        #expect(HTMLEscaper.escape(text) == Self.before(text))
        // Triple braces stay raw.
        #expect((try? MustacheTemplate(string: HTMLEscaper.pragma + "{{{value}}}"))?.render(["value": text]) == text)
    }

    /// A combining mark after `"` makes one `Character` that is not `"`: the old escaper left
    /// the quote raw (closing an attribute); this one escapes it, and changes nothing else.
    @Test(arguments: [
        ("\"\u{301} autofocus x=\"", "&quot;\u{301} autofocus x=&quot;"), ("'\u{301}", "&#39;\u{301}"), ("<\u{338}script>", "&lt;\u{338}script&gt;"),
        ("&\u{20DD}amp;", "&amp;\u{20DD}amp;"), (">\u{301}", "&gt;\u{301}"), ("a\u{338}<\u{20D2}", "a\u{338}&lt;\u{20D2}"),
    ])
    func aCombiningMarkDoesNotHideACharacter(_ text: String, _ escaped: String) {
        #expect(Self.before(text) != escaped, "the old escaper left it raw")
        #expect(HTMLEscaper.escape(text) == escaped)
        #expect(Self.now(text) == escaped)
    }

    /// Whatever the text, no raw `< > " '` and no `&` that does not start an entity of ours.
    @Test func nothingRawIsLeft() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["<", ">", "&", "\"", "'", "\u{301}", "\u{338}", "é", "東", "🚚", "👩‍👩‍👧", "a", " ", "\n", "&amp;", "🇺🇸"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let escaped = HTMLEscaper.escape(text)
            #expect(!escaped.utf8.contains { [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'")].contains($0) })
            let decoded = Self.unescape(Array(escaped.utf8))
            #expect(escaped.utf8.count >= text.utf8.count)
            #expect(decoded == Array(text.utf8))
        }
    }

    /// Our five entities back to their characters, on bytes (String's search is by
    /// `Character`, so it would not find `&lt;` before a combining mark); nil when an `&` does
    /// not start one of them.
    static func unescape(_ bytes: [UInt8]) -> [UInt8]? {
        let entities: [([UInt8], UInt8)] = [
            (Array("&amp;".utf8), UInt8(ascii: "&")), (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")),
            (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
        ]
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "&") else {
                out.append(bytes[index])
                index += 1
                continue
            }
            guard let (entity, byte) = entities.first(where: { bytes[index...].starts(with: $0.0) }) else { return nil }
            out.append(byte)
            index += entity.count
        }
        return out
    }

    /// Whole pages, with hostile text in every field: byte for byte what the templates rendered
    /// with swift-mustache's own escaping.
    @Test func pagesRenderByteForByteAsBefore() throws {
        var library = MustacheLibrary()
        let sources: [(String, [UInt8])] = [
            ("top", PackageResources.top_mustache), ("bottom", PackageResources.bottom_mustache), ("message", PackageResources.message_mustache),
            ("today", PackageResources.today_mustache), ("meeting", PackageResources.meeting_mustache),
        ]
        for (name, bytes) in sources { try library.register(String(decoding: bytes, as: UTF8.self), named: name) }
        let templates = try Templates()
        let evil = "<script>\"x\" & 'y'</script> Grüße 東京 🚚"
        var today = WebViewLookupTests.today
        today.today = evil
        today.meetings[0].title = evil
        today.overdue[0].text = evil
        today.overdue[0].owner = "\"><img src=x onerror=alert(1)>"
        today.chrome.banner = evil
        var meeting = WebViewLookupTests.meetingView
        meeting.title = evil
        meeting.actions = (0..<50).map { MeetingView.Action(id: Int64($0), text: "\(evil) \($0)", owner: evil, due: "2026-12-01", overdue: $0 % 7 == 0) }
        meeting.notesHTML = NotesText.html(evil)
        let message = MessageView(chrome: WebViewLookupTests.chrome, heading: evil, message: evil)
        let pages: [(Any, String)] = [(today, "today"), (WebViewLookupTests.today, "today"), (meeting, "meeting"), (message, "message")]
        for (view, page) in pages {
            let rendered = templates.render(view, page: page)
            #expect(rendered == library.render(view, withTemplate: page), "\(page)")
            #expect(!rendered.contains("<script>"))
        }
    }
}
