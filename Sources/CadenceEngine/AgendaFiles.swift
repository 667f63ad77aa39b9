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
        if isRepeated(instant, in: zone) {
            let offset = Int(zone.offset(at: instant))
            let minutes = abs(offset) / 60
            stamp += (offset < 0 ? "-" : "+") + String(format: "%02d%02d", minutes / 60, minutes % 60)
        }
        return ((output as NSString).appendingPathComponent(playbook.id) as NSString)
            .appendingPathComponent("\(stamp).\(format.fileExtension)")
    }

    /// Whether the wall-clock time at `instant` also occurs at another instant (the hour repeated
    /// when clocks fall back). Offset lookups only: this runs for every agenda a tick writes.
    static func isRepeated(_ instant: Int64, in zone: ZoneRules) -> Bool {
        let offset = zone.offset(at: instant)
        let local = instant + Int64(offset)
        for other in [zone.offset(at: instant - 86_400), zone.offset(at: instant + 86_400)] where other != offset {
            // The same wall-clock time under the other offset, if that offset is really in force then.
            if zone.offset(at: local - Int64(other)) == other { return true }
        }
        return false
    }
}
