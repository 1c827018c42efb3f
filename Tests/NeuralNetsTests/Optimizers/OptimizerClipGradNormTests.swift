// OptimizerClipGradNormTests.swift — global gradient-norm clipping (PyTorch's clip_grad_norm_).

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerClipGradNormTests {
    typealias Kit = OptimTestKit

    /// Gradients [3, 4] and [12]: the global norm is √(9 + 16 + 144) = 13, a third parameter has none.
    static func parametersWithGradients() -> [Tensor] {
        let a = Tensor(shape: [2], scalars: [1.0, -1.0], requiresGrad: true)
        let b = Tensor(shape: [1, 1], scalars: [0.5], requiresGrad: true)
        let frozen = Tensor(shape: [2], scalars: [2.0, 3.0], requiresGrad: true)
        Kit.setGradient(a, [3, -4])
        Kit.setGradient(b, [12])
        return [a, frozen, b]
    }

    @Test func largeGradientsAreScaledToMaxNorm() {
        let ps = Self.parametersWithGradients()
        let norm = clipGradNorm(ps, maxNorm: 2)
        #expect(norm == 13)
        // Each gradient is scaled by 2/(13 + 1e-6): the direction stays, the new norm is
        // 2·13/(13 + 1e-6) = 2 − 1.5e-7, i.e. maxNorm to within Float rounding.
        let scale = 2 / (13 + 1e-6)
        let expected: [[Double]] = [[3 * scale, -4 * scale], [], [12 * scale]]
        for (p, e) in zip(ps, expected) where !e.isEmpty {
            for (g, x) in zip(p.grad!.scalars, e) { #expect(abs(Double(g) - x) < 1e-6) }
        }
        #expect(ps[1].grad == nil)
        let newNorm = clipGradNorm(ps, maxNorm: 1000)
        #expect(abs(newNorm - 2) < 1e-6)
    }

    @Test func smallGradientsAreLeftAlone() {
        let ps = Self.parametersWithGradients()
        let norm = clipGradNorm(ps, maxNorm: 13.5)
        #expect(norm == 13)
        #expect(ps[0].grad!.scalars == [3, -4])
        #expect(ps[2].grad!.scalars == [12])
    }

    @Test func normIsAccumulatedInDouble() {
        // 2²⁰ gradients of 0.001 plus one of 1: ‖g‖² = 1 + 2²⁰·10⁻⁶ ≈ 2.048576. A Float
        // running sum of the squares rounds each 10⁻⁶ it adds to a sum near 1 by up to
        // 6%; the Double sum is good to 1e-6 relative.
        let n = 1 << 20
        let big = Tensor(shape: [n], scalars: [Float](repeating: 0.5, count: n), requiresGrad: true)
        let one = Tensor(shape: [1], scalars: [-0.5], requiresGrad: true)
        Kit.setGradient(big, [Float](repeating: 0.001, count: n))
        Kit.setGradient(one, [1])
        let norm = clipGradNorm([big, one], maxNorm: 10)
        let exact = (1 + Double(n) * Double(Float(0.001)) * Double(Float(0.001))).squareRoot()
        #expect(abs(Double(norm) - exact) < 1e-6 * exact)
    }

    @Test func noGradientsMeanNormZero() {
        let p = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        #expect(clipGradNorm([p], maxNorm: 1) == 0)
        #expect(p.grad == nil)
    }
}
