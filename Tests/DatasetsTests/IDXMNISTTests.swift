// IDXMNISTTests.swift — MNIST.load: file names, the [−1, 1] mapping, and consistency errors.

@testable import Datasets
import Foundation
import Tensors
import Testing

@Suite struct IDXMNISTTests {
    /// Pixel p becomes p / 127.5 − 1 exactly: 0 → −1, 255 → +1, in [N, 1, 28, 28] order.
    @Test func pixelsLabelsAndShape() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        try fixture.writeTrainSplit()
        let (x, y) = try MNIST.load(.mnist, split: .train, directory: fixture.directory)
        #expect(x.shape == [5, 1, 28, 28])
        #expect(y == [7, 0, 3, 9, 4])
        #expect(x.scalars[0] == -1 && x.scalars[1] == 1)
        var mismatches = 0
        for i in 0..<5 { for r in 0..<28 { for c in 0..<28 {
            let expected = Float(IDXFixture.pixel(i, r, c)) / 127.5 - 1
            if x.scalars[((i * 28) + r) * 28 + c] != expected { mismatches += 1 }
        } } }
        #expect(mismatches == 0)
        #expect(x.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    /// `.gz` files give the same tensor; the raw file wins when both exist.
    @Test func gzipEqualsRawAndRawIsPreferred() throws {
        let raw = try IDXFixture(), gz = try IDXFixture()
        defer { raw.remove(); gz.remove() }
        try raw.writeTrainSplit()
        try gz.writeTrainSplit(gzipped: true)
        let a = try MNIST.load(.fashionMNIST, split: .train, directory: raw.directory)
        let b = try MNIST.load(.fashionMNIST, split: .train, directory: gz.directory + "/")
        #expect(a.images.scalars == b.images.scalars && a.labels == b.labels && b.images.shape == [5, 1, 28, 28])

        // Both present: a damaged .gz next to a good raw file is never opened.
        raw.write("train-images-idx3-ubyte.gz", [0x1f, 0x8b, 0, 0])
        #expect(try MNIST.load(.mnist, split: .train, directory: raw.directory).images.scalars == a.images.scalars)
        #expect(try MNIST.locate("train-images-idx3-ubyte", in: raw.directory) == raw.path("train-images-idx3-ubyte"))
    }

    @Test func testSplitAndLimit() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        try fixture.writeTrainSplit(prefix: "t10k")
        let (x, y) = try MNIST.load(.mnist, split: .test, directory: fixture.directory, limit: 2)
        #expect(x.shape == [2, 1, 28, 28] && y == [7, 0])
        #expect(x.scalars.last == Float(IDXFixture.pixel(1, 27, 27)) / 127.5 - 1)
        #expect(try MNIST.load(.mnist, split: .test, directory: fixture.directory, limit: 50).labels.count == 5)
        #expect(try MNIST.load(.mnist, split: .test, directory: fixture.directory, limit: 0).images.shape == [0, 1, 28, 28])
        #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: fixture.directory) }
    }

    @Test func countMismatchNamesBothFiles() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let images = fixture.write("train-images-idx3-ubyte", IDXFixture.images())
        let labels = fixture.write("train-labels-idx1-ubyte.gz", try fixture.gzip(IDXFixture.labelsFile([1, 2, 3, 4])))
        let error = #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: fixture.directory) }
        guard case .countMismatch(images, 5, labels, 4)? = error else { Issue.record("got \(String(describing: error))"); return }
        let text = error!.description
        #expect(text.contains(images) && text.contains(labels) && text.contains("5") && text.contains("4"))
    }

    @Test func labelOutOfRange() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        fixture.write("train-images-idx3-ubyte", IDXFixture.images())
        let labels = fixture.write("train-labels-idx1-ubyte", IDXFixture.labelsFile([7, 0, 10, 9, 4]))
        let error = #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: fixture.directory) }
        guard case .labelOutOfRange(labels, 2, 10, 0...9)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.contains(labels) && error!.description.contains("index 2") && error!.description.contains("10"))
    }

    @Test func wrongRankOfImagesFile() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let images = fixture.write("train-images-idx3-ubyte", IDXFixture.idx(dimensions: [5, 784], values: Array(IDXFixture.images().dropFirst(16))))
        fixture.write("train-labels-idx1-ubyte", IDXFixture.labelsFile())
        let error = #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: fixture.directory) }
        guard case .wrongRank(images, 3, 2)? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    /// A missing folder or file: the message names the folder and the names looked for.
    @Test func missingDirectoryAndFile() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let nowhere = fixture.path("no-such-folder")
        let noDir = #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: nowhere) }
        let dirText = noDir?.description ?? ""
        #expect(dirText.contains(nowhere) && dirText.contains("does not exist")
                && dirText.contains("train-images-idx3-ubyte") && dirText.contains("train-images-idx3-ubyte.gz"))

        fixture.write("train-images-idx3-ubyte", IDXFixture.images())
        let noFile = #expect(throws: DatasetError.self) { try MNIST.load(.mnist, split: .train, directory: fixture.directory) }
        guard case let .missingFile(directory, names)? = noFile else { Issue.record("got \(String(describing: noFile))"); return }
        #expect(directory == fixture.directory && names == ["train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"])
        #expect(noFile!.description.contains(fixture.directory) && noFile!.description.contains("train-labels-idx1-ubyte.gz"))
    }

    /// Every message is a single line.
    @Test func descriptionsAreOneLine() {
        let errors: [DatasetError] = [
            .missingDirectory(directory: "/d", lookedFor: ["a", "a.gz"]), .missingFile(directory: "/d", lookedFor: ["a"]),
            .unreadable(path: "/f", reason: "x\ny"), .truncated(path: "/f", expected: 10, actual: 5),
            .trailingData(path: "/f", expected: 10, actual: 12), .corruptGzip(path: "/f", reason: "bad\r\ncrc"),
            .badMagic(path: "/f", bytes: [1, 2, 3, 4]), .unsupportedDataType(path: "/f", code: 0x0C),
            .wrongRank(path: "/f", expected: 1, actual: 2),
            .countMismatch(imagesPath: "/i", images: 3, labelsPath: "/l", labels: 2),
            .labelOutOfRange(path: "/f", index: 1, value: 12, range: 0...9), .wrongCount(path: "/f", expected: 60000, actual: 5),
            .downloadFailed(file: "a.gz", directory: "/d", attempts: ["http://x/a.gz: curl: (6)\nno host"], needed: ["a.gz"]),
            .cannotWrite(path: "/f", reason: "read-only\n"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n") && !error.description.contains("\r"), "\(error)")
            #expect(error.description.contains("/"), "names a file: \(error)")
        }
    }
}
