// DiffusionTrainer.swift — one training step of a diffusion model, and its state.
//
// A step (DDPM Algorithm 1 with today's refinements):
//   1. draw t, ε and the loss of the batch (DiffusionLoss.swift)
//   2. backward: gradients of every parameter
//   3. clip the gradients to a global norm of 1
//   4. AdamW step with the warmed-up learning rate
//   5. update the EMA of the weights (sampling uses the EMA; warm-up keeps it from
//      remembering the random initial weights)
// Every step draws from its own generator, seeded by (seed, step): a run resumed from
// a checkpoint continues exactly as if it had never stopped.

import NeuralNets
import Tensors

/// What a conditional model is conditioned on in one training batch.
public enum TrainingCondition: Sendable {
    /// One class label per item (the trainer drops them with `labelDropout`).
    case labels([Int])
    /// One prompt (token ids) per item, already dropped by the caller.
    case prompts([[Int]])
}

/// The result of one training step.
public struct TrainingStepResult: Sendable {
    /// The step just completed (1 for the first).
    public let step: Int
    /// The batch's (weighted) loss.
    public let loss: Float
    /// The gradient's global norm before clipping.
    public let gradientNorm: Float
    /// The learning rate used.
    public let learningRate: Float
}

/// Trains a `DiffusionModel` on batches of clean data.
public final class DiffusionTrainer {
    /// The network being trained.
    public let model: DiffusionModel
    /// The noise schedule (T and the β's).
    public let schedule: NoiseSchedule
    /// Objective, batch size, learning rate, clipping, EMA and seed. Fixed when the
    /// trainer is made, except `decaySteps` (`decayLearningRate(toStep:)`).
    public private(set) var configuration: TrainingConfiguration
    /// AdamW over the model's parameters.
    public let optimizer: AdamW
    /// The EMA of the model's parameters.
    public let ema: EMA
    /// The number of completed steps.
    public internal(set) var step = 0
    /// The loss history.
    public var log: TrainingLog

    /// A trainer for `model` (in training mode) with a fresh optimizer and EMA.
    public init(model: DiffusionModel, schedule: NoiseSchedule, configuration: TrainingConfiguration = .init()) {
        precondition(configuration.batchSize > 0, "DiffusionTrainer: batch size must be positive")
        self.model = model
        self.schedule = schedule
        self.configuration = configuration
        model.module.train()
        optimizer = AdamW(parameters: model.module.parameters, learningRate: configuration.learningRate,
                          weightDecay: configuration.weightDecay)
        ema = EMA(namedParameters: model.module.namedParameters, beta: configuration.emaBeta, warmup: .linear)
        log = TrainingLog(timesteps: schedule.timesteps)
    }

    /// The generator of step `step`: a function of the seed and the step only.
    public func generator(forStep step: Int) -> SeededGenerator {
        SeededGenerator(seed: configuration.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(step + 1))
    }

    /// Runs one step on the clean batch `x0` [B, …] (drawn by the caller, usually with
    /// `generator(forStep:)`), using `rng` for t and ε. A class-conditional model takes
    /// the batch's `labels` (B of them), each dropped to the null label with probability
    /// `configuration.labelDropout` (uniforms drawn from `rng` before t and ε); without
    /// labels it trains on the null label only.
    @discardableResult
    public func trainStep(_ x0: Tensor, labels: [Int]? = nil, using rng: inout SeededGenerator,
                          elapsed: Double = 0) -> TrainingStepResult {
        trainStep(x0, condition: labels.map { .labels($0) }, using: &rng, elapsed: elapsed)
    }

    /// Runs one step on the clean batch `x0` [B, …] with its `condition`: class labels
    /// (dropped to the null label as in `trainStep(_:labels:using:elapsed:)`), or prompts
    /// for the prompt-conditioned latent denoiser — those arrive already dropped (the
    /// caller draws the words' dropout, e.g. `DigitPrompt.dropped`, from the step's
    /// generator) — or `nil` for the unconditional prediction.
    @discardableResult
    public func trainStep(_ x0: Tensor, condition: TrainingCondition?, using rng: inout SeededGenerator,
                          elapsed: Double = 0) -> TrainingStepResult {
        let lr = configuration.learningRate(at: step)
        optimizer.learningRate = lr
        optimizer.zeroGrad()
        var denoiser = model.denoiser
        if case .prompts(let prompts)? = condition {
            guard let prompted = model.promptedForward else {
                fatalError("DiffusionTrainer: prompts given, but \(model.preset.rawValue) takes no prompts")
            }
            precondition(prompts.count == x0.shape[0], "DiffusionTrainer: \(prompts.count) prompts for a batch of \(x0.shape[0])")
            denoiser = { x, t in prompted(x, t, prompts) }
        }
        if case .labels(let labels)? = condition {
            guard let conditional = model.conditionalDenoiser, let null = model.nullLabel else {
                fatalError("DiffusionTrainer: labels given, but \(model.preset.rawValue) is not class-conditional")
            }
            precondition(labels.count == x0.shape[0], "DiffusionTrainer: \(labels.count) labels for a batch of \(x0.shape[0])")
            let uniforms = (0..<labels.count).map { _ in Float.random(in: 0..<1, using: &rng) }
            let kept = dropLabels(labels, uniforms: uniforms, probability: configuration.labelDropout, nullLabel: null)
            denoiser = { x, t in conditional(x, t, kept) }
        }
        let result = diffusionLoss(model: denoiser, x0: x0, schedule: schedule,               // (1)
                                   objective: configuration.objective,
                                   minSNRGamma: configuration.minSNRGamma,
                                   timestepDensity: configuration.timestepDensity,
                                   logitNormal: (configuration.logitNormalLocation, configuration.logitNormalScale), using: &rng)
        result.loss.backward()                                                                  // (2)
        let norm = clipGradNorm(optimizer.parameters,                                           // (3)
                                maxNorm: configuration.gradientClip ?? .greatestFiniteMagnitude)
        if norm.isFinite {                    // a non-finite gradient would poison the weights: skip it
            optimizer.step()                                                                    // (4)
            ema.update(step: step)                                                              // (5)
        }
        step += 1
        let loss = result.loss.scalars[0]
        log.append(step: step, loss: loss, perItem: result.perItem, t: result.t, learningRate: lr,
                   gradientNorm: norm, elapsed: elapsed)
        return TrainingStepResult(step: step, loss: loss, gradientNorm: norm, learningRate: lr)
    }

    /// Sets the step at which the learning rate has decayed to 0
    /// (`configuration.decaySteps`): the budget the schedule knows. The training loop
    /// calls it when a budget in minutes has been turned into steps.
    public func decayLearningRate(toStep n: Int) {
        precondition(n > 0, "DiffusionTrainer: the decay must end at a positive step, got \(n)")
        configuration.decaySteps = n
    }

    /// Runs `body` with the EMA weights in the model (and eval mode), then puts the
    /// live weights back.
    public func withEMAWeights<R>(_ body: () throws -> R) rethrows -> R {
        model.module.eval()
        defer { model.module.train() }
        return try ema.withAveragedParameters(body)
    }
}
