// Chapter 05 — worked solutions (the same API as Exercises/Chapter05.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 05.
public enum Chapter05 {
    /// 5.1 — x̂₀ = (x_t − √(1−ᾱ) ε̂)/√ᾱ.
    public static func predictX0(xt: Tensor, epsilon: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t, broadcastRank: xt.rank)          // [B, 1, 1, 1]
        return (xt - (1 - alphaBar).sqrt() * epsilon) / alphaBar.sqrt()         // [B, C, H, W]
    }

    /// 5.2 — c1 = β √ᾱ_{t−1}/(1−ᾱ_t), c2 = (1−ᾱ_{t−1}) √α_t/(1−ᾱ_t), in Double.
    public static func posteriorMeanCoefficients(betas: Tensor) throws -> (c1: Tensor, c2: Tensor) {
        var c1: [Float] = [], c2: [Float] = []
        var alphaBarPrev = 1.0
        for b in betas.scalars.map(Double.init) {
            let alpha = 1 - b
            let alphaBar = alphaBarPrev * alpha
            c1.append(Float(b * alphaBarPrev.squareRoot() / (1 - alphaBar)))
            c2.append(Float((1 - alphaBarPrev) * alpha.squareRoot() / (1 - alphaBar)))
            alphaBarPrev = alphaBar
        }
        return (Tensor(shape: [c1.count], scalars: c1), Tensor(shape: [c2.count], scalars: c2))
    }

    /// 5.3 — μ = (x_t − β/√(1−ᾱ) ε̂)/√α, plus σ z with σ² = β̃ when t > 0.
    public static func ddpmStep(xt: Tensor, t: Int, epsilon: Tensor, noise: Tensor, betas: Tensor) throws -> Tensor {
        let b = betas.scalars.map(Double.init)
        let alphaBar = b[0...t].reduce(1.0) { $0 * (1 - $1) }
        let alphaBarPrev = alphaBar / (1 - b[t])
        let mean = (xt - Float(b[t] / (1 - alphaBar).squareRoot()) * epsilon) / Float((1 - b[t]).squareRoot())
        guard t > 0 else { return mean }                                        // no noise at t = 0
        let variance = b[t] * (1 - alphaBarPrev) / (1 - alphaBar)               // β̃_t
        return mean + Float(variance.squareRoot()) * noise                      // [B, …]
    }
}
