// DigitReference.swift — the real images that generated ones are judged against.
//
// A metric that compares samples with "real digits" must use the data the model was
// trained on: an MNIST model against MNIST's own handwriting, a synthetic one against
// SyntheticDigits, a Fashion-MNIST model against clothes. The reference is taken from
// data the model never trained on:
//
//   • synthetic digits — fresh digits from the caller's seeded generator;
//   • MNIST / Fashion-MNIST — the test split (the `t10k-…` files), drawn without
//     replacement in an order the caller's seeded generator fixes.
//
// The chapters record the training set in the checkpoint's metadata under "dataset"
// ("synthetic-digits", "mnist" or "fashion-mnist"); `DigitReference(dataset:)` maps
// that name back to its reference, and `DigitClassifier.forDataset(_:)` to the
// classifier trained on the same data.

import Datasets
import Tensors

/// Where the real images for a digit metric come from: the data the model was trained on.
public enum DigitReference: Equatable, Sendable, CustomStringConvertible {
    /// Fresh `SyntheticDigits`.
    case synthetic
    /// The test split (`t10k-…` files) of MNIST or Fashion-MNIST in `directory`.
    case testSplit(MNISTKind, directory: String)

    /// The name the chapters record as the checkpoint's "dataset" for synthetic digits.
    public static let syntheticDatasetName = "synthetic-digits"

    /// The reference for a model trained on `dataset` — the checkpoint's "dataset"
    /// metadata: "synthetic-digits" (or "synthetic"), "mnist" or "fashion-mnist" —
    /// with MNIST-format files in `directory` (default `MNIST.defaultCacheDirectory`).
    /// Nil for any other name.
    public init?(dataset: String, directory: String? = nil) {
        if dataset == Self.syntheticDatasetName || dataset == "synthetic" {
            self = .synthetic
        } else if let kind = MNISTKind(rawValue: dataset) {
            self = .testSplit(kind, directory: directory ?? MNIST.defaultCacheDirectory(kind))
        } else {
            return nil
        }
    }

    /// The training set's name, as recorded in checkpoints ("synthetic-digits", "mnist", "fashion-mnist").
    public var datasetName: String {
        switch self {
        case .synthetic: Self.syntheticDatasetName
        case let .testSplit(kind, _): kind.rawValue
        }
    }

    /// The MNIST-format dataset, or nil for synthetic digits.
    public var kind: MNISTKind? {
        if case let .testSplit(kind, _) = self { return kind }
        return nil
    }

    /// What a report calls it: "synthetic digits" or "mnist test split (DIR)".
    public var description: String {
        switch self {
        case .synthetic: "synthetic digits"
        case let .testSplit(kind, directory): "\(kind.rawValue) test split (\(directory))"
        }
    }

    /// `sets` sets of `n` real images each, `[n, 1, 28, 28]` in [−1, 1], drawn with
    /// `rng` (the same generator state gives the same sets): the first to compare
    /// samples with, two more for the FD floor, say.
    ///
    /// Synthetic digits are fresh batches, drawn one set after the other exactly as
    /// `SyntheticDigits.batch(n, using: &rng)` would. Test-split images are distinct
    /// across all the sets when the split holds `sets · n` images or more (a random
    /// permutation, cut into sets); a smaller split is drawn with replacement.
    /// - Throws: `DatasetError` naming the test-split file that is missing or damaged.
    public func draw(sets: Int, of n: Int,
                     using rng: inout some RandomNumberGenerator) throws(DatasetError) -> [Tensor] {
        precondition(sets >= 0 && n >= 0, "DigitReference.draw: need sets ≥ 0 and n ≥ 0, got \(sets), \(n)")
        switch self {
        case .synthetic:
            return (0..<sets).map { _ in SyntheticDigits.batch(n, using: &rng).images }   // [n, 1, 28, 28] each
        case let .testSplit(kind, directory):
            let images = try MNIST.load(kind, split: .test, directory: directory).images  // [M, 1, 28, 28]
            let m = images.shape[0]
            guard m > 0 else { throw .unreadable(path: directory, reason: "the \(kind.rawValue) test split holds no images") }
            let rows = m >= sets * n ? Array(rng.permutation(m).prefix(sets * n))
                                     : randomInts(sets * n, in: 0..<m, using: &rng)
            return (0..<sets).map { s in images.gather(Array(rows[(s * n)..<((s + 1) * n)])) }
        }
    }
}
