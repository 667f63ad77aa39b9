import Agendas
import Foundation
import Playbooks
import Recurrence

/// Where rendered agendas go, and how they get there: a temporary file renamed over the final
/// name, so a reader (or a crash) never sees half an agenda.
public enum AgendaFiles {
    /// `<output>/<playbook>/<YYYY-MM-DD>T<HHMM>.<ext>` in the playbook's zone.
    public static func path(output: String, playbook: Playbook, instant: Int64, format: AgendaRenderer.Format) -> String {
        let local = playbook.timeZone.localDateTime(at: instant)
        let stamp = local.date.description + "T" + String(local.description.dropFirst(11).prefix(5)).replacingOccurrences(of: ":", with: "")
        return ((output as NSString).appendingPathComponent(playbook.id) as NSString)
            .appendingPathComponent("\(stamp).\(format.fileExtension)")
    }

    /// Writes `text` to `path` atomically (temp file in the same folder, then rename), so a
    /// reader never sees half an agenda. No fsync: the state file is the durable record, and an
    /// agenda can always be rendered again with `opscadence agenda`.
    public static func writeAtomically(_ text: String, to path: String) throws(EngineError) {
        let folder = (path as NSString).deletingLastPathComponent
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
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
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
            throw EngineError("cannot move the agenda into \(path): \(message)")
        }
    }
}
