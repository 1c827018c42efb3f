// HeatMap.swift — a grid of values drawn as coloured cells over x/y extents.

import Tensors

/// A grid of values drawn as coloured cells (gnuplot `with image`), such as a
/// density p(x, y) or the magnitude of a score field.
///
/// The grid covers the rectangle `x` × `y` exactly: with H rows and W columns each
/// cell is (x-extent / W) wide and (y-extent / H) high. Row `i` is at height
/// y = y.lowerBound + (i + ½)·Δy, so **row 0 is the bottom row** (as in a plot, and as
/// with NumPy's `meshgrid`; note that `colorize` puts row 0 at the top, as images do).
/// Non-finite values leave their cell blank.
public struct HeatMap: Sendable {
    /// The values, row-major: `values[i * columns + j]` is the cell in row i, column j.
    public var values: [Double]
    /// The number of rows H (cells along y).
    public var rows: Int
    /// The number of columns W (cells along x).
    public var columns: Int
    /// The horizontal extent: the left edge of column 0 to the right edge of column W − 1.
    public var x: ClosedRange<Double>
    /// The vertical extent: the bottom edge of row 0 to the top edge of row H − 1.
    public var y: ClosedRange<Double>
    /// The colours.
    public var colormap: Colormap
    /// The values mapped to the ends of the colormap (gnuplot's `cbrange`); `nil`
    /// uses the data's minimum…maximum, or −m…m (m the largest |value|) for a
    /// diverging colormap such as `.coolwarm`, so that 0 is the neutral colour.
    public var range: ClosedRange<Double>?
    /// A label for the colour bar; empty for none.
    public var label: String

    /// A heat map from a grid `[H, W]` (row 0 at the bottom, see the type's description).
    /// - Throws: `FigureError.badImageShape` when `grid` is not `[H, W]` with H, W ≥ 1.
    public init(_ grid: Tensor, x: ClosedRange<Double>, y: ClosedRange<Double>,
                colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil, label: String = "") throws {
        guard grid.rank == 2, grid.count > 0 else {
            throw FigureError.badImageShape(function: "HeatMap", shape: grid.shape, expected: "a grid [H, W] with H, W ≥ 1")
        }
        self.init(rows: grid.shape[0], columns: grid.shape[1], values: grid.scalars.map { Double($0) },
                  x: x, y: y, colormap: colormap, range: range, label: label)
    }

    /// A heat map from row-major values; `values.count` should be `rows · columns`
    /// (checked when the figure is written).
    public init(rows: Int, columns: Int, values: [Double], x: ClosedRange<Double>, y: ClosedRange<Double>,
                colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil, label: String = "") {
        self.values = values
        self.rows = rows
        self.columns = columns
        self.x = x
        self.y = y
        self.colormap = colormap
        self.range = range
        self.label = label
    }

    /// A heat map of f(x, y) sampled at the centres of a `resolution × resolution` grid
    /// of cells covering `x` × `y`.
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int = 100,
                colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil, label: String = "",
                _ f: (Double, Double) -> Double) {
        let n = max(resolution, 1)
        let dx = (x.upperBound - x.lowerBound) / Double(n), dy = (y.upperBound - y.lowerBound) / Double(n)
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                values[i * n + j] = f(x.lowerBound + (Double(j) + 0.5) * dx, y.lowerBound + (Double(i) + 0.5) * dy)
            }
        }
        self.init(rows: n, columns: n, values: values, x: x, y: y, colormap: colormap, range: range, label: label)
    }

    /// The centre of cell (row, column) in plot coordinates.
    func center(row: Int, column: Int) -> (x: Double, y: Double) {
        let dx = (x.upperBound - x.lowerBound) / Double(columns), dy = (y.upperBound - y.lowerBound) / Double(rows)
        return (x.lowerBound + (Double(column) + 0.5) * dx, y.lowerBound + (Double(row) + 0.5) * dy)
    }
}
