import Delivery
import Foundation
import Testing

/// A section without a clock or a timebox (the `notify test` message's) is listed without them.
@Suite struct AgendaLineTests {
    /// `notify test` sends one section with neither a clock nor a timebox.
    static let untimed: ReminderMessage = {
        var message = Fixtures.weekly
        message.agenda = [ReminderMessage.AgendaSection(title: "This target is set up correctly", minutes: 0, clock: "")]
        return message
    }()

    /// Every kind that lists the agenda (the generic body carries the agenda's Markdown instead).
    @Test(arguments: WebhookKind.allCases.filter { $0 != .generic })
    func aSectionWithoutAClockHasNoEmptyCodeSpan(_ kind: WebhookKind) throws {
        let texts = LinkInjectionTests.strings(in: try JSONSerialization.jsonObject(with: Data(kind.body(for: Self.untimed))))
        let lines = texts.flatMap { $0.split(separator: "\n").map(String.init) }.filter { $0.contains("This target is set up correctly") }
        #expect(!lines.isEmpty, "\(kind)")
        for line in lines {
            #expect(!line.contains("``"), "\(kind): \(line)")
            #expect(!line.contains("(0 min)"), "\(kind): \(line)")
            #expect(!line.hasPrefix("•  ") && !line.hasPrefix("-  "), "\(kind): \(line)")
        }
    }
}
