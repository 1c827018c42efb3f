// Chapter 07 — worked solutions (the same API as Exercises/Chapter07.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 07.
public enum Chapter07 {
    /// 7.1 — s = −ε̂/√(1−ᾱ_t), ᾱ gathered per item.
    public static func scoreFromEpsilon(_ epsilon: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t, broadcastRank: epsilon.rank)     // [B, 1, …]
        return -epsilon / (1 - alphaBar).sqrt()                                 // [B, …]
    }

    /// 7.2 — x + δ·s + √(2δ)·z.
    public static func langevinStep(_ x: Tensor, score: Tensor, stepSize: Float, noise: Tensor) throws -> Tensor {
        x + stepSize * score + (2 * stepSize).squareRoot() * noise              // [N, …]
    }

    /// 7.3 — responsibilities by log-sum-exp in Double, then Σ_k r_k (μ_k − x)/σ².
    public static func mixtureScore(_ points: Tensor, means: Tensor, std: Float, weights: Tensor) throws -> Tensor {
        let n = points.shape[0], d = points.shape[1], k = means.shape[0]
        let x = points.scalars.map(Double.init), mu = means.scalars.map(Double.init)
        let logW = weights.scalars.map { log(Double($0)) }
        let variance = Double(std) * Double(std)
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let logs = (0..<k).map { c -> Double in                             // log w_c − ‖x − μ_c‖²/(2σ²)
                var squared = 0.0
                for j in 0..<d { let diff = x[i * d + j] - mu[c * d + j]; squared += diff * diff }
                return logW[c] - squared / (2 * variance)
            }
            let top = logs.max()!
            let r = logs.map { exp($0 - top) }
            let total = r.reduce(0, +)
            for j in 0..<d {
                var pull = 0.0
                for c in 0..<k { pull += r[c] * (mu[c * d + j] - x[i * d + j]) }
                out[i * d + j] = Float(pull / total / variance)
            }
        }
        return Tensor(shape: [n, d], scalars: out)                              // [N, D]
    }
}
