// SlicedWasserstein.swift — a distance between two point clouds (2-D toys, or any [N, D]).
//
// Reference: J. Rabin, G. Peyré, J. Delon, M. Bernot, "Wasserstein Barycenter and its
// Application to Texture Mixing" (2011); N. Bonneel et al., "Sliced and Radon
// Wasserstein Barycenters of Measures" (2015).
//
// In one dimension the optimal transport between two sets of N points pairs them in
// sorted order, so W1 is the mean gap between sorted values. Sliced Wasserstein
// averages that over random directions u_1 … u_L on the unit sphere:
//
//     SW1(a, b) = (1/L) Σ_l (1/N) Σ_i | sort(a·u_l)_i − sort(b·u_l)_i |
//
// This file uses W1 (mean |Δ|, in the data's own units) rather than W2 (√mean Δ²):
// it is less dominated by a few outliers, and a shift of every point by a vector s
// gives exactly (1/L) Σ_l |⟨s, u_l⟩| (on average ≈ 0.64 |s| in 2-D, 2/π·|s|).
// Projections and sums are in Double.
//
// Like every sample-based distance it is not 0 for two draws of the same
// distribution: `slicedWassersteinWithFloor` also measures that noise floor.

import Tensors

/// `count` random unit vectors in ℝ^D, uniform on the sphere (normalised Gaussian
/// vectors), as a `[count, D]` tensor.
public func randomUnitDirections(_ count: Int, dimension: Int,
                                 using rng: inout some RandomNumberGenerator) -> Tensor {
    precondition(count > 0 && dimension > 0,
                 "randomUnitDirections: need count > 0 and dimension > 0, got \(count) and \(dimension)")
    var values = [Float](repeating: 0, count: count * dimension)               // [L, D]
    for l in 0..<count {
        var norm2 = 0.0
        repeat {                                                               // a zero vector is (almost) impossible; redraw if so
            norm2 = 0
            for j in 0..<dimension {
                let z = rng.nextNormal()
                values[l * dimension + j] = z
                norm2 += Double(z) * Double(z)
            }
        } while norm2 == 0
        let inverse = 1 / norm2.squareRoot()
        for j in 0..<dimension { values[l * dimension + j] = Float(Double(values[l * dimension + j]) * inverse) }
    }
    return Tensor(shape: [count, dimension], scalars: values)
}

/// The sliced 1-Wasserstein distance between point sets `a` and `b` (both `[N, D]`,
/// the same N) along the given `directions` `[L, D]`: the mean over directions of
/// the mean |Δ| between sorted projections.
public func slicedWasserstein(_ a: Tensor, _ b: Tensor, directions: Tensor) -> Double {
    precondition(a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1],
                 "slicedWasserstein: need point sets [N, D] and [N, D], got \(a.shape) and \(b.shape)")
    precondition(a.shape[0] == b.shape[0],
                 "slicedWasserstein: the two sets must have the same number of points (sorted projections are paired one to one), got \(a.shape[0]) and \(b.shape[0])")
    precondition(directions.rank == 2 && directions.shape[1] == a.shape[1] && directions.shape[0] > 0,
                 "slicedWasserstein: directions must be [L, \(a.shape[1])] with L ≥ 1, got \(directions.shape)")
    let (n, d, l) = (a.shape[0], a.shape[1], directions.shape[0])
    guard n > 0 else { return 0 }
    func project(_ x: [Float], on u: ArraySlice<Float>) -> [Double] {
        let u = u.map(Double.init)
        return (0..<n).map { i in
            var s = 0.0
            for j in 0..<d { s += Double(x[i * d + j]) * u[j] }
            return s
        }.sorted()
    }
    let (xa, xb, dirs) = (a.scalars, b.scalars, directions.scalars)
    var total = 0.0
    for k in 0..<l {
        let u = dirs[(k * d)..<((k + 1) * d)]
        let pa = project(xa, on: u), pb = project(xb, on: u)
        var gap = 0.0
        for i in 0..<n { gap += abs(pa[i] - pb[i]) }
        total += gap / Double(n)
    }
    return total / Double(l)
}

/// The sliced 1-Wasserstein distance between `a` and `b` (both `[N, D]`, the same N)
/// over `projections` random directions drawn from `rng`. 128 directions make the
/// Monte-Carlo error over directions a few per cent for 2-D data.
public func slicedWasserstein(_ a: Tensor, _ b: Tensor, projections: Int = 128,
                              using rng: inout some RandomNumberGenerator) -> Double {
    precondition(a.rank == 2, "slicedWasserstein: need point sets [N, D], got \(a.shape)")
    let directions = randomUnitDirections(projections, dimension: a.shape[1], using: &rng)
    return slicedWasserstein(a, b, directions: directions)
}

/// A sample distance together with its noise floor: the distance between two
/// independent draws of the same size from the data distribution itself.
public struct DistanceWithFloor: Sendable, Equatable {
    /// The distance of the samples to a draw from the data.
    public let distance: Double
    /// The distance between two draws from the data (what perfect samples would score).
    public let floor: Double
    /// `distance / floor`: ≈ 1 means indistinguishable from the data at this N.
    public var ratio: Double { floor > 0 ? distance / floor : .infinity }
}

/// The sliced W1 distance of `samples` `[N, D]` to a fresh draw of N points from
/// `data`, and the floor: the distance between two fresh draws of N from `data`. The
/// same random directions serve both, so the two numbers are comparable.
///
///     let r = slicedWassersteinWithFloor(x, data: { n, g in Toy2D.twoMoons.sample(n, using: &g) }, using: &rng)
///
/// Draws, in order: the directions, then two data sets, all from `rng`.
public func slicedWassersteinWithFloor<G: RandomNumberGenerator>(
    _ samples: Tensor, data: (_ count: Int, _ rng: inout G) -> Tensor,
    projections: Int = 128, using rng: inout G
) -> DistanceWithFloor {
    precondition(samples.rank == 2, "slicedWassersteinWithFloor: need samples [N, D], got \(samples.shape)")
    let n = samples.shape[0]
    let directions = randomUnitDirections(projections, dimension: samples.shape[1], using: &rng)   // [L, D]
    let first = data(n, &rng), second = data(n, &rng)                                             // [N, D] each
    return DistanceWithFloor(distance: slicedWasserstein(samples, first, directions: directions),
                             floor: slicedWasserstein(second, first, directions: directions))
}
