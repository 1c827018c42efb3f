// DiffusionLoss.swift — the training loss of one batch (DDPM Algorithm 1).
//
//   1. t ~ Uniform{0, …, T−1}, one per image (the full range: T−1 included)
//   2. ε ~ N(0, I)
//   3. x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε
//   4. loss = mean over the batch of w(t)·‖target − model(x_t, t)‖²/D
// where the target is ε, x₀ or v (Objective) and w(t) = 1, or the min-SNR weight.

import Tensors

/// A denoising network as a function: noisy images [B, …] and one integer timestep
/// per image in, a prediction of the same shape out.
public typealias Denoiser = (_ xt: Tensor, _ t: [Int]) -> Tensor

/// One batch's loss, with what it was made of (for the loss-by-t figure).
public struct DiffusionLossResult {
    /// The scalar loss (a graph leading back to the model's parameters).
    public let loss: Tensor
    /// The timestep drawn for each image.
    public let t: [Int]
    /// The unweighted mean squared error of each image.
    public let perItem: [Float]
}

/// The weighted MSE of `model` on the batch `x0` [B, …]: draws t and ε from `rng`.
/// - Parameters:
///   - minSNRGamma: if set, weight each image by the min-SNR-γ weight (γ = 5 usual).
///   - timestepDensity: how t is drawn (uniform, as in step 1 above, by default).
///   - logitNormal: the logit-normal density's location m and scale s.
public func diffusionLoss(model: Denoiser, x0: Tensor, schedule: NoiseSchedule, objective: Objective = .epsilon,
                          minSNRGamma: Double? = nil, timestepDensity: TimestepDensity = .uniform,
                          logitNormal: (location: Double, scale: Double) = (0, 1),
                          using rng: inout some RandomNumberGenerator) -> DiffusionLossResult {
    let batch = x0.shape[0]
    let t = timestepDensity.draw(batch, timesteps: schedule.timesteps, location: logitNormal.location,
                                 scale: logitNormal.scale, using: &rng)             // B timesteps
    let noise = Tensor.randn(x0.shape, using: &rng)                               // ε  [B, C, H, W]
    return diffusionLoss(model: model, x0: x0, noise: noise, t: t, schedule: schedule,
                         objective: objective, minSNRGamma: minSNRGamma)
}

/// The same loss with t and ε given (deterministic; used by tests and exercise 4.1).
public func diffusionLoss(model: Denoiser, x0: Tensor, noise: Tensor, t: [Int], schedule: NoiseSchedule,
                          objective: Objective = .epsilon, minSNRGamma: Double? = nil) -> DiffusionLossResult {
    let batch = x0.shape[0]
    let xt = schedule.addNoise(x0, noise: noise, t: t)                           // [B, C, H, W]
    let target = objective.target(x0: x0, noise: noise, t: t, schedule: schedule)
    let prediction = model(xt, t)                                                 // [B, C, H, W]
    guard prediction.shape == x0.shape else {
        fatalError("diffusionLoss: the model returned shape \(prediction.shape) for input \(x0.shape)")
    }
    let axes = Array(1..<x0.rank)
    let perItem = (prediction - target).squared().mean(axes: axes)               // [B]
    let loss: Tensor
    if let gamma = minSNRGamma {
        let w = Tensor(shape: [batch], scalars: objective.minSNRWeights(t: t, gamma: gamma, schedule: schedule))
        loss = (perItem * w).mean()                                               // []
    } else {
        loss = perItem.mean()                                                     // []
    }
    return DiffusionLossResult(loss: loss, t: t, perItem: perItem.scalars)
}
