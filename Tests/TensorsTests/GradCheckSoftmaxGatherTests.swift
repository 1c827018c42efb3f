// GradCheckSoftmaxGatherTests.swift — gradients of softmax, logSoftmax and gather.

import Testing
import Tensors

@Suite struct GradCheckSoftmaxGatherTests {
    @Test(arguments: [0, 1, 2, -1])
    func softmax(axis: Int) {
        let x = randomInput([2, 3, 4], seed: 81)
        gradCheck(x) { $0[0].softmax(axis: axis) }
    }

    @Test(arguments: [0, 1, 2, -1])
    func logSoftmax(axis: Int) {
        let x = randomInput([2, 3, 4], seed: 82)
        gradCheck(x) { $0[0].logSoftmax(axis: axis) }
    }

    /// Large logits exercise the max-subtraction (e^100 would overflow Float32).
    @Test func largeLogits() {
        let x = randomInput([3, 4], in: 95...105, avoiding: [], seed: 83)
        gradCheck(x) { $0[0].softmax() }
        gradCheck(x) { $0[0].logSoftmax() }
    }

    /// Rows picked more than once receive the sum of their gradients; rows never
    /// picked receive zero (row 3 of 5 below).
    @Test func gatherRepeatedIndices() {
        let table = randomInput([5, 3], seed: 84)
        gradCheck(table) { $0[0].gather([2, 0, 2, 4, 1, 2]) }
        let schedule = randomInput([6], seed: 85)
        gradCheck(schedule) { $0[0].gather([5, 5, 0, 3]) }
        gradCheck(schedule) { $0[0].gather([1, 4, 1], broadcastRank: 4) * $0[0].reshaped([1, 1, 2, 3]) }

        table.zeroGrad()
        table.gather([2, 0, 2]).sum().backward()
        expectValues(table.grad!, shape: [5, 3], [1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0])
    }
}
