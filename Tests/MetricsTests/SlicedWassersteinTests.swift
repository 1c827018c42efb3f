// SlicedWassersteinTests.swift — sliced W1 against exact values.

import Datasets
import Metrics
import Tensors
import Testing

@Suite struct SlicedWassersteinTests {
    /// A set against itself: every sorted projection matches, the distance is 0 exactly.
    @Test func identicalSetsAreAtZero() {
        var rng = SeededGenerator(seed: 6)
        let x = Toy2D.twoMoons.sample(300, using: &rng)
        #expect(slicedWasserstein(x, x, using: &rng) == 0)
    }

    /// In 1-D the directions are ±1 and W1 pairs sorted values: a = {0, 1, 2},
    /// b = {0.5, 3, 1} → sorted gaps 0.5, 0, 1 → 0.5.
    @Test func oneDimensionalByHand() {
        var rng = SeededGenerator(seed: 7)
        let d = slicedWasserstein(points([[0], [1], [2]]), points([[0.5], [3], [1]]), projections: 5, using: &rng)
        #expect(abs(d - 0.5) < 1e-12)
    }

    /// Shifting every point by s shifts each projection by ⟨s, u⟩ without changing its
    /// order, so SW1 = (1/L) Σ_l |⟨s, u_l⟩| exactly (computed here independently from
    /// the same directions). Float inputs: tolerance 1e-5.
    @Test func shiftGivesMeanProjectedShift() {
        var rng = SeededGenerator(seed: 8)
        let a = Toy2D.swissRoll.sample(500, using: &rng)                   // [500, 2]
        let s: [Float] = [0.75, -0.5]
        let b = a + Tensor(shape: [1, 2], scalars: s)                      // [500, 2]
        let directions = randomUnitDirections(64, dimension: 2, using: &rng)
        let expected = rows(directions).reduce(0.0) { $0 + abs(Double(s[0]) * $1[0] + Double(s[1]) * $1[1]) } / 64
        let d = slicedWasserstein(a, b, directions: directions)
        #expect(abs(d - expected) < 1e-5, "SW1 \(d), mean |⟨s, u⟩| \(expected)")

        // Over uniform directions in 2-D, E|⟨s, u⟩| = (2/π)|s|. |cos θ| has std
        // √(1/2 − 4/π²) ≈ 0.31, so with 4,096 directions the mean is within
        // 0.31/64 ≈ 0.5% (one σ) of 2/π; allow 3%.
        let many = slicedWasserstein(a, b, projections: 4096, using: &rng)
        let norm = Double((s[0] * s[0] + s[1] * s[1]).squareRoot())
        #expect(abs(many / (2 / Double.pi * norm) - 1) < 0.03, "SW1 \(many), (2/π)|s| \(2 / Double.pi * norm)")
    }

    /// The floor helper: samples from the data itself score about the floor; shifted
    /// samples score far above it.
    @Test func noiseFloor() {
        var rng = SeededGenerator(seed: 9)
        let toy = Toy2D.twoMoons
        let real = toy.sample(1000, using: &rng)
        let same = slicedWassersteinWithFloor(real, data: { n, g in toy.sample(n, using: &g) }, using: &rng)
        #expect(same.floor > 0 && same.distance > 0)
        #expect(same.ratio < 2.5, "real data: distance \(same.distance), floor \(same.floor)")
        let shifted = real + Tensor(shape: [1, 2], scalars: [1, 0])
        let far = slicedWassersteinWithFloor(shifted, data: { n, g in toy.sample(n, using: &g) }, using: &rng)
        #expect(far.ratio > 5, "shifted data: distance \(far.distance), floor \(far.floor)")
    }

    /// Sets of different sizes stop with a message that says so.
    @Test func unequalSizesStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var rng = SeededGenerator(seed: 0)
            _ = slicedWasserstein(Tensor.zeros([3, 2]), Tensor.zeros([4, 2]), using: &rng)
        }
        if let result {
            let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(stderr.contains("same number of points") && stderr.contains("3") && stderr.contains("4"), "\(stderr)")
        }
    }
}
