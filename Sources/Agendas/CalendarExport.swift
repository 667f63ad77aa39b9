import Foundation
import Playbooks
import Recurrence

/// The workspace's cadence as an RFC 5545 calendar that Google Calendar and Outlook import.
///
/// One VEVENT per playbook. RRULE schedules keep their RRULE (DTSTART is the first occurrence
/// from the export on, or the rule's own first instance); occurrences a holiday policy removed or moved
/// within the horizon become EXDATEs and RDATEs. Cron schedules, which RRULE cannot always
/// express (the day-of-month OR day-of-week rule), are listed as RDATEs over the horizon.
package struct CalendarExport: Sendable {
    package let workspace: Workspace
    /// How far ahead holiday adjustments and cron dates are expanded.
    package var horizonDays: Int
    /// The calendar name clients show.
    package var name: String

    package init(workspace: Workspace, horizonDays: Int = 400, name: String = "Operations leadership cadence") {
        self.workspace = workspace
        self.horizonDays = horizonDays
        self.name = name
    }

    /// The calendar text, with CRLF line endings and folded lines.
    package func render(now: Int64) -> String {
        let start = now - 86_400
        let end = now + Int64(horizonDays) * 86_400
        let playbooks = workspace.playbooks.filter(\.isEnabled)
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpsCadence//opscadence 0.1//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + ICalendarText.escape(name), "X-WR-TIMEZONE:\(workspace.configuration.timeZone.identifier)",
        ]
        let year = CivilDate(dayNumber: Int(floorDivision(start, 86_400))).year
        var zones: [String: ZoneRules] = [:]
        for p in playbooks { zones[p.timeZone.identifier] = p.timeZone }
        for zone in zones.values.sorted(by: { $0.identifier < $1.identifier }) {
            lines += zone.iCalendarComponent(from: year)
        }
        for playbook in playbooks {
            lines += event(for: playbook, start: start, end: end, now: now)
        }
        lines.append("END:VCALENDAR")
        return lines.map(ICalendarText.fold).joined()
    }

    /// A UID that stays the same every time the calendar is exported.
    package func uid(for playbook: Playbook) -> String {
        let root = workspace.root.hasPrefix("/") ? workspace.root : FileManager.default.currentDirectoryPath + "/" + workspace.root
        let folder = ((root as NSString).standardizingPath as NSString).lastPathComponent
        let host = folder.isEmpty || folder == "." ? "workspace" : folder.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return "\(playbook.id)@\(host.isEmpty ? "workspace" : host).opscadence"
    }

    func event(for playbook: Playbook, start: Int64, end: Int64, now: Int64) -> [String] {
        let zone = playbook.timeZone
        var base = playbook.schedule
        base.holidayPolicy = .ignore
        let actual = playbook.schedule.occurrences(after: start, through: end)
        let tzid = "TZID=\(zone.identifier)"
        var lines = ["BEGIN:VEVENT", "UID:\(uid(for: playbook))", "DTSTAMP:\(ICalendarText.utc(now))"]
        lines.append("SUMMARY:" + ICalendarText.escape("\(playbook.title) (\(HumanTime.duration(playbook.duration)))"))
        lines.append("DURATION:\(CalendarExport.duration(playbook.duration))")
        if let modified = modificationTime(of: playbook) {
            lines.append("LAST-MODIFIED:\(ICalendarText.utc(modified))")
            // Edits move the file's time forward, so this grows with every change of the playbook.
            lines.append("SEQUENCE:\(max(0, (modified - 1_704_067_200) / 60))")
        } else {
            lines.append("SEQUENCE:0")
        }
        var text = description(of: playbook)
        let changes = playbook.holidayChanges(after: start, through: end)
        if !changes.isEmpty {
            text += "\nHolidays:"
            for (occurrence, note) in changes.prefix(50) {
                let local = occurrence.local
                text += "\n- \(local.date.weekday.shortName) \(local.date) \(HumanTime.clock(local)): \(note)"
            }
        }
        lines.append("DESCRIPTION:" + ICalendarText.escape(text))

        switch playbook.schedule.rule {
        case .cron:
            guard let first = actual.first else { return [] }
            lines.append("DTSTART;\(tzid):\(ICalendarText.local(first.local))")
            let rest = actual.dropFirst().map { ICalendarText.local($0.local) }
            for chunk in stride(from: 0, to: rest.count, by: 20) {
                lines.append("RDATE;\(tzid):" + rest[chunk..<min(chunk + 20, rest.count)].joined(separator: ","))
            }
        case .rrule(let rule, let ruleStart, let anchored):
            let baseOccurrences = base.occurrences(after: start, through: end)
            let dtstart: LocalDateTime
            if anchored {
                guard let first = baseOccurrences.first ?? actual.first else { return [] }
                dtstart = first.nominal
            } else {
                // Calendar apps count DTSTART as an occurrence even when the rule does not
                // produce it ("starting 2027-01-01" for "the first Wednesday"): start at the
                // rule's first instance instead, which keeps every later instance the same.
                var instances = rule.expansion(start: ruleStart, anchored: false)
                guard let first = instances.next() else { return [] }
                dtstart = first
            }
            lines.append("DTSTART;\(tzid):\(ICalendarText.local(dtstart))")
            lines.append("RRULE:" + CalendarExport.rruleText(rule, zone: zone))
            let baseSet = Set(baseOccurrences.map(\.instant))
            let actualSet = Set(actual.map(\.instant))
            let removed = baseOccurrences.filter { !actualSet.contains($0.instant) }.map { ICalendarText.local($0.nominal) }
            let added = actual.filter { !baseSet.contains($0.instant) }.map { ICalendarText.local($0.local) }
            if !removed.isEmpty { lines.append("EXDATE;\(tzid):" + removed.joined(separator: ",")) }
            if !added.isEmpty { lines.append("RDATE;\(tzid):" + added.joined(separator: ",")) }
        }
        lines.append("END:VEVENT")
        return lines
    }

    /// The rule with UNTIL in UTC, as RFC 5545 requires when DTSTART has a TZID.
    static func rruleText(_ rule: RecurrenceRule, zone: ZoneRules) -> String {
        var copy = rule
        switch rule.until {
        case .date(let d):
            copy.until = .utc(zone.resolve(LocalDateTime(date: d, hour: 23, minute: 59, second: 59)).instant)
        case .local(let l):
            copy.until = .utc(zone.resolve(l).instant)
        default: break
        }
        return copy.rfcText
    }

    /// `PT30M`, `PT1H`, `PT4H`, `PT1H30M`.
    static func duration(_ seconds: Int) -> String {
        var text = "PT"
        if seconds / 3600 > 0 { text += "\(seconds / 3600)H" }
        if seconds % 3600 / 60 > 0 { text += "\(seconds % 3600 / 60)M" }
        return text == "PT" ? "PT0M" : text
    }

    func description(of playbook: Playbook) -> String {
        var lines: [String] = []
        if let d = playbook.description { lines.append(d.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if let owner = playbook.owner { lines.append("Owner: \(owner)") }
        if !playbook.attendees.isEmpty { lines.append("Attendees: \(playbook.attendees.joined(separator: ", "))") }
        if !playbook.agenda.isEmpty {
            lines.append("Agenda:")
            for (i, s) in playbook.agenda.enumerated() { lines.append("\(i + 1). \(s.title) (\(s.minutes) min)") }
        }
        if !playbook.checklist.isEmpty {
            lines.append("Checklist:")
            for c in playbook.checklist { lines.append("- \(c.item)\(c.owner.map { " (\($0))" } ?? "")") }
        }
        lines.append("Schedule: \(playbook.scheduleText)")
        return lines.joined(separator: "\n")
    }

    func modificationTime(of playbook: Playbook) -> Int64? {
        // `file` is the path as messages show it: valid from the folder the workspace was loaded in.
        guard let date = (try? FileManager.default.attributesOfItem(atPath: playbook.file))?[.modificationDate] as? Date else {
            return nil
        }
        return Int64(date.timeIntervalSince1970)
    }
}

func floorDivision(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
