import Foundation
import Recurrence

extension Workspace {
    /// The `timezone:`, `holidays:` and `weekend:` of the workspace at `root`, read on their own.
    ///
    /// `next` and `explain` only need the team's zone and business calendar: validating the
    /// whole workspace would stop them over an unset webhook variable or a broken playbook that
    /// has nothing to do with the expression asked about. These keys are still checked, with
    /// their positions.
    ///
    /// - Parameter root: The workspace folder.
    /// - Returns: nil when `root` holds no `opscadence.yaml`.
    /// - Throws: ``WorkspaceError`` when the file cannot be read, is not YAML, or these keys are
    ///   missing (`timezone`) or invalid.
    package static func scheduleSettings(at root: String) throws(WorkspaceError) -> (zone: ZoneRules, calendar: BusinessCalendar)? {
        let path = (root as NSString).appendingPathComponent(configurationFile)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = root == "." || root.isEmpty ? configurationFile : path
        var reader = YAMLReader(file: file)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            reader.report(SourceLocation(file: file, line: 1, column: 1), "cannot read the file as UTF-8 text")
            throw WorkspaceError(issues: reader.issues)
        }
        var zone: ZoneRules?
        var calendar = BusinessCalendar()
        if let node = reader.root(text), let fields = reader.mapping(node, allowed: [], what: configurationFile) {
            zone = reader.teamZone(in: fields)
            calendar = Workspace.businessCalendar(root: root, fields: fields, reader: &reader)
        }
        guard let zone, reader.issues.isEmpty else {
            if reader.issues.isEmpty {
                reader.report(
                    SourceLocation(file: file, line: 1, column: 1), "missing key 'timezone' (the IANA zone of the team, e.g. America/New_York)")
            }
            throw WorkspaceError(issues: reader.issues)
        }
        return (zone, calendar)
    }
}

extension YAMLReader {
    /// The required `timezone:` of opscadence.yaml; a missing key or an unknown zone is reported.
    mutating func teamZone(in fields: Fields) -> ZoneRules? {
        guard let zoneNode = fields["timezone"] else {
            report(fields.node, "missing key 'timezone' (the IANA zone of the team, e.g. America/New_York)")
            return nil
        }
        guard let name = string(zoneNode, what: "timezone") else { return nil }
        do {
            return try ZoneRules(identifier: name)
        } catch {
            report(zoneNode, error.message)
            return nil
        }
    }
}
