// GradCheckArithmeticTests.swift — gradients of +, −, ×, ÷ (with broadcasting),
// the tensor∘scalar forms, negation, squared and pow.

import Testing
import Tensors

@Suite struct GradCheckArithmeticTests {
    enum Op: String, CaseIterable, CustomTestStringConvertible {
        case add, sub, mul, div
        var testDescription: String { rawValue }
        func apply(_ a: Tensor, _ b: Tensor) -> Tensor {
            switch self {
            case .add: a + b
            case .sub: a - b
            case .mul: a * b
            case .div: a / b
            }
        }
    }

    /// Same shapes, and every broadcasting pattern the kit relies on: a row vector,
    /// size-1 axes on both sides, a per-channel `[C, 1, 1]` against `[N, C, H, W]`,
    /// and rank-0 tensors against a matrix on either side.
    static let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]),
        ([2, 3], [3]),
        ([3], [2, 3]),
        ([4, 1, 5], [3, 1]),
        ([2, 3, 4, 5], [3, 1, 1]),
        ([], [2, 3]),
        ([2, 3], []),
        ([3, 1], [1, 4]),
        ([1], [2, 3]),
    ]

    @Test(arguments: Op.allCases, shapePairs)
    func tensorTensor(op: Op, shapes: ([Int], [Int])) {
        let a = randomInput(shapes.0, seed: 1)
        // A divisor stays in [0.5, 2]; other right operands are any non-zero values.
        let b = op == .div ? positiveInput(shapes.1, seed: 2) : randomInput(shapes.1, seed: 2)
        gradCheck(a, b) { op.apply($0[0], $0[1]) }
    }

    @Test(arguments: Op.allCases)
    func onlyOneOperandRequiresGrad(op: Op) {
        let a = randomInput([2, 3], seed: 3)
        let b = positiveInput([3], seed: 4, requiresGrad: false)
        gradCheck(a, b) { op.apply($0[0], $0[1]) }      // b gets no .grad
        let c = randomInput([2, 3], seed: 5, requiresGrad: false)
        let d = positiveInput([2, 1], seed: 6)
        gradCheck(c, d) { op.apply($0[0], $0[1]) }      // c gets no .grad
    }

    @Test func tensorScalar() {
        let x = randomInput([3, 4], seed: 7)
        gradCheck(x) { $0[0] + 1.5 }
        gradCheck(x) { 1.5 + $0[0] }
        gradCheck(x) { $0[0] - 0.7 }
        gradCheck(x) { 0.7 - $0[0] }
        gradCheck(x) { $0[0] * 2.5 }
        gradCheck(x) { -2.5 * $0[0] }
        gradCheck(x) { $0[0] / 1.5 }
        let p = positiveInput([3, 4], seed: 8)
        gradCheck(p) { 1.5 / $0[0] }
        gradCheck(x) { -$0[0] }
    }

    @Test func squaredAndPow() {
        let x = randomInput([2, 5], seed: 9)
        gradCheck(x) { $0[0].squared() }
        gradCheck(x) { $0[0].pow(3) }
        gradCheck(x) { $0[0].pow(2) }
        let p = positiveInput([2, 5], seed: 10)
        gradCheck(p) { $0[0].pow(0.5) }
        gradCheck(p) { $0[0].pow(-1.5) }
        gradCheck(p) { $0[0].pow(2.7) }
    }

    /// A tensor used several times in one expression receives the sum of all its
    /// gradient contributions: d/dx (x·x + x) = 2x + 1.
    @Test func tensorUsedTwiceAccumulates() {
        let x = randomInput([4], seed: 11)
        gradCheck(x) { $0[0] * $0[0] + $0[0] }
        x.zeroGrad()
        (x * x + x).sum().backward()
        expectValues(x.grad!, shape: [4], x.scalars.map { 2 * $0 + 1 })
        // Through broadcasting too: both operands are the same tensor of shape [3, 1].
        let y = randomInput([3, 1], seed: 12)
        gradCheck(y) { $0[0] * $0[0].reshaped([1, 3]) / ($0[0].squared() + 1) }
    }

    /// A composite with several ops and broadcasting between them.
    @Test func composite() {
        let a = randomInput([2, 3], seed: 13)
        let b = positiveInput([3], seed: 14)
        let c = randomInput([], seed: 15)
        gradCheck(a, b, c) { x in (x[0] * x[1] - x[2]) / (x[1] + x[2].squared()) + x[0].squared() * x[2] }
    }
}
