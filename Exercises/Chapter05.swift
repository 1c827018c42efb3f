// Chapter 05 — DDPM sampling. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter05
//
// and see your own figures with `swift run chapter05 --mine`.

import DiffusionKit
import Foundation

/// Exercises of chapter 05.
public enum Chapter05 {
    /// **5.1 — The predicted x₀ from ε.** Invert x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε:
    ///
    ///     x̂₀ = (x_t − √(1 − ᾱ_t) · ε̂) / √ᾱ_t        (one t per image)
    ///
    /// - Returns: `[B, C, H, W]`, like `xt`.
    public static func predictX0(xt: Tensor, epsilon: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("5.1")
    }

    /// **5.2 — The posterior mean coefficients.** For every t, with ᾱ_{t−1} = 1 at t = 0:
    ///
    ///     c1_t = β_t · √ᾱ_{t−1} / (1 − ᾱ_t)          (multiplies x̂₀)
    ///     c2_t = (1 − ᾱ_{t−1}) · √α_t / (1 − ᾱ_t)     (multiplies x_t)
    ///
    /// where α_t = 1 − β_t and ᾱ_t = α_0 · … · α_t.
    /// - Parameter betas: β, `[T]`.
    /// - Returns: (c1, c2), each `[T]`.
    public static func posteriorMeanCoefficients(betas: Tensor) throws -> (c1: Tensor, c2: Tensor) {
        throw NotImplemented("5.2")
    }

    /// **5.3 — One DDPM step.** For one timestep t (the same for the whole batch):
    ///
    ///     μ = (x_t − β_t/√(1 − ᾱ_t) · ε̂) / √α_t                  (DDPM eq. 11)
    ///     σ² = β̃_t = β_t · (1 − ᾱ_{t−1}) / (1 − ᾱ_t)             ("fixed small")
    ///     x_{t−1} = μ + σ · noise    if t > 0,   μ    if t = 0   (no noise at the end)
    ///
    /// - Parameters:
    ///   - xt, epsilon, noise: `[B, …]`.
    ///   - betas: β, `[T]`.
    /// - Returns: x_{t−1}, shaped like `xt`.
    public static func ddpmStep(xt: Tensor, t: Int, epsilon: Tensor, noise: Tensor, betas: Tensor) throws -> Tensor {
        throw NotImplemented("5.3")
    }
}
