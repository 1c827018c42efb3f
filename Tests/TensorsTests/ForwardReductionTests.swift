// ForwardReductionTests.swift — sum, mean and variance over axes, with and without
// keepDims. The input is x[b, j, k] = 12b + 4j + k (arange(24) as [2, 3, 4]), so
// every expected value below is a short closed-form sum.

import Testing
import Tensors

@Suite struct ForwardReductionTests {
    let x = indexTensor([2, 3, 4])

    @Test func sums() {
        // Σ_b: (4j + k) + (12 + 4j + k) = 2i + 12 at flat index i = 4j + k.
        expectValues(x.sum(axes: [0]), shape: [3, 4], (0..<12).map { Float(2 * $0 + 12) })
        // Σ_j: 36b + 12 + 3k.
        expectValues(x.sum(axes: [1], keepDims: true), shape: [2, 1, 4], [12, 15, 18, 21, 48, 51, 54, 57])
        expectValues(x.sum(axes: [1]), shape: [2, 4], [12, 15, 18, 21, 48, 51, 54, 57])
        // Σ_k: 48b + 16j + 6 (a negative axis counts from the end).
        expectValues(x.sum(axes: [-1]), shape: [2, 3], [6, 22, 38, 54, 70, 86])
        expectValues(x.sum(axes: [2], keepDims: true), shape: [2, 3, 1], [6, 22, 38, 54, 70, 86])
        // Σ_b Σ_k: 60 + 32j.
        expectValues(x.sum(axes: [0, 2]), shape: [3], [60, 92, 124])
        expectValues(x.sum(axes: [0, 2], keepDims: true), shape: [1, 3, 1], [60, 92, 124])
        // Σ_j Σ_k: 144b + 66.
        expectValues(x.sum(axes: [1, 2]), shape: [2], [66, 210])
        // Everything: 0 + 1 + … + 23 = 276.
        expectValues(x.sum(), shape: [], [276])
        expectValues(x.sum(axes: [0, 1, 2], keepDims: true), shape: [1, 1, 1], [276])
        // No axes: nothing is reduced.
        expectValues(x.sum(axes: []), shape: [2, 3, 4], (0..<24).map { Float($0) })
    }

    @Test func means() {
        expectValues(x.mean(), shape: [], [11.5])
        // Mean over j: 12b + 4 + k.
        expectValues(x.mean(axes: [1]), shape: [2, 4], [4, 5, 6, 7, 16, 17, 18, 19])
        expectValues(x.mean(axes: [0, 2], keepDims: true), shape: [1, 3, 1], [7.5, 11.5, 15.5])
        expectValues(x.mean(axes: [-1]), shape: [2, 3], [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
    }

    @Test func variances() {
        // Along k the values are c, c+1, c+2, c+3: population variance 1.25, sample 5/3.
        expectValues(x.variance(axes: [2]), shape: [2, 3], [Float](repeating: 1.25, count: 6))
        expectValues(x.variance(axes: [2], keepDims: true, correction: 1), shape: [2, 3, 1],
                     [Float](repeating: 5.0 / 3, count: 6))
        // Along b the values are i and i + 12: population 36, sample 72.
        expectValues(x.variance(axes: [0], keepDims: true), shape: [1, 3, 4], [Float](repeating: 36, count: 12))
        expectValues(x.variance(axes: [0], correction: 1), shape: [3, 4], [Float](repeating: 72, count: 12))
        // 0 … n−1 with n = 24: population (n² − 1)/12 = 575/12, sample n(n + 1)/12 = 50.
        expectValues(x.variance(), shape: [], [575.0 / 12], tolerance: 1e-5)
        expectValues(x.variance(correction: 1), shape: [], [50], tolerance: 1e-5)
        // A hand example: [1, 2, 4] has mean 7/3 and squared deviations summing to 14/3.
        let v = Tensor([1, 2, 4])
        expectValues(v.variance(), shape: [], [14.0 / 9], tolerance: 1e-6)
        expectValues(v.variance(correction: 1), shape: [], [7.0 / 3], tolerance: 1e-6)
    }

    /// Sums accumulate in Double: a million copies of 0.1 sum to 1e5 to Float precision
    /// (a Float running sum would be off by about 1%).
    @Test func largeSumIsAccurate() {
        let x = Tensor(repeating: 0.1, shape: [1000, 1000])
        let s = x.sum().item
        #expect(Swift.abs(s - 100_000) < 0.05)
        #expect(Swift.abs(x.mean().item - 0.1) < 1e-7)
    }

    @Test func minAndMax() {
        let v = Tensor([3, -1, 7, 2])
        #expect(v.maxValue() == 7)
        #expect(v.minValue() == -1)
    }
}
