// Validation.swift — checks a figure before anything is written.
//
// gnuplot's own messages about bad data are cryptic ("all points y value
// undefined!"), and some mistakes (a quote in a file name) would break the script.
// So a figure is checked first, and each problem is reported as a
// `FigureError.badPlotData` that names the figure, the panel and the layer.

extension Figure {
    /// Checks the name, the layout options and every layer of every panel.
    /// - Throws: `FigureError.badPlotData` naming the figure and the problem.
    func validate(name: String) throws {
        func fail(_ reason: String) -> FigureError { .badPlotData(figure: name.isEmpty ? "\"\"" : name, reason: reason) }

        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        guard !name.isEmpty, allowed, !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw fail("the name must be letters, digits, '-', '_' and '.', not starting with '.' or '-'")
        }
        guard !plots.isEmpty else { throw fail("a figure needs at least one plot") }
        guard columns >= 1 else { throw fail("columns must be at least 1, got \(columns)") }
        guard (16...16_384).contains(panelWidth), (16...16_384).contains(panelHeight) else {
            throw fail("panel size \(panelWidth) × \(panelHeight) must be 16…16384 pixels on each side")
        }
        let (width, height) = (Double(columns) * Double(panelWidth), Double(rows) * Double(panelHeight))  // no Int overflow
        guard width <= 32_768, height <= 32_768 else {
            throw fail("the picture would be \(Int(min(width, 1e15))) × \(Int(height)) pixels, more than 32768 on a side")
        }
        guard fontSize.isFinite, fontSize > 0 else { throw fail("the font size must be positive, got \(fontSize)") }

        for (p, plot) in plots.enumerated() {
            let panel = plots.count > 1 ? "panel \(p + 1): " : ""
            guard !plot.layers.isEmpty else { throw fail("\(panel)the plot has nothing to draw (no layers)") }
            for (axis, range) in [("x", plot.xRange), ("y", plot.yRange)] {
                if let range, !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
                    throw fail("\(panel)the \(axis) range \(range) must be finite with low < high")
                }
            }
            if plot.logY, let y = plot.yRange, y.lowerBound <= 0 {
                throw fail("\(panel)a logarithmic y axis needs a positive range, got \(y)")
            }
            for layer in plot.layers {
                try validate(layer, in: panel, fail: fail)
            }
        }
    }

    /// Checks one layer's data and options.
    private func validate(_ layer: Plot.Layer, in panel: String, fail: (String) -> FigureError) throws {
        func checkColor(_ color: String?, _ what: String) throws {
            if let color, !isHexColor(color) { throw fail("\(panel)\(what): colour \(color) is not #RRGGBB or #AARRGGBB") }
        }
        switch layer {
        case .series(let s):
            let what = "series '\(s.title)'"
            guard s.x.count == s.y.count else { throw fail("\(panel)\(what): x has \(s.x.count) values but y has \(s.y.count)") }
            guard !s.x.isEmpty else { throw fail("\(panel)\(what) has no points") }
            guard s.lineWidth.isFinite, s.lineWidth > 0, s.pointSize.isFinite, s.pointSize > 0 else {
                throw fail("\(panel)\(what): line width and point size must be positive")
            }
            try checkColor(s.color, what)
        case .heatMap(let h):
            let what = "heat map"
            guard h.rows >= 1, h.columns >= 1, h.values.count == h.rows * h.columns else {
                throw fail("\(panel)\(what): \(h.values.count) values do not fill \(h.rows) rows × \(h.columns) columns")
            }
            for (axis, r) in [("x", h.x), ("y", h.y)] where !(r.lowerBound.isFinite && r.upperBound.isFinite && r.lowerBound < r.upperBound) {
                throw fail("\(panel)\(what): the \(axis) extent \(r) must be finite with low < high")
            }
            if let r = h.range, !(r.lowerBound.isFinite && r.upperBound.isFinite && r.lowerBound < r.upperBound) {
                throw fail("\(panel)\(what): the colour range \(r) must be finite with low < high")
            }
        case .vectors(let v):
            let what = "vector field '\(v.title)'"
            guard [v.y.count, v.dx.count, v.dy.count].allSatisfy({ $0 == v.x.count }) else {
                throw fail("\(panel)\(what): x, y, dx, dy have \(v.x.count), \(v.y.count), \(v.dx.count), \(v.dy.count) values; they must be equal")
            }
            guard !v.x.isEmpty else { throw fail("\(panel)\(what) has no arrows") }
            switch v.scaling {
            case .factor(let s) where !s.isFinite, .unitLength(let s) where !(s.isFinite && s > 0):
                throw fail("\(panel)\(what): the scaling \(v.scaling) must be finite (and a length positive)")
            default: break
            }
            try checkColor(v.color, what)
        case .histogram(let h):
            let what = "histogram '\(h.title)'"
            guard h.values.contains(where: \.isFinite) else { throw fail("\(panel)\(what) has no finite values") }
            try checkColor(h.color, what)
        }
    }
}
