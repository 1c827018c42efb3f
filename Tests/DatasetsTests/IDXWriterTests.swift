// IDXWriterTests.swift — what IDXWriter writes, MNIST.load reads back exactly.

import Foundation
import Testing
import Datasets
import Tensors

@Suite("IDX writer")
struct IDXWriterTests {
    @Test("synthetic digits written as IDX come back as the writer says, with their labels")
    func roundTrip() throws {
        let directory = NSTemporaryDirectory() + "idx-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var digits = SyntheticDigits(seed: 7)
        let (images, labels) = digits.batch(12)                                     // [12, 1, 28, 28]
        let written = try IDXWriter.writeSplit(images: images, labels: labels, prefix: "train", directory: directory)
        let (read, readLabels) = try MNIST.load(.mnist, split: .train, directory: directory)
        #expect(read.shape == [12, 1, 28, 28])
        #expect(read.scalars == written.scalars)
        #expect(readLabels == labels)
        // 8-bit rounding moves no pixel by more than half a level, 1/255 in [−1, 1].
        #expect(zip(written.scalars, images.scalars).allSatisfy { abs($0 - $1) <= 1.0 / 255 + 1e-6 })
        #expect(IDXWriter.header(dimensions: [12, 28, 28]) == [0, 0, 8, 3, 0, 0, 0, 12, 0, 0, 0, 28, 0, 0, 0, 28])
    }
}
