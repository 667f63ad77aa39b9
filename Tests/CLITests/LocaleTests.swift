import Foundation
import OpsCadenceTesting
import Testing

/// `locale: de-DE` and `currency: EUR`: values typed and imported the German way, agendas and
/// reminders written in German formats, wording still English.
@Suite struct LocaleTests {
    static let configuration = """
        timezone: Europe/Berlin
        locale: de-DE
        currency: EUR
        targets:
          chat: { kind: slack, url: "${env:CHAT_URL}" }
        """

    static let playbook = """
        id: weekly
        title: Weekly KPI review
        schedule: weekly on friday at 17:00
        duration: 30m
        remind:
          - { target: chat, before: 15m }
        agenda:
          - title: Scorecard
            minutes: 30
            kpis: [cost_per_order, stockout_rate]
        """

    func workspace() -> (TemporaryDirectory, CommandRunner) {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", Self.configuration)
        dir.write("playbooks/weekly.yaml", Self.playbook)
        return (dir, CommandRunner(directory: dir.path, environment: ["CHAT_URL": "https://hooks.slack.com/services/T0/B0/x"]))
    }

    @Test func valuesAgendasAndRemindersFollowTheLocale() throws {
        let (dir, runner) = workspace()
        defer { withExtendedLifetime(dir) {} }
        let now = ["--now", "2026-12-04T12:00:00Z"]
        let recorded = try runner.run(["kpi", "record", "cost_per_order", "4,20 €", "--at", "2026-12-03"] + now)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("4,20\u{00A0}€"))
        #expect(try runner.run(["kpi", "record", "stockout_rate", "2,5 %", "--at", "2026-12-03"] + now).status == 0)
        // A dot is not a decimal separator in German: refused with an example that is.
        let dotted = try runner.run(["kpi", "record", "cost_per_order", "4.20", "--at", "2026-12-02"] + now)
        #expect(dotted.status == 2)
        #expect(dotted.stderr.contains("expected a number such as 2,4 or 99,5 %, got \"4.20\""))
        // The model's dollars are the workspace's euros: a dollar value is the wrong unit.
        let dollars = try runner.run(["kpi", "record", "cost_per_order", "$4,20", "--at", "2026-12-02"] + now)
        #expect(dollars.status == 2)
        #expect(dollars.stderr.contains("measured in €, not $"))

        let agenda = try runner.run(["agenda", "weekly", "--at", "2026-12-04"] + now)
        #expect(agenda.status == 0, "\(agenda.stderr)")
        #expect(agenda.stdout.contains("Freitag, 4. Dezember 2026"), "\(agenda.stdout)")
        #expect(agenda.stdout.contains("4,20\u{00A0}€ (03.12.2026)"))
        #expect(agenda.stdout.contains("2,5\u{00A0}%"))
        #expect(agenda.stdout.contains("Scorecard"))
        let preview = try runner.run(["notify", "preview", "weekly", "--target", "chat", "--at", "2026-12-04"] + now)
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("Fr. 4. Dez. 2026, 17:00–17:30 CET (Europe/Berlin)"), "\(preview.stdout)")
    }

    @Test func aSpreadsheetsSemicolonCSVWithDecimalCommasImports() throws {
        let (dir, runner) = workspace()
        dir.write("woche.csv", "Datum;KPI;Wert\r\n2026-12-01;cost_per_order;4,35\r\n2026-12-02;stockout_rate;\"1,5\"\r\n")
        let imported = try runner.run(["kpi", "import", "woche.csv", "--now", "2026-12-04T12:00:00Z", "--format", "json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect((try imported.json() as? [String: Any])?["imported"] as? Int == 2)
        let listed = try #require(try runner.run(["kpi", "--now", "2026-12-04T12:00:00Z", "--format", "json"]).json() as? [[String: Any]])
        #expect(listed.first { $0["key"] as? String == "cost_per_order" }?["latest"] as? Double == 4.35)
        // A bad line names its line and the separator in use; nothing is imported.
        dir.write("bad.csv", "2026-12-01;cost_per_order;4,35\n2026-12-02;stockout_rate\n")
        let bad = try runner.run(["kpi", "import", "bad.csv", "--now", "2026-12-04T12:00:00Z"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.csv:2: expected 3 fields date;name;value, got 2"))
        let forced = try runner.run(["kpi", "import", "woche.csv", "--delimiter", "|", "--now", "2026-12-04T12:00:00Z"])
        #expect(forced.status == 2)
        #expect(forced.stderr.contains("--delimiter: expected , or ;"))
    }

    @Test func theWebAppWritesTheLocalesDatesToo() throws {
        let web = try WebFixture(configuration: WebFixture.configuration + "\nlocale: de-DE\ncurrency: EUR\n")
        let cookie = try web.signIn("Ada Admin")
        #expect(try web.get("/", cookie: cookie).body.contains("Freitag, 4. Dezember 2026"))
        let meeting = try web.get(WebFixture.review, cookie: cookie).body
        #expect(meeting.contains("Freitag, 4. Dezember 2026, 11:00–11:30"), "\(meeting.prefix(3000))")
    }

    @Test(arguments: [
        ("locale: de_AT", "opscadence.yaml:3:9: error: unsupported locale 'de_AT' (expected one of en-US, en-GB, de-DE, fr-FR, nl-NL, es-ES)"),
        ("currency: euro", "opscadence.yaml:3:11: error: unknown currency 'euro' (expected an ISO 4217 code:"),
    ])
    func anUnsupportedLocaleOrCurrencyIsAnErrorWithItsPosition(line: String, message: String) throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: Europe/Berlin\ntargets: {}\n\(line)\n")
        let result = try CommandRunner(directory: dir.path).run(["validate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
