import Foundation
import Synchronization
import MaturityModel
import Recurrence
import Yams

/// A workspace: `opscadence.yaml` plus `playbooks/*.yaml`, validated as a whole.
package struct Workspace: Sendable {
    /// The workspace folder as given (relative or absolute).
    package var root: String
    package var configuration: WorkspaceConfiguration
    /// Enabled and disabled playbooks, sorted by id (``playbook(id:)`` searches them by halves).
    package private(set) var playbooks: [Playbook]
    /// Problems that do not stop the workspace from running (an optional target without its URL).
    package var warnings: [ValidationIssue]

    /// The playbook with this id: a tick looks each one up, ten thousand times in a large workspace.
    package func playbook(id: String) -> Playbook? {
        var low = 0
        var high = playbooks.count
        while low < high {
            let middle = (low + high) / 2
            if playbooks[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < playbooks.count && playbooks[low].id == id ? playbooks[low] : nil
    }

    /// The configuration file name.
    package static let configurationFile = "opscadence.yaml"
    /// The folder of playbooks inside a workspace.
    package static let playbooksFolder = "playbooks"

    /// The KPI keys every workspace knows without declaring them (the maturity model's defaults).
    /// Spelled out rather than read from `MaturityModel.standard`, whose JSON decoding would
    /// cost every idle tick a millisecond and a half; a test keeps the two equal.
    package static let defaultKPIKeys: Set<String> = [
        "order_accuracy", "forecast_mape", "stockout_rate", "fulfillment_error_rate", "manual_hours_per_week",
        "time_to_decision_hours", "cost_per_order",
    ]

    /// Reads and validates a workspace.
    ///
    /// - Parameters:
    ///   - root: The workspace folder.
    ///   - environment: Where `${env:NAME}` references are looked up.
    /// - Throws: ``WorkspaceError`` with every problem found, each with `file:line:column`.
    package static func load(at root: String, environment: [String: String]) throws(WorkspaceError) -> Workspace {
        try load(at: root, environment: environment, now: Int64(Date().timeIntervalSince1970))
    }

    /// ``load(at:environment:)`` with the instant from which reminder leads are checked against
    /// the next two years of each schedule (holidays and DST changes ahead of it count).
    static func load(at root: String, environment: [String: String], now: Int64) throws(WorkspaceError) -> Workspace {
        var loader = Loader(root: root, environment: environment, now: now)
        return try loader.load()
    }

    /// The playbook files of a workspace, sorted (without reading them).
    package static func playbookFiles(at root: String) -> [String] {
        let folder = (root as NSString).appendingPathComponent(playbooksFolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
            (folder as NSString).appendingPathComponent($0)
        }
    }
}

/// Reads and validates a workspace, collecting every problem with its position. Split by file:
/// Workspace+Configuration.swift reads `opscadence.yaml`, Workspace+Playbook.swift the playbooks.
struct Loader {
    let root: String
    let environment: [String: String]
    /// Where the window starts in which a reminder's lead is checked against the schedule's gaps.
    let now: Int64
    var issues: [ValidationIssue] = []
    var warnings: [ValidationIssue] = []

    init(root: String, environment: [String: String], now: Int64) {
        self.root = root
        self.environment = environment
        self.now = now
    }

    /// The path shown in messages: relative to the workspace when it is the current folder.
    func display(_ relative: String) -> String {
        root == "." || root.isEmpty ? relative : (root as NSString).appendingPathComponent(relative)
    }

    var absoluteRoot: String {
        let path = root.hasPrefix("/") ? root : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(root)
        return (path as NSString).standardizingPath
    }

    mutating func load() throws(WorkspaceError) -> Workspace {
        let configPath = (root as NSString).appendingPathComponent(Workspace.configurationFile)
        let configFile = display(Workspace.configurationFile)
        guard let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8) else {
            throw WorkspaceError(issues: [
                ValidationIssue(
                    SourceLocation(file: configFile, line: 1, column: 1),
                    "cannot read the workspace configuration (a workspace is a folder with opscadence.yaml and playbooks/*.yaml)")
            ])
        }
        var reader = YAMLReader(file: configFile)
        let configuration = parseConfiguration(text, reader: &reader)
        issues += reader.issues

        var playbooks: [Playbook] = []
        var idLocations: [String: SourceLocation] = [:]
        let files = Workspace.playbookFiles(at: root)
        if files.isEmpty {
            issues.append(
                ValidationIssue(
                    SourceLocation(file: display(Workspace.playbooksFolder), line: 1, column: 1),
                    "no playbooks found (expected playbooks/*.yaml)"))
        }
        for parsed in parsePlaybooks(files, configuration: configuration) {
            var fileIssues = parsed.issues
            if let (id, idLocation) = parsed.id {
                if let first = idLocations[id] {
                    fileIssues.append(ValidationIssue(idLocation, "duplicate playbook id '\(id)' (also in \(first))"))
                } else {
                    idLocations[id] = idLocation
                    if let playbook = parsed.playbook { playbooks.append(playbook) }
                }
            }
            issues += fileIssues.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
            warnings += parsed.warnings
        }
        guard issues.isEmpty, let configuration else { throw WorkspaceError(issues: issues) }
        return Workspace(
            root: root, configuration: configuration, playbooks: playbooks.sorted { $0.id < $1.id }, warnings: warnings)
    }

    /// A path setting: an absolute path is taken as written (the team said where, explicitly); a
    /// relative one is inside the workspace and may not climb out of it with `..`, so a copied
    /// or shared workspace never writes next to itself.
    func insideWorkspace(_ node: Node, what: String, reader: inout YAMLReader) -> String? {
        guard let text = reader.nonEmptyString(node, what: what) else { return nil }
        if text.hasPrefix("/") { return text }
        var depth = 0
        for part in text.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 {
                reader.report(
                    node, "\(what) '\(text)' leaves the workspace; a relative path must stay inside it (write an absolute path to put it elsewhere)")
                return nil
            }
        }
        return text
    }

    /// One playbook file, parsed.
    struct ParsedFile: Sendable {
        var playbook: Playbook?
        /// The id the file declares, even when the file has other problems.
        var id: (String, SourceLocation)?
        var issues: [ValidationIssue]
        /// Problems that do not stop it (an owner or attendee missing from `people:`).
        var warnings: [ValidationIssue] = []
    }

    /// Parses the playbook files, in order. Files are independent, so many are parsed on every
    /// core; a handful (the usual workspace, and the idle tick) stay on this thread.
    func parsePlaybooks(_ files: [String], configuration: WorkspaceConfiguration?) -> [ParsedFile] {
        let parse = { @Sendable (loader: Loader, path: String) -> ParsedFile in
            var loader = loader
            loader.warnings = []  // this file's own; the configuration's are already the caller's
            let file = loader.display(Workspace.playbooksFolder + "/" + (path as NSString).lastPathComponent)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                return ParsedFile(
                    playbook: nil, id: nil, issues: [ValidationIssue(SourceLocation(file: file, line: 1, column: 1), "cannot read the file as UTF-8 text")])
            }
            var reader = YAMLReader(file: file)
            let result = loader.parsePlaybook(text, reader: &reader, configuration: configuration)
            return ParsedFile(playbook: result.playbook, id: result.id, issues: reader.issues, warnings: loader.warnings)
        }
        guard files.count > 32 else { return files.map { parse(self, $0) } }
        let results = Mutex<[Int: ParsedFile]>([:])
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let parsed = parse(self, files[index])
            results.withLock { $0[index] = parsed }
        }
        let parsed = results.withLock { $0 }
        return files.indices.map { parsed[$0]! }
    }
}

extension Workspace {
    /// Every resolved secret (webhook URLs, signing secrets), for scrubbing logs.
    package var secretValues: [String] {
        configuration.targets.flatMap { [$0.url?.value, $0.signingSecret?.value, $0.interactionSecret?.value].compactMap { $0 } }
    }
}

extension Workspace {
    /// The maturity model's KPIs with the workspace's thresholds and additions applied.
    package var kpiDefinitions: [KPIDefinition] {
        var definitions = KPIDefinition.merged(
            defaults: MaturityModel.standard.kpis,
            overrides: configuration.kpis.map {
                KPIOverride(key: $0.key, title: $0.title, unit: $0.unit, higherIsBetter: $0.higherIsBetter, green: $0.green, red: $0.red)
            })
        let presentation = configuration.presentation
        for index in definitions.indices {
            definitions[index].presentation = presentation
            // `currency:` re-denominates the model's money KPIs; a unit the team wrote stays.
            if let symbol = presentation.currencySymbol, KPIDefinition.currencyUnits.contains(definitions[index].unit),
                configuration.kpis.first(where: { $0.key == definitions[index].key })?.unit == nil
            {
                definitions[index].unit = symbol
            }
        }
        return definitions
    }
}

extension Workspace {
    /// `holidays:` and `weekend:` of the opscadence.yaml at `root`, read as a workspace reads
    /// them (a country's rules, a calendar file inside the workspace, extra and except dates).
    static func businessCalendar(root: String, fields: Fields, reader: inout YAMLReader) -> BusinessCalendar {
        var loader = Loader(root: root, environment: [:], now: 0)
        return loader.businessCalendar(in: fields, reader: &reader)
    }
}
