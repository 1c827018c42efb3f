// ClassifierTrainer.swift — training the digit classifier on an endless digit stream.
//
// Each step draws a fresh batch of SyntheticDigits from the caller's seeded generator
// (so no digit is seen twice and there is nothing to overfit) — or a batch from another
// source, such as MNIST's training split (ClassifierOnIDX.swift) —, adds mild noise to
// some images, and takes one AdamW step on the cross-entropy:
//
//   1. (x, y) ← SyntheticDigits.batch(B, using: &rng)      x [B, 1, 28, 28]
//   2. x ← augment(x): half the images get Gaussian noise of std σ ~ U(0, maxNoise)
//      (generated digits are rarely perfectly clean; the classifier should not call
//      a slightly noisy 7 something else)
//   3. L = crossEntropy(model.logits(x), y)
//   4. η ← warm-up then cosine decay (LearningRateSchedule); AdamW step
//
// Used by `kit-pretrain classifier`, which produced Pretrained/digit-classifier.safetensors.

import Datasets
import NeuralNets
import Tensors

/// Trains a `DigitClassifier` with AdamW on fresh SyntheticDigits batches (or batches
/// from any other source of labelled 28 × 28 images).
public struct ClassifierTrainer {
    /// The settings of a training run.
    public struct Configuration: Sendable {
        /// Optimizer steps (one fresh batch each).
        public var steps: Int
        /// Digits per batch.
        public var batchSize: Int = 128
        /// The peak learning rate (reached after the warm-up).
        public var learningRate: Float = 2e-3
        /// Linear warm-up steps (capped at a tenth of `steps`).
        public var warmupSteps: Int = 100
        /// AdamW's decoupled weight decay.
        public var weightDecay: Float = 0.01
        /// The share of images that get noise added (0 turns augmentation off).
        public var noiseProbability: Float = 0.5
        /// The largest noise standard deviation (images span [−1, 1]).
        public var maxNoise: Float = 0.2

        /// A configuration of `steps` steps with the defaults above.
        public init(steps: Int) { self.steps = steps }
    }

    /// What the trainer reports after each step.
    public struct Progress: Sendable {
        /// The step just taken, 1 … steps.
        public let step: Int
        /// The total number of steps.
        public let steps: Int
        /// The batch's mean cross-entropy (before the update).
        public let loss: Float
        /// The share of the batch classified correctly (before the update).
        public let accuracy: Float
        /// The learning rate used for this step.
        public let learningRate: Float
    }

    /// The settings.
    public let configuration: Configuration

    /// A trainer with `configuration`.
    /// - Precondition: positive steps and batch size, a positive finite learning rate,
    ///   a noise probability in [0, 1] and a non-negative noise level.
    public init(_ configuration: Configuration) {
        let c = configuration
        precondition(c.steps > 0 && c.batchSize > 0,
                     "ClassifierTrainer: steps (\(c.steps)) and batch size (\(c.batchSize)) must be positive")
        precondition(c.learningRate > 0 && c.learningRate.isFinite,
                     "ClassifierTrainer: learning rate must be positive and finite, got \(c.learningRate)")
        precondition((0...1).contains(c.noiseProbability) && c.maxNoise >= 0 && c.maxNoise.isFinite,
                     "ClassifierTrainer: need noise probability in [0, 1] and maxNoise ≥ 0, got \(c.noiseProbability), \(c.maxNoise)")
        self.configuration = configuration
    }

    /// Trains `model` in place on fresh SyntheticDigits, drawing every batch and all
    /// noise from `rng`, and calls `progress` after each step. Leaves the model in
    /// evaluation mode.
    public func train(_ model: DigitClassifier, using rng: inout some RandomNumberGenerator,
                      progress: (Progress) -> Void = { _ in }) {
        train(model, using: &rng, batch: { n, g in SyntheticDigits.batch(n, using: &g) }, progress: progress)
    }

    /// Trains `model` in place on the batches `batch(B, &rng)` returns (images
    /// `[B, 1, 28, 28]` in [−1, 1] and B labels 0 … 9), drawing them and all noise from
    /// `rng`, and calls `progress` after each step. Leaves the model in evaluation mode.
    public func train<G: RandomNumberGenerator>(_ model: DigitClassifier, using rng: inout G,
                                                batch: (Int, inout G) -> (images: Tensor, labels: [Int]),
                                                progress: (Progress) -> Void = { _ in }) {
        let c = configuration
        let optimizer = AdamW(parameters: model.parameters, learningRate: c.learningRate,
                              weightDecay: c.weightDecay)
        let warmup = min(c.warmupSteps, c.steps / 10)
        let schedule = LearningRateSchedule.warmupCosine(base: c.learningRate, warmupSteps: warmup,
                                                         totalSteps: c.steps, minimum: c.learningRate / 50)
        model.train()
        for step in 1...c.steps {
            let (clean, labels) = batch(c.batchSize, &rng)                            // [B, 1, 28, 28]
            let x = augment(clean, using: &rng)                                       // [B, 1, 28, 28]
            optimizer.zeroGrad()
            let logits = model.logits(x)                                              // [B, 10]
            let loss = crossEntropy(logits: logits, labels: labels)                   // []
            loss.backward()
            // Steps count from 1, so the first update already moves (the schedule's η(0) is 0).
            optimizer.learningRate = schedule(step)
            optimizer.step()
            let correct = zip(rowArgmax(logits), labels).filter { $0 == $1 }.count
            progress(Progress(step: step, steps: c.steps, loss: loss.item,
                              accuracy: Float(correct) / Float(labels.count),
                              learningRate: optimizer.learningRate))
        }
        model.zeroGrad()
        model.eval()
    }

    /// `images` `[B, 1, 28, 28]` with Gaussian noise of std σ ~ U(0, maxNoise) added to
    /// each image with probability `noiseProbability` (the others are unchanged).
    public func augment(_ images: Tensor, using rng: inout some RandomNumberGenerator) -> Tensor {
        let c = configuration
        guard c.noiseProbability > 0, c.maxNoise > 0, images.rank >= 1 else { return images }
        let n = images.shape[0], size = images.count / max(n, 1)
        var values = images.scalars
        for i in 0..<n where rng.nextUniform() < c.noiseProbability {
            let sigma = c.maxNoise * rng.nextUniform()
            for j in 0..<size { values[i * size + j] += sigma * rng.nextNormal() }
        }
        return Tensor(shape: images.shape, scalars: values)
    }
}
