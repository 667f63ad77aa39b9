extension TransformationPlan {
    /// Plan items that a recorded assessment already proves done.
    static let provenByAnAssessment: Set<String> = ["Complete maturity self-assessment", "Identify bottleneck dimension"]

    /// The ids of the items the state already proves done: with an assessment recorded for the
    /// quarter the plan starts in, or the one before it, the team has completed the
    /// self-assessment and (its result names it) identified the bottleneck.
    package func itemsProvenDone(assessedQuarters: [Quarter]) -> Set<String> {
        guard let first = Quarter.containing(year: start.year, month: start.month) else { return [] }
        let recent = assessedQuarters.contains { $0 == first || $0.next == first }
        guard recent else { return [] }
        return Set(items.filter { TransformationPlan.provenByAnAssessment.contains($0.text) }.map(\.id))
    }
}
