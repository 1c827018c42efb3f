// ClassifierFreeGuidance.swift — sampling p(x | c)·p(c | x)^(w−1) with one network
// (Ho & Salimans 2022), as diffusers' pipelines do it.
//
// A class-conditional network trained with label dropout predicts both ε_c = ε(x_t, t, c)
// and ε_u = ε(x_t, t, ∅). Guidance extrapolates from the unconditional prediction
// through the conditional one:
//
//     ε̃ = ε_u + w · (ε_c − ε_u)                          (the kit's w = diffusers' guidance_scale)
//
// w = 0 is unconditional, w = 1 conditional without guidance, w > 1 guided. Ho & Salimans
// write (1 + w')·ε_c − w'·ε_u: their w' = w − 1. lucidrains' `cond_scale` is the kit's w.
// Each step:
//   1. doubled batch: [x_t, x_t] with labels [c, ∅]: ONE forward pass of 2B items
//   2. split the output: first half ε_c, second half ε_u
//   3. ε̃ = ε_u + w(ε_c − ε_u)
//   4. optional CFG rescale φ (Lin et al. 2024, §3.4), done on the x̂₀ the predictions
//      imply, as in the paper: x̂_cfg ← φ · x̂_cfg · std(x̂_c)/std(x̂_cfg) + (1 − φ) · x̂_cfg
//      (diffusers' `rescale_noise_cfg` applies the same formula to the raw prediction)
//   5. optional guidance interval (Kynkäänniemi et al. 2024): guide only for t in a range;
//      outside it the conditional prediction alone is used — one evaluation of B items.
// The sampler (DDPM or DDIM) then takes the guided prediction as if the model had made it.

import Foundation
import Tensors

/// Classifier-free guidance settings, and the guided denoiser they make.
public struct ClassifierFreeGuidance: Sendable, Equatable {
    /// The guidance scale w (0: unconditional, 1: conditional, > 1: guided).
    public let scale: Float
    /// The CFG-rescale weight φ ∈ [0, 1] (0: off).
    public let rescale: Float
    /// The timesteps at which to guide (`nil`: all); elsewhere w = 1.
    public let interval: ClosedRange<Int>?

    /// Guidance with scale `w`, rescale `φ` and an optional interval of timesteps.
    /// - Throws: `SamplerError` for a w that is not finite, a φ outside [0, 1] or an
    ///   interval that starts below 0.
    public init(scale w: Float, rescale φ: Float = 0, interval: ClosedRange<Int>? = nil) throws(SamplerError) {
        guard w.isFinite else { throw SamplerError("the guidance scale w must be a finite number, got \(w)") }
        guard φ.isFinite, φ >= 0, φ <= 1 else { throw SamplerError("the CFG rescale φ must be in [0, 1], got \(φ)") }
        if let interval, interval.lowerBound < 0 {
            throw SamplerError("the guidance interval must lie in 0..<T, got \(interval.lowerBound)…\(interval.upperBound)")
        }
        scale = w
        rescale = φ
        self.interval = interval
    }

    /// Step 3: ε_u + w(ε_c − ε_u), for predictions of the same shape. (The sampler never
    /// calls this at w = 0 or w = 1, where it uses ε_u or ε_c as they are, bit for bit.)
    public static func guidedPrediction(unconditional: Tensor, conditional: Tensor, scale w: Float) -> Tensor {
        precondition(unconditional.shape == conditional.shape,
                     "guidedPrediction: shapes \(unconditional.shape) and \(conditional.shape) differ")
        return unconditional + w * (conditional - unconditional)
    }

    /// `true` when guidance applies at timestep `t` (inside the interval, or no interval).
    public func guides(at t: Int) -> Bool { interval.map { $0.contains(t) } ?? true }

    /// Network evaluations (items) of one step at `t` for a batch of `batch` items:
    /// 2B where guidance applies with w ∉ {0, 1}, else B.
    public func evaluations(at t: Int, batch: Int) -> Int {
        guides(at: t) && scale != 0 && scale != 1 ? 2 * batch : batch
    }

    /// The guided denoiser for a batch with the given `labels` (one per item):
    /// `(x_t, t) ↦ ` the guided prediction, in the model's own `objective`.
    /// - Parameters:
    ///   - model: the class-conditional network.
    ///   - nullLabel: the label of "no condition" (the number of classes).
    ///   - schedule, objective: needed for the rescale (x̂₀ from the predictions).
    ///
    /// The condition can be a class label (`ConditionalDenoiser`) or a prompt
    /// (`PromptedDenoiser`, with the null prompt as `nullLabel`): the doubled batch is
    /// the same either way.
    public func denoiser<Condition>(_ model: @escaping (_ xt: Tensor, _ t: [Int], _ conditions: [Condition]) -> Tensor,
                                    labels: [Condition], nullLabel: Condition,
                                    schedule: NoiseSchedule, objective: Objective) -> Denoiser {
        let nulls = [Condition](repeating: nullLabel, count: labels.count)
        return { [self] xt, t in
            let b = xt.shape[0]
            precondition(labels.count == b, "guided denoiser: \(labels.count) labels for a batch of \(b)")
            let step = t.first ?? 0
            guard guides(at: step), scale != 1 else { return model(xt, t, labels) }   // conditional only
            guard scale != 0 else { return model(xt, t, nulls) }                      // unconditional only
            let output = model(concat([xt, xt], axis: 0), t + t, labels + nulls)       // (1) [2B, …]
            let halves = output.split(axis: 0, sizes: [b, b])                          // (2)
            let (conditional, unconditional) = (halves[0], halves[1])
            let guided = Self.guidedPrediction(unconditional: unconditional,           // (3)
                                               conditional: conditional, scale: scale)
            guard rescale > 0 else { return guided }
            return rescaled(guided, conditional: conditional, xt: xt, t: t,            // (4)
                            schedule: schedule, objective: objective)
        }
    }

    /// Step 4: the guided prediction with its x̂₀'s per-item standard deviation pulled
    /// toward the conditional x̂₀'s, by φ; returned in the model's objective.
    func rescaled(_ guided: Tensor, conditional: Tensor, xt: Tensor, t: [Int],
                  schedule: NoiseSchedule, objective: Objective) -> Tensor {
        let x0Guided = objective.split(guided, xt: xt, t: t, schedule: schedule).x0            // [B, …]
        let x0Conditional = objective.split(conditional, xt: xt, t: t, schedule: schedule).x0  // [B, …]
        let axes = Array(1..<xt.rank)
        let stdConditional = x0Conditional.variance(axes: axes, keepDims: true).sqrt()          // [B, 1, 1, 1]
        let stdGuided = x0Guided.variance(axes: axes, keepDims: true).sqrt() + 1e-12            // [B, 1, 1, 1]
        let x0Rescaled = x0Guided * (stdConditional / stdGuided)
        let x0 = rescale * x0Rescaled + (1 - rescale) * x0Guided                                // [B, …]
        // Keep x_t fixed: the ε that goes with the new x̂₀, then the objective's output.
        let abar = t.map { schedule.alphasCumprodDouble[$0] }
        let sqrtA = Tensor(shape: [t.count] + [Int](repeating: 1, count: xt.rank - 1), scalars: abar.map { Float($0.squareRoot()) })
        let sqrtOneMinusA = Tensor(shape: sqrtA.shape, scalars: abar.map { Float((1 - $0).squareRoot()) })
        let epsilon = (xt - sqrtA * x0) / sqrtOneMinusA
        return objective.target(x0: x0, noise: epsilon, t: t, schedule: schedule)
    }

    /// The timesteps whose noise level σ_t = √((1 − ᾱ_t)/ᾱ_t) lies in (σ_low, σ_high]:
    /// Kynkäänniemi et al.'s interval, given in σ (their EDM2 setting is (0.28, 5.42]),
    /// turned into timesteps of `schedule`.
    /// - Throws: `SamplerError` if no timestep of the schedule has its σ in the range.
    public static func interval(sigmaLow: Double, sigmaHigh: Double, schedule: NoiseSchedule) throws(SamplerError) -> ClosedRange<Int> {
        let inside = schedule.alphasCumprodDouble.indices.filter { t in
            let a = schedule.alphasCumprodDouble[t]
            let sigma = ((1 - a) / a).squareRoot()
            return sigma > sigmaLow && sigma <= sigmaHigh
        }
        guard let first = inside.first, let last = inside.last else {
            throw SamplerError("no timestep of the schedule has σ in (\(sigmaLow), \(sigmaHigh)]: the guidance interval is empty")
        }
        return first...last
    }

    /// Parses an interval of timesteps "LOW-HIGH" (inclusive) for a schedule of T steps.
    /// - Throws: `SamplerError` for text that is not two integers, LOW > HIGH (an empty
    ///   interval) or bounds outside 0..<T.
    public static func parseInterval(_ text: String, timesteps T: Int) throws(SamplerError) -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1] else {
            throw SamplerError("the guidance interval must be LOW-HIGH (two timesteps, e.g. 100-600), got \"\(text)\"")
        }
        guard low <= high else { throw SamplerError("the guidance interval \(low)-\(high) is empty (LOW must be ≤ HIGH)") }
        guard low >= 0, high < T else { throw SamplerError("the guidance interval \(low)-\(high) must lie in 0…\(T - 1)") }
        return low...high
    }
}
