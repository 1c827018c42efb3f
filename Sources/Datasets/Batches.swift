// Batches.swift — shuffled mini-batches over an in-memory dataset.
//
// Like PyTorch's `DataLoader(dataset, batch_size, shuffle=True, drop_last=…)`: every
// epoch visits each item exactly once, in a fresh random order, cut into batches of
// `batchSize` items. The last batch of an epoch is smaller when `batchSize` does not
// divide the dataset size, unless `dropLast` is set (then those leftover items sit
// out that epoch; a new shuffle gives them their chance next time).
//
//     var loader = BatchLoader(images: x, labels: y, batchSize: 64, seed: 0)  // x: [N, 1, 28, 28]
//     for batch in loader.epoch() { … batch.images … }   // one pass, [≤ 64, 1, 28, 28] each
//     let batch = loader.next()                          // or an endless stream across epochs
//
// The order of every epoch comes from the loader's own seeded generator, so the same
// seed gives the same batches.

import Tensors

/// One mini-batch: the items' images (and labels), and where they came from.
public struct MiniBatch {
    /// The images, `[B, …]`: the dataset's item shape with B items in front.
    public let images: Tensor
    /// The labels of these items, when the dataset has labels.
    public let labels: [Int]?
    /// The items' positions in the dataset, in batch order.
    public let indices: [Int]
}

/// Shuffles an in-memory dataset each epoch and hands it out in mini-batches.
public struct BatchLoader {
    /// The whole dataset, `[N, …]` (item i is `images[i]`).
    public let images: Tensor
    /// One label per item, or `nil`.
    public let labels: [Int]?
    /// Items per batch (the last batch of an epoch may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether an epoch's incomplete last batch is left out.
    public let dropLast: Bool
    /// The number of epochs started so far (by `epoch()` or by `next()`).
    public private(set) var epochsStarted = 0

    /// Shuffles the items: one permutation per epoch.
    private var rng: SeededGenerator
    /// The epoch `next()` is handing out, and the position of its next batch.
    private var current: (order: [Int], position: Int)?

    /// A loader over `images` (`[N, …]`, N ≥ 1) with optional `labels` (N of them).
    /// - Parameters:
    ///   - batchSize: items per batch, at least 1 (and at most N when `dropLast`, or
    ///     no batch could ever be made).
    ///   - dropLast: leave out the incomplete last batch of each epoch.
    ///   - seed: seeds the shuffles; the same seed gives the same batches.
    public init(images: Tensor, labels: [Int]? = nil, batchSize: Int, dropLast: Bool = false, seed: UInt64) {
        precondition(images.rank >= 1 && images.shape[0] >= 1,
                     "BatchLoader: images must be [N, …] with N ≥ 1, got shape \(images.shape)")
        let n = images.shape[0]
        if let labels {
            precondition(labels.count == n, "BatchLoader: \(labels.count) labels for \(n) images")
        }
        precondition(batchSize >= 1, "BatchLoader: batchSize must be at least 1, got \(batchSize)")
        precondition(!dropLast || batchSize <= n,
                     "BatchLoader: batchSize \(batchSize) with dropLast leaves no batch of \(n) items")
        self.images = images
        self.labels = labels
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.rng = SeededGenerator(seed: seed)
    }

    /// The number of items, N.
    public var count: Int { images.shape[0] }

    /// Batches per epoch: ⌊N / batchSize⌋ with `dropLast`, ⌈N / batchSize⌉ without.
    public var batchesPerEpoch: Int {
        dropLast ? count / batchSize : (count + batchSize - 1) / batchSize
    }

    /// Starts a new epoch with a fresh shuffle and returns its batches, in order, as a
    /// sequence (each batch is gathered when the loop reaches it).
    public mutating func epoch() -> Epoch {
        epochsStarted += 1
        return Epoch(loader: self, order: rng.permutation(count))
    }

    /// The next batch of an endless stream: the batches of one epoch after another,
    /// each epoch freshly shuffled (independent of the `epoch()` sequences, except that
    /// both draw their shuffles from the same generator).
    public mutating func next() -> MiniBatch {
        if current == nil || current!.position >= batchesPerEpoch {
            epochsStarted += 1
            current = (rng.permutation(count), 0)
        }
        let batch = gather(order: current!.order, batch: current!.position)
        current!.position += 1
        return batch
    }

    /// The batch number `b` of an epoch whose items come in `order`.
    func gather(order: [Int], batch b: Int) -> MiniBatch {
        let start = b * batchSize
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        let itemShape = Array(images.shape.dropFirst())
        let itemSize = itemShape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: indices.count * itemSize)   // [B, …]
        images.scalars.withUnsafeBufferPointer { source in
            scalars.withUnsafeMutableBufferPointer { destination in
                for (row, item) in indices.enumerated() {
                    let from = source.baseAddress! + item * itemSize
                    (destination.baseAddress! + row * itemSize).update(from: from, count: itemSize)
                }
            }
        }
        return MiniBatch(images: Tensor(shape: [indices.count] + itemShape, scalars: scalars),
                     labels: labels.map { all in indices.map { all[$0] } },
                     indices: indices)
    }

    /// The batches of one epoch, in shuffled order. Iterate it with `for … in`.
    public struct Epoch: Sequence, IteratorProtocol {
        /// The loader whose data this epoch hands out (a copy; the data is shared).
        let loader: BatchLoader
        /// The item order of this epoch.
        public let order: [Int]
        /// The next batch number.
        private var position = 0

        init(loader: BatchLoader, order: [Int]) {
            self.loader = loader
            self.order = order
        }

        /// The number of batches in this epoch.
        public var count: Int { loader.batchesPerEpoch }

        /// The next batch of the epoch, or `nil` when the epoch is over.
        public mutating func next() -> MiniBatch? {
            guard position < loader.batchesPerEpoch else { return nil }
            defer { position += 1 }
            return loader.gather(order: order, batch: position)
        }
    }
}
