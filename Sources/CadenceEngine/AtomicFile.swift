import Foundation
import Glibc

/// Files replaced in one step: a reader (or a crash) sees the old file or the new one, never
/// half of one.
///
/// Foundation's `atomically: true` is not used: on Linux it stages the file in a folder under
/// `/tmp` that it leaves behind, one per write.
package enum AtomicFile {
    /// Writes `text` to `path` atomically (temp file in the same folder, then rename), creating
    /// the folder. No fsync: the state file is the durable record, and every file written here
    /// (agendas, reports) can be rendered again.
    ///
    /// - Parameter root: When given, `path` must lie inside it and no folder between `root` and
    ///   the file may be a symbolic link, so a link planted in the output folder cannot send the
    ///   file elsewhere (`root` itself may be one: the team chose it).
    /// Creates the output folder `root` if needed: a problem here (a file in its place, no
    /// permission) is a problem of the whole workspace, not of one playbook.
    package static func prepareFolder(_ root: String) throws(EngineError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw EngineError("cannot use \(root) as the output folder: it is a file") }
            guard access(root, W_OK | X_OK) == 0 else { throw EngineError("cannot write into the output folder \(root): permission denied") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw EngineError("cannot create the output folder \(root): \(error.localizedDescription)")
        }
    }

    package static func write(_ text: String, to path: String, within root: String? = nil) throws(EngineError) {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        if let root { try checkNoLinks(from: root, to: folder, file: path) }
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
        if let root {
            // Checked again just before the rename, which is what makes the file visible.
            do { try checkNoLinks(from: root, to: folder, file: path) } catch {
                unlink(temporary)
                throw error
            }
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw EngineError("cannot move the new file into \(path): \(message)")
        }
    }

    /// Throws unless every existing folder below `root` on the way to `folder` is a real folder.
    static func checkNoLinks(from root: String, to folder: String, file: String) throws(EngineError) {
        let base = (root as NSString).standardizingPath
        let target = (folder as NSString).standardizingPath
        guard target == base || target.hasPrefix(base.hasSuffix("/") ? base : base + "/") else {
            throw EngineError("refusing to write \(file): it is outside the output folder \(root)")
        }
        var current = base
        for component in target.dropFirst(base.count).split(separator: "/") {
            current += "/" + component
            var info = stat()
            guard lstat(current, &info) == 0 else { return }  // not there yet: it will be created as a folder
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw EngineError("refusing to write \(file): \(current) is a symbolic link (agenda files are never written through one)")
            }
        }
    }
}
