@testable import Delivery
import Foundation
import Testing

/// Text from playbooks and action items cannot forge links or images on the platforms that
/// render Markdown in message text.
@Suite struct LinkInjectionTests {
    static let forgedLink = "[Reset password](https://evil.example/reset)"
    static let pixel = "![x](https://evil.example/pixel.png)"

    /// A reminder whose every free-text field tries a masked link or an image.
    static let message: ReminderMessage = {
        var message = Fixtures.weekly
        message.title = forgedLink
        message.owner = pixel
        message.attendees = [forgedLink]
        message.agenda = [ReminderMessage.AgendaSection(title: pixel, minutes: 10, clock: "09:00–09:10")]
        message.checklist = [ReminderMessage.ChecklistItem(text: forgedLink, owner: pixel, due: forgedLink)]
        message.actionItems = [ReminderMessage.ActionItem(id: "#1", text: forgedLink, owner: pixel, due: "2026-12-01", overdue: true)]
        message.alerts = [ReminderMessage.KPIAlert(text: pixel, severity: .critical)]
        return message
    }()

    /// Every string in a JSON document.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: return [text]
        case let array as [Any]: return array.flatMap(strings(in:))
        case let object as [String: Any]: return object.values.flatMap(strings(in:))
        default: return []
        }
    }

    /// Discord, Teams and Mattermost render `[text](url)` in message text; Slack and Google
    /// Chat are held to the same (Mattermost sends the Slack blocks along). The generic body
    /// is data for a program, sent as it is.
    @Test(arguments: WebhookKind.allCases.filter { $0 != .generic })
    func titlesAndItemsCannotFormMaskedLinksOrImages(_ kind: WebhookKind) throws {
        let document = try JSONSerialization.jsonObject(with: Data(kind.body(for: Self.message)))
        let texts = Self.strings(in: document)
        // The text is all there, to be read …
        #expect(texts.contains { $0.contains("Reset password") })
        #expect(texts.contains { $0.contains("https://evil.example/reset") })
        // … but `](` never stands side by side, so no Markdown reader makes a link or an image of it.
        for text in texts {
            #expect(!text.contains("](https://evil.example"), "\(kind): \(text)")
        }
    }

    @Test func mattermostKeepsItsOwnAgendaLink() throws {
        var message = Self.message
        message.agendaLink = "https://ops.example.com/agendas/weekly/2026-12-07T0900.html"
        let text = MattermostFormat.text(for: message)
        #expect(text.contains("[Open the full agenda](https://ops.example.com/agendas/weekly/2026-12-07T0900.html)"))
        #expect(!text.contains("](https://evil.example"))
    }
}
