import Playbooks
import Testing

@testable import CadenceEngine

@Suite struct TargetWebhookTests {
    /// A target's pacing gap in seconds becomes whole milliseconds without trapping on values
    /// the loader refuses (1e20 s, from `rate_limit: 1e-20/s`, overflowed Int64).
    @Test(arguments: [
        (1.0, Int64(1000)), (0.5, 500), (0, 0), (-3, 0), (3600, 3_600_000), (1e20, 86_400_000), (.infinity, 0), (.nan, 0),
    ])
    func pacingGapsBecomeBoundedMilliseconds(_ seconds: Double, _ milliseconds: Int64) {
        #expect(Target.milliseconds(seconds) == milliseconds)
    }
}
