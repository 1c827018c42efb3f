// SwissRoll.swift — a noisy spiral (scikit-learn's make_swiss_roll, seen from above).
//
//   t ~ U(1.5π, 4.5π),   (x, y) = (t cos t, t sin t) / 7 + N(0, σ²I),   σ = 0.5 / 7
//
// scikit-learn and FFJORD use noise 1.0 and divide by 5, which gives a per-axis
// standard deviation near 1.4; here the noise is halved (the arms stay apart) and
// the divisor is 7, which puts the standard deviation at about 0.95 (x) and 1.0 (y).
// The spiral is not centred: its mean is about (0.29, 0.03).

import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The swiss roll: points along a spiral with arm radius t ∈ [1.5π, 4.5π], scaled by 1/7.
public enum SwissRoll {
    /// The divisor applied to the raw spiral `t (cos t, sin t)`.
    public static let scale: Float = 7
    /// The standard deviation of the isotropic Gaussian noise, after scaling.
    public static let noise: Float = 0.5 / 7

    /// `count` points of shape `[count, 2]`.
    public static func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        pointCloud(count) {
            let t = 1.5 * Float.pi * (1 + 2 * rng.nextUniform())
            let (nx, ny) = rng.nextNormalPair()
            return (t * cos(t) / scale + noise * nx, t * sin(t) / scale + noise * ny)
        }
    }
}
