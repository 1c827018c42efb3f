// ForwardProcess.swift — q(x_t | x₀) in closed form, and q(x_t | x_{t−1}) one step at a time.
//
// DDPM eq. 2:  q(x_t | x_{t−1}) = N(√(1 − β_t) · x_{t−1}, β_t · I)
// DDPM eq. 4:  q(x_t | x₀)      = N(√ᾱ_t · x₀, (1 − ᾱ_t) · I)
// so x_t = √ᾱ_t · x₀ + √(1 − ᾱ_t) · ε with ε ~ N(0, I): one jump instead of t steps.
// Every function takes one timestep per batch item: x is [B, …] and t has B entries.

import Tensors

extension NoiseSchedule {
    /// Checks that `t` holds one valid timestep per batch item of `x`.
    func checkTimesteps(_ t: [Int], for x: Tensor, op: String) {
        guard x.rank >= 1, t.count == x.shape[0] else {
            fatalError("\(op): \(t.count) timesteps for a batch of shape \(x.shape) (need one per item)")
        }
        if let bad = t.first(where: { $0 < 0 || $0 >= timesteps }) {
            fatalError("\(op): timestep \(bad) is outside 0..<\(timesteps)")
        }
    }

    /// x_t = √ᾱ_t · x₀ + √(1 − ᾱ_t) · ε, the closed-form sample of q(x_t | x₀)
    /// (diffusers' `add_noise`). x₀ and ε are `[B, …]`; `t` has B entries.
    public func addNoise(_ x0: Tensor, noise: Tensor, t: [Int]) -> Tensor {
        checkTimesteps(t, for: x0, op: "addNoise")
        guard noise.shape == x0.shape else {
            fatalError("addNoise: noise of shape \(noise.shape) for x0 of shape \(x0.shape)")
        }
        let a = sqrtAlphasCumprod.gather(t, broadcastRank: x0.rank)            // [B, 1, 1, 1]
        let s = sqrtOneMinusAlphasCumprod.gather(t, broadcastRank: x0.rank)    // [B, 1, 1, 1]
        return a * x0 + s * noise                                               // [B, C, H, W]
    }

    /// Draws ε ~ N(0, I) and returns (x_t, ε) with x_t from `addNoise`.
    public func qSample<G: RandomNumberGenerator>(_ x0: Tensor, t: [Int], using rng: inout G) -> (xt: Tensor, noise: Tensor) {
        let noise = Tensor.randn(x0.shape, using: &rng)
        return (addNoise(x0, noise: noise, t: t), noise)
    }

    /// One step of the forward chain: x_t = √(1 − β_t) · x_{t−1} + √β_t · ε.
    public func forwardStep(_ xPrev: Tensor, noise: Tensor, t: [Int]) -> Tensor {
        checkTimesteps(t, for: xPrev, op: "forwardStep")
        let beta = betas.gather(t, broadcastRank: xPrev.rank)                  // [B, 1, 1, 1]
        return (1 - beta).sqrt() * xPrev + beta.sqrt() * noise
    }

    /// Applies `forwardStep` for s = 0, 1, …, `steps` − 1 to clean data x₀. With the
    /// 0-based convention the result is x_t for t = steps − 1: it has the distribution
    /// of `addNoise(x₀, noise:, t: steps − 1)`, which chapter 01 checks empirically.
    public func forwardChain<G: RandomNumberGenerator>(_ x0: Tensor, steps: Int, using rng: inout G) -> Tensor {
        precondition(steps >= 0 && steps <= timesteps, "forwardChain: steps \(steps) outside 0...\(timesteps)")
        var x = x0
        for s in 0..<steps {
            x = forwardStep(x, noise: Tensor.randn(x.shape, using: &rng), t: [Int](repeating: s, count: x.shape[0]))
        }
        return x
    }
}
