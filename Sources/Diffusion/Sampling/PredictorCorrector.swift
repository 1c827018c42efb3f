// PredictorCorrector.swift — predictor–corrector sampling (Song et al. 2021, "Score-based
// generative modeling through SDEs", Alg. 2; the VP version is their Alg. 5).
//
// Each step of the reverse chain is split in two:
//   predictor  one DDPM ancestral step x_t → x_{t−1} (DDPMSampler.step: x̂₀ clipped,
//              posterior mean, σ² = β̃) — it moves the samples down one noise level
//   corrector  K steps of Langevin dynamics at the new level t−1, with the score read
//              off the network, s = −ε̂(x, t−1)/√(1−ᾱ_{t−1}) — it pulls the samples back
//              towards p_{t−1} where the predictor's discretisation left them off
//
// One corrector step, with z ~ N(0, I) and r the target signal-to-noise ratio:
//   1. s = −ε̂(x, t')/√(1−ᾱ_{t'}),  t' = t−1                (the score from ε)
//   2. δ = 2·α_{t'}·(r·‖z‖/‖s‖)²,  α_{t'} = 1 − β_{t'}       (Alg. 5, step size)
//   3. x ← x + δ·s + √(2δ)·z                                  (`langevinStep`)
// With this δ the noise √(2δ)·‖z‖ is 2r·√α times the drift δ·‖s‖: r fixes how far
// a corrector step moves relative to the score, whatever the noise level. As in
// Song's code, ‖z‖ and ‖s‖ are per-sample norms averaged over the batch, so one δ
// serves the whole batch. No corrector runs after the last predictor step (t = 0):
// the clean end has no score. Each step costs 1 + K network evaluations (1 at t = 0).

import Tensors

/// Predictor–corrector sampling: DDPM ancestral steps, each followed by Langevin
/// corrector steps at the new noise level.
public struct PredictorCorrectorSampler {
    /// The schedule of the chain (the model's, or a respaced one with its adapter).
    public let schedule: NoiseSchedule
    /// What the model predicts.
    public let objective: Objective
    /// The target signal-to-noise ratio r of a corrector step (Song et al. use 0.16
    /// for CIFAR-10 with the VP SDE; smaller is gentler).
    public var snr: Float
    /// Corrector steps K after each predictor step (0: DDPM alone).
    public var correctorSteps: Int
    /// The range x̂₀ is clipped to in the predictor (`nil`: none). The corrector uses
    /// the raw score.
    public var clipRange: ClosedRange<Float>?

    /// A predictor–corrector sampler.
    /// - Throws: `SamplerError` if r is not a positive finite number or K < 0.
    public init(schedule: NoiseSchedule, objective: Objective = .epsilon, snr: Float = 0.16,
                correctorSteps: Int = 1, clipRange: ClosedRange<Float>? = -1...1) throws(SamplerError) {
        guard snr.isFinite, snr > 0 else { throw SamplerError("the signal-to-noise ratio r must be positive, got \(snr)") }
        guard correctorSteps >= 0 else { throw SamplerError("the number of corrector steps must be 0 or more, got \(correctorSteps)") }
        self.schedule = schedule
        self.objective = objective
        self.snr = snr
        self.correctorSteps = correctorSteps
        self.clipRange = clipRange
    }

    /// The predictor: DDPM's ancestral step with fixed-small variance.
    var predictor: DDPMSampler {
        DDPMSampler(schedule: schedule, objective: objective, variance: .fixedSmall, clipRange: clipRange)
    }

    /// Step 1: the score s(x, t) = −ε̂/√(1−ᾱ_t) of the model at timestep t (one t for the batch).
    public func score(_ x: Tensor, t: Int, model: Denoiser) -> Tensor {
        let ts = [Int](repeating: t, count: x.shape[0])
        let epsilon = objective.split(model(x, ts), xt: x, t: ts, schedule: schedule).epsilon   // [B, …]
        return schedule.score(fromEpsilon: epsilon, t: ts)                                       // [B, …]
    }

    /// Step 2: δ = 2·α_t·(r·‖z‖/‖s‖)², the norms per sample, averaged over the batch.
    public func stepSize(score s: Tensor, noise z: Tensor, t: Int) -> Float {
        let n = s.shape[0]
        let scoreNorm = Self.meanRowNorm(s), noiseNorm = Self.meanRowNorm(z)
        guard n > 0, scoreNorm > 0 else { return 0 }
        let alpha = 1 - schedule.betasDouble[t]
        let ratio = Double(snr) * noiseNorm / scoreNorm
        return Float(2 * alpha * ratio * ratio)
    }

    /// The mean over the batch of each sample's Euclidean norm ([B, …] → scalar).
    static func meanRowNorm(_ x: Tensor) -> Double {
        let n = x.shape[0]
        guard n > 0 else { return 0 }
        let width = x.count / n
        var total = 0.0
        x.scalars.withUnsafeBufferPointer { p in
            for i in 0..<n {
                var sum = 0.0
                for j in 0..<width { let v = Double(p[i * width + j]); sum += v * v }
                total += sum.squareRoot()
            }
        }
        return total / Double(n)
    }

    /// Steps 1–3: one Langevin corrector step at timestep t with noise z (shape of x).
    public func correct(_ x: Tensor, t: Int, model: Denoiser, noise z: Tensor) -> Tensor {
        let s = score(x, t: t, model: model)                                                     // [B, …]
        return langevinStep(x, score: s, stepSize: stepSize(score: s, noise: z, t: t), noise: z)  // [B, …]
    }

    /// Runs the chain from x_{T−1} (pure noise, [B, …]) to x₀, without recording a graph.
    /// Draws, per step at t > 0: the predictor's noise, then one noise per corrector step.
    /// - Parameters:
    ///   - progress: called after each step with the number of steps done.
    ///   - record: called after each full step with the timestep the samples are now at
    ///     (t − 1; −1 for the clean end) and the samples — for trajectory plots.
    /// - Returns: the samples and the number of network evaluations.
    public func sample(from xT: Tensor, model: Denoiser, using rng: inout some RandomNumberGenerator,
                       progress: ((Int) -> Void)? = nil,
                       record: ((Int, Tensor) -> Void)? = nil) -> (x0: Tensor, evaluations: Int) {
        let predictor = self.predictor
        return withNoGrad {
            var x = xT
            var evaluations = 0
            let T = schedule.timesteps
            for t in stride(from: T - 1, through: 0, by: -1) {
                let output = model(x, [Int](repeating: t, count: x.shape[0])); evaluations += 1
                let noise = t > 0 ? Tensor.randn(x.shape, using: &rng) : nil
                x = predictor.step(x, t: t, modelOutput: output, noise: noise).previous        // x_{t−1}  [B, …]
                if t > 0 {
                    for _ in 0..<correctorSteps {
                        x = correct(x, t: t - 1, model: model, noise: Tensor.randn(x.shape, using: &rng))
                        evaluations += 1
                    }
                }
                record?(t - 1, x)
                progress?(T - t)
            }
            return (x, evaluations)
        }
    }
}
