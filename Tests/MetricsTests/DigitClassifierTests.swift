// DigitClassifierTests.swift — the classifier's shapes, loss, training loop and checkpoint.

import Datasets
import Foundation
import Metrics
import NeuralNets
import Tensors
import Testing

@Suite struct DigitClassifierTests {
    /// Forward shapes, parameter count (≤ 2 MB of float32) and probabilities that sum to 1.
    @Test func shapes() {
        var rng = SeededGenerator(seed: 10)
        let model = DigitClassifier(using: &rng)
        let x = Tensor.uniform([3, 1, 28, 28], low: -1, high: 1, using: &rng)
        #expect(model.logits(x).shape == [3, 10])
        #expect(model.features(x).shape == [3, 128])
        let p = model.probabilities(x)
        #expect(p.shape == [3, 10])
        for r in 0..<3 {
            let sum = (0..<10).reduce(Float(0)) { $0 + p.scalars[r * 10 + $1] }
            #expect(abs(sum - 1) < 1e-5)
        }
        #expect(model.parameterCount == 458_570)
        #expect(model.parameterCount * 4 <= 2_000_000)
        let (features, probabilities) = model.predict(x, batchSize: 2)      // two chunks
        #expect(features.shape == [3, 128] && probabilities.shape == [3, 10])
        #expect(zip(probabilities.scalars, p.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// Cross-entropy: ln C for uniform logits; −log(e²/(e² + 2)) for logits (2, 0, 0) and label 0.
    @Test func crossEntropyValues() {
        let uniform = crossEntropy(logits: Tensor.zeros([4, 10]), labels: [0, 3, 9, 5])
        #expect(abs(uniform.item - Float(log(10.0))) < 1e-6)
        let one = crossEntropy(logits: Tensor(shape: [2, 3], scalars: [2, 0, 0, 0, 0, 2]), labels: [0, 1])
        let e2 = exp(2.0)
        let expected = (-log(e2 / (e2 + 2)) - log(1 / (e2 + 2))) / 2
        #expect(abs(Double(one.item) - expected) < 1e-6)
    }

    /// A few training steps: progress for every step, finite losses, and evaluation
    /// mode at the end.
    @Test func trainerReportsEveryStep() {
        var config = ClassifierTrainer.Configuration(steps: 3)
        config.batchSize = 8
        var rng = SeededGenerator(seed: 11)
        let model = DigitClassifier(using: &rng)
        var reports: [ClassifierTrainer.Progress] = []
        ClassifierTrainer(config).train(model, using: &rng) { reports.append($0) }
        #expect(reports.map(\.step) == [1, 2, 3])
        #expect(reports.allSatisfy { $0.loss.isFinite && $0.learningRate > 0 && (0...1).contains($0.accuracy) })
        #expect(!model.training)
    }

    /// The same seed gives the same weights, bit for bit, even while other tests run
    /// convolutions on other threads (OpenBLAS stays on one thread for the whole
    /// process, so no other test can change how a product is computed).
    @Test func trainerIsDeterministic() {
        func run() -> (weights: [[Float]], losses: [Float]) {
            var config = ClassifierTrainer.Configuration(steps: 3)
            config.batchSize = 8
            var rng = SeededGenerator(seed: 11)
            let model = DigitClassifier(using: &rng)
            var losses: [Float] = []
            ClassifierTrainer(config).train(model, using: &rng) { losses.append($0.loss) }
            return (model.parameters.map(\.scalars), losses)
        }
        let (first, second) = (run(), run())
        #expect(first.losses == second.losses)
        #expect(first.weights == second.weights, "two runs with seed 11 gave different weights")
    }

    /// The shipped weights exist, say what they are, and classify 500 held-out digits
    /// (the start of the held-out stream, which training never sees) with ≥ 99% accuracy.
    @Test func pretrainedAccuracy() throws {
        let path = try PretrainedWeights.path(DigitClassifier.pretrainedFile)
        let (_, metadata) = try Checkpoint.read(path)
        #expect(metadata[DigitClassifier.MetadataKey.architecture] == DigitClassifier.architecture)
        let stored = try #require(metadata[DigitClassifier.MetadataKey.heldOutAccuracy].flatMap(Double.init))
        #expect(stored >= 0.99, "stored held-out accuracy \(stored)")
        let model = try DigitClassifier.pretrained()
        var digits = SyntheticDigits(seed: DigitClassifier.heldOutSeed)
        let (images, labels) = digits.batch(500)
        let accuracy = model.accuracy(images: images, labels: labels)
        #expect(accuracy >= 0.99, "accuracy \(accuracy) on 500 held-out digits")
    }

    /// Weights saved under another architecture name are refused, naming the file.
    @Test func wrongArchitectureIsRefused() throws {
        var rng = SeededGenerator(seed: 12)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("metrics-wrong-arch-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(DigitClassifier(using: &rng), to: path, metadata: ["architecture": "mlp"])
        #expect {
            _ = try DigitClassifier.load(from: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("mlp") && text.contains(DigitClassifier.architecture)
        }
    }
}
