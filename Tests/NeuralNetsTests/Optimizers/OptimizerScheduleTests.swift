// OptimizerScheduleTests.swift — learning-rate schedules at their key steps.

import Testing
import NeuralNets

@Suite struct OptimizerScheduleTests {
    /// base 1e-3, 100 warm-up steps, cosine to 1e-5 at step 1100.
    static let schedule = LearningRateSchedule.warmupCosine(base: 1e-3, warmupSteps: 100, totalSteps: 1100,
                                                            minimum: 1e-5)

    static func expectRate(_ step: Int, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let got = Double(schedule(step))
        #expect(abs(got - expected) <= 1e-7 * expected + 1e-12, "step \(step): got \(got), expected \(expected)",
                sourceLocation: sourceLocation)
    }

    @Test func warmUpIsLinearFromZero() {
        Self.expectRate(0, 0)
        Self.expectRate(1, 1e-5)
        Self.expectRate(50, 5e-4)
        Self.expectRate(99, 9.9e-4)
    }

    @Test func cosineDecayFromPeakToMinimum() {
        Self.expectRate(100, 1e-3)                              // peak: cos 0 = 1
        Self.expectRate(600, 1e-5 + (1e-3 - 1e-5) / 2)          // halfway: cos(π/2) = 0
        // A quarter of the way: ½(1 + cos(π/4)) = ½ + √2/4.
        Self.expectRate(350, 1e-5 + (1e-3 - 1e-5) * (0.5 + 2.0.squareRoot() / 4))
        Self.expectRate(850, 1e-5 + (1e-3 - 1e-5) * (0.5 - 2.0.squareRoot() / 4))
        Self.expectRate(1100, 1e-5)                             // end: cos π = −1
        Self.expectRate(5000, 1e-5)                             // and after
    }

    @Test func rateNeverIncreasesAfterWarmUp() {
        var previous = Self.schedule(100)
        for step in 101...1200 {
            let lr = Self.schedule(step)
            #expect(lr <= previous)
            previous = lr
        }
    }

    @Test func noWarmUpStartsAtThePeak() {
        let s = LearningRateSchedule.warmupCosine(base: 0.5, warmupSteps: 0, totalSteps: 10)
        #expect(s(0) == 0.5)
        #expect(abs(s(5) - 0.25) < 1e-7)
        #expect(s(10) == 0)
    }

    @Test func constantIsConstant() {
        let s = LearningRateSchedule.constant(3e-4)
        #expect([0, 1, 10, 1_000_000].map { s.learningRate(at: $0) } == [3e-4, 3e-4, 3e-4, 3e-4])
    }
}
