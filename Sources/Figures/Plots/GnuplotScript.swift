// GnuplotScript.swift — a Figure as a gnuplot script plus its data file.
//
// The script is meant to be read and edited by learners, so it is plain gnuplot,
// top to bottom:
//
//   reset                                   gnuplot's defaults, even after other scripts
//   set terminal pngcairo size W,H …        the picture: size, font
//   set output "NAME.png"
//   set linetype 1 … 10                     the colours (matplotlib's tab10)
//   set multiplot layout R,C title "…"      only for several panels
//   # Panel k                               for each panel: every setting is set or
//   set title …; set xrange …; …            unset explicitly, so panels never inherit
//   plot "NAME.dat" index 0 using 1:2 …     each layer reads its own block of NAME.dat
//   unset multiplot
//
// Everything refers to files by relative name, so `cd DIR && gnuplot NAME.gp` works.

/// Builds the script and data text of a figure.
enum GnuplotWriter {
    /// matplotlib's "tab10" colours, the automatic colours of curves, points and bars.
    static let linetypes = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD",
                            "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF"]

    /// The script `NAME.gp` and the data `NAME.dat` for `figure`.
    /// - Throws: `FigureError.badPlotData` (or a histogram's `badArgument`) for invalid input.
    static func document(for figure: Figure, name: String) throws -> (script: String, data: String) {
        try figure.validate(name: name)
        var data = GnuplotDataFile(name: name)
        let width = figure.columns * figure.panelWidth, height = figure.rows * figure.panelHeight

        var script = [
            "# \(name).gp — written by the diffusion kit's Figures module.",
            "# Render with:  gnuplot \(name).gp   (in this folder; it reads \(name).dat, writes \(name).png)",
            "",
            "reset    # start from gnuplot's defaults, also when run after other scripts (gnuplot *.gp)",
            "set terminal pngcairo size \(width),\(height) noenhanced font \(gnuplotString("Sans,\(points(figure.fontSize))"))",
            "set output \(gnuplotString(name + ".png"))",
            "set encoding utf8",
            "",
            "# Colours of curves, points and bars, in order (matplotlib's tab10).",
        ]
        for (i, color) in linetypes.enumerated() {
            script.append("set linetype \(i + 1) lc rgb \(gnuplotString(color)) lw 2 pt 7 ps 0.5")
        }
        script += [
            "set linetype cycle \(linetypes.count)",
            "set border lc rgb \"#404040\"",
            "set tics nomirror out",
        ]
        let multi = figure.plots.count > 1
        if multi {
            let title = figure.title.isEmpty ? "" : " title \(gnuplotString(figure.title)) font \(gnuplotString(",\(points(figure.fontSize + 2))"))"
            script += ["", "set multiplot layout \(figure.rows),\(figure.columns)\(title)"]
        }
        for (k, plot) in figure.plots.enumerated() {
            var plot = plot
            if !multi && plot.title.isEmpty { plot.title = figure.title }    // a one-panel figure's title
            script.append("")
            if multi { script.append("# Panel \(k + 1) of \(figure.plots.count)") }
            script += try panel(plot, number: k + 1, multi: multi, name: name, data: &data)
        }
        if multi { script.append("unset multiplot") }
        script.append("unset output")
        return (script.joined(separator: "\n") + "\n", data.text)
    }

    /// The settings and `plot` command of one panel; adds its data blocks to `data`.
    private static func panel(_ plot: Plot, number: Int, multi: Bool, name: String,
                              data: inout GnuplotDataFile) throws -> [String] {
        let heatMap = plot.layers.lazy.compactMap { layer -> HeatMap? in
            if case .heatMap(let h) = layer { return h } else { return nil }
        }.first
        var lines = axes(plot, heatMap: heatMap)
        lines += colorBar(heatMap)

        // One plot clause per layer, each reading its own block of the data file.
        // Curves, points and bars without a colour take linetypes 1, 2, 3, … in order.
        var linetype = 0
        func color(_ given: String?) -> String {
            if let given { return "lc rgb \(gnuplotString(given))" }
            linetype += 1
            return "lt \(linetype)"
        }
        let file = gnuplotString(name + ".dat")
        let panelName = multi ? "panel \(number) '\(plot.title)'" : "plot '\(plot.title)'"
        var clauses: [String] = []
        for layer in plot.layers {
            switch layer {
            case .series(let s):
                let index = data.addBlock(describing: "\(panelName), series '\(s.title)'", columns: ["x", "y"],
                                          rows: zip(s.x, s.y).map { [$0, $1] })
                let (lw, ps) = (gnuplotNumber(s.lineWidth), gnuplotNumber(s.pointSize))
                let style = switch s.style {
                case .lines: "with lines \(color(s.color)) lw \(lw)"
                case .points: "with points \(color(s.color)) pt 7 ps \(ps)"
                case .linesPoints: "with linespoints \(color(s.color)) lw \(lw) pt 7 ps \(ps)"
                }
                clauses.append("\(file) index \(index) using 1:2 \(style) \(title(s.title))")

            case .heatMap(let h):
                var rows: [[Double]] = []                   // cell centres, row 0 (bottom) first
                rows.reserveCapacity(h.values.count)
                for i in 0..<h.rows {
                    for j in 0..<h.columns {
                        let c = h.center(row: i, column: j)
                        rows.append([c.x, c.y, h.values[i * h.columns + j]])
                    }
                }
                let index = data.addBlock(describing: "\(panelName), heat map \(h.rows) rows × \(h.columns) columns (row 0 at the bottom)",
                                          columns: ["x", "y", "value"], rows: rows, rowLength: h.columns)
                clauses.append("\(file) index \(index) using 1:2:3 with image notitle")

            case .vectors(let v):
                let arrows = v.scaledArrows()
                let scaling = arrows.factor.map { "multiplied by \(gnuplotNumber($0))" } ?? "scaled to equal length"
                let index = data.addBlock(describing: "\(panelName), vector field '\(v.title)' (arrows \(scaling))",
                                          columns: ["x", "y", "dx", "dy"],
                                          rows: v.x.indices.map { [v.x[$0], v.y[$0], arrows.dx[$0], arrows.dy[$0]] })
                let arrow = "with vectors head filled size screen 0.007,25 lw 1.2"
                if heatMap != nil && v.color == nil {
                    // White arrows over the map; the legend (drawn on white, below the
                    // axes) gets a dark sample arrow instead, from a `keyentry`.
                    clauses.append("\(file) index \(index) using 1:2:3:4 \(arrow) lc rgb \"#FFFFFF\" notitle")
                    if !v.title.isEmpty { clauses.append("keyentry \(arrow) lc rgb \"#303030\" \(title(v.title))") }
                } else {
                    clauses.append("\(file) index \(index) using 1:2:3:4 \(arrow) lc rgb \(gnuplotString(v.color ?? "#303030")) \(title(v.title))")
                }

            case .histogram(let h):
                let bins = try h.binned()
                let low = bins.edges[0], width = (bins.edges[bins.counts.count] - low) / Double(bins.counts.count)
                let index = data.addBlock(describing: "\(panelName), histogram '\(h.title)' (\(h.density ? "density" : "counts"))",
                                          columns: ["center", h.density ? "density" : "count", "width", "count"],
                                          rows: bins.heights.indices.map { i in
                                              [low + (Double(i) + 0.5) * width, bins.heights[i], width, Double(bins.counts[i])]
                                          })
                clauses.append("\(file) index \(index) using 1:2:3 with boxes fs solid 0.55 noborder \(color(h.color)) \(title(h.title))")
            }
        }
        lines.append("plot " + clauses.joined(separator: ", \\\n     "))
        return lines
    }

    /// Title, labels, ranges, scales, grid and legend of a panel. Ranges not given
    /// default to the heat map's extent, and y to 0… under histogram bars.
    private static func axes(_ plot: Plot, heatMap: HeatMap?) -> [String] {
        func range(_ r: ClosedRange<Double>) -> String { "[\(gnuplotNumber(r.lowerBound)):\(gnuplotNumber(r.upperBound))]" }
        let hasBars = plot.layers.contains { if case .histogram = $0 { return true } else { return false } }
        let xRange = plot.xRange ?? heatMap?.x
        let yRange = plot.yRange ?? heatMap?.y
        return [
            "set title \(gnuplotString(plot.title))",
            "set xlabel \(gnuplotString(plot.xLabel))",
            "set ylabel \(gnuplotString(plot.yLabel))",
            xRange.map { "set xrange \(range($0))" } ?? "set autoscale x",
            yRange.map { "set yrange \(range($0))" } ?? (hasBars && !plot.logY ? "set yrange [0:*]" : "set autoscale y"),
            plot.logY ? "set logscale y" : "unset logscale y",
            // Powers of ten as 1e-5 on a log axis (the default prints 0.000010).
            plot.logY ? "set format y \"1e%L\"" : "set format y \"% h\"",
            plot.equalAxes ? "set size ratio -1" : "set size noratio",
            plot.grid ? "set grid back lt 1 lc rgb \"#E5E5E5\" lw 1" : "unset grid",
            keySetting(plot),
        ]
    }

    /// The palette, colour range and colour bar for a heat map, or no colour bar.
    private static func colorBar(_ heatMap: HeatMap?) -> [String] {
        guard let heatMap else { return ["unset colorbox"] }
        var lines = palette(heatMap.colormap)
        if let r = colorRange(heatMap) {
            lines.append("set cbrange [\(gnuplotNumber(r.lowerBound)):\(gnuplotNumber(r.upperBound))]")
        } else {
            lines.append("set autoscale cb")
        }
        lines.append("set cblabel \(gnuplotString(heatMap.label))")
        lines.append("set colorbox")
        return lines
    }

    /// A font size in points: "11", or "10.5" when it is not whole.
    private static func points(_ size: Double) -> String {
        size == size.rounded() && abs(size) < 1e6 ? String(Int(size)) : gnuplotNumber(size)
    }

    /// `title "…"`, or `notitle` for an empty title (kept out of the legend).
    private static func title(_ text: String) -> String {
        text.isEmpty ? "notitle" : "title \(gnuplotString(text))"
    }

    /// The legend setting: hidden when no layer has a title. Over a heat map an inside
    /// legend would hide part of the map (and a white arrow sample would vanish on the
    /// key's white box), so there it goes below the axes instead.
    private static func keySetting(_ plot: Plot) -> String {
        var hasHeatMap = false, titled = false
        for layer in plot.layers {
            switch layer {
            case .series(let s): titled = titled || !s.title.isEmpty
            case .vectors(let v): titled = titled || !v.title.isEmpty
            case .histogram(let h): titled = titled || !h.title.isEmpty
            case .heatMap: hasHeatMap = true
            }
        }
        let inside = "opaque box lc rgb \"#C8C8C8\" reverse Left samplen 2"
        let outside = "noopaque nobox reverse Left samplen 2"
        switch plot.legend {
        case _ where !titled, .none: return "unset key"
        case .outsideRight: return "set key outside right top \(outside)"
        case .below: return "set key below \(outside)"
        case _ where hasHeatMap: return "set key below \(outside)"
        case .topLeft: return "set key inside top left \(inside)"
        case .topRight: return "set key inside top right \(inside)"
        case .bottomLeft: return "set key inside bottom left \(inside)"
        case .bottomRight: return "set key inside bottom right \(inside)"
        }
    }

    /// `set palette defined (…)` from the colormap's anchors, a few per line.
    private static func palette(_ colormap: Colormap) -> [String] {
        let anchors = colormap.anchors
        let entries = anchors.enumerated().map { k, color in
            "\(gnuplotNumber(Double(k) / Double(anchors.count - 1))) \(gnuplotString(color.hex))"
        }
        var lines = ["# Colormap \(colormap.rawValue): evenly spaced anchors, as in Figures/Images/ColormapTables.swift",
                     "set palette defined ( \\"]
        stride(from: 0, to: entries.count, by: 4).forEach { start in
            let chunk = entries[start..<min(start + 4, entries.count)].joined(separator: ", ")
            lines.append("    " + chunk + (start + 4 < entries.count ? ", \\" : " \\"))
        }
        lines.append(")")
        return lines
    }

    /// The heat map's colour range: as given; for a diverging colormap symmetric −m…m
    /// (m = max |v|); for a constant map v − ½…v + ½ (so it gets the middle colour,
    /// as with `colorize`); otherwise `nil`, and gnuplot fits the data.
    private static func colorRange(_ map: HeatMap) -> ClosedRange<Double>? {
        if let range = map.range { return range }
        let finite = map.values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        if map.colormap.isDiverging {
            let m = max(abs(low), abs(high))
            return m > 0 ? -m...m : -1...1
        }
        return low < high ? nil : (low - 0.5)...(high + 0.5)
    }
}
