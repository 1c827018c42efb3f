// ForwardSoftmaxGatherTests.swift — softmax, logSoftmax and gather values.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Tensors

@Suite struct ForwardSoftmaxGatherTests {
    @Test func handExample() {
        // e^0 : e^(ln 2) : e^(ln 3) = 1 : 2 : 3.
        let x = Tensor([0, Float(log(2.0)), Float(log(3.0))])
        expectValues(x.softmax(), shape: [3], [1.0 / 6, 2.0 / 6, 3.0 / 6], tolerance: 1e-6)
        // softmax([1, 2, 3]) = e^i / (e + e² + e³).
        expectValues(Tensor([1, 2, 3]).softmax(), shape: [3], [0.09003057, 0.24472847, 0.66524096])
        // Shifting every logit by the same amount changes nothing, even far beyond
        // where e^x overflows Float32 (e^89 > Float.greatestFiniteMagnitude).
        expectValues(Tensor([1001, 1002, 1003]).softmax(), shape: [3], [0.09003057, 0.24472847, 0.66524096])
        expectValues(Tensor([-1000, -1000]).softmax(), shape: [2], [0.5, 0.5])
        expectValues(Tensor([1000, 1000]).logSoftmax(), shape: [2], [-Float(log(2.0)), -Float(log(2.0))])
    }

    @Test(arguments: [0, 1, 2, -1])
    func linesSumToOne(axis: Int) {
        var rng = SeededGenerator(seed: 93)
        let x = Tensor.randn([3, 4, 5], std: 3, using: &rng)
        let p = x.softmax(axis: axis)
        #expect(p.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        let total = p.sum(axes: [axis])
        #expect(total.scalars.allSatisfy { Swift.abs($0 - 1) < 1e-6 })
        // logSoftmax = log(softmax), and its exponentials sum to 1 too.
        let logP = x.logSoftmax(axis: axis)
        expectValues(logP, shape: [3, 4, 5], p.log().scalars, tolerance: 1e-5)
        #expect(logP.exp().sum(axes: [axis]).scalars.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
    }

    @Test func softmaxAlongColumns() {
        // Along axis 0 of [[0, 0], [ln 3, 0]] the first column is [1/4, 3/4].
        let x = Tensor(shape: [2, 2], scalars: [0, 0, Float(log(3.0)), 0])
        expectValues(x.softmax(axis: 0), shape: [2, 2], [0.25, 0.5, 0.75, 0.5], tolerance: 1e-6)
        expectValues(x.logSoftmax(axis: 0), shape: [2, 2],
                     [Float(log(0.25)), Float(log(0.5)),
                      Float(log(0.75)), Float(log(0.5))], tolerance: 1e-6)
    }

    @Test func gatherPicksRows() {
        let table = indexTensor([4, 3])                     // row r holds 3r, 3r+1, 3r+2
        expectValues(table.gather([3, 0, 3, 1]), shape: [4, 3], [9, 10, 11, 0, 1, 2, 9, 10, 11, 3, 4, 5])
        let schedule = Tensor([0.9, 0.8, 0.7, 0.6, 0.5])
        expectValues(schedule.gather([4, 0, 2]), shape: [3], [0.5, 0.9, 0.7])
        // The diffusion `extract(a, t, x.shape)`: [B] → [B, 1, 1, 1].
        expectValues(schedule.gather([1, 3], broadcastRank: 4), shape: [2, 1, 1, 1], [0.8, 0.6])
        expectValues(indexTensor([3, 2, 2]).gather([2]), shape: [1, 2, 2], [8, 9, 10, 11])
    }
}

