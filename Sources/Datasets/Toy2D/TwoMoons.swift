// TwoMoons.swift — two interleaved half circles (scikit-learn's make_moons).
//
//   upper moon: (cos θ, sin θ),         lower moon: (1 − cos θ, ½ − sin θ),   θ ~ U(0, π)
//
// Each point picks a moon with probability ½ and gets N(0, 0.05²) noise per axis.
// The raw cloud has mean (½, ¼) and standard deviation √¾ ≈ 0.866 in x and
// ≈ 0.494 in y (worked out from E[cos²θ] = E[sin²θ] = ½ and E[sin θ] = 2/π); each axis
// is standardised with these exact values, so the result has mean ≈ 0 and standard
// deviation ≈ 1 per axis (a little more, from the noise). The moons look a little
// taller than scikit-learn's because y is stretched more than x.

import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two moons, standardised per axis with the exact mean and standard deviation of the
/// noise-free shape.
public enum TwoMoons {
    /// The standard deviation of the Gaussian noise added per axis before standardising.
    public static let noise: Float = 0.05
    /// The mean of the raw shape, (½, ¼).
    public static let rawMean: (x: Float, y: Float) = (0.5, 0.25)
    /// The standard deviation of the raw shape per axis: x: √¾ ≈ 0.866 (each moon's
    /// cos θ has variance ½, and the moons' x means 0 and 1 add ¼);
    /// y: √(½ − 4/π² + (2/π − ¼)²) ≈ 0.494 (the variance of sin θ, plus the spread of
    /// the moons' y means 2/π and ½ − 2/π around ¼).
    public static let rawStd: (x: Float, y: Float) = {
        let meanSin = 2 / Double.pi
        let varSin = 0.5 - meanSin * meanSin
        let between = (meanSin - 0.25) * (meanSin - 0.25)     // the moons' y means are 2/π and ½ − 2/π
        return (Float(0.75.squareRoot()), Float((varSin + between).squareRoot()))
    }()

    /// `count` points of shape `[count, 2]`.
    public static func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        pointCloud(count) {
            let theta = Float.pi * rng.nextUniform()
            let upper = rng.nextUniform() < 0.5
            var x = upper ? cos(theta) : 1 - cos(theta)
            var y = upper ? sin(theta) : 0.5 - sin(theta)
            let (nx, ny) = rng.nextNormalPair()
            x += noise * nx
            y += noise * ny
            return ((x - rawMean.x) / rawStd.x, (y - rawMean.y) / rawStd.y)
        }
    }
}
