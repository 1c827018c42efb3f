// Chapter 09 — worked solutions (the same API as Exercises/Chapter09.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 09.
public enum Chapter09 {
    /// 9.1 — ∅ where u < p (strictly), the label otherwise.
    public static func dropLabels(_ labels: [Int], uniforms: [Float], probability p: Float, nullLabel: Int) throws -> [Int] {
        zip(labels, uniforms).map { label, u in u < p ? nullLabel : label }
    }

    /// 9.2 — ε_u + w(ε_c − ε_u).
    public static func guidedPrediction(unconditional: Tensor, conditional: Tensor, scale w: Float) throws -> Tensor {
        unconditional + w * (conditional - unconditional)                          // [B, …]
    }

    /// 9.3 — split [ε_c; ε_u], guide, then x' = √ᾱ' x̂₀ + √(1 − ᾱ') ε̃.
    public static func guidedDDIMStep(xt: Tensor, modelOutput: Tensor, scale w: Float,
                                      alphaBar: Double, alphaBarPrev: Double) throws -> Tensor {
        let (a, aPrev) = (alphaBar, alphaBarPrev)                                    // ᾱ_t, ᾱ_prev
        let b = xt.shape[0]
        let halves = modelOutput.split(axis: 0, sizes: [b, b])                    // [B, …] each
        let (conditional, unconditional) = (halves[0], halves[1])
        let eps = try guidedPrediction(unconditional: unconditional, conditional: conditional, scale: w)   // [B, …]
        let x0 = (xt - Float((1 - a).squareRoot()) * eps) / Float(a.squareRoot())                           // [B, …]
        return Float(aPrev.squareRoot()) * x0 + Float((1 - aPrev).squareRoot()) * eps                      // [B, …]
    }
}
