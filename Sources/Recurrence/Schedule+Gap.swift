extension Schedule {
    /// Two consecutive occurrences and the time between them.
    package struct Gap: Hashable, Sendable {
        package var earlier: Occurrence
        package var later: Occurrence

        /// Seconds elapsed from `earlier` to `later`.
        package var elapsedSeconds: Int64 { later.instant - earlier.instant }

        /// The gap on the wall clock (the occurrences' local times, holiday moves included), but
        /// never less than the time elapsed: a meeting daily at 09:00 is a day apart across a DST
        /// change (23 or 25 hours elapse), and the two 01:00s of a fall-back night are an hour
        /// apart, not none.
        package var seconds: Int64 {
            let wallClock = later.instant + Int64(later.utcOffset) - (earlier.instant + Int64(earlier.utcOffset))
            return Swift.max(wallClock, elapsedSeconds)
        }
    }

    /// The shortest ``Gap/seconds`` between two consecutive occurrences after `start`, over the
    /// occurrences up to `end` and at least the first `minimumCount` (so that a rule firing every
    /// few years still shows its gap). The rule, DST changes and holiday moves all count.
    ///
    /// - Parameter below: Stop at the first gap shorter than this and return it: enough to
    ///   refuse something longer than every gap, without walking the rest of the window.
    /// - Returns: nil when fewer than two occurrences follow `start`.
    package func shortestGap(after start: Int64, through end: Int64, minimumCount: Int = 3, below: Int64? = nil) -> Gap? {
        var previous: Occurrence?
        var shortest: Gap?
        var count = 0
        for occurrence in occurrences(after: start) {
            if occurrence.instant > end && count >= minimumCount { break }
            count += 1
            defer { previous = occurrence }
            guard let previous else { continue }
            let gap = Gap(earlier: previous, later: occurrence)
            if shortest.map({ gap.seconds < $0.seconds }) ?? true { shortest = gap }
            if let below, gap.seconds < below { return gap }
        }
        return shortest
    }
}
