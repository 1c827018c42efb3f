// ColormapTests.swift — colormap endpoints, monotone lightness, and colorize.

import Figures
import Foundation
import Tensors
import Testing

@Suite struct ColormapTests {
    /// CIE L* lightness (0…100) of an sRGB colour, from its relative luminance.
    static func lightness(_ c: RGB) -> Double {
        func linear(_ v: Double) -> Double { v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4) }
        let y = 0.2126 * linear(c.red) + 0.7152 * linear(c.green) + 0.0722 * linear(c.blue)
        return y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : y * 24389 / 27
    }

    @Test func endpointsMatchTheReferenceColours() {
        #expect(Colormap.viridis.color(at: 0).hex == "#440154")
        #expect(Colormap.viridis.color(at: 1).hex == "#FDE725")
        #expect(Colormap.magma.color(at: 0).hex == "#000004")
        #expect(Colormap.magma.color(at: 1).hex == "#FCFDBF")
        #expect(Colormap.gray.color(at: 0) == RGB(0, 0, 0))
        #expect(Colormap.gray.color(at: 1) == RGB(1, 1, 1))
        #expect(Colormap.coolwarm.color(at: 0).hex == "#3B4CC0")   // Moreland's blue
        #expect(Colormap.coolwarm.color(at: 1).hex == "#B40426")   // and red
        // viridis at ½ is its teal middle: matplotlib gives #21918C (its table entry 128).
        let mid = Colormap.viridis.color(at: 0.5)
        #expect(abs(mid.red * 255 - 0x21) < 1.5 && abs(mid.green * 255 - 0x91) < 1.5 && abs(mid.blue * 255 - 0x8C) < 1.5)
    }

    @Test func outOfRangeAndNaNAreClamped() {
        for map in Colormap.allCases {
            #expect(map.color(at: -3) == map.color(at: 0))
            #expect(map.color(at: 7) == map.color(at: 1))
            #expect(map.color(at: .nan) == map.color(at: 0))
        }
    }

    @Test(arguments: [Colormap.gray, .viridis, .magma])
    func sequentialMapsGetLighterMonotonically(_ map: Colormap) {
        let samples = (0...200).map { Self.lightness(map.color(at: Double($0) / 200)) }
        for (a, b) in zip(samples, samples.dropFirst()) { #expect(b > a) }
    }

    @Test func coolwarmIsLightestInTheMiddle() {
        let l = (0...100).map { Self.lightness(Colormap.coolwarm.color(at: Double($0) / 100)) }
        #expect(l.firstIndex(of: l.max()!)! >= 45 && l.firstIndex(of: l.max()!)! <= 55)
        #expect(l[0] < l[50] && l[100] < l[50])
    }

    @Test func colorizeMapsMinToZeroAndMaxToOne() throws {
        let values = Tensor(shape: [2, 3], scalars: [2, 4, 6, 8, 10, .nan])
        let rgb = try colorize(values, colormap: .viridis)
        #expect(rgb.shape == [3, 2, 3])
        func pixel(_ p: Int) -> RGB { RGB(Double(rgb.scalars[p]), Double(rgb.scalars[6 + p]), Double(rgb.scalars[12 + p])) }
        #expect(pixel(0).hex == "#440154")                     // the minimum, 2
        #expect(pixel(4).hex == "#FDE725")                     // the maximum, 10
        #expect(pixel(2).hex == Colormap.viridis.color(at: 0.5).hex)   // 6 is halfway
        #expect(pixel(5) == RGB(0, 0, 0))                      // NaN is black
        // A fixed range clips: with 0…4, the values 6…10 all get the top colour.
        let clipped = try colorize(values, colormap: .gray, range: 0...4)
        #expect(Array(clipped.scalars[0..<5]) == [0.5, 1, 1, 1, 1])
    }

    @Test func colorizeCentresDivergingMapsOnZero() throws {
        let values = Tensor(shape: [1, 3], scalars: [-1, 0, 4])
        let rgb = try colorize(values, colormap: .coolwarm)
        let middle = Colormap.coolwarm.color(at: 0.5)
        #expect(abs(Double(rgb.scalars[1]) - middle.red) < 1e-6)          // 0 → the neutral colour
        #expect(abs(Double(rgb.scalars[2]) - Colormap.coolwarm.color(at: 1).red) < 1e-6)   // 4 = m → red end
    }

    @Test func colorizeRejectsNonGrids() {
        #expect(throws: FigureError.self) { try colorize(Tensor(shape: [3, 2, 2], scalars: [Float](repeating: 0, count: 12))) }
        #expect(throws: FigureError.self) { try colorize(Tensor(shape: [4], scalars: [1, 2, 3, 4])) }
        #expect(throws: FigureError.self) { try colorize(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), range: 2...2) }
    }
}
