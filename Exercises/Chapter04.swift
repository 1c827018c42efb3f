// Chapter 04 — training. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter04
//
// and see your own figures with `swift run chapter04 --mine`.

import DiffusionKit
import Foundation

/// Exercises of chapter 04.
public enum Chapter04 {
    /// **4.1 — The training loss of one batch (ε-prediction).**
    ///
    /// With ᾱ_t = `alphasCumprod[t]` for each image's timestep:
    ///
    ///     x_t  = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise
    ///     loss = mean over every element of (model(x_t, t) − noise)²
    ///
    /// The loss must stay a graph back to the model's parameters (use tensor ops,
    /// not `.scalars`), so that `loss.backward()` trains the model.
    ///
    /// - Parameters:
    ///   - model: the denoiser, called once with x_t `[B, C, H, W]` and the B timesteps.
    ///   - x0: clean images `[B, C, H, W]`.
    ///   - noise: ε, the same shape.
    ///   - t: B timesteps in 0..<T.
    ///   - alphasCumprod: ᾱ, `[T]`.
    /// - Returns: a scalar tensor (shape `[]`).
    public static func trainingLoss(model: Denoiser, x0: Tensor, noise: Tensor, t: [Int],
                                    alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("4.1")
    }

    /// **4.2 — An EMA update of the weights.**
    ///
    /// Return `decay · shadow + (1 − decay) · parameter` (a new tensor, same shape).
    public static func emaUpdate(shadow: Tensor, parameter: Tensor, decay: Float) throws -> Tensor {
        throw NotImplemented("4.2")
    }

    /// **4.2 (continued) — the EMA's warm-up.** Return the decay used after optimizer
    /// step `step` (0, 1, 2, …): `min(beta, (1 + step) / (10 + step))`.
    public static func emaDecay(step: Int, beta: Float) throws -> Float {
        throw NotImplemented("4.2")
    }

    /// **4.3 — The v target.** v = √ᾱ_t · noise − √(1 − ᾱ_t) · x0, one t per image.
    ///
    /// - Returns: `[B, C, H, W]`, like `x0`.
    public static func vTarget(x0: Tensor, noise: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        throw NotImplemented("4.3")
    }

    /// **4.3 (continued) — Min-SNR-γ weights for ε-prediction.** With
    /// snr = ᾱ_t / (1 − ᾱ_t), return min(snr, γ) / snr for each t.
    ///
    /// - Returns: `[B]`.
    public static func minSNRWeights(t: [Int], alphasCumprod: Tensor, gamma: Float) throws -> Tensor {
        throw NotImplemented("4.3")
    }
}
