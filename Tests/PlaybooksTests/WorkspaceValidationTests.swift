import Foundation
import MaturityModel
import OpsCadenceTesting
import Testing

@testable import Playbooks

/// The repository root, which is itself the shipped workspace.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let validConfig = """
    timezone: America/New_York
    holidays: [2026-12-25]
    targets:
      ops-chat:
        kind: slack
        url: ${env:TEST_SLACK_URL}
    """

let validPlaybook = """
    id: weekly-kpi-review
    title: Weekly KPI review
    schedule: weekly on monday at 09:00
    duration: 30m
    remind:
      - { target: ops-chat, before: 15m }
    agenda:
      - { title: KPI scorecard, minutes: 10, kpis: [order_accuracy] }
      - { title: Action items, minutes: 20, carry_over: true }
    checklist:
      - { item: Update the scorecard, owner: Ops Lead, due: -1h }
    """

/// - Parameter now: where reminder leads start being checked against the schedule (the real
///   clock when nil).
func workspace(
    config: String = validConfig, playbooks: [String: String],
    environment: [String: String] = ["TEST_SLACK_URL": "https://hooks.slack.com/services/T0/B0/secret-token"], now: Int64? = nil
)
    -> (TemporaryDirectory, Result<Workspace, WorkspaceError>)
{
    let dir = TemporaryDirectory()
    dir.write("opscadence.yaml", config)
    for (name, text) in playbooks { dir.write("playbooks/\(name)", text) }
    do {
        if let now { return (dir, .success(try Workspace.load(at: dir.path, environment: environment, now: now))) }
        return (dir, .success(try Workspace.load(at: dir.path, environment: environment)))
    } catch {
        return (dir, .failure(error))
    }
}

func issues(config: String = validConfig, playbooks: [String: String], environment: [String: String]? = nil, now: Int64? = nil) -> [String] {
    let (dir, result) =
        environment.map { workspace(config: config, playbooks: playbooks, environment: $0, now: now) }
        ?? workspace(config: config, playbooks: playbooks, now: now)
    switch result {
    case .success: return []
    case .failure(let error):
        // Paths relative to the workspace keep expectations short.
        return error.issues.map { $0.description.replacingOccurrences(of: dir.path + "/", with: "") }
    }
}

@Suite struct WorkspaceValidationTests {
    @Test func validWorkspaceLoads() throws {
        let (_, result) = workspace(playbooks: ["weekly.yaml": validPlaybook])
        let ws = try result.get()
        #expect(ws.playbooks.map(\.id) == ["weekly-kpi-review"])
        let playbook = try #require(ws.playbook(id: "weekly-kpi-review"))
        #expect(playbook.duration == 1800)
        #expect(playbook.reminders.first?.before == 900)
        #expect(playbook.checklist.first?.due == -3600)
        #expect(playbook.catchUp == .latest)
        #expect(ws.configuration.target(named: "ops-chat")?.url?.description == "https://hooks.slack.com/…")
        #expect(ws.warnings.isEmpty)
    }

    @Test func defaultKPIKeysAreTheMaturityModelsKPIs() {
        #expect(Workspace.defaultKPIKeys == Set(MaturityModel.standard.kpis.map(\.key)))
    }

    @Test func checklistItemMayBeAPlainString() throws {
        let text = validPlaybook.replacingOccurrences(
            of: "  - { item: Update the scorecard, owner: Ops Lead, due: -1h }", with: "  - Update the scorecard\n  - { item: Send the notes, owner: Ops Lead }")
        let (_, result) = workspace(playbooks: ["weekly.yaml": text])
        let playbook = try #require(try result.get().playbook(id: "weekly-kpi-review"))
        #expect(playbook.checklist.map(\.item) == ["Update the scorecard", "Send the notes"])
        #expect(playbook.checklist.map(\.owner) == [nil, "Ops Lead"])
    }

    @Test func shippedWorkspaceValidates() throws {
        let ws = try Workspace.load(at: repositoryRoot, environment: [:])
        #expect(ws.playbooks.count == 9)
        for id in ["daily-red-alert-check", "weekly-kpi-review", "monthly-process-improvement", "quarterly-maturity-assessment", "annual-strategic-planning"] {
            #expect(ws.playbook(id: id) != nil)
        }
        #expect(ws.playbooks.filter { $0.id.hasPrefix("transformation-") }.count == 4)
        // Optional targets without their variables are skipped with a warning, not an error.
        #expect(ws.warnings.count == 2)
        #expect(ws.configuration.targets.allSatisfy { !$0.isEnabled })
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var expected: String
        var testDescription: String { name }
    }

    static let playbookCases: [Case] = {
        var cases: [Case] = []
        func add(_ name: String, _ text: String, _ expected: String) { cases.append(Case(name: name, text: text, expected: expected)) }
        add("unknown key", validPlaybook + "\nshedule: daily at 09:00\n",
         "playbooks/p.yaml:12:1: unknown key 'shedule' in a playbook (expected one of: id, title, description, schedule, cron, rrule, timezone, duration, owner, attendees, holiday, catch_up, grace, remind, agenda, checklist, enabled, acknowledge, tags)")
        add("wrong type", validPlaybook.replacingOccurrences(of: "title: Weekly KPI review", with: "title: [a, b]"),
         "playbooks/p.yaml:2:8: expected title as text")
        add("timebox over duration", validPlaybook.replacingOccurrences(of: "minutes: 20", with: "minutes: 25"),
         "playbooks/p.yaml:7:1: agenda timeboxes add up to 35 minutes, more than the duration 30m")
        add("undefined target", validPlaybook.replacingOccurrences(of: "target: ops-chat", with: "target: ops-chta"),
         "playbooks/p.yaml:6:15: reminder target 'ops-chta' is not defined in opscadence.yaml (defined: ops-chat)")
        add("bad cron", validPlaybook.replacingOccurrences(of: "schedule: weekly on monday at 09:00", with: "cron: \"0 9 32 * *\""),
         "playbooks/p.yaml:3:7: cron field 3 (day of month): 32 is out of range 1-31")
        add("bad phrase", validPlaybook.replacingOccurrences(of: "weekly on monday at 09:00", with: "weekly on funday at 09:00"),
         "playbooks/p.yaml:3:11: cadence phrase \"weekly on funday at 09:00\": \"funday\" is not a day of the week (expected monday … sunday)")
        add("bad rrule", validPlaybook.replacingOccurrences(of: "schedule: weekly on monday at 09:00", with: "rrule: FREQ=WEEKLY;BYDAY=XX"),
         "playbooks/p.yaml:3:8: RRULE part BYDAY: \"XX\" is not a day (expected e.g. MO, 1MO, -1FR)")
        add("unknown zone", validPlaybook + "\ntimezone: Mars/Base\n",
         "playbooks/p.yaml:12:11: unknown time zone \"Mars/Base\" (expected an IANA name such as America/New_York)")
        add("two schedules", validPlaybook + "\ncron: \"0 9 * * 1\"\n",
         "playbooks/p.yaml:12:1: write only one of schedule, cron and rrule (found schedule, cron)")
        add("bad duration", validPlaybook.replacingOccurrences(of: "duration: 30m", with: "duration: half an hour"),
         "playbooks/p.yaml:4:11: expected duration as a duration such as 15m, 1h or 1h30m, got \"half an hour\"")
        add("unknown KPI", validPlaybook.replacingOccurrences(of: "kpis: [order_accuracy]", with: "kpis: [conversion]"),
         "playbooks/p.yaml:8:49: unknown KPI 'conversion' (expected one of cost_per_order, forecast_mape, fulfillment_error_rate, manual_hours_per_week, order_accuracy, stockout_rate, time_to_decision_hours or a KPI declared under kpis: in opscadence.yaml)")
        add("bad policy", validPlaybook + "\ncatch_up: sometimes\n",
         "playbooks/p.yaml:12:11: unknown catch_up policy 'sometimes' (expected all, latest or none)")
        add("missing title", validPlaybook.replacingOccurrences(of: "title: Weekly KPI review\n", with: ""),
         "playbooks/p.yaml:1:1: missing key 'title'")
        add("bad id", validPlaybook.replacingOccurrences(of: "id: weekly-kpi-review", with: "id: Weekly KPI"),
         "playbooks/p.yaml:1:5: id 'Weekly KPI' must be lowercase letters, digits and dashes (e.g. weekly-kpi-review)")
        add("never fires", validPlaybook.replacingOccurrences(of: "schedule: weekly on monday at 09:00", with: "cron: \"0 9 * * 6,0\"") + "\nholiday: skip\n",
         "playbooks/p.yaml:3:7: cron \"0 9 * * 6,0\" in America/New_York can never fire: every occurrence falls on a weekend or holiday and the holiday policy is skip")
        add("nested list as checklist item", validPlaybook.replacingOccurrences(of: "  - { item: Update the scorecard, owner: Ops Lead, due: -1h }", with: "  - [Update the scorecard]"),
         "playbooks/p.yaml:11:5: expected a checklist item as a string or a mapping of keys (item, owner, due, remind)")
        add("yaml syntax", "id: x\ntitle: [unclosed\n",
         "playbooks/p.yaml:3:1: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'")
        add("title with a line break", validPlaybook.replacingOccurrences(of: "title: Weekly KPI review", with: "title: \"Weekly\\n# Injected\""),
         "playbooks/p.yaml:2:8: title must be one line (longer text belongs in description)")
        add("checklist item with a line break", validPlaybook.replacingOccurrences(of: "item: Update the scorecard", with: "item: \"Update\\n- [x] forged\""),
         "playbooks/p.yaml:11:13: item must be one line (longer text belongs in description)")
        // Yams's message for this quotes the whole file; only the key and where it repeats are shown.
        add("duplicate key", validPlaybook + "\ntitle: https://hooks.slack.com/services/T0/B0/SECRET\n",
         "playbooks/p.yaml:12:1: duplicate key 'title' (a key may appear once in a mapping)")
        add("duplicate nested key", validPlaybook.replacingOccurrences(of: "  - { item: Update the scorecard, owner: Ops Lead, due: -1h }", with: "  - item: Update the scorecard\n    owner: Ops Lead\n    owner: Founder"),
         "playbooks/p.yaml:13:5: duplicate key 'owner' (a key may appear once in a mapping)")
        add("remind without due", validPlaybook.replacingOccurrences(of: "due: -1h }", with: "remind: true }"),
         "playbooks/p.yaml:11:52: remind: true needs 'due', a time before the start (such as due: -1h)")
        add("remind due after the start", validPlaybook.replacingOccurrences(of: "due: -1h }", with: "due: 1h, remind: true }"),
         "playbooks/p.yaml:11:61: remind: true needs 'due' before the start (such as -1h), not 1h after it")
        add("remind without targets",
            validPlaybook.replacingOccurrences(of: "remind:\n  - { target: ops-chat, before: 15m }\n", with: "")
                .replacingOccurrences(of: "due: -1h }", with: "due: -1h, remind: true }"),
         "playbooks/p.yaml:9:62: remind: true needs the playbook's 'remind:' targets to send the item's reminders to; this playbook has none")
        add("remind not a bool", validPlaybook.replacingOccurrences(of: "due: -1h }", with: "due: -1h, remind: often }"),
         "playbooks/p.yaml:11:70: expected remind as true or false")
        return cases
    }()

    @Test(arguments: WorkspaceValidationTests.playbookCases)
    func playbookErrors(_ c: Case) {
        #expect(issues(playbooks: ["p.yaml": c.text]) == [c.expected], "\(c.name)")
    }

    @Test func everyErrorIsReportedInOneRun() {
        let broken = validPlaybook
            .replacingOccurrences(of: "title: Weekly KPI review", with: "title: [a]")
            .replacingOccurrences(of: "target: ops-chat", with: "target: nowhere")
            .replacingOccurrences(of: "duration: 30m", with: "duration: 30 minutes")
        let found = issues(playbooks: ["a.yaml": broken, "b.yaml": validPlaybook.replacingOccurrences(of: "minutes: 20", with: "minutes: 99")])
        // Three in a.yaml, b.yaml's section, and b.yaml repeating a.yaml's id.
        #expect(found.count == 5, "\(found)")
        #expect(found.filter { $0.hasPrefix("playbooks/a.yaml") }.count == 3)
        #expect(found.contains { $0.contains("duplicate playbook id") })
    }

    /// A duplicate id and a schedule that can never fire are reported with the file's other
    /// problems, not only once those are fixed.
    @Test func duplicateIdsAndDeadSchedulesComeWithTheOtherProblems() {
        let broken = validPlaybook
            .replacingOccurrences(of: "duration: 30m", with: "duration: 30 minutes")
        let neverFires = """
            id: weekly-kpi-review
            title: Never
            cron: "0 0 31 2 *"
            duration: 15x
            """
        let found = issues(playbooks: ["a.yaml": broken, "b.yaml": neverFires])
        #expect(found.contains { $0.hasPrefix("playbooks/a.yaml") && $0.contains("30 minutes") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("playbooks/b.yaml:3:7") && $0.contains("can never fire") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("playbooks/b.yaml:4:11") && $0.contains("15x") }, "\(found)")
        #expect(found.contains { $0 == "playbooks/b.yaml:1:5: duplicate playbook id 'weekly-kpi-review' (also in playbooks/a.yaml:1:5)" }, "\(found)")
    }

    /// "Billion laughs": nine levels of aliases, each repeating the one before nine times.
    /// Refused at the entry that expands too far, without expanding it.
    @Test func aliasExpansionIsBounded() {
        var lines = ["id: laughs", "title: Laughs", "cron: \"0 9 * * *\"", "duration: 15m", "attendees: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...8 {
            lines.append("x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        let found = issues(playbooks: ["a.yaml": lines.joined(separator: "\n") + "\n"])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("playbooks/a.yaml:") == true)
        #expect(found.first?.contains("expands to more than 50000 YAML values or 1024 KB of text") == true, "\(found)")
    }

    /// Few values can still be megabytes: one 100 KB scalar repeated by 3,000 aliases is
    /// 300 MB of checklist (a 121 KB file that validated, then took 36 s and 1 GB to render).
    @Test func aliasedTextIsBounded() {
        let text = String(repeating: "x", count: 100_000)
        let lines = ["id: long", "title: Long", "cron: \"0 9 * * *\"", "duration: 15m", "description: &s \(text)", "checklist:"]
            + Array(repeating: "  - *s", count: 3000)
        let found = issues(playbooks: ["a.yaml": lines.joined(separator: "\n") + "\n"])
        #expect(found.count == 1, "\(found.map { $0.prefix(200) })")
        #expect(found.first?.hasPrefix("playbooks/a.yaml:6:1:") == true, "\(found.map { $0.prefix(200) })")
        #expect(found.first?.contains("or 1024 KB of text") == true)
        // The same text without aliases, and a few aliases of it, are fine.
        let few = ["id: long", "title: Long", "cron: \"0 9 * * *\"", "duration: 15m", "description: &s \(text)", "checklist:"]
            + Array(repeating: "  - *s", count: 5)
        #expect(issues(playbooks: ["a.yaml": few.joined(separator: "\n") + "\n"]).allSatisfy { !$0.contains("expands to more than") })
    }

    /// Relative paths stay inside the workspace; an absolute one is taken as written.
    @Test(arguments: [
        ("output: ../elsewhere", "output '../elsewhere' leaves the workspace"),
        ("state: data/../../x/state.sqlite", "state 'data/../../x/state.sqlite' leaves the workspace"),
    ])
    func pathsDoNotClimbOutOfTheWorkspace(line: String, message: String) {
        let found = issues(config: validConfig + "\n" + line + "\n", playbooks: ["a.yaml": validPlaybook])
        #expect(found.count == 1 && found[0].hasPrefix("opscadence.yaml:7:") && found[0].contains(message), "\(found)")
        #expect(issues(config: validConfig + "\noutput: /srv/agendas\nstate: ./data/../data/s.sqlite\n", playbooks: ["a.yaml": validPlaybook]).isEmpty)
    }

    /// `state:` names a PostgreSQL database by URL: written out without a password, or whole
    /// through a reference; a password written out is refused without being quoted.
    @Test func stateMayBeAPostgresDatabase() throws {
        let environment = ["TEST_SLACK_URL": "https://hooks.slack.com/services/T0/B0/secret-token", "OPS_DB": "postgres://ops:s3cret-pw@db.internal:5433/ops"]
        let (_, plain) = workspace(config: validConfig + "\nstate: postgres://ops@db.internal/ops\n", playbooks: ["a.yaml": validPlaybook])
        #expect(try plain.get().configuration.stateDatabase?.value == "postgres://ops@db.internal/ops")
        let (_, referenced) = workspace(
            config: validConfig + "\nstate: ${env:OPS_DB}\n", playbooks: ["a.yaml": validPlaybook], environment: environment)
        let configuration = try referenced.get().configuration
        #expect(configuration.stateDatabase?.value == "postgres://ops:s3cret-pw@db.internal:5433/ops")
        #expect(!"\(configuration.stateDatabase!)".contains("s3cret"))

        let literal = issues(config: validConfig + "\nstate: postgres://ops:s3cret-pw@db.internal/ops\n", playbooks: ["a.yaml": validPlaybook])
        #expect(literal.count == 1 && literal[0].hasPrefix("opscadence.yaml:7:8:") && literal[0].contains("carries a password"), "\(literal)")
        #expect(!literal.joined().contains("s3cret"))
        let notAURL = issues(
            config: validConfig + "\nstate: ${env:TEST_SLACK_URL}\n", playbooks: ["a.yaml": validPlaybook],
            environment: environment)
        #expect(notAURL.count == 1 && notAURL[0].contains("must be a postgres://user@host:port/database URL"), "\(notAURL)")
        #expect(!notAURL.joined().contains("secret-token"))
        let unset = issues(config: validConfig + "\nstate: ${env:NOT_SET_HERE}\n", playbooks: ["a.yaml": validPlaybook], environment: environment)
        #expect(unset.count == 1 && unset[0].contains("NOT_SET_HERE is not set"), "\(unset)")
        // A password as a query parameter is a password too, written out or not.
        let inQuery = issues(config: validConfig + "\nstate: postgres://ops@db.internal/ops?password=s3cret-pw\n", playbooks: ["a.yaml": validPlaybook])
        #expect(inQuery.count == 1 && inQuery[0].hasPrefix("opscadence.yaml:7:8:") && inQuery[0].contains("carries a password"), "\(inQuery)")
        #expect(!inQuery.joined().contains("s3cret"))
    }

    /// A database URL that does not parse is found by validate, at the `state:` field, without
    /// quoting the URL (it may come from a secret), before any command tries to connect.
    @Test(arguments: [
        ("postgres://ops:s3cret-pw@db.internal/ops?sslmode=bogus", "sslmode 'bogus' is not one of"),
        ("postgres://ops:s3cret-pw@db.internal:99999/ops", "the port '99999' is not a number from 1 to 65535"),
        ("postgres://ops:s3cret-pw@db.internal/ops?schema=a;drop", "schema 'a;drop' is not a valid name"),
        ("postgres://ops:s3cret-pw@db.internal/ops?connect_timeout=abc", "connect_timeout 'abc' is not a number of seconds"),
        ("postgres://ops@db.internal/ops?sslmode=disable&password=s3cret-pw", "a password does not go in the URL's query"),
    ])
    func aMalformedDatabaseURLIsAnErrorAtTheStateField(url: String, message: String) {
        let found = issues(config: validConfig + "\nstate: ${env:OPS_DB}\n", playbooks: ["a.yaml": validPlaybook], environment: ["TEST_SLACK_URL": "https://hooks.slack.com/services/T0/B0/x", "OPS_DB": url])
        #expect(found.count == 1 && found[0].hasPrefix("opscadence.yaml:7:8: state URL from ${env:OPS_DB} is not valid: ") && found[0].contains(message), "\(found)")
        #expect(!found.joined().contains("s3cret"))
    }

    @Test func duplicateIdsNameBothFiles() {
        #expect(issues(playbooks: ["a.yaml": validPlaybook, "b.yaml": validPlaybook]) == [
            "playbooks/b.yaml:1:5: duplicate playbook id 'weekly-kpi-review' (also in playbooks/a.yaml:1:5)"
        ])
    }

    @Test func unsetVariableOfRequiredTargetIsAnError() {
        #expect(issues(playbooks: ["p.yaml": validPlaybook], environment: [:]) == [
            "opscadence.yaml:6:10: environment variable TEST_SLACK_URL is not set (url of target 'ops-chat'; set it, or mark the target optional: true)"
        ])
    }

    /// `export NAME=` is as good as unset, and said so.
    @Test func anEmptyVariableIsAnErrorThatSaysEmpty() {
        #expect(issues(playbooks: ["p.yaml": validPlaybook], environment: ["TEST_SLACK_URL": ""]) == [
            "opscadence.yaml:6:10: environment variable TEST_SLACK_URL is empty (url of target 'ops-chat'; set it, or mark the target optional: true)"
        ])
    }

    @Test func optionalTargetWithAMissingSecretFileSaysSo() throws {
        let config = validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "${file:/nonexistent/slack-url}") + "\n    optional: true\n"
        let (_, result) = workspace(config: config, playbooks: ["p.yaml": validPlaybook], environment: [:])
        #expect(try result.get().warnings.map(\.message) == ["target 'ops-chat' is skipped: secret file /nonexistent/slack-url cannot be read (optional target)"])
    }

    @Test func optionalTargetWithUnsetVariableIsSkippedWithAWarning() throws {
        let (_, result) = workspace(config: validConfig + "\n    optional: true\n", playbooks: ["p.yaml": validPlaybook], environment: [:])
        let ws = try result.get()
        #expect(ws.warnings.map(\.message) == ["target 'ops-chat' is skipped: $TEST_SLACK_URL not set (optional target)"])
        #expect(ws.configuration.target(named: "ops-chat")?.isEnabled == false)
    }

    @Test func literalSecretsAreRefusedWithoutEchoingThem() {
        let config = validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "https://hooks.slack.com/services/T0/B0/super-secret")
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(found == ["opscadence.yaml:6:10: url of target 'ops-chat' is a secret: write ${env:NAME} or ${file:PATH} instead of the value"])
        #expect(!found.joined().contains("super-secret"))
    }

    @Test func nonHTTPURLIsRefusedWithoutEchoingIt() {
        let found = issues(playbooks: ["p.yaml": validPlaybook], environment: ["TEST_SLACK_URL": "ftp://files.example.com/secret-path"])
        #expect(found == ["opscadence.yaml:6:10: url of target 'ops-chat' (from ${env:TEST_SLACK_URL}) is not an http or https URL"])
    }

    @Test func secretFromFile() throws {
        let dir = TemporaryDirectory()
        dir.write("secret-url", "https://chat.example.com/hooks/abc\n")
        dir.write("opscadence.yaml", validConfig.replacingOccurrences(of: "${env:TEST_SLACK_URL}", with: "${file:secret-url}"))
        dir.write("playbooks/p.yaml", validPlaybook)
        let ws = try Workspace.load(at: dir.path, environment: [:])
        #expect(ws.configuration.target(named: "ops-chat")?.url?.value == "https://chat.example.com/hooks/abc")
        #expect(ws.secretValues == ["https://chat.example.com/hooks/abc"])
    }

    @Test(arguments: [
        ("timezone: America/New_York\nholidays: [2026-13-01]\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:2:12: expected a holiday as a date YYYY-MM-DD (optionally followed by its name), got \"2026-13-01\""),
        ("timezone: America/New_York\ntargets:\n  ops-chat:\n    kind: telegram\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:4:11: unknown target kind 'telegram' (expected slack, discord, msteams, googlechat, mattermost, generic)"),
        ("timezone: Nowhere/City\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:1:11: unknown time zone \"Nowhere/City\" (expected an IANA name such as America/New_York)"),
        ("timzone: America/New_York\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:1:1: unknown key 'timzone' in opscadence.yaml (expected one of: timezone, state, output, agenda_url, holidays, weekend, targets, network, delivery, kpis, web, people, kpi_escalation, locale, currency)"),
        ("timezone: America/New_York\ndelivery: { timeout: 5m }\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:2:22: timeout must be 1s to 2m"),
        ("timezone: America/New_York\ndelivery: { timeout: soon }\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n",
         "opscadence.yaml:2:22: expected timeout as a duration such as 15m, 1h or 1h30m, got \"soon\""),
    ])
    func configurationErrors(config: String, expected: String) {
        let found = issues(config: config, playbooks: ["p.yaml": validPlaybook])
        #expect(found.first == expected, "\(found)")
    }

    static func config(rateLimit: String) -> String {
        "timezone: America/New_York\ntargets:\n  ops-chat:\n    kind: slack\n    url: ${env:TEST_SLACK_URL}\n    rate_limit: \(rateLimit)\n"
    }

    /// Rates slower than one request an hour (1e-20/s once trapped converting 1e20 s to
    /// milliseconds), and rates that are no number, are errors at the rate_limit's place.
    @Test(arguments: [
        ("1e-20/s", "opscadence.yaml:6:17: rate_limit \"1e-20/s\" is too slow: it must allow at least one request an hour (e.g. 1/s, 30/min, 1/min, or none)"),
        ("0.01/min", "opscadence.yaml:6:17: rate_limit \"0.01/min\" is too slow: it must allow at least one request an hour (e.g. 1/s, 30/min, 1/min, or none)"),
        ("1e-300/min", "opscadence.yaml:6:17: rate_limit \"1e-300/min\" is too slow: it must allow at least one request an hour (e.g. 1/s, 30/min, 1/min, or none)"),
        ("inf/s", "opscadence.yaml:6:17: expected rate_limit as N/s or N/min (e.g. 1/s, 30/min) or none, got \"inf/s\""),
        ("1e400/min", "opscadence.yaml:6:17: expected rate_limit as N/s or N/min (e.g. 1/s, 30/min) or none, got \"1e400/min\""),
        ("nan/s", "opscadence.yaml:6:17: expected rate_limit as N/s or N/min (e.g. 1/s, 30/min) or none, got \"nan/s\""),
    ])
    func rateLimitsOutOfRangeAreErrors(_ rate: String, _ expected: String) {
        #expect(issues(config: Self.config(rateLimit: rate), playbooks: ["p.yaml": validPlaybook]) == [expected])
    }

    @Test(arguments: [("1/s", 1.0), ("30/min", 2.0), ("1/min", 60.0), ("0.0167/min", 60 / 0.0167), ("none", 0.0), ("1e9/s", 1e-9)] as [(String, Double)])
    func rateLimitsWithinRangeLoad(_ rate: String, _ seconds: Double) throws {
        let (_, result) = workspace(config: Self.config(rateLimit: rate), playbooks: ["p.yaml": validPlaybook])
        let target = try #require(try result.get().configuration.target(named: "ops-chat"))
        #expect(abs(target.minimumInterval - seconds) < 1e-9)
    }
}

@Suite struct SecretDisplayTests {
    @Test(arguments: [
        ("https://hooks.slack.com/services/T0/B0/secret", "https://hooks.slack.com/…"),
        ("http://user:password@127.0.0.1:8065/hooks/abc?token=x", "http://127.0.0.1:8065/…"),
    ])
    func urlsShowSchemeHostAndPortOnly(_ url: String, _ shown: String) {
        #expect(Secret.redactedURL(url) == shown)
        #expect(Secret(value: url, reference: "${env:X}").description == shown)
    }
}

/// A reminder lead longer than the gap between two occurrences: its reminder would be due before
/// the occurrence ahead of it, and the planner would skip meetings (`before: 400d` on a daily
/// playbook did so silently).
@Suite struct ReminderLeadTests {
    /// 2026-12-01T00:00:00Z: the window is fixed so that the gaps named are too.
    static let now: Int64 = 1_796_083_200

    static func playbook(schedule: String, before: String, extra: String = "") -> String {
        """
        id: p
        title: P
        \(schedule)
        duration: 30m
        remind:
          - { target: ops-chat, before: 15m }
          - { target: ops-chat, before: \(before) }
        \(extra)
        """
    }

    static func message(_ lead: String, _ gap: String, _ earlier: String, _ later: String) -> String {
        "playbooks/p.yaml:7:33: reminder before: \(lead) is longer than the gap of \(gap) between two occurrences (\(earlier) and \(later)): "
            + "its reminder would be due before the occurrence ahead of it, and meetings would be skipped; a lead may be at most the "
            + "shortest gap between occurrences"
    }

    @Test(arguments: [
        // The reported case: any daily gap is shorter than 400 days.
        ("schedule: daily at 09:00", "400d", "", message("400d", "1d", "2026-12-01T09:00:00-05:00", "2026-12-02T09:00:00-05:00")),
        // A day before a meeting at 02:30: the night clocks spring forward there is no 02:30, the
        // meeting is at 03:30, 23 hours on the wall clock before the next one.
        ("cron: \"30 2 * * *\"", "1d", "", message("1d", "23h", "2027-03-14T03:30:00-04:00", "2027-03-15T02:30:00-04:00")),
        ("schedule: weekly on monday at 09:00", "8d", "", message("8d", "7d", "2026-12-07T09:00:00-05:00", "2026-12-14T09:00:00-05:00")),
        ("schedule: weekdays at 08:30", "2d", "", message("2d", "1d", "2026-12-01T08:30:00-05:00", "2026-12-02T08:30:00-05:00")),
        ("rrule: FREQ=HOURLY;INTERVAL=2;BYMINUTE=0", "3h", "", message("3h", "2h", "2026-11-30T20:00:00-05:00", "2026-11-30T22:00:00-05:00")),
        ("cron: \"0 9 1 * *\"", "45d", "", message("45d", "31d", "2026-12-01T09:00:00-05:00", "2027-01-01T09:00:00-05:00")),
        // A holiday moves Monday 2026-12-07 to Tuesday: the next Monday is six days later.
        ("schedule: weekly on monday at 09:00", "6d12h", "holiday: next_business_day",
         message("6d12h", "6d", "2026-12-08T09:00:00-05:00", "2026-12-14T09:00:00-05:00")),
    ])
    func aLeadLongerThanAGapIsRefused(schedule: String, before: String, extra: String, expected: String) {
        let config = validConfig.replacingOccurrences(of: "holidays: [2026-12-25]", with: "holidays: [2026-12-07, 2026-12-25]")
        #expect(issues(config: config, playbooks: ["p.yaml": Self.playbook(schedule: schedule, before: before, extra: extra)], now: Self.now) == [expected])
    }

    @Test(arguments: [
        // A day before a daily meeting: 23 or 25 hours elapse across a DST change, but on the
        // wall clock the meetings are a day apart (the reminder comes an hour early or late).
        ("schedule: daily at 09:00", "1d"),
        ("cron: \"30 2 * * *\"", "23h"),  // equal to the shortest gap: allowed
        ("schedule: weekly on monday at 09:00", "6d"),
        ("schedule: monthly on the 1st at 10:00", "28d"),
        ("schedule: annually on january 15 at 09:00", "300d"),
        ("rrule: FREQ=YEARLY;INTERVAL=10;BYMONTH=1;BYMONTHDAY=5;BYHOUR=9;BYMINUTE=0", "3000d"),
        ("schedule: daily at 09:00", "0m"),
        // One occurrence left has no gap to compare with.
        ("rrule: FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5;BYHOUR=9;BYMINUTE=0;UNTIL=20270106", "400d"),
    ])
    func aLeadWithinEveryGapLoads(schedule: String, before: String) throws {
        let (_, result) = workspace(playbooks: ["p.yaml": Self.playbook(schedule: schedule, before: before)], now: Self.now)
        #expect(try result.get().playbooks.count == 1)
    }

    /// A checklist item's own reminder opens the occurrence at its due time: the same limit, at
    /// the item's `due`. Without `remind: true` an early `due` is only a label.
    @Test func anItemReminderLongerThanAGapIsRefused() throws {
        let item = "checklist:\n  - { item: Update the scorecard, due: -2d, remind: true }"
        #expect(
            issues(playbooks: ["p.yaml": Self.playbook(schedule: "schedule: daily at 09:00", before: "0m", extra: item)], now: Self.now) == [
                "playbooks/p.yaml:9:40: checklist item due: -2d with remind: true is longer than the gap of 1d between two occurrences "
                    + "(2026-12-01T09:00:00-05:00 and 2026-12-02T09:00:00-05:00): its reminder would be due before the occurrence ahead "
                    + "of it, and meetings would be skipped; a lead may be at most the shortest gap between occurrences"
            ])
        let plain = item.replacingOccurrences(of: ", remind: true", with: "")
        let (_, result) = workspace(playbooks: ["p.yaml": Self.playbook(schedule: "schedule: daily at 09:00", before: "0m", extra: plain)], now: Self.now)
        #expect(try result.get().playbooks.first?.leadTime == 900)
    }
}
