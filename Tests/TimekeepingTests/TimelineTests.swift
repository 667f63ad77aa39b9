import OpsCadenceTesting
import Testing
import Timekeeping

@Suite struct TimelineTests {
    @Test func wallTimeFollowsTheClockFromItsStart() {
        let clock = ManualClock()
        let timeline = Timeline(clock, startingAt: 1_800_000_000)
        #expect(timeline.now == 1_800_000_000)
        clock.advance(by: .milliseconds(1_500))
        #expect(timeline.now == 1_800_000_001)
        #expect(timeline.seconds == 1_800_000_001.5)
        #expect(timeline.monotonic == .milliseconds(1_500))
    }

    @Test func sleepersWakeWhenTheClockPassesTheirDeadline() async throws {
        let clock = ManualClock()
        let timeline = Timeline(clock, startingAt: 0)
        let woke = Task { try await timeline.sleep(for: .seconds(30)); return timeline.now }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: .seconds(29))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(try await woke.value == 30)
    }

    @Test func aCancelledSleeperStopsWaiting() async {
        let clock = ManualClock()
        let timeline = Timeline(clock, startingAt: 0)
        let sleeper = Task { try await timeline.sleep(for: .seconds(60)) }
        while clock.sleeperCount == 0 { await Task.yield() }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func aReplayTimelineStartsAtItsInstant() {
        let timeline = Timeline.starting(at: 1_000)
        #expect((1_000...1_001).contains(timeline.now))
    }

    @Test(arguments: [
        (Duration.milliseconds(1), 1), (.seconds(2), 2_000), (.nanoseconds(1_000_001), 2), (.zero, 0),
    ])
    func millisecondsRoundUp(_ duration: Duration, expected: Int) {
        #expect(duration.milliseconds == expected)
    }

    @Test func wholeSecondsRoundUp() {
        #expect(Duration.milliseconds(1_001).wholeSecondsRoundedUp == 2)
        #expect(Duration.seconds(20).wholeSecondsRoundedUp == 20)
    }
}
