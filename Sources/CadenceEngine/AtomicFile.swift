import Foundation
import Glibc

/// Files replaced in one step: a reader (or a crash) sees the old file or the new one, never
/// half of one.
///
/// Foundation's `atomically: true` is not used: on Linux it stages the file in a folder under
/// `/tmp` that it leaves behind, one per write.
public enum AtomicFile {
    /// Writes `text` to `path` atomically (temp file in the same folder, then rename), creating
    /// the folder. No fsync: the state file is the durable record, and every file written here
    /// (agendas, reports) can be rendered again.
    public static func write(_ text: String, to path: String) throws(EngineError) {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EngineError("cannot create \(folder): \(error.localizedDescription)")
        }
        let temporary = folder + "/.\((path as NSString).lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EngineError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw EngineError("cannot write \(temporary): \(message)")
            }
            offset += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw EngineError("cannot move the new file into \(path): \(message)")
        }
    }
}
