import StateStore

extension Engine {
    /// Sends every delivery that is due.
    func deliverDue(now: Int64, budget: Duration, report: inout TickReport) async throws {
    }
}
