import Foundation
import OpsCadenceTesting
import StarterWorkspace
import Testing

/// `opscadence init`: with flags, on a terminal, and never over an existing workspace.
@Suite struct InitCommandTests {
    @Test func theStarterPlaybooksAreTheShippedOnes() throws {
        for cadence in StarterWorkspace.Cadence.allCases {
            for file in cadence.files {
                let shipped = try String(contentsOfFile: repositoryRoot + "/playbooks/" + file, encoding: .utf8)
                #expect(StarterWorkspace.playbook(named: file) == shipped, "Sources/StarterWorkspace/Resources/\(file) differs from playbooks/\(file)")
            }
        }
    }

    @Test func withFlagsItWritesAWorkspaceThatValidates() throws {
        let dir = TemporaryDirectory()
        let runner = CommandRunner(directory: dir.path)
        let made = try runner.run([
            "init", "ops", "--yes", "--timezone", "Europe/Berlin", "--country", "DE", "--region", "BY", "--chat", "mattermost",
            "--cadences", "daily,weekly,transformation", "--format", "json",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let json = try #require(try made.json() as? [String: Any])
        let files = try #require(json["files"] as? [String])
        #expect(files.first == "opscadence.yaml")
        #expect(files.count == 1 + 1 + 1 + 4)
        #expect((json["next_steps"] as? [String])?.count == 3)
        let config = try String(contentsOfFile: dir.path + "/ops/opscadence.yaml", encoding: .utf8)
        #expect(config.contains("timezone: Europe/Berlin\n"))
        #expect(config.contains("holidays: { country: DE, region: BY }"))
        #expect(config.contains("kind: mattermost\n    url: ${env:OPS_MATTERMOST_WEBHOOK}"))
        let validate = try runner.run(["validate", "--workspace", "ops", "--format", "json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let upcoming = try runner.run(["upcoming", "--workspace", "ops", "--now", "2026-12-04T12:00:00Z", "--format", "json"])
        #expect(upcoming.status == 0, "\(upcoming.stderr)")
        #expect(upcoming.stdout.contains("daily-red-alert-check"))
        // Every playbook follows the team's zone: 09:00 in Berlin, not in New York.
        let rows = try #require(try upcoming.json() as? [[String: Any]])
        let weekly = try #require(rows.first { $0["playbook"] as? String == "weekly-kpi-review" })
        #expect((weekly["occurrence"] as? String)?.hasSuffix("T09:00:00+01:00") == true, "\(weekly)")
        #expect(!upcoming.stdout.contains("monthly-process-improvement"))
    }

    @Test func theDefaultsAreTheShippedWorkspace() throws {
        let dir = TemporaryDirectory()
        let made = try CommandRunner(directory: dir.path).run(["init", "--yes", "--timezone", "America/New_York", "--country", "US"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("Created this workspace: opscadence.yaml and 5 playbooks."))
        #expect(made.stdout.contains("1. export OPS_SLACK_WEBHOOK="))
        for cadence in StarterWorkspace.Cadence.defaults {
            for file in cadence.files {
                #expect(try String(contentsOfFile: dir.path + "/playbooks/" + file, encoding: .utf8) == StarterWorkspace.playbook(named: file))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/playbooks/transformation-1-foundations.yaml"))
        #expect(try CommandRunner(directory: dir.path).run(["validate"]).status == 0)
    }

    @Test func itNeverOverwritesAWorkspace() throws {
        let dir = TemporaryDirectory()
        dir.write("opscadence.yaml", "timezone: UTC\n")
        let runner = CommandRunner(directory: dir.path)
        let refused = try runner.run(["init", "--yes"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("already has opscadence.yaml; init never overwrites"))
        #expect(try String(contentsOfFile: dir.path + "/opscadence.yaml", encoding: .utf8) == "timezone: UTC\n")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/playbooks"))
        let other = TemporaryDirectory()
        other.write("playbooks/mine.yaml", "id: mine\n")
        let second = try CommandRunner(directory: other.path).run(["init", "--yes"])
        #expect(second.status == 2)
        #expect(second.stderr.contains("playbooks already has playbooks"))
        #expect(!FileManager.default.fileExists(atPath: other.path + "/opscadence.yaml"))
    }

    @Test(arguments: [
        (["--timezone", "Mars/Olympus"], "--timezone: unknown time zone \"Mars/Olympus\""),
        (["--country", "Germany"], "--country: expected a country with holiday rules (AT, AU, BE,"),
        (["--country", "DE", "--region", "XX"], "--region: expected one of BB, BE, BW, BY,"),
        (["--chat", "irc"], "--chat: expected one of slack, discord, msteams, googlechat, mattermost, generic, got \"irc\""),
        (["--cadences", "daily,hourly"], "--cadences: unknown cadence \"hourly\""),
        (["--webhook-env", "OPS-HOOK"], "--webhook-env: expected an environment variable name"),
        (["--country", "none", "--region", "BY"], "--region: needs --country"),
        (["--currency", "DM"], "--currency: expected one of AUD,"),
        (["--locale", "de-CH"], "--locale: expected one of en-US, en-GB, de-DE, fr-FR, nl-NL, es-ES or none"),
    ])
    func badFlagsAreRefusedAndNothingIsWritten(flags: [String], message: String) throws {
        let dir = TemporaryDirectory()
        let result = try CommandRunner(directory: dir.path).run(["init", "new", "--yes", "--timezone", "UTC"] + flags)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/new"))
    }

    @Test func onATerminalItAsksAndAsksAgainAfterAWrongAnswer() throws {
        let dir = TemporaryDirectory()
        // Zone: a wrong one, then Berlin; country: the zone's (DE, taken); region BY; currency:
        // a wrong one, then the country's (EUR); chat discord; its variable as offered;
        // cadences: a wrong one, then two.
        let answers = ["Mars/Olympus", "Europe/Berlin", "", "by", "DM", "", "discord", "", "daily,yearly", "daily,weekly"]
        let (status, output) = try runOnTerminal(answers, ["init", "team"], in: dir, timeZone: "America/Chicago")
        #expect(status == 0, "\(output)")
        #expect(output.contains("Time zone of the team [America/Chicago]: "))
        #expect(output.contains("unknown time zone \"Mars/Olympus\""))
        #expect(output.contains("Country for public holidays (ISO code, or none) [DE]: "))
        #expect(output.contains("Currency of your money KPIs (ISO code, or none) [EUR]: "))
        #expect(output.contains("currency: expected one of AUD,"))
        #expect(output.contains("Environment variable for its webhook URL [OPS_DISCORD_WEBHOOK]: "))
        #expect(output.contains("weekly: Weekly KPI review — weekly on monday at 09:00, 30m"))
        #expect(output.contains("unknown cadence \"yearly\""))
        #expect(output.contains("Created team: opscadence.yaml and 2 playbooks."))
        let config = try String(contentsOfFile: dir.path + "/team/opscadence.yaml", encoding: .utf8)
        #expect(config.contains("timezone: Europe/Berlin\n"))
        #expect(config.contains("holidays: { country: DE, region: BY }"))
        #expect(config.contains("kind: discord\n    url: ${env:OPS_DISCORD_WEBHOOK}"))
        #expect(config.contains("locale: de-DE\ncurrency: EUR\n"))
        #expect(config.contains("  audit:"))  // the weekly review posts its record there
        #expect(try CommandRunner(directory: dir.path + "/team").run(["validate"]).status == 0)
    }
}
