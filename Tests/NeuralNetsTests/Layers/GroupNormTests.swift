// GroupNormTests.swift — GroupNorm: normalised groups (mean 0, variance 1 before the
// affine map), a naive Double reference with perturbed γ and β, finite-difference
// gradients, PyTorch's parameter names, and the fused GroupNorm + SiLU.

import Testing
import NeuralNets
import Tensors

/// The definition in Double: per (n, group), μ and the biased σ², then γ_c(x − μ)/√(σ² + eps) + β_c.
func naiveGroupNorm(_ x: Tensor, groups: Int, gamma: [Float]?, beta: [Float]?, eps: Double = 1e-5) -> [Float] {
    let (n, c) = (x.shape[0], x.shape[1])
    let spatial = x.count / (n * c), m = c / groups * spatial
    let xs = x.scalars
    var y = [Float](repeating: 0, count: x.count)
    for block in 0..<(n * groups) {
        let values = (0..<m).map { Double(xs[block * m + $0]) }
        let mean = values.reduce(0, +) / Double(m)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
        for i in 0..<m {
            let channel = (block % groups) * (c / groups) + i / spatial
            let xhat = (values[i] - mean) / (variance + eps).squareRoot()
            y[block * m + i] = Float(xhat * Double(gamma?[channel] ?? 1) + Double(beta?[channel] ?? 0))
        }
    }
    return y
}

@Suite struct GroupNormTests {
    /// With γ = 1, β = 0 (the initial values), each (image, group) block has mean 0 and
    /// variance σ²/(σ² + eps) ≈ 1.
    @Test(arguments: [1, 2, 6])
    func groupsAreNormalised(groups: Int) {
        let norm = GroupNorm(groups: groups, channels: 6)
        let x = layerInput([2, 6, 5, 5], seed: 12)
        let y = norm(x).scalars
        let m = 6 / groups * 25
        for block in 0..<(2 * groups) {
            let values = y[(block * m)..<((block + 1) * m)].map(Double.init)
            let mean = values.reduce(0, +) / Double(m)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
            // Inputs have variance ≈ 1.3, so eps shifts the variance by < 1e-5; Float rounding ≈ 1e-6.
            #expect(abs(mean) < 1e-5, "block \(block): mean \(mean)")
            #expect(abs(variance - 1) < 2e-5, "block \(block): variance \(variance)")
        }
    }

    @Test func affineMatchesNaiveReference() {
        let norm = GroupNorm(groups: 2, channels: 4)
        perturbLayerParameter(norm.weight!, seed: 13)
        perturbLayerParameter(norm.bias!, seed: 14)
        let x = layerInput([3, 4, 6, 7], seed: 15)
        let expected = naiveGroupNorm(x, groups: 2, gamma: norm.weight!.scalars, beta: norm.bias!.scalars)
        expectLayerValues(norm(x), shape: x.shape, expected, tolerance: 1e-5)
        // No spatial axes ([N, C]) and one ([N, C, L]).
        let flat = layerInput([3, 4], seed: 16)
        expectLayerValues(norm(flat), shape: [3, 4],
                          naiveGroupNorm(flat, groups: 2, gamma: norm.weight!.scalars, beta: norm.bias!.scalars), tolerance: 1e-5)
        let seq = layerInput([2, 4, 9], seed: 17)
        expectLayerValues(norm(seq), shape: [2, 4, 9],
                          naiveGroupNorm(seq, groups: 2, gamma: norm.weight!.scalars, beta: norm.bias!.scalars), tolerance: 1e-5)
    }

    /// A shifted, scaled input (mean 100, spread 0.01) still normalises: the variance
    /// is computed around the mean, not as E[x²] − μ².
    @Test func largeMeanSmallSpread() {
        let norm = GroupNorm(groups: 1, channels: 2, affine: false)
        let base = layerInput([1, 2, 4, 4], seed: 18, requiresGrad: false)
        let x = Tensor(shape: base.shape, scalars: base.scalars.map { 100 + 0.01 * $0 })
        expectLayerValues(norm(x), shape: x.shape, naiveGroupNorm(x, groups: 1, gamma: nil, beta: nil), tolerance: 2e-3)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let shape: [Int], groups: Int
        var testDescription: String { "\(shape) in \(groups) groups" }
    }

    /// (A group of only 2 values is avoided: there x̂ = ±σ/√(σ² + eps) is nearly constant,
    /// its true gradient is of the order of eps, and a finite difference cannot resolve it.)
    @Test(arguments: [Case(shape: [2, 6, 5, 5], groups: 2), Case(shape: [2, 4, 3, 5], groups: 4),
                      Case(shape: [3, 4, 2, 3], groups: 1), Case(shape: [3, 6], groups: 2)])
    func gradientsMatchFiniteDifferences(_ c: Case) {
        let norm = GroupNorm(groups: c.groups, channels: c.shape[1])
        perturbLayerParameter(norm.weight!, seed: 19)
        perturbLayerParameter(norm.bias!, seed: 20)
        let x = layerInput(c.shape, seed: 21)
        layerGradCheck([x] + norm.parameters) { norm(x) }
    }

    /// `norm.silu(x)` is `norm(x).silu()` fused: the same values (the same Float
    /// operations in the same order, so equal to the bit) and the same gradients, on
    /// spatial sizes with and without a tail shorter than the 8-lane vectors.
    @Test(arguments: [Case(shape: [2, 6, 5, 5], groups: 2), Case(shape: [3, 8, 4, 4], groups: 4),
                      Case(shape: [2, 4, 7, 7], groups: 1)])
    func fusedSiLUMatchesSeparateOps(_ c: Case) {
        let norm = GroupNorm(groups: c.groups, channels: c.shape[1])
        perturbLayerParameter(norm.weight!, seed: 23)
        perturbLayerParameter(norm.bias!, seed: 24)
        let x = layerInput(c.shape, seed: 25)
        let fused = norm.silu(x), separate = norm(x).silu()
        #expect(fused.scalars == separate.scalars)

        let g = layerInput(c.shape, seed: 26, requiresGrad: false)
        fused.backward(g)
        let fusedGrads = ([x] + norm.parameters).map { $0.grad!.scalars }
        x.zeroGrad(); norm.zeroGrad()
        separate.backward(g)
        let separateGrads = ([x] + norm.parameters).map { $0.grad! }
        // The same sums, with silu′ applied inside instead of in a separate pass:
        // equal up to Float rounding.
        for (a, b) in zip(fusedGrads, separateGrads) {
            expectLayerValues(Tensor(a), shape: [b.count], b.scalars, tolerance: 1e-5)
        }
        x.zeroGrad(); norm.zeroGrad()
        layerGradCheck([x] + norm.parameters) { norm.silu(x) }
    }

    @Test func withoutAffine() {
        let norm = GroupNorm(groups: 2, channels: 4, affine: false)
        #expect(norm.parameters.isEmpty)
        let x = layerInput([2, 4, 3, 3], seed: 22)
        expectLayerValues(norm(x), shape: x.shape, naiveGroupNorm(x, groups: 2, gamma: nil, beta: nil), tolerance: 1e-5)
        layerGradCheck([x]) { norm(x) }
    }

    @Test func parametersFollowPyTorch() {
        let norm = GroupNorm(groups: 8, channels: 32)
        #expect(layerParameterShapes(norm) == ["weight [32]", "bias [32]"])
        #expect(norm.weight!.scalars.allSatisfy { $0 == 1 })
        #expect(norm.bias!.scalars.allSatisfy { $0 == 0 })
        #expect(norm.eps == 1e-5)
    }
}
