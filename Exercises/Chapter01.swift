// Chapter 01 — the forward process. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter01
//
// and see your own figures with `swift run chapter01 --mine`.
// Tensor ops you will want: `gather(_:broadcastRank:)`, `sqrt()`, `+`, `*`, `1 - x`.

import DiffusionKit
import Foundation

/// Exercises of chapter 01.
public enum Chapter01 {
    /// **1.1 — Sample x_t in one jump.**
    ///
    /// Return x_t = √ᾱ_t · x₀ + √(1 − ᾱ_t) · ε for a batch, where each item b uses
    /// its own timestep `t[b]` (0-based: ᾱ_t is `alphasCumprod[t]`).
    ///
    /// - Parameters:
    ///   - x0: clean data, `[B, C, H, W]` (or any `[B, …]`).
    ///   - t: B timesteps in `0..<T`.
    ///   - noise: ε, the same shape as `x0`.
    ///   - alphasCumprod: ᾱ, shape `[T]`.
    /// - Returns: x_t, the shape of `x0`.
    public static func qSample(x0: Tensor, t: [Int], noise: Tensor, alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("1.1")
    }

    /// **1.2 — Signal-to-noise ratio.**
    ///
    /// Return SNR(t) = ᾱ_t / (1 − ᾱ_t) for every t: the power of the signal √ᾱ·x₀
    /// over the power of the noise √(1 − ᾱ)·ε (for data of unit variance).
    ///
    /// - Parameter alphasCumprod: ᾱ, shape `[T]`, values in (0, 1).
    /// - Returns: SNR, shape `[T]`.
    public static func snr(alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("1.2")
    }

    /// **1.3 — One step of the forward chain.**
    ///
    /// Return x_t = √(1 − β_t) · x_{t−1} + √β_t · ε, the sample of
    /// q(x_t | x_{t−1}) = N(√(1 − β_t) x_{t−1}, β_t I), each batch item with its own t.
    ///
    /// - Parameters:
    ///   - xPrev: x_{t−1}, `[B, …]`.
    ///   - t: B timesteps in `0..<T`.
    ///   - noise: ε, the shape of `xPrev`.
    ///   - betas: β, shape `[T]`.
    /// - Returns: x_t, the shape of `xPrev`.
    public static func forwardStep(xPrev: Tensor, t: [Int], noise: Tensor, betas: Tensor) throws -> Tensor {
        throw NotImplemented("1.3")
    }
}
