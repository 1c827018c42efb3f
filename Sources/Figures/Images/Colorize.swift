// Colorize.swift — a grid of values as a colour image (a heat map as a PNG).
//
// Each value v becomes t = (v − lo) / (hi − lo), clamped to 0…1, and then the
// colormap's colour at t. The range lo…hi is the data's own minimum…maximum unless
// given; for a diverging map the default is symmetric around 0 (−m…m) so that 0
// gets the neutral middle colour. NaN values become black, so they stand out.

import Tensors

/// Colours a grid of values `[H, W]` (or `[1, H, W]`) with a colormap.
///
/// - Parameters:
///   - values: the grid; row 0 becomes the top row of the image.
///   - colormap: the colours, from t = 0 (at `range.lowerBound`) to t = 1.
///   - range: the values mapped to the ends of the colormap. When `nil`, the minimum
///     and maximum of the finite values — for a diverging map −m…m with m the largest
///     |value|, so that 0 gets the neutral middle colour; when the ends are equal
///     (a constant grid), every value gets the colormap's middle colour.
/// - Returns: an RGB image `[3, H, W]` with values in 0…1: write it with
///   `writePNG(_:to:range: 0...1)`.
/// - Throws: `FigureError.badImageShape` for other shapes, `FigureError.badArgument`
///   for a range that is not finite with low < high.
public func colorize(_ values: Tensor, colormap: Colormap = .viridis,
                     range: ClosedRange<Float>? = nil) throws -> Tensor {
    let function = "colorize"
    let isGrid = values.rank == 2 || (values.rank == 3 && values.shape[0] == 1)
    guard isGrid, values.count > 0 else {
        throw FigureError.badImageShape(function: function, shape: values.shape,
                                        expected: "a grid [H, W] or [1, H, W] with H, W ≥ 1")
    }
    let height = values.shape[values.rank - 2], width = values.shape[values.rank - 1]
    let plane = height * width

    // t = (v − low) · inverseSpan, or 0.5 everywhere for a constant grid.
    let low: Double, inverseSpan: Double
    if let range {
        try checkValueRange(range, function: function)
        low = Double(range.lowerBound)
        inverseSpan = 1 / (Double(range.upperBound) - low)
    } else {
        let finite = values.scalars.lazy.filter { $0.isFinite }
        var lo = Double(finite.min() ?? 0), hi = Double(finite.max() ?? 0)
        if colormap.isDiverging { (lo, hi) = (-max(abs(lo), abs(hi)), max(abs(lo), abs(hi))) }
        (low, inverseSpan) = hi > lo ? (lo, 1 / (hi - lo)) : (lo - 0.5, 1)
    }

    let scalars = values.scalars                                   // [H, W]
    var rgb = [Float](repeating: 0, count: 3 * plane)              // [3, H, W]
    for p in 0..<plane {
        let v = scalars[p]
        guard !v.isNaN else { continue }                           // NaN → black
        let color = colormap.color(at: (Double(v) - low) * inverseSpan)
        rgb[p] = Float(color.red)
        rgb[plane + p] = Float(color.green)
        rgb[2 * plane + p] = Float(color.blue)
    }
    return Tensor(shape: [3, height, width], scalars: rgb)
}
