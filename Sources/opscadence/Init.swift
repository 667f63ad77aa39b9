import ArgumentParser
import Foundation
import Playbooks
import Recurrence
import StarterWorkspace

extension OpsCadence {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Start a workspace: opscadence.yaml and the shipped playbooks, from a few questions.",
            discussion: """
                On a terminal, asks for what no option gives (Enter takes the default in brackets). Without a \
                terminal, or with --yes, takes the options and defaults. Never overwrites: a folder that already \
                has opscadence.yaml or playbooks/*.yaml is refused.

                Examples:
                  opscadence init
                  opscadence init ops --yes --timezone Europe/Berlin --country DE --region BY --chat msteams
                  opscadence init --yes --cadences daily,weekly --format json
                """)

        @Argument(help: ArgumentHelp("The folder to create the workspace in (default: --workspace, else the current folder).", valueName: "DIR"))
        var directory: String?

        @Option(name: .long, help: ArgumentHelp("The workspace folder (the same as DIR).", valueName: "DIR"))
        var workspace: String?

        @Flag(help: "Ask nothing: take the options given and the defaults.")
        var yes = false

        @Option(help: ArgumentHelp("IANA time zone of the team (default: this machine's).", valueName: "ZONE"))
        var timezone: String?

        @Option(help: ArgumentHelp("Country for public holidays, ISO 3166 (default: the time zone's country), or none.", valueName: "CC"))
        var country: String?

        @Option(help: ArgumentHelp("Region of the country for its regional holidays (e.g. BY, ENG, NSW).", valueName: "CODE"))
        var region: String?

        @Option(help: ArgumentHelp("Currency of the money KPIs, ISO 4217 (default: the country's), or none.", valueName: "CODE"))
        var currency: String?

        @Option(help: ArgumentHelp("Locale for dates and numbers: \(Presentation.supportedLocales.joined(separator: ", ")) (default: the country's), or none.", valueName: "LOCALE"))
        var locale: String?

        @Option(help: ArgumentHelp("Chat service for reminders: \(StarterWorkspace.chatKinds.joined(separator: ", ")) (default slack).", valueName: "KIND"))
        var chat: String?

        @Option(help: ArgumentHelp("Environment variable that will hold the webhook URL (default OPS_<KIND>_WEBHOOK).", valueName: "NAME"))
        var webhookEnv: String?

        @Option(
            help: ArgumentHelp(
                "Cadences to include, comma-separated: \(StarterWorkspace.Cadence.allCases.map(\.rawValue).joined(separator: ", ")) (default: all but transformation).",
                valueName: "LIST"))
        var cadences: String?

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        struct Created: Encodable {
            var workspace: String
            var files: [String]
            var nextSteps: [String]
            enum CodingKeys: String, CodingKey { case workspace, files, nextSteps = "next_steps" }
        }

        func run() async throws {
            if let directory, let workspace, directory != workspace {
                throw CLIError("DIR and --workspace name different folders (\(directory), \(workspace)); give one")
            }
            let folder = directory ?? workspace ?? "."
            try Self.checkEmpty(folder)
            let asking = !yes && isatty(0) == 1
            var answers = try answersFromOptions()
            if asking { try ask(&answers) }
            let files = StarterWorkspace.files(for: answers)
            let made = Self.missingFolders(folder)
            try Self.write(files, into: folder)
            // What init writes must load: checked here, so a mistake in it never reaches a user's first tick.
            do {
                _ = try Workspace.load(at: folder, environment: [:])
            } catch {
                Self.remove(files, from: folder)
                for path in made.reversed() { rmdir(path) }
                throw CLIError("the new workspace does not validate, so nothing was kept: \(error)")
            }
            let flag = folder == "." ? "" : " --workspace \(Self.shellQuoted(folder))"
            let next = [
                "export \(answers.webhookVariable)='https://…'   # the webhook URL; then: opscadence notify test --target ops-chat\(flag)",
                "opscadence upcoming\(flag)",
                "opscadence install cron\(flag)   # prints the crontab line that ticks every minute",
            ]
            if format == .json {
                return try Output.json(Created(workspace: folder, files: files.map(\.path), nextSteps: next))
            }
            let playbooks = files.filter { $0.path.hasPrefix("playbooks/") }.count
            Output.line("Created \(folder == "." ? "this workspace" : folder): opscadence.yaml and \(playbooks) playbook\(playbooks == 1 ? "" : "s").")
            Output.line("Next:")
            for (index, step) in next.enumerated() { Output.line("  \(index + 1). \(step)") }
        }

        /// The answers the options give, checked, with defaults for the rest.
        func answersFromOptions() throws -> StarterWorkspace.Answers {
            let zone = timezone ?? ZoneRules.systemIdentifier
            try Self.checkZone(zone, option: "--timezone")
            var answers = StarterWorkspace.Answers(timeZone: zone)
            answers.country = try Self.country(country ?? Self.country(ofZone: zone) ?? "none", option: "--country")
            if let region {
                guard answers.country != nil else { throw CLIError("--region: needs --country") }
                answers.region = try Self.region(region, of: answers.country, option: "--region")
            }
            answers.currency = try Self.currency(currency ?? StarterWorkspace.Answers.currency(of: answers.country) ?? "none", option: "--currency")
            answers.locale = try Self.locale(locale ?? StarterWorkspace.Answers.locale(of: answers.country) ?? "none", option: "--locale")
            let kind = chat ?? "slack"
            guard StarterWorkspace.chatKinds.contains(kind) else {
                throw CLIError("--chat: expected one of \(StarterWorkspace.chatKinds.joined(separator: ", ")), got \"\(kind)\"")
            }
            answers.chatKind = kind
            answers.webhookVariable = try Self.variable(webhookEnv ?? StarterWorkspace.Answers.defaultVariable(for: kind), option: "--webhook-env")
            if let cadences { answers.cadences = try Self.cadences(cadences, option: "--cadences") }
            return answers
        }

        /// Asks, on the terminal, for what no option gave; a wrong answer is asked again.
        func ask(_ answers: inout StarterWorkspace.Answers) throws {
            func prompt<T>(_ question: String, default value: String, _ parse: (String) throws -> T) throws -> T {
                while true {
                    Output.document("\(question) [\(value)]: ")
                    guard let line = readLine() else { throw CLIError("no answer to \"\(question)\"; nothing written") }
                    let text = line.trimmingCharacters(in: .whitespaces)
                    do { return try parse(text.isEmpty ? value : text) } catch { Output.line("  \(error)") }
                }
            }
            if timezone == nil {
                answers.timeZone = try prompt("Time zone of the team", default: answers.timeZone) { text in
                    try Self.checkZone(text, option: "time zone")
                    return text
                }
                if country == nil { answers.country = Self.country(ofZone: answers.timeZone) }
            }
            if country == nil {
                answers.country = try prompt("Country for public holidays (ISO code, or none)", default: answers.country ?? "none") {
                    try Self.country($0, option: "country")
                }
            }
            if region == nil, let country = answers.country, !(HolidayRules.builtIn.country(country)?.regions.isEmpty ?? true) {
                answers.region = try prompt("Region for regional holidays (e.g. BY, ENG, NSW), or none", default: "none") { text in
                    text.lowercased() == "none" ? nil : try Self.region(text, of: answers.country, option: "region")
                }
            }
            if currency == nil {
                answers.currency = try prompt("Currency of your money KPIs (ISO code, or none)", default: StarterWorkspace.Answers.currency(of: answers.country) ?? "none") {
                    try Self.currency($0, option: "currency")
                }
            }
            if locale == nil { answers.locale = StarterWorkspace.Answers.locale(of: answers.country) }
            if chat == nil {
                answers.chatKind = try prompt("Chat for reminders (\(StarterWorkspace.chatKinds.joined(separator: ", ")))", default: answers.chatKind) { text in
                    guard StarterWorkspace.chatKinds.contains(text) else { throw CLIError("expected one of \(StarterWorkspace.chatKinds.joined(separator: ", "))") }
                    return text
                }
                if webhookEnv == nil { answers.webhookVariable = StarterWorkspace.Answers.defaultVariable(for: answers.chatKind) }
            }
            if webhookEnv == nil {
                answers.webhookVariable = try prompt("Environment variable for its webhook URL", default: answers.webhookVariable) {
                    try Self.variable($0, option: "variable")
                }
            }
            if cadences == nil {
                Output.line("Cadences:")
                for cadence in StarterWorkspace.Cadence.allCases { Output.line("  \(cadence.rawValue): \(cadence.summary)") }
                answers.cadences = try prompt("Include (comma-separated)", default: answers.cadences.map(\.rawValue).joined(separator: ",")) {
                    try Self.cadences($0, option: "cadences")
                }
            }
        }

        // MARK: Checks

        static func checkEmpty(_ folder: String) throws {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CLIError("\(folder) is a file, not a folder")
            }
            if FileManager.default.fileExists(atPath: folder + "/opscadence.yaml") {
                throw CLIError("\(folder) already has opscadence.yaml; init never overwrites a workspace (validate it with opscadence validate)")
            }
            let playbooks = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/playbooks")) ?? []
            if playbooks.contains(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) {
                throw CLIError("\(folder)/playbooks already has playbooks; init never overwrites them")
            }
        }

        static func checkZone(_ zone: String, option: String) throws {
            do { _ = try ZoneRules(identifier: zone) } catch { throw CLIError("\(option): \(error.message)") }
        }

        /// The country `zone.tab` gives a zone (Europe/Berlin → DE); nil for none.
        static func country(ofZone zone: String) -> String? {
            guard let text = try? String(contentsOfFile: ZoneRules.databaseDirectory + "/zone.tab", encoding: .utf8) else { return nil }
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let fields = line.split(separator: "\t")
                if fields.count >= 3, fields[2] == zone { return String(fields[0]) }
            }
            return nil
        }

        static func country(_ text: String, option: String) throws -> String? {
            if text.lowercased() == "none" { return nil }
            guard let country = HolidayRules.builtIn.country(text) else {
                throw CLIError(
                    "\(option): expected a country with holiday rules (\(HolidayRules.builtIn.countries.map(\.code).sorted().joined(separator: ", "))) or none, got \"\(text)\"")
            }
            return country.code
        }

        /// A region of `country` its rules know (BY, ENG, NSW).
        static func region(_ text: String, of country: String?, option: String) throws -> String {
            let code = text.uppercased()
            let regions = country.flatMap { HolidayRules.builtIn.country($0) }?.regions.map(\.code) ?? []
            guard regions.contains(code) else {
                throw CLIError(
                    regions.isEmpty
                        ? "\(option): \(country ?? "this country") has no regions in the holiday rules; answer none"
                        : "\(option): expected one of \(regions.joined(separator: ", ")) or none, got \"\(text)\"")
            }
            return code
        }

        static func currency(_ text: String, option: String) throws -> String? {
            if text.lowercased() == "none" { return nil }
            let code = text.uppercased()
            guard Presentation.currencies[code] != nil else {
                throw CLIError("\(option): expected one of \(Presentation.currencies.keys.sorted().joined(separator: ", ")) or none, got \"\(text)\"")
            }
            return code
        }

        static func locale(_ text: String, option: String) throws -> String? {
            if text.lowercased() == "none" { return nil }
            guard let locale = Presentation.supportedLocales.first(where: { $0.caseInsensitiveCompare(text.replacingOccurrences(of: "_", with: "-")) == .orderedSame })
            else { throw CLIError("\(option): expected one of \(Presentation.supportedLocales.joined(separator: ", ")) or none, got \"\(text)\"") }
            return locale
        }

        static func variable(_ text: String, option: String) throws -> String {
            guard let first = text.first, first.isLetter || first == "_",
                text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else { throw CLIError("\(option): expected an environment variable name such as OPS_SLACK_WEBHOOK, got \"\(text)\"") }
            return text
        }

        static func cadences(_ text: String, option: String) throws -> [StarterWorkspace.Cadence] {
            var result: [StarterWorkspace.Cadence] = []
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !part.isEmpty {
                guard let cadence = StarterWorkspace.Cadence(rawValue: part) else {
                    throw CLIError(
                        "\(option): unknown cadence \"\(part)\" (expected \(StarterWorkspace.Cadence.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if !result.contains(cadence) { result.append(cadence) }
            }
            guard !result.isEmpty else { throw CLIError("\(option): name at least one cadence") }
            return result
        }

        // MARK: Writing

        /// Writes every file, or none: each goes to a temporary name first, then all are linked
        /// into place; a failure removes what this run made and nothing else.
        static func write(_ files: [(path: String, text: String)], into folder: String) throws {
            let manager = FileManager.default
            var staged: [(temporary: String, final: String)] = []
            var placed: [String] = []
            defer { for file in staged { unlink(file.temporary) } }
            do {
                try manager.createDirectory(atPath: folder + "/playbooks", withIntermediateDirectories: true)
                for file in files {
                    let final = folder + "/" + file.path
                    let temporary = final + ".init-\(ProcessInfo.processInfo.processIdentifier)"
                    try Data(file.text.utf8).write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
                    staged.append((temporary, final))
                }
                for file in staged {
                    // link(2) fails if the name exists: a file that appeared meanwhile is not replaced.
                    guard link(file.temporary, file.final) == 0 else {
                        throw CLIError("cannot create \(file.final): \(String(cString: strerror(errno)))")
                    }
                    placed.append(file.final)
                }
            } catch {
                for path in placed { unlink(path) }
                throw error
            }
        }

        /// The folders writing will create, outermost first, to take away again on failure.
        static func missingFolders(_ folder: String) -> [String] {
            [folder, folder + "/playbooks"].filter { !FileManager.default.fileExists(atPath: $0) }
        }

        static func remove(_ files: [(path: String, text: String)], from folder: String) {
            for file in files { unlink(folder + "/" + file.path) }
        }

        static func shellQuoted(_ text: String) -> String {
            text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
