// DDPMSampler.swift — ancestral sampling, x_T ~ N(0, I) → x_{T−1} → … → x_0
// (Ho et al. 2020, Algorithm 2, with the predicted x₀ clipped as in their code).
//
// At each t = T−1, …, 0, for the network output at (x_t, t):
//   1. predicted x̂₀ (and ε̂) from the output (Objective.split)
//   2. clip x̂₀ to the data range [−1, 1] and re-derive ε̂ = (x_t − √ᾱ_t x̂₀)/√(1−ᾱ_t),
//      so that both describe the same, in-range, guess
//   3. posterior mean  μ̃ = c1·x̂₀ + c2·x_t,  c1 = β_t √ᾱ_{t−1}/(1−ᾱ_t),
//                                            c2 = (1−ᾱ_{t−1}) √α_t/(1−ᾱ_t)     (eq. 7)
//   4. variance σ_t² = β̃_t = β_t (1−ᾱ_{t−1})/(1−ᾱ_t) ("fixed small", default)
//      or σ_t² = β_t ("fixed large"); both appear in §3.2 of the paper
//   5. x_{t−1} = μ̃ + σ_t z with z ~ N(0, I) — except at t = 0, where x₀ = μ̃:
//      adding noise at the last step would leave the final image noisy.

import Foundation
import Tensors

/// The variance of each reverse step.
public enum PosteriorVariance: String, CaseIterable, Sendable {
    /// σ² = β̃_t, the true posterior variance given x₀ (the default).
    case fixedSmall = "fixed-small"
    /// σ² = β_t, the forward step's variance (an upper bound).
    case fixedLarge = "fixed-large"
}

/// x_t and the predicted x₀ at one timestep of a reverse trajectory.
public struct TrajectorySnapshot {
    /// The timestep.
    public let t: Int
    /// The sample x_t entering the step at t [B, …].
    public let xt: Tensor
    /// The network's (clipped) prediction of x₀ at t [B, …].
    public let predictedX0: Tensor
}

/// DDPM's ancestral sampler.
public struct DDPMSampler {
    /// The schedule the model was trained with.
    public let schedule: NoiseSchedule
    /// What the model predicts.
    public let objective: Objective
    /// σ_t² = β̃_t or β_t.
    public var variance: PosteriorVariance
    /// The range x̂₀ is clipped to (`nil`: no clipping).
    public var clipRange: ClosedRange<Float>?

    /// A sampler with fixed-small variance and x̂₀ clipped to [−1, 1].
    public init(schedule: NoiseSchedule, objective: Objective = .epsilon,
                variance: PosteriorVariance = .fixedSmall, clipRange: ClosedRange<Float>? = -1...1) {
        self.schedule = schedule
        self.objective = objective
        self.variance = variance
        self.clipRange = clipRange
    }

    /// Steps 1–2: the clipped x̂₀ and the ε̂ re-derived from it, for the output at (x_t, t).
    public func predictions(modelOutput: Tensor, xt: Tensor, t: Int) -> (x0: Tensor, epsilon: Tensor) {
        let ts = [Int](repeating: t, count: xt.shape[0])
        var (x0, epsilon) = objective.split(modelOutput, xt: xt, t: ts, schedule: schedule)  // [B, C, H, W] each
        if let clipRange {
            x0 = x0.clamped(min: clipRange.lowerBound, max: clipRange.upperBound)
            let abar = schedule.alphasCumprodDouble[t]
            epsilon = (xt - Float(abar.squareRoot()) * x0) / Float((1 - abar).squareRoot())
        }
        return (x0, epsilon)
    }

    /// σ_t (not squared) of step 4.
    public func sigma(at t: Int) -> Float {
        switch variance {
        case .fixedSmall: return schedule.posteriorVariance.scalars[t].squareRoot()
        case .fixedLarge: return schedule.betas.scalars[t].squareRoot()
        }
    }

    /// Steps 3–5 for one t (the same for the whole batch): x_{t−1} and the clipped x̂₀.
    /// `noise` (z, shape of x_t) is used only when t > 0.
    public func step(_ xt: Tensor, t: Int, modelOutput: Tensor, noise: Tensor?) -> (previous: Tensor, predictedX0: Tensor) {
        precondition(t >= 0 && t < schedule.timesteps, "DDPMSampler.step: t = \(t) outside 0..<\(schedule.timesteps)")
        let (x0, _) = predictions(modelOutput: modelOutput, xt: xt, t: t)
        let c1 = schedule.posteriorMeanCoef1.scalars[t], c2 = schedule.posteriorMeanCoef2.scalars[t]
        let mean = c1 * x0 + c2 * xt                                                  // μ̃  [B, C, H, W]
        guard t > 0 else { return (mean, x0) }                                        // no noise at the last step
        guard let noise else { fatalError("DDPMSampler.step: noise is needed for t = \(t) > 0") }
        return (mean + sigma(at: t) * noise, x0)                                      // [B, C, H, W]
    }

    /// Samples from pure noise of `shape` ([B, C, H, W] or [B, 2]) with `model`.
    /// - Parameters:
    ///   - snapshotsAt: timesteps at which to keep x_t and x̂₀.
    ///   - progress: called after each step with the number of steps done.
    public func sample(shape: [Int], model: Denoiser, using rng: inout some RandomNumberGenerator,
                       snapshotsAt: Set<Int> = [], progress: ((Int) -> Void)? = nil) -> (x0: Tensor, snapshots: [TrajectorySnapshot]) {
        let xT = Tensor.randn(shape, using: &rng)                                     // x_T  [B, …]
        return sample(from: xT, model: model, using: &rng, snapshotsAt: snapshotsAt, progress: progress)
    }

    /// Runs the reverse chain from the given x_{T−1} (pure noise) to x₀, without
    /// recording a graph.
    public func sample(from xT: Tensor, model: Denoiser, using rng: inout some RandomNumberGenerator,
                       snapshotsAt: Set<Int> = [], progress: ((Int) -> Void)? = nil) -> (x0: Tensor, snapshots: [TrajectorySnapshot]) {
        withNoGrad {
            var x = xT
            var snapshots: [TrajectorySnapshot] = []
            let T = schedule.timesteps
            for t in stride(from: T - 1, through: 0, by: -1) {
                let output = model(x, [Int](repeating: t, count: x.shape[0]))         // [B, …]
                let noise = t > 0 ? Tensor.randn(x.shape, using: &rng) : nil          // z
                let (previous, x0) = step(x, t: t, modelOutput: output, noise: noise)
                if snapshotsAt.contains(t) { snapshots.append(TrajectorySnapshot(t: t, xt: x, predictedX0: x0)) }
                x = previous
                progress?(T - t)
            }
            return (x, snapshots)
        }
    }
}
