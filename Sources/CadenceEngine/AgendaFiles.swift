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
}
