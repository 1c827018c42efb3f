// LinearTests.swift — Linear against a hand computation and a naive loop, its gradients
// against finite differences, its parameters against PyTorch's layout and initialisation.

import Testing
import NeuralNets
import Tensors

@Suite struct LinearTests {
    /// A 2 → 3 layer with chosen weights: y = x·Wᵀ + b by hand.
    @Test func forwardByHand() {
        var rng = SeededGenerator(seed: 1)
        let layer = Linear(2, 3, using: &rng)
        layer.weight.updateScalars { w in for (i, v) in [1, 2, -1, 0.5, 3, -2].enumerated() { w[i] = Float(v) } }
        layer.bias!.updateScalars { b in b[0] = 0.5; b[1] = -1; b[2] = 2 }
        let x = Tensor(shape: [2, 2], scalars: [1, 2, -3, 0.25])
        // row 0: [1·1 + 2·2 + 0.5, −1·1 + 0.5·2 − 1, 3·1 − 2·2 + 2] = [5.5, −1, 1]
        // row 1: [−3 + 0.5 + 0.5, 3 + 0.125 − 1, −9 − 0.5 + 2] = [−2, 2.125, −7.5]
        expectLayerValues(layer(x), shape: [2, 3], [5.5, -1, 1, -2, 2.125, -7.5], tolerance: 1e-6)
    }

    /// Any number of leading axes: [2, 3, 4] → [2, 3, 5], each row as a naive dot product.
    @Test func leadingAxesAndNoBias() {
        var rng = SeededGenerator(seed: 2)
        for bias in [true, false] {
            let layer = Linear(4, 5, bias: bias, using: &rng)
            let x = layerInput([2, 3, 4], seed: 3)
            let w = layer.weight.scalars, b = layer.bias?.scalars
            var expected: [Float] = []
            for r in 0..<6 {
                for o in 0..<5 {
                    var acc = Double(b?[o] ?? 0)
                    for i in 0..<4 { acc += Double(x.scalars[r * 4 + i]) * Double(w[o * 4 + i]) }
                    expected.append(Float(acc))
                }
            }
            expectLayerValues(layer(x), shape: [2, 3, 5], expected, tolerance: 1e-6)
            layerGradCheck([x] + layer.parameters) { layer(x) }
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 4)
        let layer = Linear(6, 3, using: &rng)
        let x = layerInput([4, 6], seed: 5)
        layerGradCheck([x] + layer.parameters) { layer(x) }
        let v = layerInput([6], seed: 6)                                  // a single vector [in] → [out]
        layerGradCheck([v] + layer.parameters) { layer(v) }
    }

    /// PyTorch names and layout [out, in]; U(−1/√in, 1/√in) for weight and bias.
    @Test func parametersFollowPyTorch() {
        var rng = SeededGenerator(seed: 7)
        let layer = Linear(16, 8, using: &rng)
        #expect(layerParameterShapes(layer) == ["weight [8, 16]", "bias [8]"])
        let bound: Float = 0.25
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.scalars.map(abs).max()! > 0.9 * bound)
        #expect(layer.bias!.scalars.allSatisfy { abs($0) <= bound })
        #expect(layerParameterShapes(Linear(3, 2, bias: false, using: &rng)) == ["weight [2, 3]"])
    }
}
