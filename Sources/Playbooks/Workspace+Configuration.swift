import Delivery
import Foundation
import MaturityModel
import Recurrence
import Yams

/// Reading `opscadence.yaml`: settings, targets, holidays, the web app and its people.
extension Loader {
    static let configurationKeys = [
        "timezone", "state", "output", "agenda_url", "holidays", "weekend", "targets", "network", "delivery", "kpis",
        "web", "people", "kpi_escalation", "locale", "currency",
    ]
    static let targetKeys = ["kind", "url", "secret", "signing_secret", "buttons", "optional", "retry", "rate_limit"]

    mutating func parseConfiguration(_ text: String, reader: inout YAMLReader) -> WorkspaceConfiguration? {
        guard let node = reader.root(text), let fields = reader.mapping(node, allowed: Loader.configurationKeys, what: "opscadence.yaml")
        else { return nil }
        let zone = reader.teamZone(in: fields) ?? ZoneRules.utc
        var stateDatabase: Secret?
        var state = ".opscadence/state.sqlite"
        if let node = fields["state"] {
            if let text = reader.nonEmptyString(node, what: "state"), Loader.isDatabaseState(text) {
                stateDatabase = databaseState(node, text: text, reader: &reader)
            } else if let path = insideWorkspace(node, what: "state", reader: &reader) {
                state = path
            }
        }
        let output = fields["output"].flatMap { insideWorkspace($0, what: "output", reader: &reader) } ?? "agendas"
        var agendaBaseURL: String?
        if let node = fields["agenda_url"] {
            // Every reminder carries this link: a password in it would be posted to every chat.
            agendaBaseURL = publicLink(
                node, what: "agenda_url", reader: &reader,
                userInfo: "every reminder shows this link; serve the agendas without credentials in the URL, such as https://ops.example.com/agendas",
                expected: "an http(s) URL where the output folder is served, such as https://ops.example.com/agendas")
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
            web: web, people: people, kpiEscalation: escalation, presentation: presentation, stateDatabase: stateDatabase)
    }

    /// Whether a `state:` value names a PostgreSQL database rather than a file: a
    /// `postgres://` URL, or a `${env:…}`/`${file:…}` reference (only a URL may be secret).
    static func isDatabaseState(_ text: String) -> Bool {
        Secret.isPostgresURL(text) || SecretReference.containsReference(text)
    }

    /// `state: postgres://…`: a URL written out may name the user, host and database but not a
    /// password (the file is shared and read by people); the password comes with the whole URL
    /// from `${env:NAME}` or `${file:PATH}`. The value is never quoted in an error.
    mutating func databaseState(_ node: Node, text: String, reader: inout YAMLReader) -> Secret? {
        var unset: [String] = []
        let secret: Secret
        if SecretReference.containsReference(text) {
            guard let resolved = self.secret(node, what: "state", optional: false, unset: &unset, reader: &reader, unsetHint: "set it to the postgres:// URL")
            else { return nil }
            secret = resolved
        } else {
            if Secret.urlHasPassword(text) {
                reader.report(
                    node,
                    "state URL carries a password: write state: ${env:NAME} (or ${file:PATH}) and put the whole postgres:// URL there, so the password stays out of opscadence.yaml")
                return nil
            }
            secret = Secret(value: text, reference: "state")
        }
        guard Secret.isPostgresURL(secret.value) else {
            reader.report(node, "state from \(text) must be a postgres://user@host:port/database URL (a state file is written as a path)")
            return nil
        }
        do {
            _ = try DatabaseURL(parsing: secret.value)
        } catch {
            // The URL itself is not quoted: it may come from a secret (the problem never holds the password).
            reader.report(node, "state URL\(secret.reference == "state" ? "" : " from \(text)") is not valid: \(error.detail)")
            return nil
        }
        return secret
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
        if let countryNode = fields["country"], let code = reader.nonEmptyString(countryNode, what: "holidays.country") {
            if let rules = HolidayRules.builtIn(country: code), let country = rules.country(code) {
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
                    "unknown holiday country '\(code)' (supported: \(HolidayRules.builtIn.countries.map(\.code).sorted().joined(separator: ", ")))")
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
        if let node = web["url"] {
            settings.url = publicLink(
                node, what: "web.url", reader: &reader, userInfo: "every sign-in link and reminder shows it",
                expected: "the http(s) address the team opens, such as https://ops.example.com")
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
    /// A link the team and every chat see (`agenda_url`, `web.url`): http(s) with a host, no
    /// query or fragment, and no user info (not quoted then: it may hold a password). Without
    /// its trailing slash.
    func publicLink(_ node: Node, what: String, reader: inout YAMLReader, userInfo: String, expected: String) -> String? {
        guard let text = reader.nonEmptyString(node, what: what) else { return nil }
        if Loader.hasUserInfo(text) {
            reader.report(node, "\(what) must not carry a user name or password (user:password@host): \(userInfo)")
            return nil
        }
        guard let url = try? SecretURL(text), url.isWeb, !text.contains("?"), !text.contains("#") else {
            reader.report(node, "expected \(what) as \(expected), got \"\(text)\"")
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

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
            if let secret = url {
                // Parsed as the sender parses it, so validate and a delivery never disagree.
                do {
                    let parsed = try SecretURL(secret.value)
                    if !parsed.isWeb {
                        reader.report(node, "url of target '\(name)' (from \(secret.reference)) is not an http or https URL")
                        url = nil
                    }
                } catch {
                    reader.report(node, "url of target '\(name)' (from \(secret.reference)): \(error.message)")
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
        _ node: Node, what: String, optional: Bool, unset: inout [String], reader: inout YAMLReader,
        unsetHint: String = "set it, or mark the target optional: true"
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
        case .failure(.unsetVariable(let name)), .failure(.emptyVariable(let name)):
            let empty = environment[name] != nil
            if optional {
                unset.append("$\(name) \(empty ? "is empty" : "not set")")
            } else {
                reader.report(node, "environment variable \(name) \(empty ? "is empty" : "is not set") (\(what); \(unsetHint))")
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
}
