import Agendas
import Foundation
import Playbooks
import Recurrence

/// Where rendered agendas go, and how they get there: a temporary file renamed over the final
/// name, so a reader (or a crash) never sees half an agenda.
public enum AgendaFiles {
    /// `<output>/<playbook>/<YYYY-MM-DD>T<HHMM>.<ext>` in the playbook's zone. A local time that
    /// occurs twice (the hour repeated when clocks fall back) adds the UTC offset,
    /// `T0130-0400` and `T0130-0500`, so the two occurrences keep one file each.
    public static func path(output: String, playbook: Playbook, instant: Int64, format: AgendaRenderer.Format) -> String {
        let zone = playbook.timeZone
        let local = zone.localDateTime(at: instant)
        var stamp = local.date.description + "T" + String(local.description.dropFirst(11).prefix(5)).replacingOccurrences(of: ":", with: "")
        if case .overlap = zone.resolve(local) {
            let offset = Int(zone.offset(at: instant))
            let minutes = abs(offset) / 60
            stamp += (offset < 0 ? "-" : "+") + String(format: "%02d%02d", minutes / 60, minutes % 60)
        }
        return ((output as NSString).appendingPathComponent(playbook.id) as NSString)
            .appendingPathComponent("\(stamp).\(format.fileExtension)")
    }
}
