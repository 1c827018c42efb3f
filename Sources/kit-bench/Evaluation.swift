// Evaluation.swift — accuracy, per-class accuracy and confusions of a classifier's
// predictions, for the realism case.

/// How predictions compare with the true labels of 10 classes.
struct Evaluation {
    /// `confusion[t][p]`: how many digits of true class t were predicted as p.
    let confusion: [[Int]]

    /// Compares `predicted` with `labels` (same length, values 0 … 9).
    init(predicted: [Int], labels: [Int]) {
        var confusion = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for (p, t) in zip(predicted, labels) { confusion[t][p] += 1 }
        self.confusion = confusion
    }

    /// The fraction of digits predicted correctly.
    var accuracy: Double {
        let total = confusion.joined().reduce(0, +)
        return total == 0 ? 0 : Double((0..<10).map { confusion[$0][$0] }.reduce(0, +)) / Double(total)
    }

    /// The fraction of each true class predicted correctly (0 for an absent class).
    var perClass: [Double] {
        confusion.enumerated().map { t, row in
            let n = row.reduce(0, +)
            return n == 0 ? 0 : Double(row[t]) / Double(n)
        }
    }

    /// The `k` commonest mistakes as (true, predicted, share of the true class), commonest first.
    func mostConfused(_ k: Int) -> [(truth: Int, predicted: Int, share: Double)] {
        var pairs: [(Int, Int, Int)] = []
        for t in 0..<10 { for p in 0..<10 where p != t && confusion[t][p] > 0 { pairs.append((t, p, confusion[t][p])) } }
        pairs.sort { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
        return pairs.prefix(k).map { t, p, n in (t, p, Double(n) / Double(max(confusion[t].reduce(0, +), 1))) }
    }
}

/// "7→1 24 %, …": mistakes as true→predicted with their share of the true class.
func describeConfusions(_ pairs: [(truth: Int, predicted: Int, share: Double)]) -> String {
    pairs.map { "\($0.truth)→\($0.predicted) \(Int(($0.share * 100).rounded())) %" }.joined(separator: ", ")
}
