// TrainingConfiguration.swift — the knobs of a diffusion training run, with defaults
// that train `unet-digits` on synthetic digits to clear samples in minutes.

import NeuralNets

/// How a `DiffusionTrainer` trains.
public struct TrainingConfiguration: Sendable, Equatable {
    /// What the network predicts (ε by default).
    public var objective: Objective = .epsilon
    /// Min-SNR-γ loss weighting (γ = 5 in the paper); `nil` for the plain MSE.
    public var minSNRGamma: Double? = nil
    /// How each image's timestep is drawn (uniform, as in DDPM, by default).
    public var timestepDensity: TimestepDensity = .uniform
    /// The logit-normal density's location m (n ~ N(m, s²), t = ⌊T·sigmoid(n)⌋); SD3's 0
    /// by default. Ignored by the uniform density.
    public var logitNormalLocation: Double = 0
    /// The logit-normal density's scale s; SD3's 1 by default.
    public var logitNormalScale: Double = 1
    /// Images per step.
    public var batchSize = 64
    /// AdamW's peak learning rate. 1e-3 is higher than DDPM's 2e-4 (at batch 128, for
    /// 800k steps): with a few thousand steps on a CPU the faster start matters more.
    public var learningRate: Float = 1e-3
    /// Steps of linear warm-up from 0 to `learningRate`.
    public var warmupSteps = 200
    /// The step at which the learning rate has decayed (cosine) to 0 — the budget the
    /// schedule knows; `nil` keeps it constant after the warm-up. A short run gains
    /// most from ending at a small rate: the last steps average out the noise of the
    /// first ones (see chapter 04 and BENCHMARKS.md, "The 10-minute run").
    public var decaySteps: Int? = nil
    /// AdamW's decoupled weight decay.
    public var weightDecay: Float = 0
    /// Global-norm gradient clipping (`nil` to switch off).
    public var gradientClip: Float? = 1
    /// The EMA's largest decay; ≈ 1/(1 − β) steps of averaging. 0.999 suits runs of a
    /// few thousand steps (DDPM's 0.9999 would still remember the untrained weights).
    public var emaBeta: Float = 0.999
    /// The seed of every random draw of the run (timesteps, noise, data).
    public var seed: UInt64 = 0
    /// For a class-conditional model: the probability p that a label is replaced by the
    /// null label in training (classifier-free guidance's label dropout; 0.1 as in
    /// Ho & Salimans).
    public var labelDropout: Float = 0.1

    /// The defaults above.
    public init() {}

    /// The learning rate at `step` (counting from 0): linear warm-up, then constant,
    /// or with `decaySteps` a cosine decay to 0 at that step (`LearningRateSchedule`).
    public func learningRate(at step: Int) -> Float {
        if warmupSteps > 0, step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        guard let decaySteps, decaySteps > warmupSteps else { return learningRate }
        return LearningRateSchedule.warmupCosine(base: learningRate, warmupSteps: warmupSteps,
                                                 totalSteps: decaySteps).learningRate(at: step)
    }
}
