// CrossEntropy.swift — the classification loss.
//
// For logits z [B, C] and labels y:   L = −(1/B) Σ_b log softmax(z_b)[y_b]
// computed as logSoftmax (stable: z − max − log Σ e^(z − max)), then one `gather` of
// the B entries at b·C + y_b from the flattened table. Its gradient with respect to
// z_b is softmax(z_b) − onehot(y_b), divided by B.

import Tensors

/// The mean cross-entropy (negative log-likelihood) of `labels` under `logits` `[B, C]`.
/// Differentiable with respect to `logits`; a scalar tensor.
public func crossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count && labels.count > 0,
                 "crossEntropy: logits \(logits.shape) need shape [B, C] with B = \(labels.count) labels (B ≥ 1)")
    let c = logits.shape[1]
    precondition(labels.allSatisfy { (0..<c).contains($0) },
                 "crossEntropy: labels must be in 0..<\(c), got \(labels.filter { !(0..<c).contains($0) })")
    let logProbabilities = logits.logSoftmax(axis: 1).reshaped([labels.count * c])   // [B·C]
    let picked = logProbabilities.gather(labels.enumerated().map { $0.offset * c + $0.element })  // [B]
    return -picked.mean()                                                                // []
}
