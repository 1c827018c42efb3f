// MNIST.swift — MNIST and Fashion-MNIST from their IDX files, in the kit's image format.
//
// References: LeCun et al., "Gradient-based learning applied to document recognition"
// (1998), and Xiao, Rasul & Vollgraf, "Fashion-MNIST" (2017), which uses the same
// file names and format. Each split is two IDX files in one directory:
//
//     train-images-idx3-ubyte   [60000, 28, 28] pixels 0 … 255 (0 = background)
//     train-labels-idx1-ubyte   [60000] labels 0 … 9
//     t10k-images-idx3-ubyte    [10000, 28, 28]
//     t10k-labels-idx1-ubyte    [10000]
//
// each either raw or gzipped (`.gz`). The images come back like `SyntheticDigits`:
// `[N, 1, 28, 28]` with pixel p mapped to p / 127.5 − 1, so the background is −1 and
// full ink +1.
//
//     let (x, y) = try MNIST.load(.mnist, split: .train, directory: MNIST.defaultCacheDirectory(.mnist))

import Tensors

/// Which of the two 28 × 28 grey ten-class datasets in IDX format.
public enum MNISTKind: String, CaseIterable, Sendable {
    /// Handwritten digits 0 … 9 (LeCun et al.).
    case mnist
    /// Zalando's clothing images (Xiao et al.), a harder drop-in replacement.
    case fashionMNIST = "fashion-mnist"
}

/// The training or the test part of a dataset.
public enum MNISTSplit: String, CaseIterable, Sendable {
    /// 60 000 training items (`train-…` files).
    case train
    /// 10 000 test items (`t10k-…` files).
    case test

    /// The file name prefix: "train" or "t10k".
    var prefix: String { self == .train ? "train" : "t10k" }
    /// The images file name, without `.gz`: e.g. `train-images-idx3-ubyte`.
    public var imagesFileName: String { "\(prefix)-images-idx3-ubyte" }
    /// The labels file name, without `.gz`: e.g. `train-labels-idx1-ubyte`.
    public var labelsFileName: String { "\(prefix)-labels-idx1-ubyte" }
    /// The number of items in this split of MNIST and of Fashion-MNIST.
    public var itemCount: Int { self == .train ? 60_000 : 10_000 }
}

/// Loads (and downloads, see `MNIST.download`) MNIST and Fashion-MNIST.
public enum MNIST {
    /// The number of classes: labels are 0 … 9.
    public static let classCount = 10

    /// The images and labels of one split, read from `directory`.
    ///
    /// Each file may be raw or gzipped (`name` or `name.gz`; the raw file wins when both
    /// exist); gzip is recognised by its content, not its name.
    /// - Parameters:
    ///   - kind: MNIST or Fashion-MNIST (only used in messages: both have the same file names).
    ///   - split: `.train` or `.test`.
    ///   - directory: the folder holding the files.
    ///   - limit: keep only the first `limit` items (all when nil); `limit ≥ 0`.
    /// - Returns: `images` of shape `[N, 1, rows, cols]` (28 × 28 for these datasets)
    ///   with values in [−1, 1], and N `labels` in 0 … 9.
    /// - Throws: `DatasetError` naming the file and the problem: missing, unreadable,
    ///   truncated, corrupt gzip, bad magic, wrong type or rank, images and labels
    ///   counts that differ, a label out of range.
    public static func load(_ kind: MNISTKind, split: MNISTSplit, directory: String,
                            limit: Int? = nil) throws(DatasetError) -> (images: Tensor, labels: [Int]) {
        precondition(limit.map { $0 >= 0 } ?? true, "MNIST.load: negative limit \(limit ?? 0)")
        let imagesPath = try locate(split.imagesFileName, in: directory)
        let labelsPath = try locate(split.labelsFileName, in: directory)
        let images = try IDXFile(contentsOf: imagesPath)
        try images.requireRank(3)
        let labels = try IDXFile(contentsOf: labelsPath)
        try labels.requireRank(1)
        guard images.count == labels.count else {
            throw .countMismatch(imagesPath: imagesPath, images: images.count, labelsPath: labelsPath, labels: labels.count)
        }
        for (index, value) in labels.values.enumerated() where Int(value) >= classCount {
            throw .labelOutOfRange(path: labelsPath, index: index, value: Int(value), range: 0...(classCount - 1))
        }

        let n = min(images.count, limit ?? images.count)
        let rows = images.dimensions[1], cols = images.dimensions[2]
        var pixels = [Float](repeating: 0, count: n * rows * cols)      // [n, 1, rows, cols]
        pixels.withUnsafeMutableBufferPointer { out in
            images.values.withUnsafeBufferPointer { bytes in
                for i in 0..<out.count { out[i] = Float(bytes[i]) / 127.5 - 1 }
            }
        }
        return (Tensor(shape: [n, 1, rows, cols], scalars: pixels), labels.values.prefix(n).map { Int($0) })
    }

    /// The path of `name` or `name.gz` in `directory`, preferring the raw file.
    /// - Throws: `DatasetError.missingDirectory` or `.missingFile`, listing the names looked for.
    static func locate(_ name: String, in directory: String) throws(DatasetError) -> String {
        let candidates = [name, name + ".gz"]
        let dir = fileExists(directory)
        guard dir.exists && dir.isDirectory else {
            throw .missingDirectory(directory: directory, lookedFor: candidates)
        }
        for candidate in candidates {
            let path = join(directory, candidate)
            if fileExists(path).exists { return path }
        }
        throw .missingFile(directory: directory, lookedFor: candidates)
    }

    /// `directory/name`, without doubling a trailing slash.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
