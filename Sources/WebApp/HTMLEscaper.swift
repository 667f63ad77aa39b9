import Mustache

/// The HTML escaping of every `{{value}}` on a page, on UTF-8 bytes.
///
/// swift-mustache's own HTML content type walks each value `Character` by `Character` and looks
/// each one up in a dictionary: 30% of a meeting page's CPU (docs/PERFORMANCE.md). This one
/// replaces the same five characters, `& < > " '`, with the same entities, scanning bytes: the
/// five are ASCII, and in UTF-8 an ASCII byte is never part of another character, so nothing
/// else can change and a value without them is returned as it is, uncopied.
///
/// One difference, on purpose: the `Character` walk leaves one of the five raw when a
/// combining mark follows it (`"` + U+0301 is one `Character`, not `"`), so a quote with an
/// accent on it closed an attribute. Here it is escaped like any other (WebEscapingTests).
struct HTMLEscaper: MustacheContentType {
    /// The name templates select it by (`{{% CONTENT_TYPE: OPSCADENCE_HTML}}`).
    static let name = "OPSCADENCE_HTML"

    /// Mustache's content types are a process-wide table, looked up when a template is parsed:
    /// registered once, before the first parse.
    static let registration: Void = MustacheContentTypes.register(HTMLEscaper(), named: name)

    /// What each template starts with, on a line of its own (a standalone tag renders nothing).
    static var pragma: String {
        _ = registration
        return "{{% CONTENT_TYPE: \(name)}}\n"
    }

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var text = text
        let escaped = text.withUTF8 { bytes -> String? in
            var growth = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "&"), UInt8(ascii: "'"): growth += 4
                case UInt8(ascii: "<"), UInt8(ascii: ">"): growth += 3
                case UInt8(ascii: "\""): growth += 5
                default: break
                }
            }
            guard growth > 0 else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count + growth) { out in
                var count = 0
                func put(_ entity: StaticString) {
                    entity.withUTF8Buffer { entity in
                        for byte in entity {
                            out[count] = byte
                            count += 1
                        }
                    }
                }
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "&"): put("&amp;")
                    case UInt8(ascii: "<"): put("&lt;")
                    case UInt8(ascii: ">"): put("&gt;")
                    case UInt8(ascii: "\""): put("&quot;")
                    case UInt8(ascii: "'"): put("&#39;")
                    default:
                        out[count] = byte
                        count += 1
                    }
                }
                return count
            }
        }
        return escaped ?? text
    }
}
