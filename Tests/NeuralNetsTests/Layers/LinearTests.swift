// LinearTests.swift — Linear against a hand computation and a naive loop, its gradients
// against finite differences, its parameters against PyTorch's layout and initialisation,
// the fused Linear + SiLU, and a batch split across threads.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    /// `linearSiLU` = `linear(…).silu()`: equal values (the same GEMM and the same
    /// SiLU formula), gradients equal to rounding, and finite differences; also in a
    /// `Sequential`, which fuses a Linear followed by SiLU.
    @Test func fusedSiLUMatchesSeparateOps() {
        var rng = SeededGenerator(seed: 7)
        let layer = Linear(5, 9, using: &rng)
        let x = layerInput([3, 4, 5], seed: 8)
        let fused = linearSiLU(x, weight: layer.weight, bias: layer.bias)
        let separate = layer(x).silu()
        #expect(fused.scalars == separate.scalars)
        #expect(Sequential([layer, SiLU()])(x).scalars == separate.scalars)
        layerGradCheck([x] + layer.parameters) { linearSiLU(x, weight: layer.weight, bias: layer.bias) }
        let model = Sequential([layer, SiLU(), Linear(9, 2, using: &rng)])
        layerGradCheck([x] + model.parameters) { model(x) }
    }

    /// A batch big enough to be split into one block of rows per core (rows·in·out
    /// ≥ 2²⁰) gives the values of a naive loop, and the gradients of the rows taken
    /// one block at a time: ∂L/∂W and ∂L/∂b are sums over the blocks (equal up to
    /// rounding, ≈ 1e-6 relative), ∂L/∂x is computed per row either way.
    @Test func batchSplitAcrossThreads() {
        var rng = SeededGenerator(seed: 9)
        let layer = Linear(40, 50, using: &rng)
        let rows = 600                                         // 600·40·50 = 1.2·10⁶
        let x = layerInput([rows, 40], seed: 10)
        let y = linearSiLU(x, weight: layer.weight, bias: layer.bias)
        let (w, b, xs) = (layer.weight.scalars, layer.bias!.scalars, x.scalars)
        var expected = [Float](repeating: 0, count: rows * 50)
        for r in 0..<rows {
            for o in 0..<50 {
                var z = Double(b[o])
                for i in 0..<40 { z += Double(xs[r * 40 + i]) * Double(w[o * 40 + i]) }
                expected[r * 50 + o] = Float(z / (1 + exp(-z)))
            }
        }
        expectLayerValues(y, shape: [rows, 50], expected, tolerance: 1e-5)

        let g = layerInput([rows, 50], seed: 11, requiresGrad: false)
        y.backward(g)
        let (dW, dB, dX) = (layer.weight.grad!, layer.bias!.grad!, x.grad!)
        var sumW = [Float](repeating: 0, count: 2000), sumB = [Float](repeating: 0, count: 50), partsX: [Float] = []
        for first in stride(from: 0, to: rows, by: 100) {      // 100·40·50 < 2²⁰: one thread each
            layer.zeroGrad()
            let xi = Tensor(shape: [100, 40], scalars: Array(xs[(first * 40)..<((first + 100) * 40)]), requiresGrad: true)
            linearSiLU(xi, weight: layer.weight, bias: layer.bias).backward(g.slice(axis: 0, first..<(first + 100)))
            for (j, v) in layer.weight.grad!.scalars.enumerated() { sumW[j] += v }
            for (j, v) in layer.bias!.grad!.scalars.enumerated() { sumB[j] += v }
            partsX += xi.grad!.scalars
        }
        expectLayerValues(dX, shape: [rows, 40], partsX, tolerance: 1e-6)
        expectLayerValues(dW, shape: [50, 40], sumW, tolerance: 1e-4)
        expectLayerValues(dB, shape: [50], sumB, tolerance: 1e-4)
    }

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
