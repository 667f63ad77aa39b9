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
        let name = (path as NSString).lastPathComponent
        // A name no other writer uses, created exclusively: two threads (or two containers that
        // share a volume and a PID) writing the same file never write into one temporary file.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 where fd < 0 {
            temporary = folder + "/.\(name).\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: .min ... .max)).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else { throw EngineError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var offset = 0
        var failure: String?
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            offset += n
        }
        // close can report a failed write-back (a full disk on NFS, for one).
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw EngineError("cannot write \(path): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw EngineError("cannot move the new file into \(path): \(message)")
        }
    }
}
