// GradCheckUnaryTests.swift — gradients of the elementwise functions.

import Testing
import Tensors

@Suite struct GradCheckUnaryTests {
    /// Smooth functions, checked on non-zero inputs in [−2, 2] of two shapes.
    @Test(arguments: [[7], [2, 3, 4]])
    func smooth(shape: [Int]) {
        let x = randomInput(shape, seed: 21)
        gradCheck(x) { $0[0].exp() }
        gradCheck(x) { $0[0].sin() }
        gradCheck(x) { $0[0].cos() }
        gradCheck(x) { $0[0].tanh() }
        gradCheck(x) { $0[0].sigmoid() }
        gradCheck(x) { $0[0].silu() }
        gradCheck(x) { $0[0].gelu() }
    }

    /// log and sqrt on inputs in [0.5, 2], away from their singularity at 0.
    @Test(arguments: [[7], [2, 3, 4]])
    func logAndSqrt(shape: [Int]) {
        let p = positiveInput(shape, seed: 22)
        gradCheck(p) { $0[0].log() }
        gradCheck(p) { $0[0].sqrt() }
    }

    /// Large |x| where sigmoid, silu, gelu and tanh saturate (their stable branches).
    @Test func saturatedRange() {
        let x = randomInput([10], in: -8...8, seed: 23)
        gradCheck(x) { $0[0].sigmoid() }
        gradCheck(x) { $0[0].silu() }
        gradCheck(x) { $0[0].gelu() }
        gradCheck(x) { $0[0].tanh() }
    }

    /// Functions with kinks: inputs stay ≥ 0.1 (10 ε) away from every kink, on both
    /// sides of it, so the finite difference never straddles one.
    @Test func kinked() {
        let x = randomInput([3, 5], seed: 24)
        #expect(x.scalars.contains { $0 < 0 } && x.scalars.contains { $0 > 0 })
        gradCheck(x) { $0[0].abs() }
        gradCheck(x) { $0[0].relu() }
        gradCheck(x) { maximum($0[0], 0) }

        let y = randomInput([4, 5], avoiding: [-0.5, 0.8], seed: 25)
        #expect(y.scalars.contains { $0 < -0.5 } && y.scalars.contains { $0 > 0.8 })
        gradCheck(y) { $0[0].clamped(min: -0.5, max: 0.8) }
        gradCheck(y) { $0[0].clamped(min: -0.5) }
        gradCheck(y) { $0[0].clamped(max: 0.8) }
    }

    /// The gradient of ReLU, abs and clamp is exactly 0 where the input was cut off.
    @Test func kinkedGradientValues() {
        let x = Tensor([-1.5, -0.2, 0.3, 2], requiresGrad: true)
        x.relu().sum().backward()
        expectValues(x.grad!, shape: [4], [0, 0, 1, 1])
        x.zeroGrad()
        x.abs().sum().backward()
        expectValues(x.grad!, shape: [4], [-1, -1, 1, 1])
        x.zeroGrad()
        x.clamped(min: -1, max: 1).sum().backward()
        expectValues(x.grad!, shape: [4], [0, 1, 1, 0])
    }
}
