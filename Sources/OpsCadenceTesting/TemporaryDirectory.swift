import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is deinitialized.
///
/// Tests run in parallel; each gets its own folder, so nothing is shared.
package final class TemporaryDirectory: Sendable {
    package let path: String

    package init(prefix: String = "opscadence-test") {
        let base = FileManager.default.temporaryDirectory.path
        let name = "\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        path = (base as NSString).appendingPathComponent(name)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the folder.
    package func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// Writes text to a file inside the folder, creating intermediate folders.
    @discardableResult
    package func write(_ relative: String, _ text: String) -> String {
        let target = file(relative)
        try? FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Not FileManager.createFile: on Linux it stages every file in a folder under /tmp that
        // it never removes.
        try? Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The text of a file inside the folder, or nil.
    package func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: file(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
