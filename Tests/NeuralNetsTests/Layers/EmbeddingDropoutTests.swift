// EmbeddingDropoutTests.swift — Embedding lookups and gradients; Dropout's mask
// statistics with a fixed seed, scaling, evaluation mode and gradient.

import Testing
import NeuralNets
import Tensors

@Suite struct EmbeddingTests {
    @Test func rowsAreLookedUp() {
        var rng = SeededGenerator(seed: 51)
        let table = Embedding(5, 3, using: &rng)
        let w = table.weight.scalars
        let y = table([4, 0, 4, 2])
        let expected = [4, 0, 4, 2].flatMap { Array(w[($0 * 3)..<($0 * 3 + 3)]) }
        expectLayerValues(y, shape: [4, 3], expected, tolerance: 0)
        #expect(layerParameterShapes(table) == ["weight [5, 3]"])
    }

    /// A repeated index receives the sum of both rows' gradients.
    @Test func gradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 52)
        let table = Embedding(4, 3, using: &rng)
        layerGradCheck(table.parameters) { table([1, 3, 1, 0]) }
    }

    /// Initialised from N(0, 1): over 64·32 = 2048 values the sample mean has standard
    /// error 1/√2048 ≈ 0.022 and the sample standard deviation ≈ 0.016; the bounds are
    /// about 4.5 standard errors wide (and exact for this fixed seed).
    @Test func initialisedFromStandardNormal() {
        var rng = SeededGenerator(seed: 53)
        let w = Embedding(64, 32, using: &rng).weight.scalars.map(Double.init)
        let mean = w.reduce(0, +) / Double(w.count)
        let std = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(mean) < 0.1)
        #expect(abs(std - 1) < 0.07)
    }
}

@Suite struct DropoutTests {
    /// p = 0.3 on 100 000 values: the number dropped is Binomial(10⁵, 0.3), standard
    /// deviation √(10⁵·0.3·0.7) ≈ 145, i.e. 0.00145 as a fraction; the bound 0.006 is
    /// ≈ 4σ (and exact for this fixed seed). Survivors are scaled by exactly 1/(1 − p).
    @Test func maskStatisticsAndScaling() {
        let dropout = Dropout(p: 0.3)
        let x = layerInput([100_000], seed: 54, requiresGrad: false)
        var rng = SeededGenerator(seed: 55)
        let y = dropout(x, using: &rng).scalars
        let dropped = y.filter { $0 == 0 }.count
        #expect(abs(Double(dropped) / 100_000 - 0.3) < 0.006)
        let scale: Float = 1 / 0.7
        for i in 0..<y.count where y[i] != 0 { #expect(y[i] == x.scalars[i] * scale); if y[i] != x.scalars[i] * scale { break } }
        // The same seed gives the same mask; another seed another one.
        var same = SeededGenerator(seed: 55), other = SeededGenerator(seed: 56)
        #expect(dropout(x, using: &same).scalars == y)
        #expect(dropout(x, using: &other).scalars != y)
    }

    @Test func evaluationAndExtremes() {
        let x = layerInput([2, 3], seed: 57)
        var rng = SeededGenerator(seed: 58)
        let dropout = Dropout(p: 0.5)
        dropout.eval()
        #expect(dropout(x, using: &rng) === x)
        #expect(Dropout(p: 0)(x, using: &rng) === x)
        #expect(Dropout(p: 1)(x, using: &rng).scalars.allSatisfy { $0 == 0 })
        #expect(Dropout().p == 0.5 && Dropout().parameters.isEmpty)
    }

    /// ∂L/∂x = G ⊙ mask: checked with the mask fixed by re-seeding on every evaluation.
    @Test func gradientUsesTheSameMask() {
        let dropout = Dropout(p: 0.4)
        let x = layerInput([3, 5], seed: 59)
        layerGradCheck([x]) {
            var rng = SeededGenerator(seed: 60)
            return dropout(x, using: &rng)
        }
    }
}
