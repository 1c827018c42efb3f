// Reductions.swift — sum, mean and variance over axes.
//
// Sums accumulate in `Double` so that a mean over a million values is not swamped
// by float rounding. The gradient of a sum spreads ∂L/∂(sum) back to every value
// that was summed: it is the output gradient broadcast to the input's shape.

extension Tensor {
    /// Sums over `axes` (negative axes count from the end). With `keepDims` the
    /// reduced axes stay as size 1, so the result broadcasts against `self`.
    /// ∂L/∂x = g broadcast back over the reduced axes.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axisSet = Set(axes.map { Shape.axis($0, rank: rank, op: "sum") })
        let kept = shape.enumerated().map { axisSet.contains($0.offset) ? 1 : $0.element }   // keepDims shape
        let outShape = keepDims ? kept : shape.enumerated().filter { !axisSet.contains($0.offset) }.map(\.element)
        let outStrides = Shape.broadcastStrides(kept, to: shape)   // 0 on reduced axes
        var acc = [Double](repeating: 0, count: kept.product)
        scalars.withUnsafeBufferPointer { px in
            acc.withUnsafeMutableBufferPointer { pa in
                let x = px.baseAddress!, a = pa.baseAddress!
                // Rows that each end in their own output value (a sum over the last
                // axes, such as [B, C, H, W] → [B, C, 1, 1]) run in parallel; other
                // layouts share outputs between rows and run in order.
                let (dims, _, rowOut) = Kernels.coalesce(shape, shape.contiguousStrides, outStrides)
                let rowsOwnTheirOutput = dims.count == 2 && rowOut[0] != 0 && rowOut[1] == 0
                let row: (Int, Int, Int, Int, Int, Int) -> Void = { _, ox, oa, n, ix, ia in
                    if ia == 0 {
                        var s = 0.0
                        for i in 0..<n { s += Double(x[ox + i * ix]) }
                        a[oa] += s
                    } else {
                        for i in 0..<n { a[oa + i * ia] += Double(x[ox + i * ix]) }
                    }
                }
                if rowsOwnTheirOutput {
                    Kernels.forEachRowParallel(shape: shape, stridesA: shape.contiguousStrides, stridesB: outStrides, row)
                } else {
                    Kernels.forEachRow(shape: shape, stridesA: shape.contiguousStrides, stridesB: outStrides) { row(0, $0, $1, $2, $3, $4) }
                }
            }
        }
        let inputShape = shape
        return Tensor(shape: outShape, scalars: acc.map { Float($0) }, op: "sum", inputs: [self]) { g in
            [g.reshaped(kept).broadcasted(to: inputShape)]
        }
    }

    /// The sum of all values, as a rank-0 tensor.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// The mean over `axes`. ∂L/∂x = g / (number of values averaged).
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = axes.map { shape[Shape.axis($0, rank: rank, op: "mean")] }.product
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// The mean of all values, as a rank-0 tensor.
    public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

    /// The variance over `axes`: mean((x − mean(x))²) · n/(n − correction).
    /// `correction: 0` (the default, as in NumPy and GroupNorm) is the population
    /// variance; `correction: 1` is the unbiased sample variance (PyTorch's default).
    public func variance(axes: [Int], keepDims: Bool = false, correction: Int = 0) -> Tensor {
        let n = axes.map { shape[Shape.axis($0, rank: rank, op: "variance")] }.product
        precondition(n > correction, "variance: \(n) values are too few for correction \(correction)")
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.squared().sum(axes: axes, keepDims: keepDims) * (1 / Float(n - correction))
    }

    /// The variance of all values (population variance unless `correction` is given).
    public func variance(correction: Int = 0) -> Tensor { variance(axes: Array(0..<rank), correction: correction) }

    /// The largest value (no gradient: used for statistics and numerical stability).
    public func maxValue() -> Float { scalars.max() ?? -.infinity }

    /// The smallest value (no gradient).
    public func minValue() -> Float { scalars.min() ?? .infinity }
}
