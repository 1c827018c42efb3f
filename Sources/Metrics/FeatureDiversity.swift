// FeatureDiversity.swift — how spread out generated features are, relative to real ones.
//
// The total variance of a feature set X [N, D] is the trace of its (unbiased)
// covariance, the sum of the per-dimension variances:
//
//     Tr Σ = Σ_t (1/(N − 1)) Σ_n (x_nt − μ_t)²
//
// and the diversity of generated features relative to real ones is the ratio
//
//     diversity = Tr Σ_generated / Tr Σ_real
//
// 1 means the samples spread as much as the data, < 1 less (a sampler that collapses
// towards a few typical images, as strong guidance does), > 1 more. Scaling every
// generated point by s about its mean multiplies the ratio by s². It sees spread only,
// not where the samples are: read it next to FD or precision. Accumulated in Double,
// the same as `FeatureStatistics`' diagonal, without forming the D × D matrix.

import Tensors

/// Tr Cov(features) for features `[N, D]`, N ≥ 2: the sum of the unbiased variances
/// of the D columns, in Double.
public func totalVariance(_ features: Tensor) -> Double {
    precondition(features.rank == 2 && features.shape[0] >= 2,
                 "totalVariance: need features [N, D] with N ≥ 2, got \(features.shape)")
    let (n, d) = (features.shape[0], features.shape[1])
    var sum = [Double](repeating: 0, count: d), sumSquares = [Double](repeating: 0, count: d)
    features.scalars.withUnsafeBufferPointer { x in
        for r in 0..<n {                                                         // column means first
            for t in 0..<d { sum[t] += Double(x[r * d + t]) }
        }
        for t in 0..<d { sum[t] /= Double(n) }                                   // μ [D]
        for r in 0..<n {                                                         // then centred squares (no cancellation)
            for t in 0..<d {
                let c = Double(x[r * d + t]) - sum[t]
                sumSquares[t] += c * c
            }
        }
    }
    return sumSquares.reduce(0, +) / Double(n - 1)
}

/// Tr Cov(generated) / Tr Cov(real) for features `generated` `[M, D]` and `real`
/// `[N, D]` (M, N ≥ 2): 1 when the samples are as diverse as the data, < 1 less
/// diverse. See `FeatureDiversity.swift`.
public func featureDiversity(generated: Tensor, real: Tensor) -> Double {
    precondition(generated.rank == 2 && real.rank == 2 && generated.shape[1] == real.shape[1],
                 "featureDiversity: need features generated [M, D] and real [N, D], got \(generated.shape) and \(real.shape)")
    let realVariance = totalVariance(real)
    precondition(realVariance > 0, "featureDiversity: the real features have no variance (all rows equal), so the ratio is undefined")
    return totalVariance(generated) / realVariance
}
