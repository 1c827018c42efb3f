// IDXDigitsFixture.swift — a tiny "MNIST" folder for chapter runs (the same as MetricsTests': test targets
// share no code): synthetic digits stored as the four IDX files, in a temporary folder.

import Datasets
import Foundation
import Tensors

/// A temporary folder holding `train-…` and `t10k-…` IDX files of synthetic digits.
struct IDXDigitsFixture {
    /// The folder, unique to this fixture.
    let directory: String
    /// The test split's images `[M, 1, 28, 28]` exactly as written (after 8-bit rounding).
    let testImages: Tensor

    /// Writes `train` training and `test` test digits, each split from its own seed
    /// (so no test image is also a training image).
    init(train: Int = 300, test: Int = 100, seed: UInt64 = 1) throws {
        directory = NSTemporaryDirectory() + "idx-digits-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.writeSplit(prefix: "train", count: train, seed: seed, in: directory)
        testImages = try Self.writeSplit(prefix: "t10k", count: test, seed: seed &+ 1000, in: directory)
    }

    /// Deletes the folder and everything in it.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `count` synthetic digits of `seed` as `<prefix>-images-idx3-ubyte` and
    /// `<prefix>-labels-idx1-ubyte`, and returns the images as the reader will see them.
    @discardableResult
    static func writeSplit(prefix: String, count: Int, seed: UInt64, in directory: String) throws -> Tensor {
        var digits = SyntheticDigits(seed: seed)
        let (images, labels) = digits.batch(count)                                  // [count, 1, 28, 28]
        return try IDXWriter.writeSplit(images: images, labels: labels, prefix: prefix, directory: directory)
    }
}
