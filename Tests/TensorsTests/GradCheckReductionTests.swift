// GradCheckReductionTests.swift — gradients of sum, mean and variance.

import Testing
import Tensors

@Suite struct GradCheckReductionTests {
    static let axesCases: [[Int]] = [[0], [1], [2], [-1], [0, 2], [1, 2], [0, 1, 2], []]

    @Test(arguments: axesCases, [false, true])
    func sumOverAxes(axes: [Int], keepDims: Bool) {
        let x = randomInput([2, 3, 4], seed: 31)
        gradCheck(x) { $0[0].sum(axes: axes, keepDims: keepDims) }
    }

    @Test(arguments: axesCases, [false, true])
    func meanOverAxes(axes: [Int], keepDims: Bool) {
        let x = randomInput([2, 3, 4], seed: 32)
        gradCheck(x) { $0[0].mean(axes: axes, keepDims: keepDims) }
    }

    @Test(arguments: [[0], [2], [-1], [0, 2], [1, 2], [0, 1, 2]], [0, 1])
    func varianceOverAxes(axes: [Int], correction: Int) {
        let x = randomInput([2, 3, 4], seed: 33)
        gradCheck(x) { $0[0].variance(axes: axes, correction: correction) }
        gradCheck(x) { $0[0].variance(axes: axes, keepDims: true, correction: correction) }
    }

    @Test func wholeTensor() {
        let x = randomInput([3, 5], seed: 34)
        gradCheck(x) { $0[0].sum() }
        gradCheck(x) { $0[0].mean() }
        gradCheck(x) { $0[0].variance() }
        gradCheck(x) { $0[0].variance(correction: 1) }
        // A reduction feeding further ops (the GroupNorm pattern).
        gradCheck(x) { x in
            let centered = x[0] - x[0].mean(axes: [1], keepDims: true)
            return centered / (x[0].variance(axes: [1], keepDims: true) + 1e-5).sqrt()
        }
    }
}
