// IDXReaderTests.swift — IDXFile: the header, gzip by content, and every kind of damage.

@testable import Datasets
import Foundation
import Testing

@Suite struct IDXReaderTests {
    /// A rank-3 file: dimensions from the big-endian header, values in order.
    @Test func parsesHeaderAndValues() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = fixture.write("img", IDXFixture.images())
        let file = try IDXFile(contentsOf: path)
        #expect(file.dimensions == [5, 28, 28] && file.count == 5 && file.path == path)
        #expect(file.values.count == 5 * 28 * 28)
        #expect(file.values[0] == 0 && file.values[1] == 255)
        #expect(file.values[3 * 784 + 10 * 28 + 20] == IDXFixture.pixel(3, 10, 20))
        // A size above 65535 exercises all four header bytes: 70000 = 00 01 11 70.
        let big = IDXFixture.idx(dimensions: [70_000], values: (0..<70_000).map { UInt8($0 % 251) })
        #expect(Array(big[4..<8]) == [0x00, 0x01, 0x11, 0x70])
        #expect(try IDXFile(parsing: big, path: "big").dimensions == [70_000])
    }

    /// Gzip is recognised by its bytes 1f 8b, whatever the name; the contents are identical.
    @Test func gzipEqualsRaw() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let raw = try IDXFile(contentsOf: fixture.write("a", IDXFixture.images()))
        let gz = try IDXFile(contentsOf: fixture.write("b.gz", try fixture.gzip(IDXFixture.images())))
        let disguised = try IDXFile(contentsOf: fixture.write("c-idx3-ubyte", try fixture.gzip(IDXFixture.images())))
        #expect(gz.dimensions == raw.dimensions && gz.values == raw.values)
        #expect(disguised.values == raw.values)
        // Two gzip members one after the other decompress to their concatenation.
        let bytes = IDXFixture.images()
        let twoMembers = try fixture.gzip(Array(bytes[..<100])) + fixture.gzip(Array(bytes[100...]))
        #expect(try IDXFile(contentsOf: fixture.write("d.gz", twoMembers)).values == raw.values)
    }

    @Test func truncatedDataNamesFileAndSizes() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let full = IDXFixture.images()                                   // 16 + 3920 bytes
        let path = fixture.write("train-images-idx3-ubyte", Array(full.dropLast(100)))
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: path) }
        guard case let .truncated(p, expected, actual)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(p == path && expected == full.count && actual == full.count - 100)
        let text = error?.description ?? ""
        #expect(text.contains(path) && text.contains("truncated") && text.contains("\(full.count)") && text.contains("\(full.count - 100)"))

        // Cut inside the header's dimensions, and inside a gzipped file's contents.
        #expect(throws: DatasetError.self) { try IDXFile(contentsOf: fixture.write("h", Array(full.prefix(9)))) }
        let gzPath = fixture.write("cut.gz", try fixture.gzip(Array(full.dropLast(1))))
        let gzError = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: gzPath) }
        #expect(gzError?.description.contains(gzPath) == true && gzError?.description.contains("truncated") == true)
    }

    @Test func trailingBytesAreAnError() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let path = fixture.write("long", IDXFixture.labelsFile() + [1, 2, 3])
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: path) }
        guard case .trailingData(path, 13, 16)? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    /// A gzip file cut short, and one with damaged compressed bytes.
    @Test func corruptGzip() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let gz = try fixture.gzip(IDXFixture.images())
        let cutPath = fixture.write("cut.gz", Array(gz.prefix(gz.count / 2)))
        let cut = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: cutPath) }
        guard case .corruptGzip(cutPath, _)? = cut else { Issue.record("got \(String(describing: cut))"); return }
        #expect(cut!.description.contains(cutPath) && cut!.description.contains("gzip") && cut!.description.contains("ends early"))

        var damaged = gz
        for i in stride(from: 20, to: damaged.count - 8, by: 7) { damaged[i] ^= 0x5a }
        let damagedPath = fixture.write("damaged.gz", damaged)
        let bad = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: damagedPath) }
        guard case .corruptGzip(damagedPath, _)? = bad else { Issue.record("got \(String(describing: bad))"); return }

        let headerOnly = fixture.write("header.gz", [0x1f, 0x8b, 0x63, 0, 0, 0])   // 0x63: not deflate
        #expect(throws: DatasetError.self) { try IDXFile(contentsOf: headerOnly) }
    }

    @Test func badMagic() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let html = fixture.write("page", Array("<html><body>Not Found</body></html>".utf8))
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: html) }
        guard case .badMagic(html, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.contains(html) && error!.description.contains("magic") && error!.description.contains("HTML"))

        let empty = fixture.write("empty", [])
        let emptyError = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: empty) }
        #expect(emptyError?.description.contains("empty") == true)
        #expect(throws: DatasetError.self) { try IDXFile(contentsOf: fixture.write("one", [0x00, 0x01, 0x08, 0x01, 0, 0, 0, 0])) }
    }

    @Test func unsupportedTypeAndWrongRank() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let floats = fixture.write("floats", IDXFixture.idx(type: 0x0D, dimensions: [1], values: [0x3f, 0x80, 0, 0]))
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: floats) }
        guard case .unsupportedDataType(floats, 0x0D)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error!.description.contains("0x0d") && error!.description.contains("float") && error!.description.contains("0x08"))

        let labels = try IDXFile(contentsOf: fixture.write("l", IDXFixture.labelsFile()))
        let rank = #expect(throws: DatasetError.self) { try labels.requireRank(3) }
        guard case .wrongRank(labels.path, 3, 1)? = rank else { Issue.record("got \(String(describing: rank))"); return }
    }

    @Test func unreadableFile() throws {
        let fixture = try IDXFixture()
        defer { fixture.remove() }
        let missing = fixture.path("nothing-here")
        let error = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: missing) }
        #expect(error?.description.contains(missing) == true && error?.description.contains("No such file") == true)
        let folder = #expect(throws: DatasetError.self) { try IDXFile(contentsOf: fixture.directory) }
        #expect(folder?.description.contains("directory") == true)
    }
}
