import Foundation
import Playbooks
import Testing

@testable import Agendas

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

@Suite struct TemplateTests {
    /// The templates shipped in playbooks/templates are the built-in ones: they must not drift.
    @Test(arguments: ["agenda.md.mustache", "agenda.html.mustache"])
    func shippedTemplatesEqualTheBuiltInCopies(name: String) throws {
        let shipped = try #require(FileManager.default.contents(atPath: repositoryRoot + "/playbooks/templates/" + name))
        let builtIn = name.hasPrefix("agenda.md") ? PackageResources.agenda_md_mustache : PackageResources.agenda_html_mustache
        #expect(Array(shipped) == builtIn)
    }

    @Test func markdownValuesCannotChangeTheAgendasStructure() throws {
        let renderer = try AgendaRenderer(workspaceRoot: nil)
        let row = ScorecardRow(
            key: "cpo", title: "Cost | per <b>order</b>", latest: "$4.20", target: "≤ $4.50", trend: "→ flat", status: "green",
            stage: "", isRed: false)
        let section = Agenda.Section(
            number: 1, title: "Numbers [see](https://evil.example)", minutes: 10, start: "09:00", end: "09:10", items: [], carryOver: false,
            showsRedKPIs: false, scorecard: [row], actionItems: [], redKPIs: [], assessment: nil, roadmap: nil, plan: nil)
        let agenda = Agenda(
            playbookId: "x", title: "Review <script>alert(1)</script>", description: "See [the wiki](https://wiki.example)",
            occurrence: "2026-12-07T09:00:00-05:00", date: "Monday 7 December 2026", startTime: "09:00", endTime: "09:15",
            timeZone: "America/New_York", zoneAbbreviation: "EST", duration: "15 min", schedule: "daily at 09:00", owner: nil, attendees: [],
            sections: [section], checklist: [], actionItems: [], alerts: [], generatedAt: "2026-12-07T08:00:00-05:00")
        let markdown = renderer.render(agenda, as: .markdown)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("# Review &lt;script>alert(1)&lt;/script>"))
        #expect(markdown.contains("Numbers \\[see\\](https://evil.example)"))
        // The scorecard row keeps its columns: the title's | is escaped.
        let scorecardLine = try #require(markdown.split(separator: "\n").first { $0.contains("Cost") })
        #expect(scorecardLine.contains("Cost \\| per &lt;b>order&lt;/b>"))
        // The description is the team's own Markdown, kept as written.
        #expect(markdown.contains("> See [the wiki](https://wiki.example)"))
    }

    @Test func aWorkspaceTemplateOverridesTheBuiltInOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmpl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/playbooks/templates", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{{% CONTENT_TYPE: TEXT}}\nCustom: {{title}} at {{startTime}}".write(toFile: dir + "/playbooks/templates/agenda.md.mustache", atomically: false, encoding: .utf8)
        let renderer = try AgendaRenderer(workspaceRoot: dir)
        let agenda = Agenda(
            playbookId: "x", title: "Stand-up & review", description: nil, occurrence: "2026-12-07T09:00:00-05:00", date: "Monday 7 December 2026",
            startTime: "09:00", endTime: "09:15", timeZone: "America/New_York", zoneAbbreviation: "EST", duration: "15 min", schedule: "daily at 09:00",
            owner: nil, attendees: [], sections: [], checklist: [], actionItems: [], alerts: [], generatedAt: "2026-12-07T08:00:00-05:00")
        #expect(renderer.render(agenda, as: .markdown) == "Custom: Stand-up & review at 09:00\n")
        // HTML escapes text by default.
        #expect(renderer.render(agenda, as: .html).contains("Stand-up &amp; review"))
        try "{{#broken}".write(toFile: dir + "/playbooks/templates/agenda.md.mustache", atomically: false, encoding: .utf8)
        #expect(throws: (any Error).self) { try AgendaRenderer(workspaceRoot: dir) }
    }

    /// A template that is a link to a file elsewhere is refused: the agenda goes to chat.
    @Test func aLinkedTemplateIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tmpl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/playbooks/templates", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "secret".write(toFile: dir + "/outside.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/playbooks/templates/agenda.md.mustache", withDestinationPath: dir + "/outside.txt")
        #expect {
            try AgendaRenderer(workspaceRoot: dir)
        } throws: { error in
            (error as? WorkspaceError)?.issues.first?.message.contains("is a symbolic link") == true
        }
    }
}
