// Histogram.swift — values counted into equal-width bins, computed here in Swift.
//
// The bins split `range` (by default the values' min…max) into `bins` intervals
// [e₀, e₁), [e₁, e₂), …, [e_{B−1}, e_B] — the last one closed, as in NumPy — and
// count the values in each; values outside the range and NaNs are left out. With
// `density`, each count c becomes c / (n · width), n being the number of values
// counted, so that the bars have total area 1 and can be compared with a
// probability density such as `Series.standardNormalDensity()`.

import Tensors

/// Values to be counted into bins and drawn as bars (gnuplot `with boxes`).
public struct Histogram: Sendable {
    /// The name in the legend; empty for none.
    public var title: String
    /// The values to count.
    public var values: [Double]
    /// The number of bins.
    public var bins: Int
    /// The interval split into bins; `nil` for the finite values' min…max.
    public var range: ClosedRange<Double>?
    /// Whether to normalise the bars to total area 1 (a density) instead of counts.
    public var density: Bool
    /// The bar colour as `#RRGGBB`; `nil` takes the next colour of the plot's palette.
    public var color: String?

    /// A histogram of values of any floating-point type.
    public init<T: BinaryFloatingPoint>(_ title: String = "", values: [T], bins: Int = 50,
                                        range: ClosedRange<Double>? = nil, density: Bool = false,
                                        color: String? = nil) {
        self.title = title
        self.values = values.map { Double($0) }
        self.bins = bins
        self.range = range
        self.density = density
        self.color = color
    }

    /// A histogram of all the values of a tensor (of any shape).
    public init(_ title: String = "", values: Tensor, bins: Int = 50, range: ClosedRange<Double>? = nil,
                density: Bool = false, color: String? = nil) {
        self.init(title, values: values.scalars, bins: bins, range: range, density: density, color: color)
    }

    /// The bins: `edges` has `bins + 1` entries; `counts[i]` values fell in
    /// [edges[i], edges[i+1]) (the last bin also takes its right edge); `heights`
    /// are the bars as drawn (counts, or densities when `density` is on).
    public struct Bins: Equatable, Sendable {
        /// The bin edges, increasing, `bins + 1` of them.
        public var edges: [Double]
        /// How many values fell in each bin.
        public var counts: [Int]
        /// The bar heights: `counts`, or `counts[i] / (n · width)` for a density.
        public var heights: [Double]
    }

    /// Counts the values into bins.
    /// - Throws: `FigureError.badArgument` when `bins < 1` or the range is not finite
    ///   with low < high (also when all values are equal and no range is given).
    public func binned() throws -> Bins {
        let function = title.isEmpty ? "Histogram" : "Histogram '\(title)'"
        guard bins >= 1 else { throw FigureError.badArgument(function: function, reason: "bins must be at least 1, got \(bins)") }
        let finite = values.filter(\.isFinite)
        let low = range?.lowerBound ?? finite.min() ?? 0
        let high = range?.upperBound ?? finite.max() ?? 0
        guard low.isFinite, high.isFinite, low < high else {
            throw FigureError.badArgument(function: function, reason:
                "the bin range \(low)…\(high) must be finite with low < high (give `range:` when all values are equal)")
        }
        let width = (high - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for v in finite where v >= low && v <= high {
            counts[min(Int((v - low) / width), bins - 1)] += 1      // v == high goes in the last bin
        }
        let edges = (0...bins).map { $0 == bins ? high : low + Double($0) * width }
        let total = Double(counts.reduce(0, +))
        let heights = counts.map { density ? (total > 0 ? Double($0) / (total * width) : 0) : Double($0) }
        return Bins(edges: edges, counts: counts, heights: heights)
    }
}
