// Chapter 07 — the score-based view. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter07
//
// and see your own figures with `swift run chapter07 --mine`.

import DiffusionKit
import Foundation

/// Exercises of chapter 07.
public enum Chapter07 {
    /// **7.1 — The score from ε.** A network that predicts the noise ε in
    /// x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε also predicts the score of the noised data:
    ///
    ///     s(x_t) = ∇ log p_t(x_t) = −ε̂ / √(1 − ᾱ_t)        (one t per item of the batch)
    ///
    /// - Parameters:
    ///   - epsilon: ε̂, `[B, …]` (points `[B, 2]` or images `[B, C, H, W]`).
    ///   - t: one timestep per item, B entries.
    ///   - alphasCumprod: ᾱ, `[T]`.
    /// - Returns: the score, shaped like `epsilon`.
    public static func scoreFromEpsilon(_ epsilon: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("7.1")
    }

    /// **7.2 — One Langevin step.** With step size δ and fresh noise z ~ N(0, I):
    ///
    ///     x' = x + δ · s(x) + √(2δ) · z
    ///
    /// (The kit's convention, as its `langevinStep`. Song & Ermon 2019 write the same
    /// step as x + (ε/2)·s + √ε·z: their ε is 2δ.)
    /// - Parameters:
    ///   - x, score, noise: `[N, …]`, all the same shape.
    ///   - stepSize: δ > 0.
    /// - Returns: x', shaped like `x`.
    public static func langevinStep(_ x: Tensor, score: Tensor, stepSize: Float, noise: Tensor) throws -> Tensor {
        throw NotImplemented("7.2")
    }

    /// **7.3 — The exact score of a Gaussian mixture** p(x) = Σ_k w_k N(x; μ_k, σ²I):
    ///
    ///     ∇ log p(x) = Σ_k r_k(x) · (μ_k − x) / σ²
    ///     r_k(x) = w_k exp(−‖x − μ_k‖²/(2σ²)) / Σ_j w_j exp(−‖x − μ_j‖²/(2σ²))
    ///
    /// r_k is the probability that x came from component k. Far from every mean the
    /// exponentials underflow to 0 (0/0): subtract the largest exponent of the row
    /// before taking exp (the log-sum-exp trick). Work in Double if you like.
    /// - Parameters:
    ///   - points: x, `[N, D]`.
    ///   - means: μ, `[K, D]`.
    ///   - std: σ > 0, shared by every component.
    ///   - weights: w, `[K]`, non-negative, summing to 1.
    /// - Returns: the score at each point, `[N, D]`.
    public static func mixtureScore(_ points: Tensor, means: Tensor, std: Float, weights: Tensor) throws -> Tensor {
        throw NotImplemented("7.3")
    }
}
