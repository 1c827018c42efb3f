// ClassConditional.swift — scoring samples that were asked to be of a given class.
//
// A class-conditional generator is judged per request:
//   • requested-class accuracy — the share of samples the classifier reads as the
//     class they were asked for (chance: 1/classes; an unconditional model scores that);
//   • per-class scores — any two-set measure (FD, feature diversity) applied to the
//     samples of each class against the real digits of the same class. An
//     unconditional model that draws good digits in the wrong rows scores well
//     overall and badly per class; that difference is what guidance changes.

import Tensors

/// The share of `predicted` classes equal to the `requested` ones (same count, ≥ 1).
public func requestedClassAccuracy(predicted: [Int], requested: [Int]) -> Double {
    precondition(predicted.count == requested.count && !predicted.isEmpty,
                 "requestedClassAccuracy: \(predicted.count) predictions for \(requested.count) requests")
    return Double(zip(predicted, requested).filter { $0 == $1 }.count) / Double(predicted.count)
}

/// The rows of `features` `[N, D]` whose label is `label`, as `[n, D]`.
public func rows(of features: Tensor, labels: [Int], equalTo label: Int) -> Tensor {
    precondition(features.rank == 2 && features.shape[0] == labels.count,
                 "rows(of:labels:): features \(features.shape) with \(labels.count) labels")
    return features.gather(labels.indices.filter { labels[$0] == label })
}

/// `measure(generated rows of class c, real rows of class c)` for each class
/// c ∈ 0..<classes that has at least 2 rows on both sides (the others are left out:
/// a request for one digit only is scored on that digit).
/// - Parameters:
///   - generated, real: features `[M, D]` and `[N, D]`.
///   - generatedLabels, realLabels: the class of each row.
public func perClass(generated: Tensor, generatedLabels: [Int], real: Tensor, realLabels: [Int], classes: Int,
                     _ measure: (_ generated: Tensor, _ real: Tensor) -> Double) -> [Double] {
    (0..<classes).compactMap { c in
        let (g, r) = (generatedLabels.filter { $0 == c }.count, realLabels.filter { $0 == c }.count)
        guard g >= 2, r >= 2 else { return nil }
        return measure(rows(of: generated, labels: generatedLabels, equalTo: c),         // [M_c, D]
                       rows(of: real, labels: realLabels, equalTo: c))                    // [N_c, D]
    }
}
