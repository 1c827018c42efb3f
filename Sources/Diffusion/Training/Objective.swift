// Objective.swift — what the network is trained to predict, and how to convert.
//
// With x_t = √ᾱ·x₀ + √(1−ᾱ)·ε (DDPM eq. 4) any one of ε, x₀ and
// v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans & Ho 2022, §4) determines the other two given x_t:
//
//   x₀ = (x_t − √(1−ᾱ)·ε)/√ᾱ        ε = (x_t − √ᾱ·x₀)/√(1−ᾱ)
//   x₀ = √ᾱ·x_t − √(1−ᾱ)·v          ε = √ᾱ·v + √(1−ᾱ)·x_t
//
// Min-SNR-γ weighting (Hang et al. 2023) evens out the loss over t. With
// snr = ᾱ/(1−ᾱ) and γ = 5 the weight of the MSE is
//   ε: min(snr, γ)/snr     x₀: min(snr, γ)     v: min(snr, γ)/(snr + 1).

import Tensors

/// What a denoiser predicts: the noise ε (DDPM's choice, the default), the clean image
/// x₀, or the velocity v = √ᾱ·ε − √(1−ᾱ)·x₀.
public enum Objective: String, CaseIterable, Sendable, Codable {
    /// ε-prediction (Ho et al. 2020).
    case epsilon = "eps"
    /// x₀-prediction.
    case x0
    /// v-prediction (Salimans & Ho 2022).
    case v

    /// The regression target for clean data `x0` [B, …], its noise `noise` [B, …] and
    /// timesteps `t` (B entries).
    public func target(x0: Tensor, noise: Tensor, t: [Int], schedule: NoiseSchedule) -> Tensor {
        switch self {
        case .epsilon: return noise
        case .x0: return x0
        case .v:
            let a = schedule.sqrtAlphasCumprod.gather(t, broadcastRank: x0.rank)           // [B, 1, 1, 1]
            let s = schedule.sqrtOneMinusAlphasCumprod.gather(t, broadcastRank: x0.rank)   // [B, 1, 1, 1]
            return a * noise - s * x0                                                     // [B, C, H, W]
        }
    }

    /// Converts a network output at (x_t, t) into the predicted x₀ and ε.
    public func split(_ output: Tensor, xt: Tensor, t: [Int], schedule: NoiseSchedule) -> (x0: Tensor, epsilon: Tensor) {
        let a = schedule.sqrtAlphasCumprod.gather(t, broadcastRank: xt.rank)               // √ᾱ   [B, 1, 1, 1]
        let s = schedule.sqrtOneMinusAlphasCumprod.gather(t, broadcastRank: xt.rank)       // √(1−ᾱ)
        switch self {
        case .epsilon: return ((xt - s * output) / a, output)
        case .x0: return (output, (xt - a * output) / s)
        case .v: return (a * xt - s * output, a * output + s * xt)
        }
    }

    /// The min-SNR-γ loss weight of each timestep in `t` (γ = 5 in the paper).
    public func minSNRWeights(t: [Int], gamma: Double = 5, schedule: NoiseSchedule) -> [Float] {
        t.map { step in
            let abar = schedule.alphasCumprodDouble[step]
            let snr = abar / (1 - abar)
            let clipped = min(snr, gamma)
            switch self {
            case .epsilon: return Float(clipped / snr)
            case .x0: return Float(clipped)
            case .v: return Float(clipped / (snr + 1))
            }
        }
    }
}
