// Plot.swift — one set of axes and what is drawn on them.
//
// A `Plot` is a value: a list of layers (curves, point clouds, a heat map, arrows,
// histogram bars), drawn in order — so a heat map given first is a background —
// plus the axes' options. The static functions make the common kinds in one call:
//
//   Plot.lines([Series("train", y: losses)], title: "Loss", xLabel: "step", logY: true)
//   Plot.scatter([try Series("x₀", points: batch)], title: "t = 0", equalAxes: true)
//   Plot.heatMap(HeatMap(x: -3...3, y: -3...3) { x, y in density(x, y) })
//   Plot.vectorField(VectorField(x: -3...3, y: -3...3) { x, y in score(x, y) }, over: background)
//   Plot.histogram(Histogram(values: samples, density: true), reference: .standardNormalDensity())
//
// `write(name:in:)` writes it as a one-panel `Figure`; several plots side by side
// make a multi-panel `Figure`.

/// One set of axes: layers drawn in order, with a title, axis labels, ranges and a legend.
public struct Plot: Sendable {
    /// One thing drawn on the axes.
    public enum Layer: Sendable {
        /// A curve or a point cloud.
        case series(Series)
        /// A grid of coloured cells, with a colour bar.
        case heatMap(HeatMap)
        /// Arrows.
        case vectors(VectorField)
        /// Histogram bars.
        case histogram(Histogram)
    }

    /// Where the legend (gnuplot's key) goes. On a plot with a heat map, the inside
    /// positions are drawn below the axes instead, so that the key hides no part of
    /// the map.
    public enum Legend: Sendable {
        /// No legend.
        case none
        /// Inside the axes, top left.
        case topLeft
        /// Inside the axes, top right.
        case topRight
        /// Inside the axes, bottom left.
        case bottomLeft
        /// Inside the axes, bottom right.
        case bottomRight
        /// Outside the axes, on the right.
        case outsideRight
        /// Below the axes, entries side by side.
        case below
    }

    /// What is drawn, in order (later layers on top).
    public var layers: [Layer]
    /// The title above the axes; empty for none.
    public var title: String
    /// The label of the x axis; empty for none.
    public var xLabel: String
    /// The label of the y axis; empty for none.
    public var yLabel: String
    /// A fixed x range; `nil` fits the data (a heat map's extent when there is one).
    public var xRange: ClosedRange<Double>?
    /// A fixed y range; `nil` fits the data (from 0 when there are histogram bars).
    public var yRange: ClosedRange<Double>?
    /// Whether the y axis is logarithmic (values ≤ 0 are then left out).
    public var logY: Bool
    /// Whether one unit has the same length on both axes (circles look round).
    public var equalAxes: Bool
    /// Where the legend goes; it is shown only when some layer has a title.
    public var legend: Legend
    /// Whether to draw light grid lines at the tics.
    public var grid: Bool

    /// A plot from layers and options (every option has a default).
    public init(_ layers: [Layer] = [], title: String = "", xLabel: String = "", yLabel: String = "",
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                logY: Bool = false, equalAxes: Bool = false, legend: Legend = .topRight, grid: Bool = true) {
        self.layers = layers
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.logY = logY
        self.equalAxes = equalAxes
        self.legend = legend
        self.grid = grid
    }

    /// A line plot of several named curves, optionally with a logarithmic y axis
    /// (for losses, schedules, signal-to-noise ratios).
    public static func lines(_ series: [Series], title: String = "", xLabel: String = "", yLabel: String = "",
                             xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                             logY: Bool = false, legend: Legend = .topRight) -> Plot {
        Plot(series.map { .series($0) }, title: title, xLabel: xLabel, yLabel: yLabel,
             xRange: xRange, yRange: yRange, logY: logY, legend: legend)
    }

    /// A scatter plot of several named point sets; each set is drawn as points
    /// whatever its `style`.
    public static func scatter(_ pointSets: [Series], title: String = "", xLabel: String = "", yLabel: String = "",
                               xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                               equalAxes: Bool = false, legend: Legend = .topRight) -> Plot {
        let layers: [Layer] = pointSets.map { set in
            var set = set
            set.style = .points
            return .series(set)
        }
        return Plot(layers, title: title, xLabel: xLabel, yLabel: yLabel, xRange: xRange, yRange: yRange,
                    equalAxes: equalAxes, legend: legend)
    }

    /// A heat map with a colour bar; the axes span the map's extent.
    public static func heatMap(_ map: HeatMap, title: String = "", xLabel: String = "", yLabel: String = "",
                               equalAxes: Bool = false) -> Plot {
        Plot([.heatMap(map)], title: title, xLabel: xLabel, yLabel: yLabel, equalAxes: equalAxes, grid: false)
    }

    /// Arrows of a vector field, optionally over a heat map background (for example
    /// a score field over the density it points up).
    public static func vectorField(_ field: VectorField, over background: HeatMap? = nil, title: String = "",
                                   xLabel: String = "", yLabel: String = "",
                                   xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                                   equalAxes: Bool = false) -> Plot {
        let layers: [Layer] = (background.map { [.heatMap($0)] } ?? []) + [.vectors(field)]
        return Plot(layers, title: title, xLabel: xLabel, yLabel: yLabel, xRange: xRange, yRange: yRange,
                    equalAxes: equalAxes, grid: background == nil)
    }

    /// A histogram, optionally with a reference curve drawn over the bars (such as
    /// `Series.standardNormalDensity()` over a density histogram of values that
    /// should be N(0, 1)).
    public static func histogram(_ histogram: Histogram, reference: Series? = nil, title: String = "",
                                 xLabel: String = "", yLabel: String = "",
                                 xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                                 legend: Legend = .topRight) -> Plot {
        let layers: [Layer] = [.histogram(histogram)] + (reference.map { [.series($0)] } ?? [])
        return Plot(layers, title: title, xLabel: xLabel, yLabel: yLabel, xRange: xRange, yRange: yRange,
                    legend: legend)
    }

    /// Writes this plot as a one-panel figure: `NAME.gp` and `NAME.dat` in
    /// `directory`, rendered to `NAME.png` when gnuplot is installed.
    /// See `Figure.write(name:in:render:)`.
    @discardableResult
    public func write(name: String, in directory: String, width: Int = 640, height: Int = 480,
                      render: Bool = true) throws -> FigureFiles {
        try Figure([self], panelWidth: width, panelHeight: height).write(name: name, in: directory, render: render)
    }
}
