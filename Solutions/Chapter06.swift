// Chapter 06 — worked solutions (the same API as Exercises/Chapter06.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 06.
public enum Chapter06 {
    /// 6.1 — the three spacings, descending.
    public static func timesteps(_ spacing: TimestepSpacing, steps S: Int, of T: Int) throws -> [Int] {
        switch spacing {
        case .trailing:
            let ratio = Double(T) / Double(S)
            return (0..<S).map { Int((Double(T) - Double($0) * ratio).rounded()) - 1 }
        case .leading:
            return (0..<S).reversed().map { $0 * (T / S) }
        case .linspace:
            guard S > 1 else { return [T - 1] }
            return (0..<S).reversed().map { Int((Double($0) * Double(T - 1) / Double(S - 1)).rounded()) }
        }
    }

    /// 6.2 — x' = √ᾱ' x̂₀ + √(1 − ᾱ' − σ²) ε̂ + σ z.
    public static func ddimStep(xt: Tensor, epsilon: Tensor, alphaBar: Double, alphaBarPrev: Double,
                                eta: Double, noise: Tensor) throws -> Tensor {
        let (a, aPrev) = (alphaBar, alphaBarPrev)                                    // ᾱ_t, ᾱ_prev
        let x0 = (xt - Float((1 - a).squareRoot()) * epsilon) / Float(a.squareRoot())        // [B, …]
        let sigma = eta * ((1 - aPrev) / (1 - a)).squareRoot() * max(0, 1 - a / aPrev).squareRoot()
        let direction = max(0, 1 - aPrev - sigma * sigma).squareRoot()
        return Float(aPrev.squareRoot()) * x0 + Float(direction) * epsilon + Float(sigma) * noise
    }

    /// 6.3 — slerp along the great circle through a and b.
    public static func slerp(_ a: Tensor, _ b: Tensor, t: Float) throws -> Tensor {
        let (x, y) = (a.scalars, b.scalars)
        var dot = 0.0, aa = 0.0, bb = 0.0
        for i in x.indices {
            dot += Double(x[i]) * Double(y[i]); aa += Double(x[i]) * Double(x[i]); bb += Double(y[i]) * Double(y[i])
        }
        let theta = acos(max(-1, min(1, dot / (aa * bb).squareRoot())))
        guard theta > 1e-6 else { return (1 - t) * a + t * b }
        let t = Double(t)
        return Float(sin((1 - t) * theta) / sin(theta)) * a + Float(sin(t * theta) / sin(theta)) * b
    }
}
