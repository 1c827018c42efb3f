// Circles.swift — two noisy concentric circles (scikit-learn's make_circles).
//
//   r ∈ {R, R/2} with probability ½ each,  θ ~ U(0, 2π),  x = r (cos θ, sin θ) + N(0, σ²I)
//
// With R = 1.8 (scikit-learn's unit circles scaled by 1.8) each axis has variance
// (R² + R²/4)/4 ≈ 1.01 before noise: standard deviation ≈ 1.0. The noise σ = 0.05·1.8
// is scikit-learn's `noise=0.05` at the same scale.

import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two concentric circles of radius 1.8 and 0.9, equally likely, with Gaussian noise.
public enum Circles {
    /// The radius of the outer circle (the inner one is half as large).
    public static let outerRadius: Float = 1.8
    /// The standard deviation of the isotropic Gaussian noise.
    public static let noise: Float = 0.05 * 1.8

    /// `count` points of shape `[count, 2]`.
    public static func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        pointCloud(count) {
            let r = rng.nextUniform() < 0.5 ? outerRadius : outerRadius / 2
            let theta = 2 * Float.pi * rng.nextUniform()
            let (nx, ny) = rng.nextNormalPair()
            return (r * cos(theta) + noise * nx, r * sin(theta) + noise * ny)
        }
    }
}
