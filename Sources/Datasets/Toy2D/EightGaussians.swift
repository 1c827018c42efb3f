// EightGaussians.swift — an equal mixture of eight Gaussians on a circle.
//
//   p(x) = Σₖ ⅛ · N(x; μₖ, σ²I),   μₖ = R (cos(kπ/4), sin(kπ/4)),   k = 0 … 7
//
// FFJORD's toy uses R = 2√2 and σ = √2/4; here both are halved: R = √2, σ = √2/8.
// Each axis then has mean 0 and variance R²/2 + σ² = 1 + 1/32 (standard deviation
// ≈ 1.016), and neighbouring means lie 2R sin(π/8) ≈ 1.08 ≈ 6.1σ apart: the modes are
// clearly separated, and a sampler that misses one shows it.
//
// The parameters are public because the score chapter computes the exact score of
// this mixture: ∇ log p(x) = Σₖ rₖ(x) (μₖ − x)/σ², with rₖ(x) the posterior
// probability of mode k at x.

import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Eight isotropic Gaussians of equal weight, with means evenly spaced on a circle of
/// radius √2 and a shared standard deviation √2/8.
public enum EightGaussians {
    /// The radius R of the circle the means lie on: √2.
    public static let radius: Float = Float(2.0.squareRoot())
    /// The shared isotropic standard deviation σ of every component: √2/8 ≈ 0.177.
    public static let std: Float = Float(2.0.squareRoot() / 8)
    /// The eight means μₖ = R (cos(kπ/4), sin(kπ/4)), k = 0 … 7, counter-clockwise from
    /// (R, 0). Computed in `Double` and rounded once to `Float`.
    public static let means: [(x: Float, y: Float)] = (0..<8).map { k in
        let angle = Double(k) * Double.pi / 4
        let r = 2.0.squareRoot()
        return (Float(r * cos(angle)), Float(r * sin(angle)))
    }
    /// The mixture weights: ⅛ each.
    public static let weights: [Float] = [Float](repeating: 1.0 / 8, count: 8)

    /// `count` points of shape `[count, 2]`: for each, a mode k drawn uniformly, then
    /// μₖ + σ·z with z ~ N(0, I).
    public static func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        sampleWithModes(count, using: &rng).points
    }

    /// The same draw as `sample(_:using:)` (same generator, same points), together with
    /// the mode k ∈ 0..<8 each point came from — for checks and for colouring plots.
    public static func sampleWithModes(_ count: Int, using rng: inout some RandomNumberGenerator)
        -> (points: Tensor, modes: [Int]) {
        var modes: [Int] = []
        modes.reserveCapacity(count)
        let points = pointCloud(count) {                  // [count, 2]
            let k = rng.nextInt(in: 0..<8)
            modes.append(k)
            let (zx, zy) = rng.nextNormalPair()
            return (means[k].x + std * zx, means[k].y + std * zy)
        }
        return (points, modes)
    }
}
