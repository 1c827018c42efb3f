// ClassScoreTests.swift — recognisability and class coverage on hand-made tables.

import Metrics
import Tensors
import Testing

@Suite struct ClassScoreTests {
    let table = Tensor(shape: [4, 2], scalars: [0.95, 0.05,
                                                0.5, 0.5,
                                                0.1, 0.9,
                                                0.2, 0.8])

    /// Rows whose top probability reaches the threshold (inclusive) count.
    @Test func recognisabilityCountsConfidentRows() {
        #expect(recognisability(probabilities: table) == 0.5)                   // 0.95 and 0.9
        #expect(recognisability(probabilities: table, threshold: 0.8) == 0.75)   // … and 0.8
        #expect(recognisability(probabilities: table, threshold: 0.99) == 0)
        #expect(recognisability(probabilities: Tensor.zeros([0, 10])) == 0)
    }

    /// Argmax per row; ties go to the first column.
    @Test func argmax() {
        #expect(rowArgmax(table) == [0, 0, 1, 1])
    }

    /// Entropy of the predicted classes: ln 10 for all ten equally often, ln 2 for two,
    /// 0 for one; the normalised entropy divides by ln 10.
    @Test func coverageEntropy() {
        let uniform = ClassCoverage(classes: Array(0..<10) + Array(0..<10), classCount: 10)
        #expect(uniform.counts == [Int](repeating: 2, count: 10))
        #expect(abs(uniform.entropy - log(10.0)) < 1e-12)
        #expect(abs(uniform.normalisedEntropy - 1) < 1e-12)
        let two = ClassCoverage(classes: [3, 7, 3, 7], classCount: 10)
        #expect(abs(two.entropy - log(2.0)) < 1e-12)
        #expect(abs(two.normalisedEntropy - log(2.0) / log(10.0)) < 1e-12)
        #expect(two.shares[3] == 0.5 && two.shares[0] == 0)
        let collapsed = ClassCoverage(classes: [5, 5, 5], classCount: 10)
        #expect(collapsed.entropy == 0 && collapsed.total == 3)
        // From probabilities: the argmax of each row.
        let fromTable = ClassCoverage(probabilities: table)
        #expect(fromTable.counts == [2, 2])
        #expect(abs(fromTable.entropy - log(2.0)) < 1e-12)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
