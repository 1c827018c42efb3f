// Chapter 02 — noise schedules. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter02
//
// Work in `Double`: ᾱ reaches 1e-9 at the end of the cosine schedule.

import DiffusionKit
import Foundation

/// Exercises of chapter 02.
public enum Chapter02 {
    /// **2.1 — The linear schedule (DDPM).**
    ///
    /// Return T values β_t evenly spaced from `start` to `end`, both included:
    /// β_t = start + (end − start) · t / (T − 1) for t = 0 … T−1.
    ///
    /// - Parameters:
    ///   - timesteps: T ≥ 2.
    ///   - start: β₀ (DDPM: 1e-4).
    ///   - end: β_{T−1} (DDPM: 0.02).
    /// - Returns: `[β_0, …, β_{T−1}]`.
    public static func linearBetas(timesteps: Int, start: Double = 1e-4, end: Double = 0.02) throws -> [Double] {
        throw NotImplemented("2.1")
    }

    /// **2.2 — The cosine schedule, with its cap.**
    ///
    /// With f(τ) = cos²((τ + s)/(1 + s) · π/2) on τ ∈ [0, 1], ᾱ follows f(τ)/f(0).
    /// Return β_t = min(1 − f((t+1)/T) / f(t/T), maxBeta) for t = 0 … T−1.
    ///
    /// - Parameters:
    ///   - timesteps: T ≥ 1.
    ///   - s: the small offset that keeps β₀ from vanishing (0.008).
    ///   - maxBeta: the cap (0.999); without it the last β is 1.
    /// - Returns: `[β_0, …, β_{T−1}]`.
    public static func cosineBetas(timesteps: Int, s: Double = 0.008, maxBeta: Double = 0.999) throws -> [Double] {
        throw NotImplemented("2.2")
    }

    /// **2.3 — From β to ᾱ and the posterior variance.**
    ///
    /// Return, for t = 0 … T−1:
    /// - ᾱ_t = Π_{s ≤ t} (1 − β_s),
    /// - ᾱ_{t−1}, with ᾱ_{−1} = 1 (pad with 1 on the *left*),
    /// - β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x₀).
    ///
    /// - Parameter betas: `[β_0, …, β_{T−1}]`, each in (0, 1).
    /// - Returns: the three arrays, each of length T.
    public static func cumulativeProducts(betas: [Double]) throws
        -> (alphasCumprod: [Double], alphasCumprodPrev: [Double], posteriorVariance: [Double]) {
        throw NotImplemented("2.3")
    }
}
