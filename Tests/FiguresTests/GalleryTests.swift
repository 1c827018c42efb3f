// GalleryTests.swift — writes one example of every figure kind into a folder, to look at.
//
// Run it with:  FIGURES_GALLERY=/tmp/figs-demo swift test --filter FiguresTests.GalleryTests
// (it is skipped unless FIGURES_GALLERY names a folder).

import Figures
import Foundation
import Tensors
import Testing

@Suite struct GalleryTests {
    static let folder = ProcessInfo.processInfo.environment["FIGURES_GALLERY"]

    /// 16 grey 28 × 28 patterns: stripes at several angles and frequencies, blobs and noise.
    static func patterns() -> Tensor {
        var rng = SeededGenerator(seed: 0)
        var scalars: [Float] = []
        for k in 0..<16 {
            let angle = Float(k) * 0.4, frequency = 0.15 + 0.05 * Float(k % 4)
            let (cx, cy) = (Float(rng.nextInt(in: 6..<22)), Float(rng.nextInt(in: 6..<22)))
            for y in 0..<28 {
                for x in 0..<28 {
                    let (fx, fy) = (Float(x), Float(y))
                    let value: Float
                    switch k % 4 {
                    case 0, 1: value = sin(frequency * (fx * cos(angle) + fy * sin(angle)) * 2)
                    case 2: value = 2 * exp(-((fx - cx) * (fx - cx) + (fy - cy) * (fy - cy)) / 30) - 1
                    default: value = 0.6 * rng.nextNormal()
                    }
                    scalars.append(value)
                }
            }
        }
        return Tensor(shape: [16, 1, 28, 28], scalars: scalars)     // [N, C, H, W]
    }

    @Test(.enabled(if: folder != nil, "set FIGURES_GALLERY=/some/folder to write the gallery"))
    func writeGallery() throws {
        let folder = try #require(Self.folder)
        // Images.
        try writeImageGrid(Self.patterns(), to: folder + "/patterns-grid.png", scale: 3)
        var rng = SeededGenerator(seed: 1)
        try writeImageGrid(Tensor.uniform([12, 3, 16, 16], low: -1, high: 1, using: &rng), to: folder + "/rgb-noise-grid.png",
                           columns: 6, scale: 4)
        let n = 200
        let grid = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { p in
            let x = 6 * Float(p % n) / Float(n) - 3, y = 3 - 6 * Float(p / n) / Float(n)   // row 0 at the top
            return Float(Examples.density(Double(x), Double(y)))
        })
        try writePNG(colorize(grid, colormap: .viridis), to: folder + "/density-viridis.png", range: 0...1)
        try writePNG(colorize(grid, colormap: .magma), to: folder + "/density-magma.png", range: 0...1)
        let difference = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { p in
            sin(Float(p % n) / 25) * cos(Float(p / n) / 30) - 0.2
        })
        try writePNG(colorize(difference, colormap: .coolwarm), to: folder + "/difference-coolwarm.png", range: 0...1)
        // A colour bar of every map.
        for map in Colormap.allCases {
            let ramp = Tensor(shape: [24, 256], scalars: (0..<(24 * 256)).map { Float($0 % 256) / 255 })
            try writePNG(colorize(ramp, colormap: map, range: 0...1), to: folder + "/colormap-\(map.rawValue).png", range: 0...1)
        }

        // Plots.
        try Examples.lossCurves().write(name: "loss", in: folder)
        try Figure([try Examples.scatter()], panelWidth: 560, panelHeight: 520).write(name: "scatter", in: folder)
        try Figure([Examples.heatMap()], panelWidth: 560, panelHeight: 480).write(name: "heat-map", in: folder)
        try Figure([Examples.vectorField()], panelWidth: 560, panelHeight: 480).write(name: "score-field", in: folder)
        try Examples.histogram().write(name: "histogram", in: folder)
        try Examples.panels().write(name: "forward-panels", in: folder)
        let rotation = VectorField("rotation (direction only)", x: -2...2, y: -2...2, count: 15, scaling: .unitLength(0.2)) { x, y in (-y, x) }
        try Plot.vectorField(rotation, title: "A rotation field", xLabel: "x", yLabel: "y", equalAxes: true)
            .write(name: "vector-field", in: folder, width: 520, height: 480)
        let signed = HeatMap(x: -3...3, y: -2...2, resolution: 120, colormap: .coolwarm, label: "difference") { x, y in
            sin(x) * cos(y) - 0.2
        }
        let snr = Series("SNR", x: (0..<20).map(Double.init), y: (0..<20).map { exp(-Double($0) / 4) }, style: .linesPoints)
        try Figure([Plot.heatMap(signed, title: "Signed difference", equalAxes: true),
                    .lines([snr], title: "Points and lines", xLabel: "t", logY: true, legend: .bottomLeft)],
                   title: "Two panels", panelWidth: 460, panelHeight: 360).write(name: "two-panels", in: folder)
        let legends: [Plot.Legend] = [.topLeft, .topRight, .bottomLeft, .bottomRight, .outsideRight, .below]
        let curves = legends.map { legend in
            Plot.lines([Series("rising", y: [1.0, 2, 3]), Series("falling", y: [3.0, 2, 1])], title: "\(legend)", legend: legend)
        }
        try Figure(curves, columns: 3, title: "Legend positions", panelWidth: 320, panelHeight: 240).write(name: "legends", in: folder)
    }
}
