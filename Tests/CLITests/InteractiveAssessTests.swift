import Foundation
import OpsCadenceTesting
import Testing

/// `assess` on a terminal asks each dimension in turn, showing its five stage descriptions.
@Suite struct InteractiveAssessTests {
    @Test func asksEachDimensionWithItsStageDescriptions() throws {
        let dir = try shippedWorkspaceCopy()
        // Inventory: an invalid answer first, asked again; then scores and one note.
        let answers = ["7", "2", "", "3", "", "1", "moving averages only", "2", "", "3", ""]
        let (status, output) = try runOnTerminal(answers, ["assess", "--quarter", "2026-Q4"], in: dir)
        #expect(status == 0, "\(output)")
        #expect(output.contains("Inventory Management — How do you decide what and when to buy?"))
        #expect(output.contains("1 Reactive: Manual tracking in spreadsheets. No real-time visibility. Reorder by gut feel."))
        #expect(output.contains("5 Adaptive: Continuous improvement culture. Operations drives strategy. Experimentation frameworks."))
        #expect(output.contains("Please answer with a whole number from 1 to 5."))
        #expect(output.contains("Overall maturity: Stage 1 (Reactive)"))
        let saved = try CommandRunner(directory: dir.path).run(["report"])
        #expect(saved.stdout.contains("| 2026-Q4 | 2 | 3 | 1 | 2 | 3 | 1 |"))

        // Re-assessing asks for confirmation; "no" keeps the old one.
        let (again, text) = try runOnTerminal(["n"], ["assess", "--quarter", "2026-Q4", "--inventory", "5", "--fulfillment", "5", "--planning", "5", "--reporting", "5", "--governance", "5"], in: dir)
        #expect(again == 0)
        #expect(text.contains("2026-Q4 already has an assessment (2,3,1,2,3). Replace it?"))
        #expect(try CommandRunner(directory: dir.path).run(["report"]).stdout.contains("| 2026-Q4 | 2 | 3 | 1 | 2 | 3 | 1 |"))
    }
}
