import Foundation
import OpsCadenceTesting
import Testing

@testable import Playbooks

/// The one-line rule (``FieldText``) and the loader that applies it.
@Suite struct FieldTextTests {
    @Test(arguments: [
        ("Weekly KPI review", nil),
        ("Réunion hebdo — 週次レビュー 🚀", nil),
        ("a\nb", FieldText.Problem.lineBreak),
        ("a\r\nb", .lineBreak),
        ("a\u{2028}b", .lineBreak),
        ("a\u{85}b", .lineBreak),
        ("\u{1B}[31mred", .controlCharacter("\u{1B}")),
        ("tab\there", .controlCharacter("\t")),
        ("bell\u{07}", .controlCharacter("\u{07}")),
        ("\u{202E}txt.exe", .controlCharacter("\u{202E}")),
        ("c1\u{9B}31m", .controlCharacter("\u{9B}")),
    ] as [(String, FieldText.Problem?)])
    func oneLineRule(_ text: String, _ expected: FieldText.Problem?) {
        #expect(FieldText.oneLineProblem(in: text) == expected)
    }

    @Test func multiLineFieldsTakeLineBreaksAndTabsButNoOtherControls() {
        #expect(FieldText.multiLineProblem(in: "First line\n\n\tindented\r\nlast") == nil)
        #expect(FieldText.multiLineProblem(in: "ok\n\u{1B}]0;title\u{07}") == .controlCharacter("\u{1B}"))
        #expect(FieldText.multiLineProblem(in: "overwrite\rme") == .controlCharacter("\r"))
    }

    @Test func errorsNameTheFieldNeverTheValue() {
        #expect(throws: FieldTextError(field: "--owner", problem: .lineBreak)) { try FieldText.checkOneLine("Sam\n# Pwned", field: "--owner") }
        let error = FieldTextError(field: "TEXT", problem: .controlCharacter("\u{1B}"))
        #expect(error.description == "TEXT must not contain control characters (found U+001B escape)")
    }

    static let playbookCases: [(String, String, String)] = [
        ("title with an escape sequence", validPlaybook.replacingOccurrences(of: "title: Weekly KPI review", with: "title: \"Weekly \\e[31mreview\""),
         "playbooks/p.yaml:2:8: title must not contain control characters (found U+001B escape)"),
        ("owner with a line break", validPlaybook.replacingOccurrences(of: "owner: Ops Lead", with: "owner: \"Ops\\n## Lead\""),
         "playbooks/p.yaml:11:42: owner must be one line (longer text belongs in description)"),
        ("attendee with a line break", validPlaybook + "\nattendees: [\"Ana\\n<script>alert(1)</script>\"]\n",
         "playbooks/p.yaml:12:13: each entry of attendees must be one line (longer text belongs in description)"),
        ("talking point with a line break", validPlaybook.replacingOccurrences(of: "carry_over: true }", with: "carry_over: true, items: [\"a\\n# b\"] }"),
         "playbooks/p.yaml:9:67: each entry of items must be one line (longer text belongs in description)"),
        ("description with a terminal escape", validPlaybook + "\ndescription: \"Line one\\nLine two \\e]0;pwned\\a\"\n",
         "playbooks/p.yaml:12:14: description must not contain control characters (found U+001B escape)"),
    ]

    @Test(arguments: FieldTextTests.playbookCases)
    func playbookFieldsKeepTheRule(_ name: String, _ text: String, _ expected: String) {
        #expect(issues(playbooks: ["p.yaml": text]) == [expected], "\(name)")
    }

    @Test func aMultiLineDescriptionIsFine() throws {
        let text = validPlaybook + "\ndescription: |\n  First paragraph.\n\n  # Not a heading of the agenda\n"
        let (_, result) = workspace(playbooks: ["p.yaml": text])
        #expect(try result.get().playbook(id: "weekly-kpi-review")?.description == "First paragraph.\n\n# Not a heading of the agenda\n")
    }
}
