// ScoreFromEpsilon.swift — the score-based view of an ε-predictor.
//
// With x_t = √ᾱ·x₀ + √(1−ᾱ)·ε, the score of the noised data is
//   ∇ log p_t(x_t) = −E[ε | x_t]/√(1−ᾱ_t),
// so a network that predicts ε predicts the score up to that factor (Song et al. 2021).

import Tensors

extension NoiseSchedule {
    /// s(x_t) = −ε̂/√(1−ᾱ_t), one t per batch item of `epsilon` [B, …].
    public func score(fromEpsilon epsilon: Tensor, t: [Int]) -> Tensor {
        -epsilon / sqrtOneMinusAlphasCumprod.gather(t, broadcastRank: epsilon.rank)        // [B, …]
    }

    /// ε̂ = −√(1−ᾱ_t)·s, the inverse of `score(fromEpsilon:t:)`.
    public func epsilon(fromScore score: Tensor, t: [Int]) -> Tensor {
        -(sqrtOneMinusAlphasCumprod.gather(t, broadcastRank: score.rank) * score)           // [B, …]
    }
}
