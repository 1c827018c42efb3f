// SinusoidalEmbeddingTests.swift — the timestep embedding at t = 0, at hand-computed
// entries, and its module wrapper.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import NeuralNets
import Tensors

@Suite struct SinusoidalEmbeddingTests {
    /// t = 0: every sine is sin 0 = 0 (first half), every cosine cos 0 = 1 (second half).
    @Test func atZero() {
        let e = sinusoidalEmbedding([0], dimension: 16)
        expectLayerValues(e, shape: [1, 16], [Float](repeating: 0, count: 8) + [Float](repeating: 1, count: 8), tolerance: 0)
    }

    /// d = 8: half = 4 and f_i = 10000^(−i/4) = 1, 0.1, 0.01, 0.001. For t = 5 the
    /// arguments are 5, 0.5, 0.05, 0.005:
    /// sin: −0.95892427, 0.47942554, 0.04997917, 0.00499998
    /// cos:  0.28366219, 0.87758256, 0.99875026, 0.99998750
    @Test func handComputedEntries() {
        let e = sinusoidalEmbedding([0, 5], dimension: 8)
        let row1: [Float] = [-0.95892427, 0.47942554, 0.04997917, 0.00499998,
                             0.28366219, 0.87758256, 0.99875026, 0.99998750]
        expectLayerValues(e, shape: [2, 8], [0, 0, 0, 0, 1, 1, 1, 1] + row1, tolerance: 2e-6)
    }

    /// Entry (b, i) is sin(t_b·f_i), entry (b, half + i) is cos(t_b·f_i), f_i = exp(−ln(10⁴)·i/half), for large t.
    @Test func matchesFormulaForLargeTimesteps() {
        let t: [Float] = [17, 999, 423.5]
        let d = 32, half = 16
        let e = sinusoidalEmbedding(t, dimension: d)
        var expected: [Float] = []
        for tb in t {
            let args = (0..<half).map { Double(tb) * exp(-log(10000.0) * Double($0) / Double(half)) }
            expected += args.map { Float(sin($0)) } + args.map { Float(cos($0)) }
        }
        // |t·f| ≤ 999: Float rounding of the argument (≈ 999·6e-8 = 6e-5) bounds the error.
        expectLayerValues(e, shape: [3, d], expected, tolerance: 2e-4)
    }

    /// Whole timesteps in 0..<1024 are looked up in a table made once; any other t
    /// (fractions, negative, ≥ 1024) is computed. Both must be the same Float
    /// computation, bit for bit: every row of a mixed batch equals that t embedded on
    /// its own and equals the formula written out here with sinf/cosf.
    @Test func tableAndDirectRowsAgree() {
        let t: [Float] = [0, 1, 999, 1023, 1024, 2047, 3.5, -2, 500.25, 999]
        let d = 32, half = 16
        let batch = sinusoidalEmbedding(t, dimension: d)
        for (b, tb) in t.enumerated() {
            let alone = sinusoidalEmbedding([tb], dimension: d)
            #expect(Array(batch.scalars[b * d..<(b + 1) * d]) == alone.scalars, "row \(b) (t = \(tb))")
            // The same Float formula, written out here: f_i = expf(−ln(10⁴)·i/half) in Float.
            let scale = Float(-log(10000.0))
            let row = (0..<half).map { i -> Float in tb * expf(scale * Float(i) / Float(half)) }
            #expect(alone.scalars == row.map(sinf) + row.map(cosf), "t = \(tb)")
        }
        // A fraction is not rounded to a table row.
        let near = sinusoidalEmbedding([5, 5.25], dimension: d)
        #expect(Array(near.scalars[0..<d]) != Array(near.scalars[d..<2 * d]))
    }

    @Test func moduleWrapper() {
        let module = SinusoidalTimeEmbedding(dimension: 6)
        #expect(module([1, 2]).scalars == sinusoidalEmbedding([1, 2], dimension: 6).scalars)
        #expect(module([3] as [Int]).scalars == sinusoidalEmbedding([3], dimension: 6).scalars)
        #expect(module.parameters.isEmpty)
        #expect(!module([1]).requiresGrad)
    }
}
