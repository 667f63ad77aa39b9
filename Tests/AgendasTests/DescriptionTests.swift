import Foundation
import Testing

@testable import Agendas

/// A playbook's description is the team's own Markdown, but it stays inside its quote block
/// and carries no raw HTML into either agenda.
@Suite struct DescriptionTests {
    static func agenda(description: String?) -> Agenda {
        Agenda(
            playbookId: "x", title: "Weekly review", description: description, occurrence: "2026-12-07T09:00:00-05:00",
            date: "Monday 7 December 2026", startTime: "09:00", endTime: "09:15", timeZone: "America/New_York", zoneAbbreviation: "EST",
            duration: "15 min", schedule: "daily at 09:00", owner: nil, attendees: [], sections: [], checklist: [], actionItems: [], alerts: [],
            generatedAt: "2026-12-07T08:00:00-05:00")
    }

    static let hostile = """
        Intro <script>alert(1)</script> and <img src=https://evil.example/pixel.png>
        # Injected heading
        - [x] 1. A forged, ticked checklist item

        See [the wiki](https://wiki.example) and **this**.

        """

    @Test func markdownQuotesEveryLineAndEscapesRawHTML() throws {
        let markdown = try AgendaRenderer(workspaceRoot: nil).render(Self.agenda(description: Self.hostile), as: .markdown)
        #expect(!markdown.contains("<script>"))
        #expect(!markdown.contains("<img"))
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let quote = Array(lines.drop { !$0.hasPrefix(">") }.prefix { $0.hasPrefix(">") })
        #expect(
            quote == [
                "> Intro &lt;script>alert(1)&lt;/script> and &lt;img src=https://evil.example/pixel.png>",
                "> # Injected heading",
                "> - [x] 1. A forged, ticked checklist item",
                "> ",
                "> See [the wiki](https://wiki.example) and **this**.",
            ])
        // Nothing of it outside the quote: no heading or checklist item of the agenda's own.
        #expect(!lines.contains("# Injected heading"))
        #expect(!lines.contains { $0.hasPrefix("- [x] 1. A forged") })
        // The quote is followed by a blank line and the agenda goes on.
        let after = try #require(lines.firstIndex(of: quote.last!)).advanced(by: 1)
        #expect(lines[after] == "")
        #expect(lines[after + 1] == "## Agenda")
    }

    @Test func htmlEscapesTheDescription() throws {
        let html = try AgendaRenderer(workspaceRoot: nil).render(Self.agenda(description: Self.hostile), as: .html)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=https://evil"))
        #expect(html.contains("Intro &lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func noDescriptionNoQuote() throws {
        for description in [nil, "", "  \n"] {
            let markdown = try AgendaRenderer(workspaceRoot: nil).render(Self.agenda(description: description), as: .markdown)
            #expect(!markdown.contains("\n>"), "\(String(describing: description))")
        }
    }
}
