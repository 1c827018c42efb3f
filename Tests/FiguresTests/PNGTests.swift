// PNGTests.swift — PNG files decode with an independent decoder to the expected bytes.

import Figures
import Foundation
import Tensors
import Testing

@Suite struct PNGTests {
    /// A 16 × 16 grey ramp whose pixel k has value −1 + 2k/255, so that with the
    /// default range −1…1 the expected byte is exactly k: every byte 0…255 once.
    static func ramp() -> Tensor {
        Tensor(shape: [16, 16], scalars: (0..<256).map { -1 + 2 * Float($0) / 255 })
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func greyRampRoundTripsThroughAnIndependentDecoder() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/ramp.png"
            try writePNG(Self.ramp(), to: path)
            let decoded = try #require(try decodeWithPython(path))
            #expect(decoded.width == 16 && decoded.height == 16)
            #expect(decoded.colorType == 0 && decoded.bitDepth == 8)
            #expect(decoded.chunks == ["IHDR", "IDAT", "IEND"])      // no tIME or other chunks
            #expect(decoded.pixels == (0..<256).map { UInt8($0) })
            try checkWithPngcheck(path)
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func greyWithLeadingChannelAxisIsTheSame() throws {
        try withTemporaryFolder { folder in
            let ramp = Self.ramp()
            try writePNG(ramp, to: folder + "/a.png")
            try writePNG(Tensor(shape: [1, 16, 16], scalars: ramp.scalars), to: folder + "/b.png")
            let a = try #require(try decodeWithPython(folder + "/a.png"))
            let b = try #require(try decodeWithPython(folder + "/b.png"))
            #expect(a == b)
        }
    }

    /// Range mapping, rounding (half away from zero) and clipping, one pixel each.
    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func rangeMappingRoundsAndClips() throws {
        try withTemporaryFolder { folder in
            // Default range −1…1: byte = round(127.5 · (v + 1)), clipped; NaN → 0.
            let values: [Float] = [-1, 1, 0, 0.5, -0.5, -3, 5, .nan, .infinity, -.infinity, 0.999, -0.999]
            let expected: [UInt8] = [0, 255, 128, 191, 64, 0, 255, 0, 255, 0, 255, 0]
            try writePNG(Tensor(shape: [1, values.count], scalars: values), to: folder + "/default.png")
            #expect(try decodeWithPython(folder + "/default.png")?.pixels == expected)

            // Range 0…1: 0.25 → 63.75 → 64; 0.5 → 127.5 → 128.
            try writePNG(Tensor(shape: [2, 2], scalars: [0, 0.25, 0.5, 1]), to: folder + "/unit.png", range: 0...1)
            #expect(try decodeWithPython(folder + "/unit.png")?.pixels == [0, 64, 128, 255])

            // Range 10…20: 12 → 51, 15 → 127.5 → 128, below and above clip.
            try writePNG(Tensor(shape: [4, 1], scalars: [12, 15, 9, 21]), to: folder + "/shifted.png", range: 10...20)
            #expect(try decodeWithPython(folder + "/shifted.png")?.pixels == [51, 128, 0, 255])
        }
    }

    /// Channel-first [3, H, W] is interleaved: R follows x, G follows y, B is constant.
    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func rgbIsChannelFirstAndInterleaved() throws {
        let (h, w) = (5, 8)     // steps of 255/4 and 255/7: no exact .5 ties
        var scalars = [Float](repeating: 0, count: 3 * h * w)
        for y in 0..<h {
            for x in 0..<w {
                scalars[0 * h * w + y * w + x] = Float(x) / Float(w - 1)      // R: 0 → 1 left to right
                scalars[1 * h * w + y * w + x] = Float(y) / Float(h - 1)      // G: 0 → 1 top to bottom
                scalars[2 * h * w + y * w + x] = 0.2                          // B
            }
        }
        try withTemporaryFolder { folder in
            let path = folder + "/rgb.png"
            try writePNG(Tensor(shape: [3, h, w], scalars: scalars), to: path, range: 0...1)
            let decoded = try #require(try decodeWithPython(path))
            #expect(decoded.colorType == 2 && decoded.width == w && decoded.height == h)
            var expected: [UInt8] = []
            for y in 0..<h {
                for x in 0..<w {
                    expected += [UInt8((255 * Double(x) / Double(w - 1)).rounded()),
                                 UInt8((255 * Double(y) / Double(h - 1)).rounded()),
                                 51]                                          // 0.2 · 255 = 51
                }
            }
            #expect(decoded.pixels == expected)
            #expect(decoded.pixels[0..<3] == [0, 0, 51] && decoded.pixels.suffix(3) == [255, 255, 51])
            try checkWithPngcheck(path)
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func readPNGAgreesWithTheIndependentDecoder() throws {
        var rng = SeededGenerator(seed: 7)
        let image = Tensor.uniform([3, 9, 13], low: -1.2, high: 1.2, using: &rng)
        try withTemporaryFolder { folder in
            let path = folder + "/random.png"
            try writePNG(image, to: path)
            let decoded = try #require(try decodeWithPython(path))
            let read = try readPNG(path)
            #expect(read.width == 13 && read.height == 9 && read.channels == 3)
            #expect(read.bytes == decoded.pixels)
            #expect(read.pixel(x: 12, y: 8) == decoded.pixels.suffix(3))

            // Back to a tensor: within half a step (1/255 of the range) of the input, where not clipped.
            let back = read.tensor(range: -1...1)
            #expect(back.shape == [3, 9, 13])
            for (v, b) in zip(image.scalars, back.scalars) {
                #expect(abs(min(max(v, -1), 1) - b) <= 1 / 255 + 1e-6)
            }
        }
    }

    @Test func badShapesAndRangesThrowInsteadOfTrapping() throws {
        try withTemporaryFolder { folder in
            for shape in [[2, 4, 4], [4], [1, 1, 4, 4], [0, 5], [5, 0], [3, 0, 2]] {
                let image = Tensor(shape: shape, scalars: [Float](repeating: 0, count: shape.reduce(1, *)))
                #expect(throws: FigureError.self, "shape \(shape)") { try writePNG(image, to: folder + "/x.png") }
            }
            let ok = Tensor(shape: [2, 2], scalars: [0, 0, 0, 0])
            #expect(throws: FigureError.self) { try writePNG(ok, to: folder + "/x.png", range: 1...1) }
            #expect(throws: FigureError.self) { try writePNG(ok, to: folder + "/x.png", range: 0...Float.infinity) }
            #expect(!FileManager.default.fileExists(atPath: folder + "/x.png"))
            do {
                try writePNG(Tensor(shape: [2, 4, 4], scalars: [Float](repeating: 0, count: 32)), to: folder + "/x.png")
            } catch {
                #expect("\(error)".contains("writePNG") && "\(error)".contains("[2, 4, 4]"))
            }
        }
    }

    @Test func readPNGNamesMissingAndCorruptFiles() throws {
        try withTemporaryFolder { folder in
            let missing = folder + "/missing.png"
            #expect { try readPNG(missing) } throws: { "\($0)".contains(missing) }

            let corrupt = folder + "/corrupt.png"
            try Data("this is not a PNG file at all".utf8).write(to: URL(fileURLWithPath: corrupt))
            #expect { try readPNG(corrupt) } throws: { "\($0)".contains(corrupt) && "\($0)".contains("not a valid PNG") }

            // A real PNG cut in half: the header parses, the pixels do not.
            let whole = folder + "/whole.png"
            try writePNG(PNGTests.ramp(), to: whole)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
            let truncated = folder + "/truncated.png"
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
            #expect { try readPNG(truncated) } throws: { "\($0)".contains(truncated) }
        }
    }
}
