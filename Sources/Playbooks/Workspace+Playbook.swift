import Foundation
import MaturityModel
import Recurrence
import Yams

/// Reading `playbooks/*.yaml`: schedules, reminders, acknowledgement, agenda and checklist.
extension Loader {
    static let playbookKeys = [
        "id", "title", "description", "schedule", "cron", "rrule", "timezone", "duration", "owner", "attendees", "holiday",
        "catch_up", "grace", "remind", "agenda", "checklist", "enabled", "acknowledge", "tags",
    ]

    /// - Returns: The playbook when the file is valid, and its id (with where it is written)
    ///   whenever the id itself is, so that a duplicate id is reported with the file's other problems.
    mutating func parsePlaybook(
        _ text: String, reader: inout YAMLReader, configuration: WorkspaceConfiguration?
    ) -> (playbook: Playbook?, id: (String, SourceLocation)?) {
        guard let node = reader.root(text), let fields = reader.mapping(node, allowed: Loader.playbookKeys, what: "a playbook")
        else { return (nil, nil) }
        let start = reader.issues.count

        var id = ""
        var idLocation = reader.location(node)
        if let idNode = fields["id"], let value = reader.nonEmptyString(idNode, what: "id") {
            idLocation = reader.location(idNode)
            if value.allSatisfy({ ($0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }), value.first != "-" {
                id = value
            } else {
                reader.report(idNode, "id '\(value)' must be lowercase letters, digits and dashes (e.g. weekly-kpi-review)")
            }
        } else if fields["id"] == nil {
            reader.report(node, "missing key 'id'")
        }
        let title = fields["title"].flatMap { reader.nonEmptyString($0, what: "title") }
        if fields["title"] == nil { reader.report(node, "missing key 'title'") }

        var zone = configuration?.timeZone ?? .utc
        if let zoneNode = fields["timezone"], let name = reader.string(zoneNode, what: "timezone") {
            do { zone = try ZoneRules(identifier: name) } catch { reader.report(zoneNode, error.message) }
        }

        var holiday = HolidayPolicy.ignore
        if let node = fields["holiday"], let text = reader.string(node, what: "holiday") {
            if let policy = HolidayPolicy(rawValue: text) { holiday = policy } else {
                reader.report(node, "unknown holiday policy '\(text)' (expected skip, next_business_day, previous_business_day or ignore)")
            }
        }
        var catchUp = CatchUpPolicy.latest
        if let node = fields["catch_up"], let text = reader.string(node, what: "catch_up") {
            if let policy = CatchUpPolicy(rawValue: text) { catchUp = policy } else {
                reader.report(node, "unknown catch_up policy '\(text)' (expected all, latest or none)")
            }
        }

        let schedule = parseSchedule(fields, reader: &reader, zone: zone, configuration: configuration, holiday: holiday)

        var duration = 0
        if let node = fields["duration"] {
            if let seconds = reader.duration(node, what: "duration") {
                if seconds <= 0 || seconds > 7 * 86_400 {
                    reader.report(node, "duration must be between 1m and 7d")
                } else {
                    duration = seconds
                }
            }
        } else {
            reader.report(node, "missing key 'duration' (e.g. duration: 30m)")
        }
        let grace = fields["grace"].flatMap { reader.duration($0, what: "grace") } ?? 3600
        let owner = fields["owner"].flatMap { reader.nonEmptyString($0, what: "owner") }
        let attendees = fields["attendees"].flatMap { reader.stringList($0, what: "attendees") } ?? []
        if let configuration { warnAboutStrangers(owner: owner, attendees: attendees, fields: fields, people: configuration, reader: reader) }
        let enabled = fields["enabled"].flatMap { reader.bool($0, what: "enabled") } ?? true

        var reminders: [Reminder] = []
        var leadNodes: [(seconds: Int, node: Node, what: String)] = []
        for item in reader.list(fields["remind"], what: "remind") ?? [] {
            guard let entry = reader.mapping(item, allowed: ["target", "before"], what: "a reminder") else { continue }
            guard let targetNode = entry["target"], let target = reader.nonEmptyString(targetNode, what: "target") else {
                if entry["target"] == nil { reader.report(item, "a reminder needs a target") }
                continue
            }
            if let configuration, configuration.target(named: target) == nil {
                let defined = configuration.targets.map(\.name)
                reader.report(
                    targetNode,
                    "reminder target '\(target)' is not defined in opscadence.yaml (defined: \(defined.isEmpty ? "none" : defined.joined(separator: ", ")))")
            }
            let before = entry["before"].flatMap { reader.duration($0, what: "before") } ?? 0
            reminders.append(Reminder(target: target, before: before, location: reader.location(targetNode)))
            if before > 0, let node = entry["before"] { leadNodes.append((before, node, "reminder before: \(DurationText.format(before))")) }
        }

        var sections: [AgendaSection] = []
        var totalMinutes = 0
        for item in reader.list(fields["agenda"], what: "agenda") ?? [] {
            guard let section = parseSection(item, reader: &reader, configuration: configuration) else { continue }
            totalMinutes += section.minutes
            sections.append(section)
        }
        if let agendaNode = fields["agenda"], duration > 0, totalMinutes * 60 > duration {
            reader.report(
                fields.keys["agenda"] ?? agendaNode,
                "agenda timeboxes add up to \(totalMinutes) minutes, more than the duration \(DurationText.format(duration))")
        }

        var checklist: [ChecklistItem] = []
        for item in reader.list(fields["checklist"], what: "checklist") ?? [] {
            // A plain string is the common case: `- Check the dashboard`.
            if case .scalar = item {
                if let text = reader.nonEmptyString(item, what: "a checklist item") {
                    checklist.append(ChecklistItem(item: text, owner: nil, due: nil))
                }
                continue
            }
            guard case .mapping = item else {
                reader.report(item, "expected a checklist item as a string or a mapping of keys (item, owner, due, remind)")
                continue
            }
            guard let entry = reader.mapping(item, allowed: ["item", "owner", "due", "remind"], what: "a checklist item") else { continue }
            guard let text = entry["item"].flatMap({ reader.nonEmptyString($0, what: "item") }) else {
                if entry["item"] == nil { reader.report(item, "a checklist entry needs 'item'") }
                continue
            }
            let due = entry["due"].flatMap { reader.duration($0, what: "due", allowNegative: true) }
            let remind = entry["remind"].flatMap { reader.bool($0, what: "remind") } ?? false
            if remind, let remindNode = entry.keys["remind"] {
                // The item's reminder goes out at its due time, before the meeting; the late-item
                // one at the start. Without a time before the start there is nothing to remind of.
                if entry["due"] == nil {
                    reader.report(remindNode, "remind: true needs 'due', a time before the start (such as due: -1h)")
                } else if let due, due >= 0 {
                    reader.report(remindNode, "remind: true needs 'due' before the start (such as -1h), not \(DurationText.format(due)) after it")
                }
                if fields["remind"] == nil || reminders.isEmpty {
                    reader.report(remindNode, "remind: true needs the playbook's 'remind:' targets to send the item's reminders to; this playbook has none")
                }
            }
            let parsed = ChecklistItem(item: text, owner: entry["owner"].flatMap { reader.nonEmptyString($0, what: "owner") }, due: due, remind: remind)
            // The item's reminder opens the occurrence as early as a reminder lead does.
            if let lead = parsed.reminderLead, let node = entry["due"] {
                leadNodes.append((lead, node, "checklist item due: \(DurationText.format(-lead)) with remind: true"))
            }
            checklist.append(parsed)
        }
        if let schedule, let longest = leadNodes.map(\.seconds).max() {
            checkLeads(leadNodes, longest: longest, schedule: schedule.schedule, reader: &reader)
        }

        let acknowledgement = parseAcknowledgement(fields["acknowledge"], configuration: configuration, reader: &reader)
        let tags = fields["tags"].flatMap { reader.stringList($0, what: "tags") } ?? []
        let rung = Loader.rung(
            tags: tags, tagsNode: fields["tags"], id: id, idNode: fields["id"], reader: &reader)

        let description = fields["description"].flatMap { reader.multiLineString($0, what: "description") }
        let declared = id.isEmpty ? nil : (id, idLocation)
        guard reader.issues.count == start, let schedule, let title else { return (nil, declared) }
        let playbook = Playbook(
            id: id, title: title, description: description,
            file: reader.file, schedule: schedule.schedule, scheduleText: schedule.text, timeZone: zone, duration: duration,
            owner: owner, attendees: attendees, holidayPolicy: holiday, catchUp: catchUp, grace: grace, reminders: reminders,
            agenda: sections, checklist: checklist, isEnabled: enabled, acknowledgement: acknowledgement, tags: tags, rung: rung)
        return (playbook, declared)
    }

    /// A warning at each owner and attendee that `people:` does not list, once `people:` lists
    /// anyone: reminders can mention only the people it gives handles, and a name that is
    /// nearly right (`Ops lead ` for `Ops Lead`) would otherwise go unmentioned in silence.
    mutating func warnAboutStrangers(owner: String?, attendees: [String], fields: Fields, people: WorkspaceConfiguration, reader: YAMLReader) {
        guard !people.people.isEmpty else { return }
        let known = people.people.map(\.name).joined(separator: ", ")
        func check(_ name: String, _ node: Node?, _ role: String) {
            guard people.person(named: name) == nil else { return }
            warnings.append(
                ValidationIssue(
                    reader.location(node),
                    "\(role) '\(name)' is not in people: in opscadence.yaml, so reminders cannot mention them (people: \(known))"))
        }
        if let owner { check(owner, fields["owner"], "owner") }
        if case .sequence(let sequence)? = fields["attendees"] {
            for node in sequence {
                if case .scalar(let scalar) = node, attendees.contains(scalar.string) { check(scalar.string, node, "attendee") }
            }
        }
    }

    /// The playbook's rung of the KPI escalation ladder. A tag decides, so that a team can place
    /// a playbook whatever its id says; without one, a dash-separated word of the id does
    /// (`daily-red-alert-check`). Two rungs from the same source are an error at that source:
    /// guessing one would escalate KPIs into the wrong meeting.
    static func rung(tags: [String], tagsNode: Node?, id: String, idNode: Node?, reader: inout YAMLReader) -> CadenceRung? {
        let tagged = CadenceRung.allCases.filter { rung in tags.contains { $0.lowercased() == rung.rawValue } }
        if tagged.count > 1 {
            reader.report(
                tagsNode,
                "tags name more than one rung of the KPI escalation ladder (\(tagged.map(\.rawValue).joined(separator: ", "))): a playbook is on at most one of daily, weekly, monthly, quarterly")
            return nil
        }
        if let rung = tagged.first { return rung }
        let words = Set(id.split(separator: "-").map(String.init))
        let named = CadenceRung.allCases.filter { words.contains($0.rawValue) }
        if named.count > 1 {
            reader.report(
                idNode,
                "id '\(id)' names more than one rung of the KPI escalation ladder (\(named.map(\.rawValue).joined(separator: ", "))): add tags: [one of them] to choose")
            return nil
        }
        return named.first
    }

    /// `acknowledge: { within: 30m, escalate: [{ target, after, message }] }`.
    mutating func parseAcknowledgement(_ node: Node?, configuration: WorkspaceConfiguration?, reader: inout YAMLReader) -> Acknowledgement? {
        guard let fields = reader.mapping(node, allowed: ["within", "escalate"], what: "acknowledge") else { return nil }
        guard let withinNode = fields["within"] else {
            reader.report(fields.node, "acknowledge needs 'within' (how long after the start it is due, such as 30m)")
            return nil
        }
        guard let within = reader.duration(withinNode, what: "within") else { return nil }
        guard (60...7 * 86_400).contains(within) else {
            reader.report(withinNode, "within must be 1m to 7d, got \(DurationText.format(within))")
            return nil
        }
        var escalations: [Acknowledgement.Escalation] = []
        for item in reader.list(fields["escalate"], what: "escalate") ?? [] {
            guard let entry = reader.mapping(item, allowed: ["target", "after", "message"], what: "an escalation") else { continue }
            guard let targetNode = entry["target"], let target = reader.nonEmptyString(targetNode, what: "target") else {
                if entry["target"] == nil { reader.report(item, "an escalation needs a target") }
                continue
            }
            if let configuration, configuration.target(named: target) == nil {
                let defined = configuration.targets.map(\.name)
                reader.report(
                    targetNode,
                    "escalation target '\(target)' is not defined in opscadence.yaml (defined: \(defined.isEmpty ? "none" : defined.joined(separator: ", ")))")
            }
            let afterNode = entry["after"]
            let after = afterNode.flatMap { reader.duration($0, what: "after") } ?? within
            if after < within {
                reader.report(afterNode ?? item, "an escalation goes out after the acknowledgement is due: after \(DurationText.format(after)) is before within \(DurationText.format(within))")
            } else if after > 7 * 86_400 {
                reader.report(afterNode ?? item, "after must be at most 7d, got \(DurationText.format(after))")
            }
            var message: String?
            if let messageNode = entry["message"], let text = reader.nonEmptyString(messageNode, what: "message") {
                if text.count > 300 { reader.report(messageNode, "message is at most 300 characters, got \(text.count)") } else { message = text }
            }
            if escalations.contains(where: { $0.target == target && $0.after == after }) {
                reader.report(targetNode, "escalation to '\(target)' after \(DurationText.format(after)) is listed twice")
                continue
            }
            escalations.append(Acknowledgement.Escalation(target: target, after: after, message: message, location: reader.location(targetNode)))
        }
        return Acknowledgement(within: within, escalations: escalations)
    }

    /// How far ahead reminder leads are checked against the schedule's gaps: two years.
    static let leadCheckWindow: Int64 = 731 * 86_400

    /// Refuses a reminder lead longer than the shortest gap between two consecutive occurrences
    /// (over the next two years, and at least three occurrences; on the wall clock, so a day
    /// before a daily meeting passes across DST changes): its reminder would be due before the
    /// occurrence ahead of it, and the planner would skip meetings. Stops at the first gap
    /// shorter than the longest lead, so a dense schedule costs little.
    func checkLeads(_ leads: [(seconds: Int, node: Node, what: String)], longest: Int, schedule: Schedule, reader: inout YAMLReader) {
        guard let gap = schedule.shortestGap(after: now, through: now + Loader.leadCheckWindow, below: Int64(longest)) else { return }
        for (seconds, node, what) in leads where Int64(seconds) > gap.seconds {
            reader.report(
                node,
                "\(what) is longer than the gap of \(DurationText.format(Int(gap.seconds))) "
                    + "between two occurrences (\(gap.earlier.rfc3339) and \(gap.later.rfc3339)): its reminder would be due before the "
                    + "occurrence ahead of it, and meetings would be skipped; a lead may be at most the shortest gap between occurrences")
        }
    }

    mutating func parseSchedule(
        _ fields: Fields, reader: inout YAMLReader, zone: ZoneRules, configuration: WorkspaceConfiguration?,
        holiday: HolidayPolicy
    ) -> (schedule: Schedule, text: String)? {
        let given = ["schedule", "cron", "rrule"].filter { fields[$0] != nil }
        guard given.count == 1, let key = given.first, let node = fields[key] else {
            if given.isEmpty {
                reader.report(fields.node, "missing the schedule: write one of schedule: (a phrase such as \"weekly on monday at 09:00\"), cron: or rrule:")
            } else {
                reader.report(fields.keys[given[1]] ?? fields.node, "write only one of schedule, cron and rrule (found \(given.joined(separator: ", ")))")
            }
            return nil
        }
        guard let text = reader.nonEmptyString(node, what: key) else { return nil }
        do {
            var schedule: Schedule
            switch key {
            case "cron": schedule = try Schedule.cron(text, zone: zone)
            case "rrule": schedule = try Schedule.rrule(text, zone: zone)
            default: schedule = try Schedule.phrase(text, zone: zone)
            }
            schedule.calendar = configuration?.calendar ?? BusinessCalendar()
            if case .phrase = schedule.source, schedule.holidayPolicy != .ignore {
                // The phrase's own business-day rule wins.
            } else {
                schedule.holidayPolicy = holiday
            }
            try schedule.checkCanFire()
            return (schedule, key == "schedule" ? text : "\(key): \(text)")
        } catch {
            reader.report(node, error.message)
            return nil
        }
    }

    mutating func parseSection(_ node: Node, reader: inout YAMLReader, configuration: WorkspaceConfiguration?) -> AgendaSection? {
        guard let fields = reader.mapping(node, allowed: ["title", "minutes", "kpis", "carry_over", "items", "show"], what: "an agenda section")
        else { return nil }
        guard let title = fields["title"].flatMap({ reader.nonEmptyString($0, what: "title") }) else {
            if fields["title"] == nil { reader.report(node, "an agenda section needs a title") }
            return nil
        }
        guard let minutesNode = fields["minutes"] else {
            reader.report(node, "agenda section '\(title)' needs minutes (its timebox)")
            return nil
        }
        guard let minutes = reader.integer(minutesNode, what: "minutes", range: 1...1440) else { return nil }
        var kpis: [String] = []
        for kpiNode in reader.list(fields["kpis"], what: "kpis") ?? [] {
            guard let key = reader.string(kpiNode, what: "a KPI key") else { continue }
            let declared = configuration?.kpis.contains { $0.key == key } ?? false
            if !Workspace.defaultKPIKeys.contains(key) && !declared {
                reader.report(
                    kpiNode,
                    "unknown KPI '\(key)' (expected one of \(Workspace.defaultKPIKeys.sorted().joined(separator: ", ")) or a KPI declared under kpis: in opscadence.yaml)")
            }
            kpis.append(key)
        }
        var show: [SectionData] = []
        for dataNode in reader.list(fields["show"], what: "show") ?? [] {
            guard let text = reader.string(dataNode, what: "show") else { continue }
            if let data = SectionData(rawValue: text) { show.append(data) } else {
                reader.report(dataNode, "unknown data '\(text)' (expected \(SectionData.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        return AgendaSection(
            title: title, minutes: minutes, kpis: kpis,
            carryOver: fields["carry_over"].flatMap { reader.bool($0, what: "carry_over") } ?? false,
            items: fields["items"].flatMap { reader.stringList($0, what: "items") } ?? [], show: show)
    }
}
