// SoftmaxRegression.swift — the realism case's classifier: multinomial logistic
// regression on the 64 block counts of an 8 × 8 digit.
//
// The model is one `Linear(64, 10)` on the counts divided by 16, trained to minimise
// scikit-learn's `LogisticRegression(C: 1)` objective, written per digit:
//
//     L = mean over the n digits of −log softmax(W·x + b)[y]  +  ‖W‖² / (2·C·n)
//
// (the bias is not penalised, as in scikit-learn). The problem is convex, so any
// optimiser that converges gives the same classifier; here Adam with mini-batches of
// 512, the learning rate falling linearly from 0.05 to 0 over 5,000 steps, the batches
// drawn from seeded permutations, so a seed gives the same weights on every run.
// realism_sklearn.py fits the same objective with scikit-learn's L-BFGS; the
// accuracies agree to 0.1 point (3,000 steps of 256 left synth→real 1 point off).

import NeuralNets
import Tensors

/// A linear softmax classifier of 8 × 8 digits (see the file comment).
struct SoftmaxRegression {
    /// The weights `[10, 64]` and biases `[10]`.
    let layer: Linear

    /// Fits the classifier to `digits` with inverse regularisation strength `c`
    /// (scikit-learn's `C`), deterministically for a given `seed`.
    init(fitting digits: EightByEightDigits, c: Float = 1, seed: UInt64,
         steps: Int = 5000, batchSize: Int = 512, learningRate: Float = 0.05) {
        var rng = SeededGenerator(seed: seed)
        layer = Linear(64, 10, using: &rng)
        let optimizer = Adam(parameters: [layer.weight, layer.bias!], learningRate: learningRate)
        let n = digits.count, batch = min(batchSize, n)
        let penalty = 1 / (2 * c * Float(n))
        var order: [Int] = [], next = n
        for step in 0..<steps {
            if next + batch > n { order = rng.permutation(n); next = 0 }
            let picked = order[next..<(next + batch)]
            next += batch
            let x = Self.features(digits.subset(picked))
            let logits = layer(x)                                                 // [B, 10]
            let logProbabilities = logits.logSoftmax(axis: 1).reshaped([batch * 10])
            let labels = picked.map { digits.labels[$0] }
            let nll = -logProbabilities.gather(labels.enumerated().map { $0.offset * 10 + $0.element }).mean()
            let loss = nll + layer.weight.squared().sum() * penalty
            layer.zeroGrad()
            loss.backward()
            optimizer.learningRate = learningRate * (1 - Float(step) / Float(steps))
            optimizer.step()
        }
    }

    /// The predicted label of every digit.
    func predict(_ digits: EightByEightDigits) -> [Int] {
        withNoGrad {
            let logits = layer(Self.features(digits)).scalars                     // [n, 10]
            return (0..<digits.count).map { i in
                let row = logits[(i * 10)..<((i + 1) * 10)]
                return row.indices.max { row[$0] < row[$1] }! - i * 10
            }
        }
    }

    /// The counts scaled to [0, 1], `[n, 64]`.
    private static func features(_ digits: EightByEightDigits) -> Tensor {
        Tensor(shape: [digits.count, 64], scalars: digits.counts.map { $0 / 16 })
    }
}
