// FeatureStatistics.swift — the mean and covariance of a feature set, in Double.
//
// For features X [N, D] (one row per sample):
//
//     μ = (1/N) Σ_n x_n                               [D]
//     Σ = (1/(N − 1)) Σ_n (x_n − μ)(x_n − μ)ᵀ          [D, D]  (unbiased, like numpy.cov)
//
// accumulated in Double: with N = 5,000 and Float sums the covariance of nearly
// constant features would lose most of its digits.

import Tensors

/// The mean and (unbiased) covariance of a set of feature vectors, in Double.
public struct FeatureStatistics: Sendable, Equatable {
    /// The dimension D.
    public let dimension: Int
    /// The number of samples N they were computed from (0 when given directly).
    public let count: Int
    /// μ, D values.
    public let mean: [Double]
    /// Σ, row-major D × D.
    public let covariance: [Double]

    /// The statistics of the rows of `features` `[N, D]`, N ≥ 2.
    public init(features: Tensor) {
        precondition(features.rank == 2 && features.shape[0] >= 2,
                     "FeatureStatistics: need features [N, D] with N ≥ 2, got \(features.shape)")
        let (n, d) = (features.shape[0], features.shape[1])
        var mean = [Double](repeating: 0, count: d)
        var cov = [Double](repeating: 0, count: d * d)
        features.scalars.withUnsafeBufferPointer { x in
            for r in 0..<n { for j in 0..<d { mean[j] += Double(x[r * d + j]) } }
            for j in 0..<d { mean[j] /= Double(n) }
            var centred = [Double](repeating: 0, count: d)
            for r in 0..<n {
                for j in 0..<d { centred[j] = Double(x[r * d + j]) - mean[j] }
                // Upper triangle only; mirrored below.
                for i in 0..<d {
                    let ci = centred[i]
                    for j in i..<d { cov[i * d + j] += ci * centred[j] }
                }
            }
        }
        for i in 0..<d {
            for j in i..<d {
                cov[i * d + j] /= Double(n - 1)
                cov[j * d + i] = cov[i * d + j]
            }
        }
        self.init(mean: mean, covariance: cov, count: n)
    }

    /// Statistics given directly: `mean` (D values) and a symmetric `covariance`
    /// (row-major D × D), say for a Gaussian whose parameters are known.
    public init(mean: [Double], covariance: [Double], count: Int = 0) {
        precondition(covariance.count == mean.count * mean.count,
                     "FeatureStatistics: covariance has \(covariance.count) values, expected \(mean.count)² = \(mean.count * mean.count)")
        self.dimension = mean.count
        self.count = count
        self.mean = mean
        self.covariance = covariance
    }
}
