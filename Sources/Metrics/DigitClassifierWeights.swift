// DigitClassifierWeights.swift — the shipped weights, Pretrained/digit-classifier.safetensors.
//
// Produced by `swift run -c release kit-pretrain classifier` (see the README for the
// exact command). Its metadata records the architecture (checked on load), the
// training steps and seed, and the accuracy measured on held-out digits.

import Foundation
import NeuralNets
import Tensors

extension DigitClassifier {
    /// The file name of the shipped weights in `Pretrained/`.
    public static let pretrainedFile = "digit-classifier.safetensors"

    /// The seed of the `SyntheticDigits` stream used for held-out evaluation. Training
    /// never draws from it (`kit-pretrain classifier` refuses it as a training seed).
    public static let heldOutSeed: UInt64 = 0xD161_7E57

    /// The metadata every trained classifier carries (architecture, steps, seed, batch size,
    /// learning rate, held-out accuracy and count), with `extra` added.
    public static func trainingMetadata(steps: Int, seed: UInt64, batchSize: Int, learningRate: Float,
                                        heldOutAccuracy: Float, heldOutCount: Int,
                                        extra: [String: String]) -> [String: String] {
        [
            MetadataKey.architecture: architecture,
            MetadataKey.steps: "\(steps)",
            MetadataKey.seed: "\(seed)",
            MetadataKey.heldOutAccuracy: String(format: "%.4f", Double(heldOutAccuracy)),
            MetadataKey.heldOutCount: "\(heldOutCount)",
            "batch_size": "\(batchSize)",
            "learning_rate": "\(learningRate)",
        ].merging(extra) { $1 }
    }

    /// Metadata keys written by `kit-pretrain classifier`.
    public enum MetadataKey {
        /// The architecture name, `DigitClassifier.architecture`.
        public static let architecture = "architecture"
        /// Training steps taken.
        public static let steps = "steps"
        /// The training seed.
        public static let seed = "seed"
        /// Accuracy on held-out SyntheticDigits (seed `heldOutSeed`), as a decimal string.
        public static let heldOutAccuracy = "held_out_accuracy"
        /// How many held-out digits that accuracy was measured on.
        public static let heldOutCount = "held_out_n"
    }

    /// The classifier with the shipped weights, `Pretrained/digit-classifier.safetensors`
    /// (found by `PretrainedWeights.path`), in evaluation mode.
    /// - Throws: `CheckpointError` naming the file: missing, corrupt, or made for
    ///   another architecture.
    public static func pretrained() throws(CheckpointError) -> DigitClassifier {
        try load(from: PretrainedWeights.path(pretrainedFile))
    }

    /// A classifier with the weights of the checkpoint at `path`, in evaluation mode.
    /// - Throws: `CheckpointError` naming `path`: unreadable, corrupt, tensors that do
    ///   not match, or metadata whose `architecture` is not `DigitClassifier.architecture`.
    public static func load(from path: String) throws(CheckpointError) -> DigitClassifier {
        var rng = SeededGenerator(seed: 0)              // initial values, overwritten below
        let model = DigitClassifier(using: &rng)
        let metadata = try Checkpoint.load(into: model, from: path)
        let found = metadata[MetadataKey.architecture]
        guard found == architecture else {
            let what = found.map { "architecture \"\($0)\"" } ?? "no architecture in its metadata"
            throw .invalidModule(path: path, reason: "it has \(what), expected \"\(architecture)\"")
        }
        model.eval()
        return model
    }
}
