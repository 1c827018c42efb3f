// IDXFixtureTests.swift — small IDX files written by hand, in a fresh temporary folder.
//
// The bytes are spelled out here from the format description (not made with the
// reader's code), so that the reader is checked against an independent truth. Gzip
// comes from the system's `gzip` tool. Every image has varied, mostly non-zero
// pixels, including both extremes 0 and 255.

import Foundation
import Testing

/// A temporary folder with helpers that write IDX files into it.
struct IDXFixture {
    /// The folder, unique to this fixture.
    let directory: String

    /// Makes a fresh folder under the system's temporary directory.
    init() throws {
        directory = NSTemporaryDirectory() + "idx-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Deletes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `directory/name`.
    func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `bytes` to `name` in the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = path(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// The labels of the standard fixture: five images.
    static let labels: [UInt8] = [7, 0, 3, 9, 4]
    /// Rows and columns of the fixture's images.
    static let side = 28

    /// Pixel (row r, column c) of image i: a different diagonal pattern per image,
    /// with the first image's first two pixels set to the extremes 0 and 255.
    static func pixel(_ i: Int, _ r: Int, _ c: Int) -> UInt8 {
        if i == 0 && r == 0 && c == 0 { return 0 }
        if i == 0 && r == 0 && c == 1 { return 255 }
        return UInt8((i * 53 + r * 29 + c * 7 + 1) % 256)
    }

    /// An IDX file: 00 00 type rank, big-endian UInt32 sizes, then the values.
    static func idx(type: UInt8 = 0x08, dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for d in dimensions {
            bytes += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)]
        }
        return bytes + values
    }

    /// An images file of `count` fixture images, 28 × 28.
    static func images(count: Int = labels.count) -> [UInt8] {
        var values: [UInt8] = []
        for i in 0..<count {
            for r in 0..<side { for c in 0..<side { values.append(pixel(i, r, c)) } }
        }
        return idx(dimensions: [count, side, side], values: values)
    }

    /// A labels file holding `values`.
    static func labelsFile(_ values: [UInt8] = labels) -> [UInt8] {
        idx(dimensions: [values.count], values: values)
    }

    /// Writes the standard train split (raw, or gzipped with `.gz` names) and returns
    /// the images and labels paths.
    @discardableResult
    func writeTrainSplit(gzipped: Bool = false, prefix: String = "train") throws -> (images: String, labels: String) {
        let suffix = gzipped ? ".gz" : ""
        let images = gzipped ? try gzip(Self.images()) : Self.images()
        let labels = gzipped ? try gzip(Self.labelsFile()) : Self.labelsFile()
        return (write("\(prefix)-images-idx3-ubyte" + suffix, images), write("\(prefix)-labels-idx1-ubyte" + suffix, labels))
    }

    /// `bytes` compressed by the system's `gzip -c -n`.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = write(".gzip-input-\(UUID().uuidString)", bytes)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-c", "-n", input]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "gzip failed")
        return [UInt8](data)
    }
}

@Suite struct IDXFixtureTests {
    /// The fixture itself: gzip output has the gzip magic, and the data is varied.
    @Test func fixtureIsVariedAndGzipWorks() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let gz = try fixture.gzip(IDXFixture.images())
        #expect(gz.count > 10 && gz[0] == 0x1f && gz[1] == 0x8b)
        let pixels = IDXFixture.images().dropFirst(16)
        #expect(Set(pixels).count > 200)                      // many distinct values
        #expect(pixels.filter { $0 == 0 }.count < pixels.count / 50)
    }
}
