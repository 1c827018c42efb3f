// GnuplotTests.swift — every kind of plot renders with gnuplot, cleanly and deterministically.
//
// Rendering tests need gnuplot; without it they are reported as skipped (not passed).
// The script-and-data tests run everywhere with `render: false`.

import Figures
import Foundation
import Tensors
import Testing

/// Example figures of every kind, shared by the rendering tests and the gallery.
enum Examples {
    static func lossCurves() -> Plot {
        let steps = Array(0..<300)
        let train = steps.map { 0.02 + 0.9 * exp(-Double($0) / 40) + 0.01 * sin(Double($0) * 0.7) }
        let ema = steps.map { 0.02 + 0.9 * exp(-Double($0) / 45) }
        return .lines([Series("train", x: steps.map(Double.init), y: train),
                       Series("EMA", x: steps.map(Double.init), y: ema)],
                      title: "Training loss", xLabel: "step", yLabel: "MSE", logY: true)
    }

    static func swissRoll(_ n: Int, seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        var scalars: [Float] = []
        for _ in 0..<n {
            let t = 1.5 * Float.pi * (1 + 2 * rng.nextUniform())
            scalars += [t * cos(t) / 7 + 0.05 * rng.nextNormal(), t * sin(t) / 7 + 0.05 * rng.nextNormal()]
        }
        return Tensor(shape: [n, 2], scalars: scalars)                // [N, 2]
    }

    static func scatter() throws -> Plot {
        .scatter([try Series("data", points: swissRoll(600, seed: 0)),
                  try Series("samples", points: swissRoll(300, seed: 1))],
                 title: "Swiss roll", xLabel: "x₁", yLabel: "x₂", equalAxes: true)
    }

    /// A mixture of two Gaussians, its density as a heat map.
    static func density(_ x: Double, _ y: Double) -> Double {
        exp(-((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5)) / 0.5) + 0.6 * exp(-((x + 1) * (x + 1) + (y + 1) * (y + 1)) / 0.8)
    }

    static func heatMap() -> Plot {
        .heatMap(HeatMap(x: -3...3, y: -3...3, resolution: 80, label: "p(x)", density),
                 title: "Density", xLabel: "x₁", yLabel: "x₂", equalAxes: true)
    }

    static func vectorField() -> Plot {
        // The score ∇log p of the mixture, by central differences.
        let field = VectorField("score", x: -3...3, y: -3...3, count: 17) { x, y in
            let h = 1e-4
            let lp = { (a: Double, b: Double) in log(density(a, b) + 1e-12) }
            return ((lp(x + h, y) - lp(x - h, y)) / (2 * h), (lp(x, y + h) - lp(x, y - h)) / (2 * h))
        }
        let background = HeatMap(x: -3...3, y: -3...3, resolution: 80, colormap: .magma, density)
        return .vectorField(field, over: background, title: "Score field over the density",
                            xLabel: "x₁", yLabel: "x₂", equalAxes: true)
    }

    static func histogram() -> Plot {
        var rng = SeededGenerator(seed: 5)
        let samples = Tensor.randn([5000], using: &rng)
        return .histogram(Histogram("samples", values: samples, bins: 40, range: -4...4, density: true),
                          reference: .standardNormalDensity(), title: "Final noise vs N(0, 1)",
                          xLabel: "value", yLabel: "density")
    }

    static func panels() throws -> Figure {
        let steps = [0, 100, 250, 500, 999]
        let plots = try steps.enumerated().map { i, t in
            let x0 = swissRoll(500, seed: 0)
            var rng = SeededGenerator(seed: UInt64(10 + i))
            let a = Float(1 - Double(t) / 1000)                        // a toy ᾱ_t
            let noise = Tensor.randn([500, 2], using: &rng)
            let xt = Tensor(shape: [500, 2], scalars: zip(x0.scalars, noise.scalars).map { a.squareRoot() * $0 + (1 - a).squareRoot() * $1 })
            return Plot.scatter([try Series(points: xt)], title: "t = \(t)", xRange: -3...3, yRange: -3...3, equalAxes: true)
        }
        return Figure(plots, title: "Forward process on the swiss roll", panelWidth: 300, panelHeight: 300)
    }
}

@Suite struct GnuplotTests {
    /// Writes and renders `figure`, then checks that gnuplot printed nothing and that
    /// the PNG is valid, the expected size, and not blank.
    func renderAndCheck(_ figure: Figure, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryFolder { folder in
            let files = try figure.write(name: name, in: folder)
            #expect(files.warnings == "", "gnuplot printed: \(files.warnings)", sourceLocation: sourceLocation)
            let image = try #require(files.image, sourceLocation: sourceLocation)
            #expect(image == folder + "/\(name).png", sourceLocation: sourceLocation)
            let png = try readPNG(image)
            #expect(png.width == figure.columns * figure.panelWidth, sourceLocation: sourceLocation)
            #expect(png.height == figure.rows * figure.panelHeight, sourceLocation: sourceLocation)
            #expect(Set(png.bytes).count > 20, "the picture looks blank", sourceLocation: sourceLocation)
            try checkWithPngcheck(image, sourceLocation: sourceLocation)

            // The script also runs unchanged, by hand, from its folder.
            try FileManager.default.removeItem(atPath: image)
            let again = try Tools.run(Gnuplot.executablePath!, [name + ".gp"], in: folder)
            #expect(again.status == 0 && again.errors.isEmpty, "\(again.errors)", sourceLocation: sourceLocation)
            #expect(FileManager.default.fileExists(atPath: image), sourceLocation: sourceLocation)
        }
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func linePlotWithLogScaleRenders() throws {
        try renderAndCheck(Figure([Examples.lossCurves()]), name: "loss")
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func scatterRenders() throws {
        try renderAndCheck(Figure([try Examples.scatter()], panelWidth: 500, panelHeight: 500), name: "scatter")
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func heatMapRenders() throws {
        try renderAndCheck(Figure([Examples.heatMap()], panelWidth: 520, panelHeight: 460), name: "heat-map")
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func vectorFieldOverHeatMapRenders() throws {
        try renderAndCheck(Figure([Examples.vectorField()], panelWidth: 520, panelHeight: 460), name: "score_field")
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func histogramWithReferenceCurveRenders() throws {
        try renderAndCheck(Figure([Examples.histogram()]), name: "histogram")
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func multiPanelFigureRenders() throws {
        let figure = try Examples.panels()
        #expect(figure.rows == 1 && figure.columns == 5)
        try renderAndCheck(figure, name: "forward.t")
        // Two rows of three, the last cell empty.
        let grid = Figure(Array(figure.plots.prefix(5)), columns: 3, panelWidth: 200, panelHeight: 200)
        #expect(grid.rows == 2)
        try renderAndCheck(grid, name: "grid")
    }

    /// Panels with every legend position, and then all scripts of a folder run in one
    /// gnuplot session (`gnuplot *.gp`, as the missing-gnuplot notice suggests):
    /// no setting leaks from one panel or script into the next, so no warnings.
    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func legendsAndScriptsDoNotLeakIntoEachOther() throws {
        let field = VectorField("field", x: -1...1, y: -1...1, count: 5) { x, y in (-y, x) }
        let background = HeatMap(x: -1...1, y: -1...1, resolution: 10) { x, y in x * y }
        let legends: [Plot.Legend] = [.below, .topLeft, .outsideRight, .bottomRight, .none, .topRight]
        var plots = legends.map { Plot.lines([Series("a", y: [1.0, 2]), Series("b", y: [2.0, 1])], legend: $0) }
        plots.insert(.vectorField(field, over: background), at: 1)
        plots.append(.histogram(Histogram("h", values: [0.1, 0.2, 0.2, 0.7], bins: 3), reference: Series("r", x: [0.0, 1], y: [1.0, 1])))
        try withTemporaryFolder { folder in
            let files = try Figure(plots, columns: 4, panelWidth: 240, panelHeight: 200).write(name: "legends", in: folder)
            #expect(files.warnings == "", "gnuplot printed: \(files.warnings)")
            try Examples.heatMap().write(name: "a-heat", in: folder, render: false)
            try Examples.vectorField().write(name: "b-field", in: folder, render: false)
            try Examples.lossCurves().write(name: "c-loss", in: folder, render: false)
            try Examples.panels().write(name: "d-panels", in: folder, render: false)
            let scripts = ["a-heat.gp", "b-field.gp", "c-loss.gp", "d-panels.gp", "legends.gp"]
            let session = try Tools.run(Gnuplot.executablePath!, scripts, in: folder)
            #expect(session.status == 0 && session.errors.isEmpty, "gnuplot printed: \(session.errors)")
        }
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func awkwardTitlesAreEscapedAndRender() throws {
        let title = "it's \"quoted\" `echo no` @macro \\n back\\slash\nsecond line x_t^2 ᾱ σ²"
        let plot = Plot.lines([Series(title, y: [1.0, 3, 2])], title: title, xLabel: "a'b", yLabel: "'")
        try withTemporaryFolder { folder in
            let files = try plot.write(name: "awkward", in: folder)
            #expect(files.warnings == "")
            let script = try String(contentsOfFile: files.script, encoding: .utf8)
            #expect(script.contains(#"set title "it's \"quoted\" \140echo no\140 \100macro \\n back\\slash\nsecond line x_t^2 ᾱ σ²""#))
            #expect(script.contains(#"set ylabel "'""#))
        }
    }

    @Test(.enabled(if: Gnuplot.isAvailable, "gnuplot is not on PATH"))
    func gnuplotErrorsAreThrownWithTheirMessage() throws {
        // Every y ≤ 0 on a log axis: gnuplot stops with "all points y value undefined".
        let plot = Plot.lines([Series("negative", y: [-1.0, -2, -3])], logY: true)
        try withTemporaryFolder { folder in
            #expect {
                try plot.write(name: "bad", in: folder)
            } throws: { error in
                guard case FigureError.gnuplotFailed(let script, let message) = error else { return false }
                return script.hasSuffix("bad.gp") && message.contains("undefined") && "\(error)".contains("bad.gp")
            }
        }
    }

    @Test func scriptAndDataAreWrittenWithoutRendering() throws {
        let plot = Plot.lines([Series("a", x: [0.0, 1, 2], y: [Float(0.1), .nan, 3e-9]),
                               Series("b", x: [0.0, 1], y: [1.0 / 3, 2])], title: "t")
        try withTemporaryFolder { folder in
            let files = try plot.write(name: "plain", in: folder + "/sub", render: false)
            #expect(files.image == nil)
            #expect(files.script == folder + "/sub/plain.gp" && files.data == folder + "/sub/plain.dat")
            #expect(!FileManager.default.fileExists(atPath: folder + "/sub/plain.png"))

            let script = try String(contentsOfFile: files.script, encoding: .utf8)
            #expect(script.contains("set terminal pngcairo size 640,480"))
            #expect(script.contains(#"set output "plain.png""#))
            #expect(script.contains(#""plain.dat" index 0 using 1:2"#))
            #expect(script.contains(#""plain.dat" index 1 using 1:2"#))
            #expect(!script.contains(folder))                       // relative names only

            let data = try String(contentsOfFile: files.data, encoding: .utf8)
            // Exact shortest forms: a Float stays short, a Double keeps its digits, NaN is a gap.
            #expect(data.contains("\n0.0 0.1\n1.0 NaN\n2.0 3e-09\n"))
            #expect(data.contains("\n0.0 0.3333333333333333\n1.0 2.0\n"))
            // Two blocks, separated by two blank lines, each with a comment header.
            #expect(data.components(separatedBy: "\n\n\n").count == 2)
            #expect(data.contains("# index 0: plot 't', series 'a'\n# columns: x y\n"))
            #expect(data.contains("# index 1: plot 't', series 'b'\n# columns: x y\n"))
        }
    }

    @Test func histogramBinsAndDensity() throws {
        let h = Histogram(values: [0.0, 0.1, 0.5, 0.99, 1.0, 2.0, .nan, -1], bins: 2, range: 0...1, density: true)
        let bins = try h.binned()
        #expect(bins.edges == [0, 0.5, 1])
        #expect(bins.counts == [2, 3])                          // 1.0 is in the last bin; 2, −1, NaN are out
        let expectedHeights: [Double] = [2 / (5 * 0.5), 3 / (5 * 0.5)]   // count / (n · width)
        #expect(bins.heights == expectedHeights)
        let area = bins.heights.indices.map { bins.heights[$0] * (bins.edges[$0 + 1] - bins.edges[$0]) }.reduce(0, +)
        #expect(abs(area - 1) < 1e-12)
        #expect(throws: FigureError.self) { try Histogram(values: [1.0, 1.0]).binned() }   // no width
        #expect(throws: FigureError.self) { try Histogram(values: [1.0, 2.0], bins: 0).binned() }
    }

    @Test func vectorFieldScaling() throws {
        let v = VectorField(x: [0, 1, 0, 1], y: [0, 0, 1, 1], dx: [2, 0, 0, 0], dy: [0, 1, 0, 0])
        try withTemporaryFolder { folder in
            let files = try Plot.vectorField(v).write(name: "v", in: folder, render: false)
            let data = try String(contentsOfFile: files.data, encoding: .utf8)
            // Spacing √(1 · 1 / 4) = 0.5; the longest arrow (2) is drawn 0.9 · 0.5 = 0.45 long.
            #expect(data.contains("\n0.0 0.0 0.45 0.0\n1.0 0.0 0.0 0.225\n"))
        }
    }

    @Test func invalidFiguresThrowNamingTheProblem() throws {
        let good = Series("ok", y: [1.0, 2])
        let cases: [(String, Figure, String)] = [
            ("../escape", Figure([.lines([good])]), "name"),
            ("q'uote", Figure([.lines([good])]), "name"),
            ("empty", Figure([]), "at least one plot"),
            ("nolayers", Figure([Plot()]), "nothing to draw"),
            ("lengths", Figure([.lines([Series("bad", x: [1.0, 2], y: [1.0])])]), "x has 2 values but y has 1"),
            ("nopoints", Figure([.lines([Series("none", y: [Double]())])]), "has no points"),
            ("colour", Figure([.lines([Series("c", y: [1.0], color: "red")])]), "colour red"),
            ("range", Figure([.lines([good], xRange: 2...2)]), "x range"),
            ("logrange", Figure([.lines([good], yRange: 0...1, logY: true)]), "logarithmic"),
            ("grid", Figure([.heatMap(HeatMap(rows: 2, columns: 2, values: [1, 2, 3], x: 0...1, y: 0...1))]), "do not fill"),
            ("arrows", Figure([.vectorField(VectorField(x: [0], y: [0, 1], dx: [1], dy: [1]))]), "must be equal"),
            ("panel", Figure([.lines([good]), .lines([Series("bad", x: [1.0], y: [Double]())])]), "panel 2"),
            ("huge", Figure([.lines([good])], columns: Int.max), "more than 32768"),
            ("tiny", Figure([.lines([good])], panelWidth: 0), "panel size"),
        ]
        try withTemporaryFolder { folder in
            for (name, figure, expected) in cases {
                #expect("case \(name)") { try figure.write(name: name, in: folder, render: false) } throws: { error in
                    "\(error)".contains(expected) && error is FigureError
                }
            }
            // Nothing was written for any of them.
            let written = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(written.isEmpty)
        }
    }
}
