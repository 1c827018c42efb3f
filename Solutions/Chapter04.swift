// Chapter 04 — worked solutions (the same API as Exercises/Chapter04.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 04.
public enum Chapter04 {
    /// 4.1 — x_t = √ᾱ x0 + √(1−ᾱ) ε; loss = mean((model(x_t, t) − ε)²).
    public static func trainingLoss(model: Denoiser, x0: Tensor, noise: Tensor, t: [Int],
                                    alphasCumprod: Tensor) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t, broadcastRank: x0.rank)          // [B, 1, 1, 1]
        let xt = alphaBar.sqrt() * x0 + (1 - alphaBar).sqrt() * noise           // [B, C, H, W]
        return (model(xt, t) - noise).squared().mean()                          // []
    }

    /// 4.2 — decay · shadow + (1 − decay) · parameter.
    public static func emaUpdate(shadow: Tensor, parameter: Tensor, decay: Float) throws -> Tensor {
        decay * shadow + (1 - decay) * parameter
    }

    /// 4.2 — min(β, (1 + n)/(10 + n)).
    public static func emaDecay(step: Int, beta: Float) throws -> Float {
        min(beta, Float(1 + step) / Float(10 + step))
    }

    /// 4.3 — v = √ᾱ ε − √(1−ᾱ) x0.
    public static func vTarget(x0: Tensor, noise: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t, broadcastRank: x0.rank)          // [B, 1, 1, 1]
        return alphaBar.sqrt() * noise - (1 - alphaBar).sqrt() * x0             // [B, C, H, W]
    }

    /// 4.3 — min(snr, γ)/snr with snr = ᾱ/(1 − ᾱ).
    public static func minSNRWeights(t: [Int], alphasCumprod: Tensor, gamma: Float) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t)                                  // [B]
        let snr = alphaBar / (1 - alphaBar)                                     // [B]
        return snr.clamped(max: gamma) / snr                                    // [B]
    }
}
