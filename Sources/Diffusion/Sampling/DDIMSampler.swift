// DDIMSampler.swift — denoising diffusion implicit models (Song, Meng & Ermon 2021).
//
// From x_t at timestep t to the previous timestep t' of the list (ᾱ' = ᾱ_{t'}, or 1
// after the last entry), for the network output at (x_t, t):
//   1. x̂₀ and ε̂ from the output, x̂₀ clipped to [−1, 1] and ε̂ re-derived (as DDPM)
//   2. σ = η · √((1 − ᾱ')/(1 − ᾱ)) · √(1 − ᾱ/ᾱ')                      (eq. 16)
//   3. x_{t'} = √ᾱ' · x̂₀ + √(1 − ᾱ' − σ²) · ε̂ + σ · z                   (eq. 12)
// η = 0 is deterministic (the same x_T always gives the same image); η = 1 with every
// timestep is DDPM's ancestral sampler with σ² = β̃. Inversion runs step 3 with η = 0
// the other way, from x₀ up to x_{T−1}, to find the noise that makes an image.

import Foundation
import Tensors

/// A bad sampler setting (η outside [0, 1], zero steps, more steps than T).
public struct SamplerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What was wrong, in one line.
    public let description: String
    /// An error with the given message.
    public init(_ description: String) { self.description = description }
}

/// DDIM's sampler and its inversion.
public struct DDIMSampler {
    /// The schedule the model was trained with.
    public let schedule: NoiseSchedule
    /// What the model predicts.
    public let objective: Objective
    /// η ∈ [0, 1]: 0 is deterministic, 1 adds DDPM's noise.
    public let eta: Float
    /// The range x̂₀ is clipped to (`nil`: none).
    public var clipRange: ClosedRange<Float>?

    /// A DDIM sampler.
    /// - Throws: `SamplerError` if η is not a number in [0, 1].
    public init(schedule: NoiseSchedule, objective: Objective = .epsilon, eta: Float = 0,
                clipRange: ClosedRange<Float>? = -1...1) throws(SamplerError) {
        guard eta.isFinite, eta >= 0, eta <= 1 else {
            throw SamplerError("η (eta) must be in [0, 1], got \(eta)")
        }
        self.schedule = schedule
        self.objective = objective
        self.eta = eta
        self.clipRange = clipRange
    }

    /// The timesteps of an S-step run, descending; checks 1 ≤ S ≤ T.
    /// - Throws: `SamplerError` for S < 1 or S > T.
    public func timesteps(steps: Int, spacing: TimestepSpacing) throws(SamplerError) -> [Int] {
        guard steps >= 1 else { throw SamplerError("the number of steps must be at least 1, got \(steps)") }
        guard steps <= schedule.timesteps else {
            throw SamplerError("\(steps) steps is more than the schedule's T = \(schedule.timesteps)")
        }
        return spacing.timesteps(steps: steps, of: schedule.timesteps)
    }

    /// ᾱ at `t`, or 1 for `nil` (after the last step).
    func alphaBar(_ t: Int?) -> Double { t.map { schedule.alphasCumprodDouble[$0] } ?? 1 }

    /// σ of step 2 between t and t' (`nil`: the clean end).
    public func sigma(from t: Int, to tPrev: Int?) -> Float {
        let a = alphaBar(t), aPrev = alphaBar(tPrev)
        return eta * Float(((1 - aPrev) / (1 - a)).squareRoot() * max(0, 1 - a / aPrev).squareRoot())
    }

    /// Steps 1–3 from t to tPrev (`nil` after the last entry); `noise` is used when σ > 0.
    public func step(_ xt: Tensor, t: Int, tPrev: Int?, modelOutput: Tensor, noise: Tensor?) -> (previous: Tensor, predictedX0: Tensor) {
        var (x0, epsilon) = objective.split(modelOutput, xt: xt, t: [Int](repeating: t, count: xt.shape[0]), schedule: schedule)
        let a = alphaBar(t)
        if let clipRange {
            x0 = x0.clamped(min: clipRange.lowerBound, max: clipRange.upperBound)                       // (1)
            epsilon = (xt - Float(a.squareRoot()) * x0) / Float((1 - a).squareRoot())
        }
        let aPrev = alphaBar(tPrev)
        let sigma = sigma(from: t, to: tPrev)                                                            // (2)
        let direction = Float(max(0, 1 - aPrev - Double(sigma) * Double(sigma)).squareRoot())
        var previous = Float(aPrev.squareRoot()) * x0 + direction * epsilon                              // (3)
        if sigma > 0 {
            guard let noise else { fatalError("DDIMSampler.step: η > 0 needs noise") }
            previous = previous + sigma * noise
        }
        return (previous, x0)
    }

    /// Samples from x_T (pure noise, [B, …]) in `steps` steps.
    /// - Throws: `SamplerError` for a bad number of steps.
    public func sample(from xT: Tensor, model: Denoiser, steps: Int, spacing: TimestepSpacing = .trailing,
                       using rng: inout some RandomNumberGenerator,
                       progress: ((Int) -> Void)? = nil) throws(SamplerError) -> Tensor {
        let ts = try timesteps(steps: steps, spacing: spacing)
        return withNoGrad {
            var x = xT
            for (i, t) in ts.enumerated() {
                let tPrev = i + 1 < ts.count ? ts[i + 1] : nil                    // from the list, or the clean end
                let output = model(x, [Int](repeating: t, count: x.shape[0]))
                let noise = eta > 0 ? Tensor.randn(x.shape, using: &rng) : nil
                x = step(x, t: t, tPrev: tPrev, modelOutput: output, noise: noise).previous
                progress?(i + 1)
            }
            return x
        }
    }

    /// DDIM inversion: the noise x_{t_max} (t_max the list's first timestep) that η = 0
    /// sampling with the same steps maps back to about `x0`. It walks the list upwards
    /// with step 3 reversed: at each timestep t, ε̂ = model(x, t) is taken at the point
    /// already reached (the usual first-order approximation, as diffusers'
    /// `DDIMInverseScheduler`), x̂₀ follows from the current ᾱ, and
    /// x ← √ᾱ_t · x̂₀ + √(1 − ᾱ_t) · ε̂. Nothing is clipped.
    /// - Throws: `SamplerError` for a bad number of steps.
    public func invert(_ x0: Tensor, model: Denoiser, steps: Int, spacing: TimestepSpacing = .trailing,
                       progress: ((Int) -> Void)? = nil) throws(SamplerError) -> Tensor {
        let ts = Array(try timesteps(steps: steps, spacing: spacing).reversed())         // ascending
        return withNoGrad {
            var x = x0                                                                   // [B, …]
            var current: Int? = nil                                                      // ᾱ = 1: clean
            for (i, t) in ts.enumerated() {
                let eps = objective.split(model(x, [Int](repeating: t, count: x.shape[0])), xt: x,
                                          t: [Int](repeating: t, count: x.shape[0]), schedule: schedule).epsilon
                let a = alphaBar(current), aNext = alphaBar(t)
                let x0Hat = (x - Float((1 - a).squareRoot()) * eps) / Float(a.squareRoot())
                x = Float(aNext.squareRoot()) * x0Hat + Float((1 - aNext).squareRoot()) * eps
                current = t
                progress?(i + 1)
            }
            return x
        }
    }
}

/// Spherical interpolation between two noises `a` and `b` of the same shape, at
/// fraction `t` ∈ [0, 1], treating each as one long vector:
/// slerp = sin((1−t)θ)/sin θ · a + sin(tθ)/sin θ · b, with θ the angle between them.
/// Unlike a straight line, it keeps the norm of Gaussian noise (a midpoint of two
/// independent noises by lerp has only ≈ 0.71 of their norm: a faded image).
public func slerp(_ a: Tensor, _ b: Tensor, _ t: Float) -> Tensor {
    precondition(a.shape == b.shape, "slerp: shapes \(a.shape) and \(b.shape) differ")
    let (x, y) = (a.scalars, b.scalars)
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in x.indices {
        dot += Double(x[i]) * Double(y[i]); na += Double(x[i]) * Double(x[i]); nb += Double(y[i]) * Double(y[i])
    }
    let cosine = max(-1, min(1, dot / max((na * nb).squareRoot(), 1e-30)))
    let theta = acos(cosine)
    guard theta > 1e-6 else { return (1 - t) * a + t * b }                   // (almost) parallel: lerp
    let wa = Float(sin((1 - Double(t)) * theta) / sin(theta)), wb = Float(sin(Double(t) * theta) / sin(theta))
    return wa * a + wb * b
}
