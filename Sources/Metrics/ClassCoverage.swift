// ClassCoverage.swift — are all ten digits generated, and equally often?
//
// The histogram of predicted classes (argmax of each row of probabilities), its
// shares s_c = count_c / N, and its entropy in nats
//
//     H = −Σ_c s_c ln s_c        (0 ln 0 = 0)
//
// which is ln C (ln 10 ≈ 2.303) when every class is equally common and 0 when only
// one class appears (mode collapse). `normalisedEntropy` = H / ln C lies in [0, 1].

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

/// The histogram of predicted classes and its entropy.
public struct ClassCoverage: Sendable, Equatable {
    /// How many rows were predicted as each class (C entries).
    public let counts: [Int]
    /// The number of rows N.
    public var total: Int { counts.reduce(0, +) }
    /// count / N for each class (all 0 when N = 0).
    public var shares: [Double] {
        let n = total
        return counts.map { n > 0 ? Double($0) / Double(n) : 0 }
    }
    /// −Σ s ln s over the classes, in nats (0 when N = 0).
    public var entropy: Double {
        shares.reduce(0) { h, s in s > 0 ? h - s * log(s) : h }
    }
    /// `entropy / ln C`: 1 when every class is equally common, 0 for a single class.
    public var normalisedEntropy: Double {
        counts.count > 1 ? entropy / log(Double(counts.count)) : 0
    }

    /// The coverage of class labels `classes` (each in `0..<classCount`).
    public init(classes: [Int], classCount: Int) {
        precondition(classCount > 0, "ClassCoverage: classCount must be positive, got \(classCount)")
        var counts = [Int](repeating: 0, count: classCount)
        for c in classes {
            precondition((0..<classCount).contains(c), "ClassCoverage: class \(c) is outside 0..<\(classCount)")
            counts[c] += 1
        }
        self.counts = counts
    }

    /// The coverage of the predicted classes (row-wise argmax) of `probabilities` `[N, C]`.
    public init(probabilities: Tensor) {
        precondition(probabilities.rank == 2, "ClassCoverage: expected probabilities [N, C], got \(probabilities.shape)")
        self.init(classes: rowArgmax(probabilities), classCount: probabilities.shape[1])
    }
}
