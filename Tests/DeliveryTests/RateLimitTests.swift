import Delivery
import Testing

@Suite struct RateLimitTests {
    @Test(arguments: [(1.0, Duration.seconds(1)), (2, .milliseconds(500)), (0.5, .seconds(2))])
    func perSecondIsTheGapBetweenStarts(_ count: Double, _ gap: Duration) {
        #expect(RateLimit.perSecond(count).minimumInterval == gap)
        #expect(RateLimit.perMinute(count * 60).minimumInterval == gap)
    }

    /// Counts that would make a gap too long for Int64 nanoseconds (1e-20 per second) trapped.
    @Test(arguments: [1e-20, 1e-300, Double.leastNonzeroMagnitude])
    func tinyRatesAreCappedInsteadOfTrapping(_ count: Double) {
        let century = Duration.seconds(100 * 366 * 86_400)
        #expect(RateLimit.perSecond(count).minimumInterval == century)
        #expect(RateLimit.perMinute(count).minimumInterval == century)
    }

    @Test(arguments: [0, -1, Double.infinity, -Double.infinity, Double.nan])
    func zeroNegativeAndNonFiniteRatesMeanNoPacing(_ count: Double) {
        #expect(RateLimit.perSecond(count) == .none)
        #expect(RateLimit.perMinute(count) == .none)
    }
}
