// FrechetDistance.swift — the Fréchet distance between two feature sets (FID's formula).
//
// Reference: M. Fréchet (1957); D. C. Dowson & B. V. Landau, "The Fréchet distance
// between multivariate normal distributions" (1982); M. Heusel et al. (2017), FID.
//
// Fit a Gaussian to each set of features (FeatureStatistics.swift) and take the
// 2-Wasserstein distance between the two Gaussians, squared:
//
//     FD = ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa^{1/2} Σb Σa^{1/2})^{1/2})
//
// The recipe:
//   1. S = Σa^{1/2}                   (Jacobi: V √Λ Vᵀ, eigenvalues < 0 clamped to 0)
//   2. M = S Σb S                     (symmetric positive semi-definite)
//   3. Tr M^{1/2} = Σ_k √max(λ_k(M), 0)
//   4. FD = ‖μa − μb‖² + Tr Σa + Tr Σb − 2 Tr M^{1/2}, clamped at 0
//
// This symmetric form equals the usual Tr (Σa Σb)^{1/2} (Σa Σb has the same
// eigenvalues as M) but needs only symmetric eigen-decompositions. With the kit's
// DigitClassifier features this is "FD-digits": lower is better, 0 only for identical
// statistics. Like FID it is biased upwards for finite N, so compare sets of the same
// size, and against the floor of two real sets (`DigitMetrics.referenceFloor`).

import Tensors

/// The Fréchet distance between the Gaussians fitted to features `a` `[Na, D]` and
/// `b` `[Nb, D]` (Na, Nb ≥ 2), accumulated in Double. See `FrechetDistance.swift`.
public func frechetDistance(_ a: Tensor, _ b: Tensor) -> Double {
    precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1],
                 "frechetDistance: need features [Na, D] and [Nb, D], got \(a.shape) and \(b.shape)")
    return frechetDistance(FeatureStatistics(features: a), FeatureStatistics(features: b))
}

/// The Fréchet distance between two Gaussians given by their statistics:
/// ‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa^{1/2} Σb Σa^{1/2})^{1/2}), clamped at 0.
public func frechetDistance(_ a: FeatureStatistics, _ b: FeatureStatistics) -> Double {
    precondition(a.dimension == b.dimension,
                 "frechetDistance: dimensions differ (\(a.dimension) and \(b.dimension))")
    let d = a.dimension
    let meanTerm = zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    let s = SymmetricEigen.squareRoot(of: a.covariance, size: d)                    // 1. Σa^{1/2}
    var m = multiply(multiply(s, b.covariance, size: d), s, size: d)                // 2. S Σb S
    for i in 0..<d {                                                                // symmetric up to rounding
        for j in (i + 1)..<d {
            let avg = 0.5 * (m[i * d + j] + m[j * d + i])
            m[i * d + j] = avg; m[j * d + i] = avg
        }
    }
    let traceRoot = SymmetricEigen(m, size: d).values.reduce(0) { $0 + max($1, 0).squareRoot() }  // 3.
    let traceA = (0..<d).reduce(0) { $0 + a.covariance[$1 * d + $1] }
    let traceB = (0..<d).reduce(0) { $0 + b.covariance[$1 * d + $1] }
    return max(0, meanTerm + traceA + traceB - 2 * traceRoot)                       // 4.
}

/// The product of two row-major n × n matrices, in Double.
func multiply(_ x: [Double], _ y: [Double], size n: Int) -> [Double] {
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for k in 0..<n {
            let xik = x[i * n + k]
            if xik == 0 { continue }
            for j in 0..<n { out[i * n + j] += xik * y[k * n + j] }
        }
    }
    return out
}
