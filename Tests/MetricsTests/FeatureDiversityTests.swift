// FeatureDiversityTests.swift — the variance ratio against exact values.

import Metrics
import Tensors
import Testing

@Suite struct FeatureDiversityTests {
    /// Identical sets: the same trace on top and bottom, exactly 1.
    @Test func identicalSetsGiveOne() {
        var rng = SeededGenerator(seed: 31)
        let x = Tensor.randn([300, 16], using: &rng) * 2 + 1                  // [300, 16]
        #expect(featureDiversity(generated: x, real: x) == 1)
    }

    /// The cube corners {−1, 1}^4 (N = 16) have column variances 16/15 each, so
    /// Tr Σ = 4·16/15 exactly. Shrunk by s = 0.5 about their mean and shifted (both
    /// exact in Float): ratio s² = 0.25 exactly, whatever the shift.
    @Test func exactTraceAndScaledCube() {
        let corners = cubeCorners(dimension: 4)
        #expect(abs(totalVariance(points(corners)) - 64.0 / 15) < 1e-12)
        let shrunk = corners.map { $0.map { 3 + 0.5 * $0 } }
        #expect(featureDiversity(generated: points(shrunk), real: points(corners)) == 0.25)
    }

    /// A random set scaled by s = 3 about its mean: ratio s² = 9. The scaled copy is
    /// rounded to Float (relative error ≤ 6e-8 per value), so the ratio is good to ≈ 1e-7
    /// relative: tolerance 1e-5 relative.
    @Test func scaledSetGivesSquare() {
        var rng = SeededGenerator(seed: 32)
        let x = Tensor.randn([500, 32], using: &rng) + 4                      // [500, 32]
        let d = 32
        var mean = [Double](repeating: 0, count: d)
        for (i, v) in x.scalars.enumerated() { mean[i % d] += Double(v) / 500 }
        let scaled = Tensor(shape: x.shape, scalars: x.scalars.enumerated().map { i, v in
            Float(mean[i % d] + 3 * (Double(v) - mean[i % d]))
        })                                                                    // [500, 32]
        let ratio = featureDiversity(generated: scaled, real: x)
        #expect(abs(ratio / 9 - 1) < 1e-5, "ratio \(ratio), expected 9")
        #expect(abs(featureDiversity(generated: x, real: scaled) * 9 - 1) < 1e-5)
    }
}
