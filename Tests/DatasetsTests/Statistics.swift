// Statistics.swift — small helpers for the statistical checks of this target.

import Tensors

/// Mean and (population) standard deviation of `values`, accumulated in `Double`.
func meanAndStd(_ values: some Collection<Float>) -> (mean: Double, std: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance.squareRoot())
}

/// Column `column` of a `[N, 2]` point tensor.
func column(_ points: Tensor, _ column: Int) -> [Float] {
    stride(from: column, to: points.count, by: 2).map { points.scalars[$0] }
}

/// The Pearson correlation of two equally long vectors (1 when one is an increasing
/// affine function of the other, 0 when they are unrelated).
func correlation(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    let (ma, sa) = meanAndStd(a), (mb, sb) = meanAndStd(b)
    var sum = 0.0
    for i in a.indices { sum += (Double(a[i]) - ma) * (Double(b[i]) - mb) }
    return sum / Double(a.count) / (sa * sb)
}

/// The pixelwise mean of a batch of images `[N, 1, H, W]`, as H·W values.
func meanImage(_ images: Tensor) -> [Float] {
    let n = images.shape[0], size = images.count / n
    var mean = [Float](repeating: 0, count: size)
    for i in 0..<n {
        for p in 0..<size { mean[p] += images.scalars[i * size + p] / Float(n) }
    }
    return mean
}
