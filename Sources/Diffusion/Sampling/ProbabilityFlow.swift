// ProbabilityFlow.swift — the probability-flow ODE of the VP process, solved in σ-space.
//
// Write σ = √((1−ᾱ)/ᾱ) and y = x/√ᾱ, so that y = x₀ + σ·ε. The deterministic ODE that
// moves y with the same marginals as the noising process (Song et al. 2021; Karras et
// al. 2022, eq. 3 with s = 1) is
//   dy/dσ = ε̂(x, t) = (y − x̂₀)/σ.
// Euler's method on it from σ_t to σ_{t'} is exactly DDIM with η = 0. Heun's method
// (Karras Alg. 1) corrects each Euler step with the slope at its end — second order,
// two network evaluations per step (one on the last step, to σ = 0).

import Tensors

/// How to integrate the probability-flow ODE.
public enum ODEMethod: String, CaseIterable, Sendable {
    /// One evaluation per step (first order; = DDIM with η = 0).
    case euler
    /// Euler, then the average of both ends' slopes (second order).
    case heun
}

/// A deterministic sampler that integrates the probability-flow ODE.
public struct ProbabilityFlowSampler {
    /// The schedule the model was trained with.
    public let schedule: NoiseSchedule
    /// What the model predicts.
    public let objective: Objective
    /// Euler or Heun.
    public var method: ODEMethod
    /// The range x̂₀ is clipped to (`nil`: none).
    public var clipRange: ClosedRange<Float>?

    /// A probability-flow sampler (Heun by default).
    public init(schedule: NoiseSchedule, objective: Objective = .epsilon, method: ODEMethod = .heun,
                clipRange: ClosedRange<Float>? = -1...1) {
        self.schedule = schedule
        self.objective = objective
        self.method = method
        self.clipRange = clipRange
    }

    /// σ_t = √((1−ᾱ_t)/ᾱ_t), or 0 for `nil` (the clean end).
    public func sigma(_ t: Int?) -> Double {
        guard let t else { return 0 }
        let a = schedule.alphasCumprodDouble[t]
        return ((1 - a) / a).squareRoot()
    }

    /// The slope dy/dσ = ε̂ at y for timestep t (x̂₀ clipped, ε̂ re-derived).
    func slope(_ y: Tensor, t: Int, model: Denoiser) -> Tensor {
        let a = schedule.alphasCumprodDouble[t]
        let x = Float(a.squareRoot()) * y                                              // x_t = √ᾱ·y
        let ts = [Int](repeating: t, count: y.shape[0])
        var (x0, epsilon) = objective.split(model(x, ts), xt: x, t: ts, schedule: schedule)
        if let clipRange {
            x0 = x0.clamped(min: clipRange.lowerBound, max: clipRange.upperBound)
            epsilon = (x - Float(a.squareRoot()) * x0) / Float((1 - a).squareRoot())
        }
        return epsilon                                                                  // [B, …]
    }

    /// Integrates from x_T (at the list's first timestep) to the clean end.
    /// - Parameters:
    ///   - progress: called after each step with the number of steps done.
    ///   - record: called after each step with the timestep reached (−1 for the clean
    ///     end) and x there (x = √ᾱ·y) — for trajectory plots.
    /// - Returns: the sample and the number of network evaluations it took.
    /// - Throws: `SamplerError` for a bad number of steps.
    public func sample(from xT: Tensor, model: Denoiser, steps: Int, spacing: TimestepSpacing = .trailing,
                       progress: ((Int) -> Void)? = nil,
                       record: ((Int, Tensor) -> Void)? = nil) throws(SamplerError) -> (x0: Tensor, evaluations: Int) {
        guard steps >= 1, steps <= schedule.timesteps else {
            throw SamplerError("the number of steps must be in 1…\(schedule.timesteps), got \(steps)")
        }
        let ts = spacing.timesteps(steps: steps, of: schedule.timesteps)
        return withNoGrad {
            var y = xT / Float(schedule.alphasCumprodDouble[ts[0]].squareRoot())       // y = x/√ᾱ
            var evaluations = 0
            for (i, t) in ts.enumerated() {
                let tNext: Int? = i + 1 < ts.count ? ts[i + 1] : nil
                let h = Float(sigma(tNext) - sigma(t))                                  // negative: σ falls
                let d1 = slope(y, t: t, model: model); evaluations += 1
                let euler = y + h * d1
                if method == .heun, let tNext {
                    let d2 = slope(euler, t: tNext, model: model); evaluations += 1
                    y = y + h * 0.5 * (d1 + d2)
                } else {
                    y = euler
                }
                if let record {
                    record(tNext ?? -1, tNext.map { Float(schedule.alphasCumprodDouble[$0].squareRoot()) * y } ?? y)
                }
                progress?(i + 1)
            }
            return (y, evaluations)                                                     // at σ = 0, x = y
        }
    }
}
