// BatchLoaderTests.swift — the shuffling mini-batch loader.
//
// The dataset is built so that every item says who it is (item i is the image
// [i, −i] with label i % 10), so a batch can be checked against its indices.

import Datasets
import Tensors
import Testing

@Suite struct BatchLoaderTests {
    static let n = 103

    static func dataset() -> (images: Tensor, labels: [Int]) {
        let values = (0..<n).flatMap { [Float($0), -Float($0)] }
        return (Tensor(shape: [n, 2], scalars: values), (0..<n).map { $0 % 10 })
    }

    /// Checks that every batch holds the items its indices name, and returns the indices.
    static func indices(of batches: some Sequence<MiniBatch>) -> [[Int]] {
        batches.map { batch in
            #expect(batch.images.shape == [batch.indices.count, 2])
            #expect(batch.images.scalars == batch.indices.flatMap { [Float($0), -Float($0)] })
            #expect(batch.labels == batch.indices.map { $0 % 10 })
            return batch.indices
        }
    }

    @Test func everyItemOncePerEpochAndReshuffled() {
        let (x, y) = Self.dataset()
        var loader = BatchLoader(images: x, labels: y, batchSize: 10, seed: 0)
        #expect(loader.batchesPerEpoch == 11)
        let first = Self.indices(of: loader.epoch())
        #expect(first.map(\.count) == [Int](repeating: 10, count: 10) + [3])
        #expect(first.joined().sorted() == Array(0..<Self.n))
        #expect(Array(first.joined()) != Array(0..<Self.n), "shuffled, not in dataset order")
        let second = Self.indices(of: loader.epoch())
        #expect(second.joined().sorted() == Array(0..<Self.n))
        #expect(Array(second.joined()) != Array(first.joined()), "a fresh order each epoch")
        #expect(loader.epochsStarted == 2)
    }

    @Test func dropLastLeavesOutTheIncompleteBatch() {
        let (x, y) = Self.dataset()
        var loader = BatchLoader(images: x, labels: y, batchSize: 10, dropLast: true, seed: 1)
        #expect(loader.batchesPerEpoch == 10)
        let batches = Self.indices(of: loader.epoch())
        #expect(batches.count == 10 && batches.allSatisfy { $0.count == 10 })
        #expect(Set(batches.joined()).count == 100, "no item twice")
    }

    @Test func sameSeedSameBatches() {
        let (x, _) = Self.dataset()
        var a = BatchLoader(images: x, batchSize: 16, seed: 42)
        var b = BatchLoader(images: x, batchSize: 16, seed: 42)
        var c = BatchLoader(images: x, batchSize: 16, seed: 43)
        let orderA = Array(a.epoch().order)
        #expect(orderA == b.epoch().order)
        #expect(orderA != c.epoch().order)
        #expect(a.next().labels == nil, "no labels given, none returned")
    }

    /// `next()` is an endless stream: each run of `batchesPerEpoch` batches is one
    /// whole epoch, and consecutive epochs are shuffled differently.
    @Test func endlessStreamCoversEachEpoch() {
        let (x, y) = Self.dataset()
        var loader = BatchLoader(images: x, labels: y, batchSize: 25, seed: 3)
        let perEpoch = loader.batchesPerEpoch                       // ⌈103 / 25⌉ = 5
        #expect(perEpoch == 5)
        let stream = Self.indices(of: (0..<(3 * perEpoch)).map { _ in loader.next() })
        var orders: [[Int]] = []
        for e in 0..<3 {
            let epoch = Array(stream[(e * perEpoch)..<((e + 1) * perEpoch)].joined())
            #expect(epoch.sorted() == Array(0..<Self.n), "epoch \(e) visits every item once")
            orders.append(epoch)
        }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        #expect(loader.epochsStarted == 3)
    }

    /// Items of any shape: a batch of images `[N, 1, 2, 2]` keeps the item shape.
    @Test func imageItemsKeepTheirShape() {
        let images = Tensor(shape: [6, 1, 2, 2], scalars: (0..<24).map(Float.init))
        var loader = BatchLoader(images: images, batchSize: 4, seed: 0)
        let batches = Array(loader.epoch())
        #expect(batches.map(\.images.shape) == [[4, 1, 2, 2], [2, 1, 2, 2]])
        for batch in batches {
            #expect(batch.images.scalars == batch.indices.flatMap { i in (0..<4).map { Float(4 * i + $0) } })
        }
    }
}
