// Chapter 01 — worked solutions (the same API as Exercises/Chapter01.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 01.
public enum Chapter01 {
    /// 1.1 — x_t = √ᾱ_t · x₀ + √(1 − ᾱ_t) · ε, one t per batch item.
    public static func qSample(x0: Tensor, t: [Int], noise: Tensor, alphasCumprod: Tensor) throws -> Tensor {
        let alphaBar = alphasCumprod.gather(t, broadcastRank: x0.rank)      // [B, 1, 1, 1]
        return alphaBar.sqrt() * x0 + (1 - alphaBar).sqrt() * noise         // [B, C, H, W]
    }

    /// 1.2 — SNR(t) = ᾱ_t / (1 − ᾱ_t).
    public static func snr(alphasCumprod: Tensor) throws -> Tensor {
        alphasCumprod / (1 - alphasCumprod)                                 // [T]
    }

    /// 1.3 — x_t = √(1 − β_t) · x_{t−1} + √β_t · ε.
    public static func forwardStep(xPrev: Tensor, t: [Int], noise: Tensor, betas: Tensor) throws -> Tensor {
        let beta = betas.gather(t, broadcastRank: xPrev.rank)               // [B, 1, 1, 1]
        return (1 - beta).sqrt() * xPrev + beta.sqrt() * noise              // [B, C, H, W]
    }
}
