// ImageGridTests.swift — where each image lands in a grid, with padding and scale.

import Figures
import Tensors
import Testing

@Suite struct ImageGridTests {
    /// N images [N, C, H, W] where every pixel of image n, channel c is 10·n + c + 1
    /// (never the pad value 0.5 used below), and pixel (y, x) adds 0.01·(y·W + x)
    /// so that positions inside an image are distinguishable too.
    static func labelled(_ n: Int, channels: Int, height: Int, width: Int) -> Tensor {
        var scalars: [Float] = []
        for image in 0..<n {
            for c in 0..<channels {
                for p in 0..<(height * width) { scalars.append(Float(10 * image + c + 1) + 0.01 * Float(p)) }
            }
        }
        return Tensor(shape: [n, channels, height, width], scalars: scalars)
    }

    /// The value at (c, y, x) of a [C, H, W] tensor.
    static func at(_ t: Tensor, _ c: Int, _ y: Int, _ x: Int) -> Float {
        t.scalars[(c * t.shape[1] + y) * t.shape[2] + x]
    }

    @Test func geometryPaddingAndPlacement() throws {
        // 5 images of 3 × 4 pixels, 2 channels, in 3 columns → 2 rows; padding 1, scale 2.
        let images = Self.labelled(5, channels: 2, height: 3, width: 4)
        let grid = try imageGrid(images, columns: 3, padding: 1, padValue: 0.5, scale: 2)
        // H' = 2 rows · 6 + 3 · 1 = 15; W' = 3 columns · 8 + 4 · 1 = 28.
        #expect(grid.shape == [2, 15, 28])

        for n in 0..<5 {
            let top = 1 + (n / 3) * (6 + 1), left = 1 + (n % 3) * (8 + 1)
            for c in 0..<2 {
                for y in 0..<6 {
                    for x in 0..<8 {
                        let expected = Float(10 * n + c + 1) + 0.01 * Float((y / 2) * 4 + x / 2)
                        #expect(Self.at(grid, c, top + y, left + x) == expected, "image \(n) channel \(c) at \(y),\(x)")
                    }
                }
            }
        }
        // Padding: the frame, the gaps between cells, and the empty sixth cell.
        for c in 0..<2 {
            for x in 0..<28 { #expect(Self.at(grid, c, 0, x) == 0.5 && Self.at(grid, c, 7, x) == 0.5 && Self.at(grid, c, 14, x) == 0.5) }
            for y in 0..<15 { #expect(Self.at(grid, c, y, 0) == 0.5 && Self.at(grid, c, y, 9) == 0.5 && Self.at(grid, c, y, 27) == 0.5) }
            for y in 8..<14 { for x in 19..<27 { #expect(Self.at(grid, c, y, x) == 0.5) } }
        }
        // Every non-pad value appears exactly scale² = 4 times.
        let nonPad = grid.scalars.filter { $0 != 0.5 }
        #expect(nonPad.count == 5 * 2 * 3 * 4 * 4)
    }

    @Test func defaultColumnsMakeANearSquareSheet() throws {
        for (n, columns, rows) in [(1, 1, 1), (2, 2, 1), (4, 2, 2), (5, 3, 2), (9, 3, 3), (10, 4, 3), (16, 4, 4), (64, 8, 8)] {
            let grid = try imageGrid(Self.labelled(n, channels: 1, height: 2, width: 3), padding: 0)
            #expect(grid.shape == [1, rows * 2, columns * 3], "N = \(n)")
        }
    }

    @Test func scaleOneAndNoPaddingIsAPlainMosaic() throws {
        let images = Self.labelled(2, channels: 1, height: 2, width: 2)
        let grid = try imageGrid(images, columns: 2, padding: 0)
        #expect(grid.shape == [1, 2, 4])
        #expect(grid.scalars == [1.00, 1.01, 11.00, 11.01,
                                 1.02, 1.03, 11.02, 11.03])
    }

    @Test func badInputsThrow() throws {
        let ok = Self.labelled(2, channels: 1, height: 2, width: 2)
        #expect(throws: FigureError.self) { try imageGrid(Tensor(shape: [2, 2, 2], scalars: [Float](repeating: 0, count: 8))) }
        #expect(throws: FigureError.self) { try imageGrid(Tensor(shape: [0, 1, 2, 2], scalars: [])) }
        #expect(throws: FigureError.self) { try imageGrid(ok, columns: 0) }
        #expect(throws: FigureError.self) { try imageGrid(ok, padding: -1) }
        #expect(throws: FigureError.self) { try imageGrid(ok, scale: 0) }
        #expect(throws: FigureError.self) { try imageGrid(ok, scale: Int.max) }
        #expect(throws: FigureError.self) { try imageGrid(ok, columns: Int.max, padding: 1) }
        // A grid of 2-channel images is fine, but it is not a PNG.
        try withTemporaryFolder { folder in
            #expect(throws: FigureError.self) {
                try writeImageGrid(Self.labelled(2, channels: 2, height: 2, width: 2), to: folder + "/x.png")
            }
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func writeImageGridPadsWithWhiteByDefault() throws {
        // Two 1 × 1 images, −1 (black) and 1 (white), padding 1, scale 2: a 4 × 7 PNG.
        let images = Tensor(shape: [2, 1, 1, 1], scalars: [-1, 0])
        try withTemporaryFolder { folder in
            let path = folder + "/grid.png"
            try writeImageGrid(images, to: path, columns: 2, padding: 1, scale: 2)
            let decoded = try #require(try decodeWithPython(path))
            #expect(decoded.width == 7 && decoded.height == 4)
            let (W, B, G): (UInt8, UInt8, UInt8) = (255, 0, 128)
            #expect(decoded.pixels == [W, W, W, W, W, W, W,
                                       W, B, B, W, G, G, W,
                                       W, B, B, W, G, G, W,
                                       W, W, W, W, W, W, W])
        }
    }
}
