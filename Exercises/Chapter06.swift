// Chapter 06 — DDIM. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter06
//
// and see your own figures with `swift run chapter06 --mine`.

import DiffusionKit
import Foundation

/// Exercises of chapter 06.
public enum Chapter06 {
    /// **6.1 — The timestep subsequence.** The S timesteps (out of 0..<T) that an
    /// S-step sampler visits, in the order it visits them (descending):
    ///
    ///     trailing   round(T − i·T/S) − 1          for i = 0, 1, …, S−1
    ///     leading    i·⌊T/S⌋                      for i = S−1, …, 1, 0
    ///     linspace   round(i·(T−1)/(S−1))         for i = S−1, …, 1, 0   (S = 1: [T − 1])
    ///
    /// For T = 1000 and S = 10, trailing is 999, 899, …, 99 and leading 900, 800, …, 0.
    /// (`round` rounds halves away from zero, like Swift's `rounded()`.)
    /// - Precondition: 1 ≤ S ≤ T.
    public static func timesteps(_ spacing: TimestepSpacing, steps S: Int, of T: Int) throws -> [Int] {
        throw NotImplemented("6.1")
    }

    /// **6.2 — One DDIM step.** From x_t (where ᾱ = `alphaBar`) to the previous
    /// timestep of the list (where ᾱ' = `alphaBarPrev`; 1 after the last step), given
    /// the network's ε̂:
    ///
    ///     x̂₀ = (x_t − √(1 − ᾱ) · ε̂) / √ᾱ
    ///     σ  = η · √((1 − ᾱ')/(1 − ᾱ)) · √(1 − ᾱ/ᾱ')
    ///     x' = √ᾱ' · x̂₀ + √(1 − ᾱ' − σ²) · ε̂ + σ · noise
    ///
    /// (No clipping here: the library's sampler clips x̂₀ before this step.)
    /// - Parameters:
    ///   - xt, epsilon, noise: `[B, …]`, all the same shape.
    ///   - eta: η in [0, 1]; with η = 0 the noise is not used.
    /// - Returns: x', shaped like `xt`.
    public static func ddimStep(xt: Tensor, epsilon: Tensor, alphaBar: Double, alphaBarPrev: Double,
                                eta: Double, noise: Tensor) throws -> Tensor {
        throw NotImplemented("6.2")
    }

    /// **6.3 — Spherical interpolation.** Between two noises `a` and `b` (any shape, the
    /// same for both), each read as one long vector, at fraction t ∈ [0, 1]:
    ///
    ///     θ = arccos(a·b / (‖a‖ ‖b‖))
    ///     slerp(a, b, t) = sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b
    ///
    /// (When θ is almost 0 the two are parallel: fall back to (1 − t)·a + t·b.)
    /// - Returns: shaped like `a`.
    public static func slerp(_ a: Tensor, _ b: Tensor, t: Float) throws -> Tensor {
        throw NotImplemented("6.3")
    }
}
