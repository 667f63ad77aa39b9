import Agendas
import ArgumentParser
import CadenceEngine
import Foundation
import Timekeeping
import Playbooks
import Recurrence
import StateStore

/// `--workspace DIR`: where opscadence.yaml and playbooks/ live.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace folder.", valueName: "DIR"))
    var workspace: String = "."

    /// Reads and validates the workspace; an invalid one stops the command before anything is written.
    func load() throws -> Workspace {
        guard FileManager.default.fileExists(atPath: workspace) else {
            throw CLIError("--workspace: \(workspace) does not exist (expected a folder with opscadence.yaml and playbooks/)")
        }
        let loaded = try WorkspacePrefetch.take(path: workspace) ?? Workspace.load(at: workspace, environment: ProcessInfo.processInfo.environment)
        try loaded.checkTargets()
        return loaded
    }

    /// The workspace's agenda templates, parsed: a template that does not parse is an error
    /// naming its file, line and column before anything is recorded.
    func renderer(for workspace: Workspace) throws -> AgendaRenderer {
        try WorkspacePrefetch.takeRenderer(root: workspace.root) ?? AgendaRenderer(workspaceRoot: workspace.root)
    }

    /// Opens the state for writing, creating it on first use.
    func openStore(_ workspace: Workspace) throws -> StateStore {
        try workspace.openState()
    }

    /// Opens the state for writing if it exists; nil when nothing has been recorded yet. For
    /// commands that change existing records: failing on an empty workspace must not leave a new
    /// state file behind.
    func openExistingStore(_ workspace: Workspace) throws -> StateStore? {
        try workspace.openStateIfPresent(readOnly: false)
    }

    /// Opens the state for reading, or nil when nothing has been recorded yet.
    func openStoreIfPresent(_ workspace: Workspace) throws -> StateStore? {
        try workspace.openStateIfPresent(readOnly: true)
    }
}

/// `--now INSTANT`: replaces the clock, for replays and tests.
struct ClockOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Use this instant as the current time (RFC 3339), for replays and tests.", valueName: "INSTANT"))
    var now: String?

    /// The command's one source of time: the system's, or wall time started at `--now`.
    func timeline() throws -> Timeline {
        guard let now else { return .system }
        return .starting(at: try Arguments.instant(now, option: "--now"))
    }

    func instant() throws -> Int64 { try timeline().now }
}

enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Parsing helpers that produce one-line errors naming the option.
enum Arguments {
    /// Instants the CLI accepts: 2000-01-01 to 2200-01-01. Anything outside is a typo, and a
    /// bound keeps a replay from recording tens of thousands of occurrences in year -25353.
    static let instants: ClosedRange<Int64> = 946_684_800...7_258_118_400
    /// The longest catch-up `--since` asks for: a little over a year.
    static let longestSince: Int64 = 400 * 86_400

    /// Refuses line breaks and control characters in arguments that are stored or shown as one
    /// line (``FieldText``, the rule the playbook loader applies too), naming the argument and
    /// never echoing the value. Call it before the workspace is touched, so nothing is written.
    ///
    /// - Parameter fields: Each value (nil when not given) with its name as the usage shows
    ///   it: `TEXT`, `--owner`.
    static func requireOneLine(_ fields: (value: String?, name: String)...) throws {
        for (value, name) in fields {
            guard let value else { continue }
            do {
                try FieldText.checkOneLine(value, field: name)
            } catch {
                throw CLIError(error.description)
            }
        }
    }

    static func instant(_ text: String, option: String) throws -> Int64 {
        guard let value = RFC3339.parseInstant(text) else {
            throw CLIError("\(option): expected an RFC 3339 instant such as 2026-03-08T06:00:00Z or 2026-03-08T01:00:00-05:00, got \"\(text)\"")
        }
        guard instants.contains(value) else {
            throw CLIError("\(option): \(text) is out of range (expected an instant between 2000-01-01 and 2200-01-01)")
        }
        return value
    }

    static func zone(_ name: String?, option: String = "--tz") throws -> ZoneRules {
        let identifier = name ?? ZoneRules.systemIdentifier
        do {
            return try ZoneRules(identifier: identifier)
        } catch {
            throw CLIError("\(option): \(error.message)")
        }
    }

    /// The zone and business calendar of `next` and `explain`. Inside a workspace (given with
    /// `--workspace`, or the current folder when it holds opscadence.yaml) they are its
    /// `timezone:`, `holidays:` and `weekend:`, so a schedule typed there means what it would in
    /// a playbook; `--tz` overrides the zone; outside one, the system zone and no holidays.
    static func scheduleSettings(tz: String?, workspace: String?) throws -> (zone: ZoneRules, calendar: BusinessCalendar?) {
        let root = workspace ?? "."
        if let workspace, !FileManager.default.fileExists(atPath: (workspace as NSString).appendingPathComponent(Workspace.configurationFile)) {
            throw CLIError("--workspace: \(workspace) has no \(Workspace.configurationFile) (expected a folder with opscadence.yaml and playbooks/)")
        }
        let settings = try Workspace.scheduleSettings(at: root)
        let zone = tz != nil || settings == nil ? try zone(tz) : settings!.zone
        return (zone, settings?.calendar)
    }

    static func date(_ text: String, option: String) throws -> CivilDate {
        guard let date = CivilDate(iso: text) else {
            throw CLIError("\(option): expected a date YYYY-MM-DD, got \"\(text)\"")
        }
        guard (2000...2199).contains(date.year) else {
            throw CLIError("\(option): \(text) is out of range (expected a date between 2000-01-01 and 2199-12-31)")
        }
        return date
    }

    /// A length such as `15m`, `2h` or `1d`, at most `maximum` seconds.
    static func duration(_ text: String, option: String, maximum: Int = 400 * 86_400) throws -> Int {
        guard let seconds = DurationText.parse(text), seconds >= 0 else {
            throw CLIError("\(option): expected a duration such as 15m, 2h or 1d, got \"\(text)\"")
        }
        guard seconds <= maximum else {
            throw CLIError("\(option): \(text) is too long (at most \(DurationText.format(maximum)))")
        }
        return seconds
    }

    /// `--since`: an instant, or a duration ago (`7d`, `12h`) relative to `now`, at most
    /// ``longestSince`` before `now` and not after it.
    static func since(_ text: String, option: String = "--since", now: Int64) throws -> Int64 {
        let value: Int64
        if let seconds = DurationText.parse(text), seconds > 0 {
            guard Int64(seconds) <= longestSince else {
                throw CLIError("\(option): \(text) is too far back (at most 400d)")
            }
            value = now - Int64(seconds)
        } else if let instant = RFC3339.parseInstant(text) {
            value = instant
        } else {
            throw CLIError("\(option): expected an RFC 3339 instant (2026-11-30T00:00:00Z) or a duration ago (7d, 12h), got \"\(text)\"")
        }
        guard value <= now else { throw CLIError("\(option): \(text) is after the current time; --since starts a catch-up in the past") }
        guard now - value <= longestSince else { throw CLIError("\(option): \(text) is too far back (at most 400 days before now)") }
        return value
    }
}

extension Workspace {
    /// The playbook with this id, or an error listing the ids there are.
    func requirePlaybook(_ id: String) throws -> Playbook {
        guard let playbook = playbook(id: id) else {
            throw CLIError("unknown playbook '\(id)' (expected one of: \(playbooks.map(\.id).joined(separator: ", ")))")
        }
        return playbook
    }
}

extension Playbook {
    /// The occurrence `--at` names, or a one-line error.
    func occurrence(at text: String, now: Int64, option: String = "--at") throws -> Occurrence {
        guard let selection = OccurrenceSelection(text) else {
            throw CLIError("\(option): expected next, last, nearest, an RFC 3339 instant or a date YYYY-MM-DD, got \"\(text)\"")
        }
        // The bounds of every instant and date the CLI takes.
        switch selection {
        case .instant: _ = try Arguments.instant(text, option: option)
        case .date: _ = try Arguments.date(text, option: option)
        case .next, .last, .nearest: break
        }
        switch occurrence(selection, now: now) {
        case .success(let o): return o
        case .failure(let error): throw CLIError("\(option): \(error.message)")
        }
    }
}
