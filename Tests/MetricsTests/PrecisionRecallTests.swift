// PrecisionRecallTests.swift — precision, recall, density and coverage on point sets
// worked out by hand, and their known expectations for two draws of one distribution.
//
// Most sets lie on the x-axis of ℝ², at integer positions, so every squared distance
// is an exact small integer and ties at a ball's edge are decided exactly (balls are
// closed). Radii of the real line R = {0, 1, …, L − 1} (k-th nearest neighbour, the
// point itself excluded):
//
//     k = 3:  the two ends 3, every other point 2   (e.g. 1 → {0, 2, 3}: 1, 1, 2)
//     k = 5:  ends 5, next-to-ends 4, the rest 3    (e.g. 2 → {1, 3, 0, 4, 5}: 1, 1, 2, 2, 3)

import Metrics
import Tensors
import Testing

/// The points (x, 0) for each x.
private func onLine(_ xs: [Double]) -> Tensor { points(xs.map { [$0, 0] }) }

@Suite struct PrecisionRecallTests {
    /// Generated = real: every generated point sits on a real one (distance 0), and vice
    /// versa, so precision = recall = coverage = 1. Density for R = {0 … 9}, k = 5, with
    /// radii 5 4 3 3 3 3 3 3 4 5: real point i's ball [i − r, i + r] holds these
    /// generated points: 0 → 0…5 (6), 1 → 0…5 (6), 2 → 0…5 (6), 3 → 0…6 (7),
    /// 4 → 1…7 (7), 5 → 2…8 (7), 6 → 3…9 (7), 7 → 4…9 (6), 8 → 4…9 (6), 9 → 4…9 (6):
    /// 64 in all, density = 64/(5·10) = 1.28.
    @Test func identicalSets() {
        let x = onLine((0..<10).map(Double.init))
        let r = FidelityDiversity.measure(real: x, generated: x)
        #expect(r.precision == 1 && r.recall == 1 && r.coverage == 1, "\(r)")
        #expect(abs(r.density - 1.28) < 1e-12, "density \(r.density), by hand 64/50")
        #expect(r.kPrecisionRecall == 3 && r.kDensityCoverage == 5)
        #expect(r.realCount == 10 && r.generatedCount == 10)
    }

    /// Generated points 50 units above the real line: the largest ball has radius 5
    /// (k = 5) and the generated balls radius ≤ 3, so nothing reaches anything: all 0.
    @Test func farAwaySetScoresZero() {
        let real = onLine((0..<10).map(Double.init))
        let generated = points((0..<10).map { [Double($0), 50] })
        let r = FidelityDiversity.measure(real: real, generated: generated)
        #expect(r.precision == 0 && r.recall == 0 && r.density == 0 && r.coverage == 0, "\(r)")
    }

    /// Mode collapse: R = {0 … 19}, six generated points all at 10.
    /// - precision: each is at distance 0 from real 10 → 1.
    /// - recall: the generated radii are 0 (the 3rd neighbour is a copy), so only real
    ///   10 lies in a generated ball → 1/20 = 0.05.
    /// - coverage (k = 5): real i's ball holds 10 when |10 − i| ≤ 3 (interior radius) →
    ///   i = 7 … 13, 7 of 20 = 0.35.
    /// - density: each generated point lies in those 7 balls → 6·7/(5·6) = 1.4: more
    ///   than 1, the samples crowd into one dense spot.
    @Test func collapsedSetIsPreciseButNotDiverse() {
        let real = onLine((0..<20).map(Double.init))
        let generated = onLine([Double](repeating: 10, count: 6))
        let r = FidelityDiversity.measure(real: real, generated: generated)
        #expect(r.precision == 1, "precision \(r.precision)")
        #expect(abs(r.recall - 0.05) < 1e-12, "recall \(r.recall), by hand 1/20")
        #expect(abs(r.coverage - 0.35) < 1e-12, "coverage \(r.coverage), by hand 7/20")
        #expect(abs(r.density - 1.4) < 1e-12, "density \(r.density), by hand 42/30")
    }

    /// R = {0 … 9}; generated G = {0.5, 2, 4.5, 7} near the data and {100, 101, 102, 103}
    /// far away (M = 8).
    /// - precision: the first four lie within 2 of a real point (every real radius is
    ///   ≥ 2), the last four do not → 4/8 = 0.5.
    /// - recall: the generated radii (k = 3) are 0.5 → 6.5 (3rd of 1.5, 4, 6.5),
    ///   2 → 5, 4.5 → 4, 7 → 6.5; ball(0.5, 6.5) holds reals 0 … 7 and ball(7, 6.5)
    ///   holds 1 … 9, so recall = 1 — the large balls of sparse samples inflate it.
    /// - coverage (k = 5, radii 5 4 3 3 3 3 3 3 4 5): every real point is within 3 of
    ///   one of 0.5, 2, 4.5, 7 → 1.
    /// - density: real balls holding 0.5: i = 0 … 3 (4); 2: i = 0 … 5 (6);
    ///   4.5: i = 0 … 9 (|4.5 − 0| = 4.5 ≤ 5, |4.5 − 1| = 3.5 ≤ 4, …) (10);
    ///   7: i = 4 … 9 (6); far points: 0. (4 + 6 + 10 + 6)/(5·8) = 26/40 = 0.65.
    @Test func halfTheSamplesAreOutliers() {
        let real = onLine((0..<10).map(Double.init))
        let generated = onLine([0.5, 2, 4.5, 7, 100, 101, 102, 103])
        let r = FidelityDiversity.measure(real: real, generated: generated)
        #expect(abs(r.precision - 0.5) < 1e-12, "precision \(r.precision), by hand 4/8")
        #expect(r.recall == 1, "recall \(r.recall)")
        #expect(r.coverage == 1, "coverage \(r.coverage)")
        #expect(abs(r.density - 0.65) < 1e-12, "density \(r.density), by hand 26/40")
    }

    /// Other k's: R = {0 … 9}, G = {4, 5} repeated (M = 6), kPrecisionRecall = 1,
    /// kDensityCoverage = 1 (every real radius is 1: the nearest neighbour; the
    /// generated radii are 0, copies). precision 1; recall = 2/10 (reals 4 and 5);
    /// coverage: real balls [i − 1, i + 1] holding 4 or 5 → i = 3 … 6, 4/10;
    /// density: 4 lies in the balls of 3, 4, 5 and so does 5 (of 4, 5, 6): 6·3/(1·6) = 3.
    @Test func otherK() {
        let real = onLine((0..<10).map(Double.init))
        let generated = onLine([4, 5, 4, 5, 4, 5])
        let r = FidelityDiversity.measure(real: real, generated: generated, kPrecisionRecall: 1, kDensityCoverage: 1)
        #expect(r.precision == 1 && abs(r.recall - 0.2) < 1e-12 && abs(r.coverage - 0.4) < 1e-12, "\(r)")
        #expect(abs(r.density - 3) < 1e-12, "density \(r.density), by hand 3")
    }

    /// Two independent draws of N = M = 1000 points of N(0, I) in D = 128, the size the
    /// chapter uses. By exchangeability (Naeem et al. 2020, §3.3): E[density] = 1 exactly,
    /// and E[coverage] = 1 − C(N − 1, k)/C(N + M − 1, k) = 1 − Π_{t<5} (999 − t)/(1999 − t)
    /// ≈ 0.9688 for k = 5. Both are means of indicators that are far from independent in
    /// 128 dimensions (a few "hub" points lie in many balls): over seeds 1 … 12 coverage
    /// ranged over 0.949 … 0.982 (std ≈ 0.012) and density over 0.82 … 1.12 (std ≈ 0.1),
    /// so the tolerances are ≈ 3.5σ: 0.04 and 0.35. Precision and recall have no closed
    /// form here, but swapping the two draws swaps them, so they agree in distribution;
    /// they differed by at most 0.08 over those seeds (both ≈ 0.55): tolerance 0.15.
    @Test func sameDistributionMatchesExpectations() {
        var rng = SeededGenerator(seed: 21)
        let a = Tensor.randn([1000, 128], using: &rng)                    // [N, D]
        let b = Tensor.randn([1000, 128], using: &rng)                    // [M, D]
        let clock = ContinuousClock()
        var r: FidelityDiversity?
        let elapsed = clock.measure { r = FidelityDiversity.measure(real: a, generated: b) }
        guard let r else { return }
        var allReal = 1.0                                                 // C(999, 5)/C(1999, 5)
        for t in 0..<5 { allReal *= Double(999 - t) / Double(1999 - t) }
        let expectedCoverage = 1 - allReal
        #expect(abs(expectedCoverage - 0.9688) < 1e-3)
        #expect(abs(r.coverage - expectedCoverage) < 0.04, "coverage \(r.coverage), expected \(expectedCoverage)")
        #expect(abs(r.density - 1) < 0.35, "density \(r.density), expected 1")
        #expect(r.precision > 0.3 && r.recall > 0.3 && abs(r.precision - r.recall) < 0.15, "\(r)")
        // "Well under a second" on one core; a loose limit so a busy machine does not fail it.
        #expect(elapsed < .seconds(5), "N = M = 1000, D = 128 took \(elapsed)")
        print("FidelityDiversity same distribution: \(r), \(elapsed)")
    }

    /// Too few points for a k-NN radius stops with a message naming the set and k.
    @Test func tooFewPointsStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let real = Tensor(shape: [5, 2], scalars: (0..<10).map(Float.init))
            _ = FidelityDiversity.measure(real: real, generated: real)    // 5 points, k = 5
        }
        if let result {
            let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(stderr.contains("real set has 5 points") && stderr.contains("k = 5"), "\(stderr)")
        }
    }

    /// Feature sets of different dimensions stop with both shapes.
    @Test func dimensionMismatchStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = FidelityDiversity.measure(real: Tensor.ones([10, 3]), generated: Tensor.ones([10, 4]))
        }
        if let result {
            let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(stderr.contains("dimensions differ") && stderr.contains("[10, 3]") && stderr.contains("[10, 4]"), "\(stderr)")
        }
    }
}
