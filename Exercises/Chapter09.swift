// Chapter 09 — classifier-free guidance. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter09
//
// and see your own figures with `swift run chapter09 --mine`.
//
// Conventions: the guidance scale w is diffusers' `guidance_scale` (w = 0 unconditional,
// w = 1 conditional without guidance, w > 1 guided); the null label ∅ is the index
// `classes` (10 for digits 0…9).

import DiffusionKit
import Foundation

/// Exercises of chapter 09.
public enum Chapter09 {
    /// **9.1 — Label dropout.** Training one network for both ε(x_t, t, c) and
    /// ε(x_t, t, ∅): each label is replaced by the null label with probability p,
    /// decided by one uniform draw per label:
    ///
    ///     y_i ← nullLabel   if u_i < p      (strictly less)
    ///     y_i ← labels[i]   otherwise
    ///
    /// So p = 0 keeps every label and p = 1 drops them all (every u_i < 1).
    /// - Parameters:
    ///   - labels: the class labels of a batch, B entries in 0..<classes.
    ///   - uniforms: u_i ∈ [0, 1), one per label (B entries).
    ///   - p: the dropout probability, in [0, 1].
    ///   - nullLabel: the label of "no condition": the number of classes.
    /// - Returns: B labels.
    public static func dropLabels(_ labels: [Int], uniforms: [Float], probability p: Float, nullLabel: Int) throws -> [Int] {
        throw NotImplemented("9.1")
    }

    /// **9.2 — The guided prediction.** From the unconditional prediction ε_u through the
    /// conditional one ε_c, by the guidance scale w, element by element:
    ///
    ///     ε̃ = ε_u + w · (ε_c − ε_u)
    ///
    /// w = 0 gives ε_u, w = 1 gives ε_c, w > 1 extrapolates past ε_c (w < 0 moves away
    /// from it). (Ho & Salimans write (1 + w)·ε_c − w·ε_u: their w is ours − 1.)
    /// - Parameters:
    ///   - unconditional: ε_u = ε(x_t, t, ∅), `[B, …]`.
    ///   - conditional: ε_c = ε(x_t, t, c), the same shape.
    /// - Returns: ε̃, shaped like the inputs.
    public static func guidedPrediction(unconditional: Tensor, conditional: Tensor, scale w: Float) throws -> Tensor {
        throw NotImplemented("9.2")
    }

    /// **9.3 — One guided DDIM step.** The sampler runs the network once on the doubled
    /// batch [x_t, x_t] with labels [c, ∅]; `modelOutput` is that ε-prediction, `[2B, …]`:
    /// items 0..<B are the conditional half ε_c, items B..<2B the unconditional half ε_u.
    /// Split the halves (`slice(axis:_:)` or `split(axis:sizes:)`), guide them as in 9.2,
    /// then take one deterministic DDIM step (η = 0, no clipping) from x_t (where
    /// ᾱ = `alphaBar`) to the previous timestep (where ᾱ' = `alphaBarPrev`; 1 after the
    /// last step, which then returns x̂₀):
    ///
    ///     ε̃  = ε_u + w · (ε_c − ε_u)
    ///     x̂₀ = (x_t − √(1 − ᾱ) · ε̃) / √ᾱ
    ///     x' = √ᾱ' · x̂₀ + √(1 − ᾱ') · ε̃
    ///
    /// - Parameters:
    ///   - xt: x_t, `[B, …]` (images `[B, C, H, W]`).
    ///   - modelOutput: `[2B, …]`: ε_c for items 0..<B, then ε_u for items B..<2B.
    ///   - w: the guidance scale.
    /// - Returns: x', `[B, …]`, shaped like `xt`.
    public static func guidedDDIMStep(xt: Tensor, modelOutput: Tensor, scale w: Float,
                                      alphaBar: Double, alphaBarPrev: Double) throws -> Tensor {
        throw NotImplemented("9.3")
    }
}
