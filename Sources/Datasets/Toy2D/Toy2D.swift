// Toy2D.swift — the 2-D toy distributions, chosen by name.
//
// The point clouds that diffusion tutorials learn first (after FFJORD's toy data
// and the "tiny-diffusion" notebooks). Each family has its own file with its exact
// recipe; this enum lets a chapter pick one from a command-line string:
//
//     guard let toy = Toy2D(rawValue: "two-moons") else { … }   // Toy2D.allNames lists them
//     let x = toy.sample(1000, using: &rng)                      // [1000, 2]
//
// All five are scaled to roughly unit standard deviation per axis (0.9 … 1.2), so
// one noise schedule and one network width suit them all; each file says how.

import Tensors

/// The 2-D toy distributions, by their command-line names.
public enum Toy2D: String, CaseIterable, Sendable {
    /// A noisy spiral (`SwissRoll`).
    case swissRoll = "swiss-roll"
    /// Two interleaved half circles (`TwoMoons`).
    case twoMoons = "two-moons"
    /// Eight Gaussians on a circle, with public parameters (`EightGaussians`).
    case eightGaussians = "eight-gaussians"
    /// Uniform on the dark squares of a 4 × 4 board (`Checkerboard`).
    case checkerboard = "checkerboard"
    /// Two noisy concentric circles (`Circles`).
    case circles = "circles"

    /// The names accepted by `Toy2D(rawValue:)`, for usage messages.
    public static var allNames: [String] { allCases.map(\.rawValue) }

    /// `count` points of this distribution, as a tensor of shape `[count, 2]`
    /// (columns x and y).
    public func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        switch self {
        case .swissRoll: return SwissRoll.sample(count, using: &rng)
        case .twoMoons: return TwoMoons.sample(count, using: &rng)
        case .eightGaussians: return EightGaussians.sample(count, using: &rng)
        case .checkerboard: return Checkerboard.sample(count, using: &rng)
        case .circles: return Circles.sample(count, using: &rng)
        }
    }
}

/// Fills a `[count, 2]` tensor with `count` points from `point`, drawn in order.
func pointCloud(_ count: Int, _ point: () -> (x: Float, y: Float)) -> Tensor {
    precondition(count >= 0, "Toy2D: negative sample count \(count)")
    var xy = [Float](repeating: 0, count: 2 * count)     // [count, 2]
    for i in 0..<count {
        let p = point()
        xy[2 * i] = p.x
        xy[2 * i + 1] = p.y
    }
    return Tensor(shape: [count, 2], scalars: xy)
}
