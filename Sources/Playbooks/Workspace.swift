import Foundation
import Synchronization
import MaturityModel
import Recurrence
import Yams

/// A workspace: `opscadence.yaml` plus `playbooks/*.yaml`, validated as a whole.
public struct Workspace: Sendable {
    /// The workspace folder as given (relative or absolute).
    public var root: String
    public var configuration: WorkspaceConfiguration
    /// Enabled and disabled playbooks, sorted by id.
    public var playbooks: [Playbook]
    /// Problems that do not stop the workspace from running (an optional target without its URL).
    public var warnings: [ValidationIssue]

    public func playbook(id: String) -> Playbook? { playbooks.first { $0.id == id } }

    /// The configuration file name.
    public static let configurationFile = "opscadence.yaml"
    /// The folder of playbooks inside a workspace.
    public static let playbooksFolder = "playbooks"

    /// The KPI keys every workspace knows without declaring them (the maturity model's defaults).
    /// Spelled out rather than read from `MaturityModel.standard`, whose JSON decoding would
    /// cost every idle tick a millisecond and a half; a test keeps the two equal.
    public static let defaultKPIKeys: Set<String> = [
        "order_accuracy", "forecast_mape", "stockout_rate", "fulfillment_error_rate", "manual_hours_per_week",
        "time_to_decision_hours", "cost_per_order",
    ]

    /// Reads and validates a workspace.
    ///
    /// - Parameters:
    ///   - root: The workspace folder.
    ///   - environment: Where `${env:NAME}` references are looked up.
    /// - Throws: ``WorkspaceError`` with every problem found, each with `file:line:column`.
    public static func load(at root: String, environment: [String: String]) throws(WorkspaceError) -> Workspace {
        try load(at: root, environment: environment, now: Int64(Date().timeIntervalSince1970))
    }

    /// ``load(at:environment:)`` with the instant from which reminder leads are checked against
    /// the next two years of each schedule (holidays and DST changes ahead of it count).
    static func load(at root: String, environment: [String: String], now: Int64) throws(WorkspaceError) -> Workspace {
        var loader = Loader(root: root, environment: environment, now: now)
        return try loader.load()
    }

    /// The playbook files of a workspace, sorted (without reading them).
    public static func playbookFiles(at root: String) -> [String] {
        let folder = (root as NSString).appendingPathComponent(playbooksFolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map {
            (folder as NSString).appendingPathComponent($0)
        }
    }
}

private struct Loader {
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

    // MARK: opscadence.yaml

    static let configurationKeys = [
        "timezone", "state", "output", "agenda_url", "holidays", "weekend", "targets", "network", "delivery", "kpis",
        "web", "people", "kpi_escalation", "locale", "currency",
    ]
    static let targetKeys = ["kind", "url", "secret", "signing_secret", "buttons", "optional", "retry", "rate_limit"]

    mutating func parseConfiguration(_ text: String, reader: inout YAMLReader) -> WorkspaceConfiguration? {
        guard let node = reader.root(text), let fields = reader.mapping(node, allowed: Loader.configurationKeys, what: "opscadence.yaml")
        else { return nil }
        let zone = reader.teamZone(in: fields) ?? ZoneRules.utc
        let state = fields["state"].flatMap { insideWorkspace($0, what: "state", reader: &reader) } ?? ".opscadence/state.sqlite"
        let output = fields["output"].flatMap { insideWorkspace($0, what: "output", reader: &reader) } ?? "agendas"
        var agendaBaseURL: String?
        if let node = fields["agenda_url"], let text = reader.nonEmptyString(node, what: "agenda_url") {
            let components = URLComponents(string: text)
            if Loader.hasUserInfo(text) {
                // Every reminder carries this link: a password in it would be posted to every
                // chat. Not quoted, for the same reason.
                reader.report(
                    node,
                    "agenda_url must not carry a user name or password (user:password@host): every reminder shows this link; serve the agendas without credentials in the URL, such as https://ops.example.com/agendas")
            } else if let scheme = components?.scheme?.lowercased(), scheme == "https" || scheme == "http", components?.host?.isEmpty == false,
                components?.query == nil, components?.fragment == nil
            {
                agendaBaseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                reader.report(node, "expected agenda_url as an http(s) URL where the output folder is served, such as https://ops.example.com/agendas, got \"\(text)\"")
            }
        }

        let web = parseWeb(fields["web"], reader: &reader)
        let people = parsePeople(fields["people"], reader: &reader)

        let calendar = businessCalendar(in: fields, reader: &reader)

        var denyPrivate = false
        if let network = reader.mapping(fields["network"], allowed: ["deny_private"], what: "network") {
            denyPrivate = reader.bool(network["deny_private"], what: "deny_private") ?? false
        }
        var concurrency = 8
        var timeout = 20
        if let delivery = reader.mapping(fields["delivery"], allowed: ["concurrency", "timeout"], what: "delivery") {
            concurrency = reader.integer(delivery["concurrency"], what: "concurrency", range: 1...64) ?? 8
            if let node = delivery["timeout"], let seconds = reader.duration(node, what: "timeout") {
                if (1...120).contains(seconds) { timeout = seconds } else { reader.report(node, "timeout must be 1s to 2m") }
            }
        }

        var escalation = KPILadder.Thresholds()
        if let ladder = reader.mapping(fields["kpi_escalation"], allowed: ["daily_to_weekly", "weekly_to_monthly"], what: "kpi_escalation") {
            escalation.dailyToWeekly = reader.integer(ladder["daily_to_weekly"], what: "daily_to_weekly", range: 1...100) ?? escalation.dailyToWeekly
            escalation.weeklyToMonthly =
                reader.integer(ladder["weekly_to_monthly"], what: "weekly_to_monthly", range: 1...100) ?? escalation.weeklyToMonthly
        }

        var targets: [Target] = []
        for (name, keyNode, value) in reader.namedEntries(fields["targets"], what: "targets") {
            if let target = parseTarget(name: name, keyNode: keyNode, value: value, reader: &reader) { targets.append(target) }
        }

        var kpis: [KPISettings] = []
        for (key, keyNode, value) in reader.namedEntries(fields["kpis"], what: "kpis") {
            guard let kpi = reader.mapping(value, allowed: ["title", "unit", "direction", "green", "red"], what: "KPI '\(key)'") else {
                continue
            }
            var direction: Bool?
            if let node = kpi["direction"], let text = reader.string(node, what: "direction") {
                switch text {
                case "higher", "higher_is_better": direction = true
                case "lower", "lower_is_better": direction = false
                default: reader.report(node, "expected direction as higher or lower (which way is better), got \"\(text)\"")
                }
            }
            let settings = KPISettings(
                key: key, title: kpi["title"].flatMap { reader.nonEmptyString($0, what: "title") },
                unit: kpi["unit"].flatMap { node in reader.string(node, what: "unit").flatMap { reader.oneLine($0, node: node, what: "unit") } }, higherIsBetter: direction,
                green: kpi["green"].flatMap { reader.number($0, what: "green") },
                red: kpi["red"].flatMap { reader.number($0, what: "red") }, location: reader.location(keyNode))
            if !Workspace.defaultKPIKeys.contains(key) {
                if settings.title == nil { reader.report(keyNode, "KPI '\(key)' is not a default KPI, so it needs a title") }
                if direction == nil { reader.report(keyNode, "KPI '\(key)' is not a default KPI, so it needs a direction (higher or lower)") }
            }
            if !key.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) || key.isEmpty {
                reader.report(keyNode, "KPI key '\(key)' must be lowercase letters, digits and underscores")
            }
            if let green = settings.green, let red = settings.red {
                if green == red {
                    reader.report(keyNode, "KPI '\(key)': green and red thresholds must differ")
                } else if let higher = direction, higher ? green < red : green > red {
                    reader.report(
                        keyNode,
                        "KPI '\(key)': green \(green) and red \(red) are the wrong way round for direction \(higher ? "higher" : "lower")")
                }
            }
            kpis.append(settings)
        }

        var presentation = Presentation()
        if let node = fields["locale"], let text = reader.string(node, what: "locale") {
            if let supported = Presentation.supportedLocales.first(where: { $0.caseInsensitiveCompare(text.replacingOccurrences(of: "_", with: "-")) == .orderedSame }) {
                presentation.locale = supported
            } else {
                reader.report(node, "unsupported locale '\(text)' (expected one of \(Presentation.supportedLocales.joined(separator: ", ")))")
            }
        }
        if let node = fields["currency"], let text = reader.string(node, what: "currency") {
            if Presentation.currencies[text] != nil {
                presentation.currency = text
            } else {
                reader.report(
                    node, "unknown currency '\(text)' (expected an ISO 4217 code: \(Presentation.currencies.keys.sorted().joined(separator: ", ")))")
            }
        }
        // Buttons post back to the web app: without its address and key there is nothing to
        // click through to, and the reminders go out with neither buttons nor links.
        if web.url == nil || (web.secret == nil && web.secretProblem == nil) {
            for target in targets where target.interactionSecret != nil || target.buttons {
                warnings.append(
                    ValidationIssue(
                        target.location,
                        "target '\(target.name)' asks for buttons, but reminders get them only when web: { url, secret } is set"))
            }
        }
        return WorkspaceConfiguration(
            timeZone: zone, statePath: absolute(state), outputPath: absolute(output),
            calendar: calendar, targets: targets,
            denyPrivateNetworks: denyPrivate, deliveryConcurrency: concurrency, deliveryTimeout: timeout, kpis: kpis,
            outputFolder: output.hasSuffix("/") && output.count > 1 ? String(output.dropLast()) : output, agendaBaseURL: agendaBaseURL,
            web: web, people: people, kpiEscalation: escalation, presentation: presentation)
    }

    /// `holidays:` and `weekend:` (Saturday and Sunday unless given); bad entries are reported.
    mutating func businessCalendar(in fields: Fields, reader: inout YAMLReader) -> BusinessCalendar {
        let holidays = parseHolidays(fields["holidays"], reader: &reader)
        var weekend: Set<Weekday> = [.saturday, .sunday]
        if let weekendNodes = reader.list(fields["weekend"], what: "weekend") {
            weekend = []
            for item in weekendNodes {
                guard let text = reader.string(item, what: "a weekend day") else { continue }
                if let day = CadencePhrase.weekday(text.lowercased()) { weekend.insert(day) } else {
                    reader.report(item, "\"\(text)\" is not a day of the week (expected monday … sunday)")
                }
            }
            if weekend.count == 7 { reader.report(fields["weekend"], "weekend cannot cover all seven days") }
        }
        return BusinessCalendar(namedHolidays: holidays, weekend: weekend)
    }

    /// The years a country's rules and a calendar file's yearly events are expanded for.
    static let holidayYears = 2000...2099

    /// `holidays:` as a list of dates (`[2026-12-25, …]`), or `{ country, region, ics, extra, except }`.
    mutating func parseHolidays(_ node: Node?, reader: inout YAMLReader) -> [Holiday] {
        guard let node else { return [] }
        if case .sequence = node { return parseHolidayDates(node, what: "holidays", reader: &reader) }
        guard let fields = reader.mapping(node, allowed: ["country", "region", "ics", "extra", "except"], what: "holidays") else {
            return []
        }
        var holidays: [Holiday] = []
        let rules = HolidayRules.builtIn
        if let countryNode = fields["country"], let code = reader.nonEmptyString(countryNode, what: "holidays.country") {
            if let country = rules.country(code) {
                var region: String?
                if let regionNode = fields["region"], let text = reader.nonEmptyString(regionNode, what: "holidays.region") {
                    if country.regions.contains(where: { $0.code == text.uppercased() }) {
                        region = text
                    } else if country.regions.isEmpty {
                        reader.report(regionNode, "\(country.code) (\(country.name)) has no regions in the holiday rules; remove region")
                    } else {
                        reader.report(
                            regionNode,
                            "unknown region '\(text)' for \(country.code) (expected one of: \(country.regions.map(\.code).joined(separator: ", ")))")
                    }
                }
                holidays += rules.holidays(country: country.code, region: region, years: Loader.holidayYears) ?? []
            } else {
                reader.report(
                    countryNode,
                    "unknown holiday country '\(code)' (supported: \(rules.countries.map(\.code).sorted().joined(separator: ", ")))")
            }
        } else if let regionNode = fields["region"] {
            reader.report(regionNode, "holidays.region needs holidays.country")
        }
        if let icsNode = fields["ics"], let path = insideWorkspace(icsNode, what: "holidays.ics", reader: &reader) {
            holidays += readHolidayCalendar(path, node: icsNode, reader: &reader)
        }
        if fields["country"] == nil && fields["ics"] == nil && fields["extra"] == nil {
            reader.report(node, "holidays needs country (e.g. { country: DE, region: BY }), ics (a calendar file) or extra (dates)")
        }
        holidays += parseHolidayDates(fields["extra"], what: "holidays.extra", reader: &reader)
        let removed = Set(parseHolidayDates(fields["except"], what: "holidays.except", reader: &reader).map(\.date))
        return holidays.filter { !removed.contains($0.date) }
    }

    /// A list of `YYYY-MM-DD`, each optionally followed by a name: `2026-12-24 Company closure`.
    mutating func parseHolidayDates(_ node: Node?, what: String, reader: inout YAMLReader) -> [Holiday] {
        var holidays: [Holiday] = []
        for item in reader.list(node, what: what) ?? [] {
            guard let text = reader.string(item, what: "a holiday") else { continue }
            let name = text.dropFirst(10).drop { $0 == " " }
            if let date = CivilDate(iso: text.prefix(10)), text.count == 10 || text.dropFirst(10).first == " " {
                holidays.append(Holiday(date: date, name: String(name)))
            } else {
                reader.report(item, "expected a holiday as a date YYYY-MM-DD (optionally followed by its name), got \"\(text)\"")
            }
        }
        return holidays
    }

    /// The holidays of an iCalendar file; its problems are reported at the file's own lines.
    mutating func readHolidayCalendar(_ path: String, node: Node, reader: inout YAMLReader) -> [Holiday] {
        guard let data = FileManager.default.contents(atPath: absolute(path)), let text = String(data: data, encoding: .utf8) else {
            reader.report(node, "cannot read the holiday calendar '\(path)' as UTF-8 text")
            return []
        }
        do {
            let holidays = try ICalendarHolidays.parse(text, years: Loader.holidayYears)
            if holidays.isEmpty { reader.report(node, "the holiday calendar '\(path)' has no events (VEVENT with DTSTART)") }
            return holidays
        } catch {
            reader.report(SourceLocation(file: path.hasPrefix("/") ? path : display(path), line: error.line, column: 1), error.message)
            return []
        }
    }

    /// `web: { url, secret }`. The secret is read like a target's, but an unset one does not
    /// stop ticks: only `serve` needs it, and says why it is missing.
    mutating func parseWeb(_ node: Node?, reader: inout YAMLReader) -> WebSettings {
        var settings = WebSettings()
        guard let web = reader.mapping(node, allowed: ["url", "secret"], what: "web") else { return settings }
        if let node = web["url"], let text = reader.nonEmptyString(node, what: "web.url") {
            let components = URLComponents(string: text)
            if Loader.hasUserInfo(text) {
                reader.report(node, "web.url must not carry a user name or password (user:password@host): every sign-in link and reminder shows it")
            } else if let scheme = components?.scheme?.lowercased(), scheme == "https" || scheme == "http", components?.host?.isEmpty == false,
                components?.query == nil, components?.fragment == nil
            {
                settings.url = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                reader.report(node, "expected web.url as the http(s) address the team opens, such as https://ops.example.com, got \"\(text)\"")
            }
        }
        if let node = web["secret"] {
            var unset: [String] = []
            settings.secret = secret(node, what: "web.secret", optional: true, unset: &unset, reader: &reader)
            settings.secretProblem = unset.first
            if let value = settings.secret?.value, value.utf8.count < 32 {
                settings.secret = nil
                reader.report(node, "web.secret is \(value.utf8.count) bytes; it signs sign-in sessions and must be at least 32 (openssl rand -base64 32)")
            }
        }
        return settings
    }

    /// `people: [{ name, role, slack, discord, teams, googlechat, mattermost, email }]`, names
    /// unique regardless of case, each handle of its platform's shape.
    mutating func parsePeople(_ node: Node?, reader: inout YAMLReader) -> [Person] {
        var people: [Person] = []
        for item in reader.list(node, what: "people") ?? [] {
            guard let fields = reader.mapping(item, allowed: ["name", "role"] + Person.Handles.keys, what: "a person") else { continue }
            guard let nameNode = fields["name"] else {
                reader.report(item, "a person needs a name (people: - { name: Ops Lead, role: admin })")
                continue
            }
            guard let name = reader.nonEmptyString(nameNode, what: "name") else { continue }
            guard name.count <= 80 else {
                reader.report(nameNode, "a name is at most 80 characters, got \(name.count)")
                continue
            }
            var role = Person.Role.member
            if let roleNode = fields["role"], let text = reader.string(roleNode, what: "role") {
                guard let parsed = Person.Role(rawValue: text) else {
                    reader.report(roleNode, "expected role as admin or member, got \"\(text)\"")
                    continue
                }
                role = parsed
            }
            var handles = Person.Handles()
            for key in Person.Handles.keys {
                guard let node = fields[key], let value = reader.nonEmptyString(node, what: key) else { continue }
                if let expected = Person.Handles.problem(key: key, value: value) {
                    // Handles are no secret, but a malformed one may be anything: not echoed.
                    reader.report(node, "\(key) of '\(name)' is not \(expected)")
                } else {
                    handles[key] = value
                }
            }
            if people.contains(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
                reader.report(nameNode, "person '\(name)' is listed twice")
                continue
            }
            people.append(Person(name: name, role: role, handles: handles))
        }
        return people
    }

    /// Whether a URL's authority holds user info (`https://user:pass@host/`), whether or not
    /// the rest of it parses.
    static func hasUserInfo(_ text: String) -> Bool {
        guard let separator = text.range(of: "://") else { return text.hasPrefix("//") && hasUserInfo("x:" + text) }
        let authority = text[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : ((absoluteRoot as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    mutating func parseTarget(name: String, keyNode: Node, value: Node, reader: inout YAMLReader) -> Target? {
        if name.isEmpty || !name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }) {
            reader.report(keyNode, "target name '\(name)' must be lowercase letters, digits, dashes and underscores")
        }
        guard let fields = reader.mapping(value, allowed: Loader.targetKeys, what: "target '\(name)'") else { return nil }
        var kind: Target.Kind?
        if let node = fields["kind"] {
            if let text = reader.string(node, what: "kind") {
                kind = Target.Kind(rawValue: text)
                if kind == nil {
                    reader.report(node, "unknown target kind '\(text)' (expected \(Target.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
        } else {
            reader.report(keyNode, "target '\(name)' is missing 'kind' (\(Target.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let isOptional = fields["optional"].flatMap { reader.bool($0, what: "optional") } ?? false
        var unset: [String] = []
        var url: Secret?
        if let node = fields["url"] {
            url = secret(node, what: "url of target '\(name)'", optional: isOptional, unset: &unset, reader: &reader)
            if let value = url?.value {
                let scheme = URLComponents(string: value)?.scheme?.lowercased()
                let host = URLComponents(string: value)?.host
                if scheme != "http" && scheme != "https" || host == nil || host!.isEmpty {
                    reader.report(node, "url of target '\(name)' (from \(url!.reference)) is not an http or https URL")
                    url = nil
                } else if value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == " " }) {
                    reader.report(node, "url of target '\(name)' (from \(url!.reference)) contains spaces or line breaks")
                    url = nil
                }
            }
        } else {
            reader.report(keyNode, "target '\(name)' is missing 'url' (write url: ${env:NAME} or url: ${file:PATH})")
        }
        var signing: Secret?
        if let node = fields["secret"] {
            if kind != nil && kind != .generic {
                reader.report(node, "'secret' signs generic webhooks only; target '\(name)' is \(kind!.rawValue)")
            }
            signing = secret(node, what: "secret of target '\(name)'", optional: isOptional, unset: &unset, reader: &reader)
        }
        var interactionSecret: Secret?
        if let node = fields["signing_secret"] {
            if kind != nil && kind != .slack {
                reader.report(node, "'signing_secret' verifies Slack button clicks; target '\(name)' is \(kind!.rawValue) (generic targets sign with 'secret')")
            }
            interactionSecret = secret(node, what: "signing_secret of target '\(name)'", optional: isOptional, unset: &unset, reader: &reader)
        }
        var buttons = false
        if let node = fields["buttons"], let value = reader.bool(node, what: "buttons") {
            if value && kind != nil && kind != .mattermost {
                reader.report(
                    node,
                    "'buttons' is for mattermost targets; target '\(name)' is \(kind!.rawValue)"
                        + (kind == .slack ? " (a Slack target gets buttons with signing_secret: ${env:NAME})" : ""))
            }
            buttons = value
        }
        var maxAttempts = 12
        var maxAge = 86_400
        if let retry = reader.mapping(fields["retry"], allowed: ["max_attempts", "max_age"], what: "retry") {
            maxAttempts = reader.integer(retry["max_attempts"], what: "max_attempts", range: 1...100) ?? 12
            if let node = retry["max_age"], let seconds = reader.duration(node, what: "max_age") {
                if seconds < 60 { reader.report(node, "max_age must be at least 1m") } else { maxAge = seconds }
            }
        }
        var interval = kind.map(Target.defaultInterval(for:)) ?? 0
        if let node = fields["rate_limit"], let text = reader.string(node, what: "rate_limit") {
            if let parsed = Loader.rateLimit(text) {
                if parsed > Loader.longestRateLimitInterval {
                    reader.report(
                        node,
                        "rate_limit \"\(text)\" is too slow: it must allow at least one request an hour (e.g. 1/s, 30/min, 1/min, or none)")
                } else {
                    interval = parsed
                }
            } else {
                reader.report(node, "expected rate_limit as N/s or N/min (e.g. 1/s, 30/min) or none, got \"\(text)\"")
            }
        }
        // An optional target with an unset variable is disabled, not broken.
        if !unset.isEmpty {
            warnings.append(
                ValidationIssue(
                    reader.location(keyNode),
                    "target '\(name)' is skipped: \(unset.joined(separator: ", ")) (optional target)"))
            url = nil
            signing = nil
            interactionSecret = nil
        }
        guard let kind else { return nil }
        var target = Target(
            name: name, kind: kind, url: url, signingSecret: signing, isOptional: isOptional, maxAttempts: maxAttempts,
            maxAge: maxAge, minimumInterval: interval, location: reader.location(keyNode))
        target.interactionSecret = interactionSecret
        target.buttons = buttons
        return target
    }

    /// The longest gap between two requests a `rate_limit` may ask for, in seconds (one an hour).
    static let longestRateLimitInterval: Double = 3600

    /// The gap in seconds between two requests that `N/s` or `N/min` asks for; 0 for `none`;
    /// nil when the text is not a rate. The caller checks the range.
    static func rateLimit(_ text: String) -> Double? {
        if text == "none" || text == "0" { return 0 }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let n = Double(parts[0]), n.isFinite, n > 0 else { return nil }
        switch parts[1] {
        case "s", "sec", "second": return 1 / n
        case "min", "m", "minute": return 60 / n
        default: return nil
        }
    }

    mutating func secret(
        _ node: Node, what: String, optional: Bool, unset: inout [String], reader: inout YAMLReader
    ) -> Secret? {
        guard let text = reader.nonEmptyString(node, what: what, hint: "expected ${env:NAME} or ${file:PATH}") else { return nil }
        guard SecretReference.containsReference(text) else {
            // Never echo the value: it is probably the secret itself.
            reader.report(node, "\(what) is a secret: write ${env:NAME} or ${file:PATH} instead of the value")
            return nil
        }
        switch SecretReference.resolve(text, environment: environment, baseDirectory: absoluteRoot) {
        case .success(let value):
            return Secret(value: value, reference: text)
        case .failure(.unsetVariable(let name)):
            if optional {
                unset.append("$\(name) not set")
            } else {
                reader.report(node, "environment variable \(name) is not set (\(what); set it, or mark the target optional: true)")
            }
            return nil
        case .failure(.unreadableFile(let path)):
            if optional { unset.append("secret file \(path) cannot be read") } else { reader.report(node, "cannot read secret file \(path) (\(what))") }
            return nil
        case .failure(.malformed):
            // Not quoted: what follows `${` may be the secret itself.
            reader.report(
                node, "\(what) has a malformed reference (expected ${env:NAME}, NAME in letters, digits and underscores, or ${file:PATH})")
            return nil
        }
    }

    // MARK: playbooks/*.yaml

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
        var leadNodes: [(seconds: Int, node: Node)] = []
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
            if before > 0, let node = entry["before"] { leadNodes.append((before, node)) }
        }
        if let schedule, let longest = leadNodes.map(\.seconds).max() {
            checkLeads(leadNodes, longest: longest, schedule: schedule.schedule, reader: &reader)
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
                reader.report(item, "expected a checklist item as a string or a mapping of keys (item, owner, due)")
                continue
            }
            guard let entry = reader.mapping(item, allowed: ["item", "owner", "due"], what: "a checklist item") else { continue }
            guard let text = entry["item"].flatMap({ reader.nonEmptyString($0, what: "item") }) else {
                if entry["item"] == nil { reader.report(item, "a checklist entry needs 'item'") }
                continue
            }
            checklist.append(
                ChecklistItem(
                    item: text, owner: entry["owner"].flatMap { reader.nonEmptyString($0, what: "owner") },
                    due: entry["due"].flatMap { reader.duration($0, what: "due", allowNegative: true) }))
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
    func checkLeads(_ leads: [(seconds: Int, node: Node)], longest: Int, schedule: Schedule, reader: inout YAMLReader) {
        guard let gap = schedule.shortestGap(after: now, through: now + Loader.leadCheckWindow, below: Int64(longest)) else { return }
        for (seconds, node) in leads where Int64(seconds) > gap.seconds {
            reader.report(
                node,
                "reminder before: \(DurationText.format(seconds)) is longer than the gap of \(DurationText.format(Int(gap.seconds))) "
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

extension Workspace {
    /// Every resolved secret (webhook URLs, signing secrets), for scrubbing logs.
    public var secretValues: [String] {
        configuration.targets.flatMap { [$0.url?.value, $0.signingSecret?.value, $0.interactionSecret?.value].compactMap { $0 } }
    }
}

extension Workspace {
    /// The maturity model's KPIs with the workspace's thresholds and additions applied.
    public var kpiDefinitions: [KPIDefinition] {
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
