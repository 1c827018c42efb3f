// TimestepDensity.swift — how training draws each image's timestep t.
//
// DDPM draws t uniformly. With a linear schedule and T = 1,000 a third of those draws
// land where x_t is almost pure noise (t > 700: ᾱ_t < 0.008) and predicting ε is nearly
// trivial; the middle of the chain, where a digit's shape is decided, gets no more than
// its share. A density that favours the middle spends a short budget there instead
// (BENCHMARKS.md, "The 10-minute run", measures whether it helps).

import Foundation
import Tensors

/// The distribution of training timesteps t ∈ {0, …, T−1}.
public enum TimestepDensity: String, CaseIterable, Sendable {
    /// t ~ Uniform{0, …, T−1}, one per image (DDPM's Algorithm 1; the default).
    case uniform
    /// t = ⌊T·sigmoid(n)⌋ with n ~ N(m, s²): the logit-normal density of Stable
    /// Diffusion 3 (Esser et al., 2024). With m = 0, s = 1 (the default) its mode is
    /// t = T/2 and both ends are rare (t ≥ 0.95·T in 0.2 % of draws); m > 0 moves the
    /// mass towards the noisy end, s < 1 narrows it.
    case logitNormal = "logit-normal"

    /// `count` timesteps in `0..<timesteps`, drawn from `rng`. `.uniform` draws exactly
    /// what `randomInts(count, in: 0..<timesteps)` draws, so runs made before this
    /// option existed reproduce bit for bit. `location` m and `scale` s shape the
    /// logit-normal density (n ~ N(m, s²)); the uniform density ignores them.
    public func draw(_ count: Int, timesteps: Int, location: Double = 0, scale: Double = 1,
                     using rng: inout some RandomNumberGenerator) -> [Int] {
        precondition(timesteps > 0, "TimestepDensity: need at least one timestep")
        switch self {
        case .uniform:
            return randomInts(count, in: 0..<timesteps, using: &rng)
        case .logitNormal:
            precondition(location.isFinite && scale.isFinite && scale > 0, "TimestepDensity: the logit-normal needs a finite m and s > 0")
            return (0..<count).map { _ in
                let n = location + scale * Double(rng.nextNormalPair().0)                 // n ~ N(m, s²)
                let fraction = 1 / (1 + exp(-n))                                       // sigmoid(n) ∈ (0, 1)
                return min(timesteps - 1, Int(fraction * Double(timesteps)))
            }
        }
    }
}
