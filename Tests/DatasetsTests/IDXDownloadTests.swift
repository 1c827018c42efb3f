// IDXDownloadTests.swift — MNIST.download without the network.
//
// The "mirrors" here are file:// folders served by curl itself, so the whole path —
// try each mirror, write to a temporary file, check size and header, rename — runs
// offline. The public entry point only changes the list of files and mirrors.

@testable import Datasets
import Foundation
import Testing

@Suite struct IDXDownloadTests {
    static let hasCurl = Transfer.executable(named: "curl") != nil

    /// Serves the fixture's gzipped train split from `server/` and returns the file list
    /// `download` expects (sizes of the served files, rank, 5 items).
    static func serve(_ fixture: IDXFixture) throws -> [(name: String, expected: MNIST.Expected)] {
        try FileManager.default.createDirectory(atPath: fixture.path("server"), withIntermediateDirectories: true)
        let images = try fixture.gzip(IDXFixture.images()), labels = try fixture.gzip(IDXFixture.labelsFile())
        fixture.write("server/train-images-idx3-ubyte.gz", images)
        fixture.write("server/train-labels-idx1-ubyte.gz", labels)
        return [("train-images-idx3-ubyte", MNIST.Expected(size: images.count, rank: 3, count: 5)),
                ("train-labels-idx1-ubyte", MNIST.Expected(size: labels.count, rank: 1, count: 5))]
    }

    /// The first mirror fails, the second serves valid files: they land under their
    /// real names, no temporary file is left, and a second run skips them.
    @Test(.enabled(if: hasCurl)) func triesMirrorsInTurnAndSkipsValidFiles() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let files = try Self.serve(fixture)
        let target = fixture.path("cache/mnist")
        var log: [String] = []
        try MNIST.download(files, from: ["file://\(fixture.path("missing-mirror"))/", "file://\(fixture.path("server"))/"],
                           into: target, progress: { log.append($0) })
        let left = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        #expect(left == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])
        let (x, y) = try MNIST.load(.mnist, split: .train, directory: target)
        #expect(x.shape == [5, 1, 28, 28] && y == [7, 0, 3, 9, 4])
        #expect(log.filter { $0.hasPrefix("downloading") }.count == 4)

        log = []
        try MNIST.download(files, from: ["file:///nowhere/"], into: target, progress: { log.append($0) })
        #expect(log.count == 2 && log.allSatisfy { $0.hasSuffix("is already there") })
    }

    /// Every mirror fails: one line naming each URL tried and the folder to fill by hand;
    /// a served file of the wrong size is rejected and not kept.
    @Test(.enabled(if: hasCurl)) func failureNamesURLsAndDirectory() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        var files = try Self.serve(fixture)
        files[0].expected = MNIST.Expected(size: files[0].expected.size + 1, rank: 3, count: 5)
        let target = fixture.path("target")
        let first = "file://\(fixture.path("missing-mirror"))/", second = "file://\(fixture.path("server"))/"
        let error = #expect(throws: DatasetError.self) {
            try MNIST.download(files, from: [first, second], into: target)
        }
        guard case .downloadFailed("train-images-idx3-ubyte.gz", target, let attempts, let needed)? = error else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(attempts.count == 2 && needed == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"])
        let text = error!.description
        #expect(!text.contains("\n"))
        #expect(text.contains(first + "train-images-idx3-ubyte.gz") && text.contains(second + "train-images-idx3-ubyte.gz"))
        #expect(text.contains("bytes, expected") && text.contains(target) && text.contains("by hand")
                && text.contains("train-labels-idx1-ubyte.gz"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    /// A damaged file already in place is fetched again.
    @Test(.enabled(if: hasCurl)) func replacesDamagedFile() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let files = try Self.serve(fixture)
        let target = fixture.path("target")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        fixture.write("target/train-labels-idx1-ubyte.gz", [0x1f, 0x8b, 1, 2, 3])
        try MNIST.download(files, from: ["file://\(fixture.path("server"))/"], into: target)
        #expect(try MNIST.load(.mnist, split: .train, directory: target).labels == [7, 0, 3, 9, 4])
    }

    /// The published sizes and mirrors, and the cache folder's shape.
    @Test func catalogue() {
        for kind in MNISTKind.allCases {
            #expect(MNIST.compressedSizes(kind).count == 4)
            #expect(MNIST.mirrors(kind).allSatisfy { $0.hasSuffix("/") && $0.hasPrefix("http") })
            let cache = MNIST.defaultCacheDirectory(kind)
            #expect(cache.hasPrefix("/") && cache.hasSuffix("/diffusion-kit/\(kind.rawValue)"))
        }
        #expect(MNIST.compressedSizes(.mnist)["train-images-idx3-ubyte.gz"] == 9_912_422)
        #expect(MNISTKind.fashionMNIST.rawValue == "fashion-mnist")
    }
}
