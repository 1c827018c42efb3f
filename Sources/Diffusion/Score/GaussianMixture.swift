// GaussianMixture.swift — a mixture of isotropic Gaussians, whose noised versions stay
// mixtures: the exact score of the eight-Gaussians toy at any t.
//
// If x₀ ~ Σ_k w_k N(μ_k, s²I), then x_t = √ᾱ·x₀ + √(1−ᾱ)·ε ~ Σ_k w_k N(√ᾱ·μ_k, v·I)
// with v = ᾱ·s² + 1 − ᾱ. Its score is the responsibility-weighted pull to each mean:
//   ∇ log p(x) = Σ_k r_k(x)·(m_k − x)/v,   r_k ∝ w_k·exp(−‖x − m_k‖²/(2v)).

import Foundation
import Tensors

/// A mixture of isotropic Gaussians in D dimensions.
public struct GaussianMixture: Sendable {
    /// The component means, each of length D.
    public let means: [[Double]]
    /// The shared standard deviation of every component.
    public let std: Double
    /// The mixture weights (summing to 1).
    public let weights: [Double]

    /// A mixture; weights are normalised to sum to 1.
    public init(means: [[Double]], std: Double, weights: [Double]? = nil) {
        precondition(!means.isEmpty && means.allSatisfy { $0.count == means[0].count }, "GaussianMixture: means must share one dimension")
        precondition(std > 0, "GaussianMixture: std must be positive")
        let w = weights ?? [Double](repeating: 1, count: means.count)
        precondition(w.count == means.count && w.allSatisfy { $0 >= 0 }, "GaussianMixture: one non-negative weight per mean")
        let total = w.reduce(0, +)
        self.means = means
        self.std = std
        self.weights = w.map { $0 / total }
    }

    /// The dimension D.
    public var dimension: Int { means[0].count }

    /// The mixture of x_t for data from this mixture, at signal level ᾱ.
    public func noised(alphaBar a: Double) -> GaussianMixture {
        GaussianMixture(means: means.map { $0.map { a.squareRoot() * $0 } },
                        std: (a * std * std + 1 - a).squareRoot(), weights: weights)
    }

    /// ‖x − m‖².
    static func squaredDistance(_ x: [Double], _ m: [Double]) -> Double {
        var total = 0.0
        for j in x.indices { total += (x[j] - m[j]) * (x[j] - m[j]) }
        return total
    }

    /// log(w_k) − ‖x − m_k‖²/(2v) for every component k.
    func componentLogs(_ x: [Double]) -> [Double] {
        let v = std * std
        return means.indices.map { k in log(weights[k]) - Self.squaredDistance(x, means[k]) / (2 * v) }
    }

    /// log p(x) of one point.
    public func logDensity(_ x: [Double]) -> Double {
        let v = std * std, d = Double(dimension)
        let logs = componentLogs(x)
        let top = logs.max()!
        let sum = logs.reduce(0.0) { $0 + exp($1 - top) }
        return top + log(sum) - d / 2 * log(2 * Double.pi * v)
    }

    /// ∇ log p(x) for each row of `points` [N, D] (computed in Double).
    public func score(_ points: Tensor) -> Tensor {
        precondition(points.rank == 2 && points.shape[1] == dimension, "GaussianMixture.score: need [N, \(dimension)], got \(points.shape)")
        let n = points.shape[0], d = dimension, v = std * std
        let x = points.scalars
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let row = (0..<d).map { Double(x[i * d + $0]) }
            let logs = componentLogs(row)
            let top = logs.max()!
            let r = logs.map { exp($0 - top) }
            let total = r.reduce(0, +)
            for j in 0..<d {
                var pull = 0.0
                for k in means.indices { pull += r[k] * (means[k][j] - row[j]) }
                out[i * d + j] = Float(pull / total / v)
            }
        }
        return Tensor(shape: [n, d], scalars: out)                                          // [N, D]
    }
}
