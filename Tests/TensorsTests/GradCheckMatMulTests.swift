// GradCheckMatMulTests.swift — gradients of the matrix product in all its forms.

import Testing
import Tensors

@Suite struct GradCheckMatMulTests {
    static let shapePairs: [([Int], [Int])] = [
        ([3, 4], [4, 5]),             // plain 2-D
        ([1, 4], [4, 1]),             // row times column
        ([2, 3, 4], [2, 4, 5]),       // batched 3-D
        ([2, 2, 3, 4], [2, 2, 4, 2]), // batched 4-D
        ([2, 3, 4], [4, 5]),          // [B, M, K] · [K, N]: one weight for every item
        ([2, 2, 3, 4], [4, 3]),       // the same with two batch axes
    ]

    @Test(arguments: shapePairs)
    func bothOperands(shapes: ([Int], [Int])) {
        let a = randomInput(shapes.0, seed: 61)
        let b = randomInput(shapes.1, seed: 62)
        gradCheck(a, b) { matmul($0[0], $0[1]) }
    }

    @Test(arguments: shapePairs)
    func oneOperandRequiresGrad(shapes: ([Int], [Int])) {
        let a = randomInput(shapes.0, seed: 63)
        let b = randomInput(shapes.1, seed: 64, requiresGrad: false)
        gradCheck(a, b) { matmul($0[0], $0[1]) }
        let c = randomInput(shapes.0, seed: 65, requiresGrad: false)
        let d = randomInput(shapes.1, seed: 66)
        gradCheck(c, d) { matmul($0[0], $0[1]) }
    }

    /// A linear layer with a bias and a product with a transposed copy of itself
    /// (the same tensor on both sides of the product: x·xᵀ).
    @Test func compositions() {
        let x = randomInput([4, 3], seed: 67)
        let w = randomInput([3, 5], seed: 68)
        let bias = randomInput([5], seed: 69)
        gradCheck(x, w, bias) { (matmul($0[0], $0[1]) + $0[2]).tanh() }
        gradCheck(x) { matmul($0[0], $0[0].transposed()) }
        let q = randomInput([2, 3, 4], seed: 70)
        let k = randomInput([2, 5, 4], seed: 71)
        gradCheck(q, k) { matmul($0[0], $0[1].transposed()).softmax(axis: -1) }
    }
}
