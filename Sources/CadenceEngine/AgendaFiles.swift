import Agendas
import Foundation
import Playbooks
import Recurrence

/// Where rendered agendas go; ``AtomicFile`` writes them, so a reader never sees half of one.
package enum AgendaFiles {
    /// `<output>/<playbook>/<YYYY-MM-DD>T<HHMM>.<ext>` in the playbook's zone. A local time that
    /// occurs twice (the hour repeated when clocks fall back) adds the UTC offset,
    /// `T0130-0400` and `T0130-0500`, so the two occurrences keep one file each.
    package static func path(output: String, playbook: Playbook, instant: Int64, format: AgendaRenderer.Format) -> String {
        let zone = playbook.timeZone
        let local = zone.localDateTime(at: instant)
        var stamp = local.date.description + "T" + String(local.description.dropFirst(11).prefix(5)).replacingOccurrences(of: ":", with: "")
        if zone.isRepeated(at: instant) { stamp += ICalendarText.offset(zone.offset(at: instant)) }
        return ((output as NSString).appendingPathComponent(playbook.id) as NSString)
            .appendingPathComponent("\(stamp).\(format.fileExtension)")
    }
}
