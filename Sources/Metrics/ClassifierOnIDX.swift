// ClassifierOnIDX.swift — training the digit classifier on MNIST or Fashion-MNIST files.
//
// The same architecture and trainer as the shipped classifier (ClassifierTrainer.swift),
// with the batches drawn from the dataset's training split instead of SyntheticDigits:
//
//   1. load the train and the test split (t10k files) — before any training, so a
//      wrong folder fails at once
//   2. train: each step takes B training images chosen uniformly with replacement
//      by the seeded generator, augmented with mild noise as usual
//   3. accuracy on the test split, which training never sees
//   4. save atomically, with the dataset, the settings and the accuracy in the metadata
//
// Used by `kit-pretrain classifier --dataset mnist|fashion-mnist --data-dir DIR`, which
// saves to `DigitClassifier.cacheFile(for:)` where `forDataset(_:)` finds it.

import Datasets
import Foundation
import NeuralNets
import Tensors

/// A digit classifier trained on an MNIST-format dataset and measured on its test split.
public struct ClassifierOnIDX {
    /// What a finished run measured and where it stored the weights.
    public struct Result: Sendable {
        /// The share of the test images classified correctly.
        public let testAccuracy: Float
        /// How many test images that accuracy was measured on.
        public let testCount: Int
        /// The checkpoint written.
        public let path: String
        /// The checkpoint's metadata.
        public let metadata: [String: String]
    }

    /// MNIST or Fashion-MNIST.
    public let kind: MNISTKind
    /// The folder holding the four IDX files.
    public let directory: String
    /// The training images `[N, 1, 28, 28]` and labels.
    public let train: (images: Tensor, labels: [Int])
    /// The test images `[M, 1, 28, 28]` and labels (the t10k files).
    public let test: (images: Tensor, labels: [Int])

    /// Loads both splits of `kind` from `directory` (the test split cut to its first
    /// `testLimit` images when given).
    /// - Throws: `DatasetError` naming the file that is missing or damaged.
    public init(_ kind: MNISTKind, directory: String, testLimit: Int? = nil) throws(DatasetError) {
        self.kind = kind
        self.directory = directory
        train = try MNIST.load(kind, split: .train, directory: directory)
        test = try MNIST.load(kind, split: .test, directory: directory, limit: testLimit)
        for (split, count, file) in [(MNISTSplit.train, train.labels.count, MNISTSplit.train.imagesFileName),
                                     (.test, test.labels.count, MNISTSplit.test.imagesFileName)] where count == 0 {
            throw .unreadable(path: directory + "/" + file, reason: "the \(split.rawValue) split holds no images")
        }
    }

    /// Trains a fresh classifier (initialised from `seed`) with `configuration`,
    /// measures it on the test split and saves it to `path` with its metadata.
    /// `progress` is called after every step.
    /// - Throws: `CheckpointError` naming `path` when it cannot be written.
    public func run(_ configuration: ClassifierTrainer.Configuration, seed: UInt64, saveTo path: String,
                    progress: (ClassifierTrainer.Progress) -> Void = { _ in }) throws(CheckpointError) -> Result {
        var rng = SeededGenerator(seed: seed)
        let model = DigitClassifier(using: &rng)
        let images = train.images, labels = train.labels, count = labels.count
        ClassifierTrainer(configuration).train(model, using: &rng, batch: { n, g in
            let rows = randomInts(n, in: 0..<count, using: &g)
            return (images.gather(rows), rows.map { labels[$0] })                  // [n, 1, 28, 28], n labels
        }, progress: progress)
        let accuracy = model.accuracy(images: test.images, labels: test.labels)

        let c = configuration
        let metadata = DigitClassifier.trainingMetadata(
            steps: c.steps, seed: seed, batchSize: c.batchSize, learningRate: c.learningRate,
            heldOutAccuracy: accuracy, heldOutCount: test.labels.count, extra: [
                "held_out": "\(kind.rawValue) test split (t10k files)",
                "dataset": kind.rawValue,
                "training_images": "\(count)",
                "command": "kit-pretrain classifier --dataset \(kind.rawValue) --data-dir DIR --steps \(c.steps) --seed \(seed) --batch-size \(c.batchSize) --learning-rate \(c.learningRate)",
            ])
        try Checkpoint.save(model, to: path, metadata: metadata)
        return Result(testAccuracy: accuracy, testCount: test.labels.count, path: path, metadata: metadata)
    }
}
