// Chapter 02 — worked solutions (the same API as Exercises/Chapter02.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 02.
public enum Chapter02 {
    /// 2.1 — β_t = start + (end − start) · t / (T − 1).
    public static func linearBetas(timesteps: Int, start: Double = 1e-4, end: Double = 0.02) throws -> [Double] {
        (0..<timesteps).map { start + (end - start) * Double($0) / Double(timesteps - 1) }
    }

    /// 2.2 — β_t = min(1 − f((t+1)/T) / f(t/T), maxBeta), f(τ) = cos²((τ + s)/(1 + s) · π/2).
    public static func cosineBetas(timesteps: Int, s: Double = 0.008, maxBeta: Double = 0.999) throws -> [Double] {
        func f(_ tau: Double) -> Double { pow(cos((tau + s) / (1 + s) * Double.pi / 2), 2) }
        let T = Double(timesteps)
        return (0..<timesteps).map { t in min(1 - f(Double(t + 1) / T) / f(Double(t) / T), maxBeta) }
    }

    /// 2.3 — ᾱ as a running product, ᾱ_{t−1} padded with 1, and β̃_t.
    public static func cumulativeProducts(betas: [Double]) throws
        -> (alphasCumprod: [Double], alphasCumprodPrev: [Double], posteriorVariance: [Double]) {
        var alphasCumprod: [Double] = []
        var running = 1.0
        for beta in betas {
            running *= 1 - beta
            alphasCumprod.append(running)
        }
        let prev = [1.0] + alphasCumprod.dropLast()
        let posterior = betas.indices.map { t in betas[t] * (1 - prev[t]) / (1 - alphasCumprod[t]) }
        return (alphasCumprod, prev, posterior)
    }
}
