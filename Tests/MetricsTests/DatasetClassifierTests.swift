// DatasetClassifierTests.swift — metrics follow the data: the reference images and the
// classifier for a dataset, and training that classifier on MNIST-format files. The
// "MNIST" here is a few hundred synthetic digits the tests write as IDX files.

import Datasets
import Foundation
import Metrics
import NeuralNets
import Tensors
import Testing

@Suite struct DatasetClassifierTests {
    /// The dataset names the chapters record map to their references; others to nil.
    @Test func referenceFromDatasetName() {
        #expect(DigitReference(dataset: "synthetic-digits") == .synthetic)
        #expect(DigitReference(dataset: "synthetic") == .synthetic)
        #expect(DigitReference(dataset: "mnist", directory: "/data/m") == .testSplit(.mnist, directory: "/data/m"))
        #expect(DigitReference(dataset: "fashion-mnist", directory: "/data/f") == .testSplit(.fashionMNIST, directory: "/data/f"))
        #expect(DigitReference(dataset: "mnist") == .testSplit(.mnist, directory: MNIST.defaultCacheDirectory(.mnist)))
        #expect(DigitReference(dataset: "imagenet") == nil)
        #expect(DigitReference.testSplit(.mnist, directory: "/d").datasetName == "mnist")
        #expect(DigitReference.synthetic.datasetName == "synthetic-digits")
    }

    /// An MNIST reference draws from the test split only: every drawn image is one of
    /// the t10k images, the sets are disjoint, and the same seed draws the same sets.
    @Test func mnistReferenceDrawsTheTestSplit() throws {
        let fixture = try IDXDigitsFixture(train: 50, test: 40)
        defer { fixture.remove() }
        let reference = try #require(DigitReference(dataset: "mnist", directory: fixture.directory))
        var rng = SeededGenerator(seed: 5)
        let sets = try reference.draw(sets: 3, of: 12, using: &rng)
        #expect(sets.count == 3 && sets.allSatisfy { $0.shape == [12, 1, 28, 28] })
        let test = rows(of: fixture.testImages)
        let drawn = sets.flatMap { rows(of: $0) }
        let indices = drawn.map { row in test.firstIndex(of: row) }
        #expect(indices.allSatisfy { $0 != nil }, "a drawn image is not in the test split")
        #expect(Set(indices.compactMap { $0 }).count == 36, "the three sets share images")
        var again = SeededGenerator(seed: 5)
        #expect(try reference.draw(sets: 3, of: 12, using: &again).map(\.scalars) == sets.map(\.scalars))
        // More than the split holds: drawn with replacement, still from the test split.
        let many = try reference.draw(sets: 2, of: 30, using: &rng)
        #expect(rows(of: many[1]).allSatisfy { test.contains($0) })
    }

    /// A synthetic reference draws exactly the batches `SyntheticDigits.batch` would.
    @Test func syntheticReferenceIsFreshSyntheticDigits() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let sets = try DigitReference.synthetic.draw(sets: 2, of: 4, using: &a)
        let first = SyntheticDigits.batch(4, using: &b).images, second = SyntheticDigits.batch(4, using: &b).images
        #expect(sets.map(\.scalars) == [first.scalars, second.scalars])
    }

    /// A missing test split is named in the error.
    @Test func missingTestSplitIsNamed() throws {
        let fixture = try IDXDigitsFixture(train: 20, test: 10)
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.directory + "/t10k-images-idx3-ubyte")
        var rng = SeededGenerator(seed: 1)
        #expect(throws: DatasetError.self) { try DigitReference.testSplit(.mnist, directory: fixture.directory).draw(sets: 1, of: 2, using: &rng) }
        do {
            _ = try ClassifierOnIDX(.mnist, directory: fixture.directory)
            Issue.record("a folder without t10k files was accepted")
        } catch {
            #expect("\(error)".contains("t10k-images-idx3-ubyte"), "\(error)")
        }
    }

    /// The classifier of MNIST lives in the kit's cache folder, beside the dataset's folder.
    @Test func cacheFileSitsBesideTheDatasets() {
        let file = DigitClassifier.cacheFile(for: .mnist)
        #expect(file == MNIST.kitCacheDirectory + "/classifier-mnist.safetensors")
        #expect(MNIST.defaultCacheDirectory(.mnist) == MNIST.kitCacheDirectory + "/mnist")
        #expect(DigitClassifier.cacheFile(for: .fashionMNIST).hasSuffix("/diffusion-kit/classifier-fashion-mnist.safetensors"))
    }

    /// Without a trained MNIST classifier the lookup fails with one line that names the
    /// file and the command that makes it (with the dataset's folder in it).
    @Test func missingClassifierSaysHowToMakeIt() {
        let reference = DigitReference.testSplit(.mnist, directory: "/data/mnist")
        let path = NSTemporaryDirectory() + "no-such-classifier-\(UUID().uuidString).safetensors"
        do {
            _ = try DigitClassifier.forDataset(reference, path: path)
            Issue.record("a missing classifier was found")
        } catch {
            #expect(error == .missing(dataset: "mnist", path: path,
                                      command: "swift run -c release kit-pretrain classifier --dataset mnist --data-dir /data/mnist"))
            let message = error.description
            #expect(!message.contains("\n"))
            #expect(message.contains(path) && message.contains("kit-pretrain classifier --dataset mnist --data-dir /data/mnist"), "\(message)")
        }
        // A file that is there but not a classifier: unusable, and the error names it.
        let garbage = NSTemporaryDirectory() + "not-a-classifier-\(UUID().uuidString).safetensors"
        _ = FileManager.default.createFile(atPath: garbage, contents: Data("not safetensors".utf8))
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        do {
            _ = try DigitClassifier.forDataset(reference, path: garbage)
            Issue.record("a damaged classifier file was loaded")
        } catch {
            guard case .unusable = error else { Issue.record("expected .unusable, got \(error)"); return }
            #expect(error.description.contains(garbage) && !error.description.contains("\n"), "\(error)")
        }
        // The synthetic reference uses the shipped classifier.
        #expect(throws: Never.self) { _ = try DigitClassifier.forDataset(.synthetic) }
    }

    /// Training on the IDX files: a short run writes the checkpoint with the dataset and
    /// the test accuracy in its metadata, the accuracy is well above chance (10 %),
    /// and the lookup for MNIST then loads it.
    @Test func trainsOnIDXFilesAndStores() throws {
        let fixture = try IDXDigitsFixture(train: 300, test: 100)
        defer { fixture.remove() }
        let path = fixture.directory + "/cache/classifier-mnist.safetensors"
        let data = try ClassifierOnIDX(.mnist, directory: fixture.directory)
        #expect(data.train.labels.count == 300 && data.test.labels.count == 100)
        var config = ClassifierTrainer.Configuration(steps: 40)
        config.batchSize = 32
        var steps = 0
        let result = try data.run(config, seed: 3, saveTo: path) { _ in steps += 1 }
        #expect(steps == 40)
        #expect(result.testCount == 100 && result.path == path)
        #expect(result.testAccuracy > 0.3, "accuracy \(result.testAccuracy) after 40 steps")
        let (_, metadata) = try Checkpoint.read(path)
        #expect(metadata["dataset"] == "mnist")
        #expect(metadata[DigitClassifier.MetadataKey.architecture] == DigitClassifier.architecture)
        #expect(metadata[DigitClassifier.MetadataKey.heldOutCount] == "100")
        let stored = try #require(metadata[DigitClassifier.MetadataKey.heldOutAccuracy].flatMap(Double.init))
        #expect(abs(stored - Double(result.testAccuracy)) < 1e-4)
        let loaded = try DigitClassifier.forDataset(.testSplit(.mnist, directory: fixture.directory), path: path)
        #expect(abs(loaded.accuracy(images: data.test.images, labels: data.test.labels) - result.testAccuracy) < 1e-6)
    }

    /// The rows of an image tensor `[N, 1, 28, 28]`, one array of 784 values each.
    private func rows(of images: Tensor) -> [[Float]] {
        let size = 28 * 28, values = images.scalars
        return (0..<images.shape[0]).map { Array(values[($0 * size)..<(($0 + 1) * size)]) }
    }
}
