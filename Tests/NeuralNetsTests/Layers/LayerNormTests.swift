// LayerNormTests.swift — LayerNorm over the last axis: normalised rows, a naive
// reference with perturbed γ and β, finite-difference gradients.

import Testing
import NeuralNets
import Tensors

@Suite struct LayerNormTests {
    @Test func rowsAreNormalisedAndAffineApplied() {
        let norm = LayerNorm(5)
        let x = layerInput([2, 3, 5], seed: 31)
        let y = norm(x).scalars
        for r in 0..<6 {
            let row = y[(r * 5)..<(r * 5 + 5)].map(Double.init)
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            #expect(abs(mean) < 1e-6)
            #expect(abs(variance - 1) < 1e-4)            // σ²/(σ² + 1e-5) with σ² ≳ 0.1
        }
        perturbLayerParameter(norm.weight, seed: 32)
        perturbLayerParameter(norm.bias, seed: 33)
        let gamma = norm.weight.scalars, beta = norm.bias.scalars
        var expected: [Float] = []
        for r in 0..<6 {
            let row = (0..<5).map { Double(x.scalars[r * 5 + $0]) }
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            for i in 0..<5 {
                expected.append(Float((row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])))
            }
        }
        expectLayerValues(norm(x), shape: [2, 3, 5], expected, tolerance: 1e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let norm = LayerNorm(6)
        perturbLayerParameter(norm.weight, seed: 34)
        perturbLayerParameter(norm.bias, seed: 35)
        let x = layerInput([4, 6], seed: 36)
        layerGradCheck([x] + norm.parameters) { norm(x) }
        let x3 = layerInput([2, 3, 6], seed: 37)
        layerGradCheck([x3] + norm.parameters) { norm(x3) }
    }

    @Test func parametersFollowPyTorch() {
        let norm = LayerNorm(7)
        #expect(layerParameterShapes(norm) == ["weight [7]", "bias [7]"])
        #expect(norm.weight.scalars == [Float](repeating: 1, count: 7))
        #expect(norm.bias.scalars == [Float](repeating: 0, count: 7))
    }
}
