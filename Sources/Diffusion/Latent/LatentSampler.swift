// LatentSampler.swift — sampling in the autoencoder's latent space, then decoding.
//
//   z_T ~ N(0, I)  [B, 4, 8, 8]
//   z_0 = DDIM(z_T; ε̃ = guided prediction for the prompts)   — x̂₀ NOT clipped
//   x   = decoder(z_0 / s), cropped to 28 × 28
//
// The pixel samplers clip x̂₀ to [−1, 1] by default because images live there. Scaled
// latents do not: about a third of their values lie outside ±1 (they have unit
// variance), so clipping would flatten every latent toward the cube and the decoder
// would draw grey, blurred strokes. Latent diffusion's own code samples with
// `clip_denoised=False`; diffusers' LDM pipeline with `clip_sample=False`.

import Tensors

/// DDIM sampling (η = 0) of a prompt-conditioned denoiser in latent space, without x̂₀
/// clipping unless asked, and decoding with the codec.
public struct LatentSampler {
    /// The autoencoder and scale factor.
    public let codec: LatentCodec
    /// The latent denoiser with prompts.
    public let model: PromptedDenoiser
    /// The null prompt (every slot "<pad>").
    public let nullPrompt: [Int]
    /// The schedule and objective the model was trained with.
    public let schedule: NoiseSchedule, objective: Objective

    /// A sampler for `model` in `codec`'s latent space.
    public init(codec: LatentCodec, model: @escaping PromptedDenoiser, nullPrompt: [Int],
                schedule: NoiseSchedule, objective: Objective) {
        self.codec = codec
        self.model = model
        self.nullPrompt = nullPrompt
        self.schedule = schedule
        self.objective = objective
    }

    /// Scaled latents `[B, 4, 8, 8]` from the noise `zT` with one prompt per item,
    /// guided with `guidance` (scale 0: unconditional; 1: the prompt alone), in `steps`
    /// DDIM steps (trailing spacing, η = 0).
    /// - Parameters:
    ///   - clipRange: x̂₀ clipping; `nil` (the default) for latents. Only the chapter's
    ///     demonstration of what clipping does passes −1…1.
    ///   - observe: called after each network evaluation with the timestep (for
    ///     attention maps).
    /// - Throws: `SamplerError` for a bad number of steps.
    public func sampleLatents(from zT: Tensor, prompts: [[Int]], guidance: ClassifierFreeGuidance, steps: Int,
                              clipRange: ClosedRange<Float>? = nil, observe: ((Int) -> Void)? = nil,
                              progress: ((Int) -> Void)? = nil) throws(SamplerError) -> Tensor {
        var rng = SeededGenerator(seed: 0)                              // unused: η = 0 draws nothing
        return try sampleLatents(from: zT, prompts: prompts, guidance: guidance, steps: steps, eta: 0, using: &rng,
                                 clipRange: clipRange, observe: observe, progress: progress)
    }

    /// The same with DDIM's η ∈ [0, 1] (0: deterministic; 1: DDPM-like, fresh noise at
    /// each step, drawn from `rng`).
    /// - Throws: `SamplerError` for a bad number of steps or η.
    public func sampleLatents(from zT: Tensor, prompts: [[Int]], guidance: ClassifierFreeGuidance, steps: Int,
                              eta: Float, using rng: inout SeededGenerator,
                              clipRange: ClosedRange<Float>? = nil, observe: ((Int) -> Void)? = nil,
                              progress: ((Int) -> Void)? = nil) throws(SamplerError) -> Tensor {
        precondition(prompts.count == zT.shape[0], "LatentSampler: \(prompts.count) prompts for \(zT.shape[0]) latents")
        let sampler = try DDIMSampler(schedule: schedule, objective: objective, eta: eta, clipRange: clipRange)
        let guided = guidance.denoiser(model, labels: prompts, nullLabel: nullPrompt, schedule: schedule, objective: objective)
        return try sampler.sample(from: zT, model: { x, t in
            let output = guided(x, t)
            observe?(t.first ?? 0)
            return output
        }, steps: steps, using: &rng, progress: progress)
    }

    /// Digits `[B, 1, 28, 28]` decoded from scaled latents (decoder(z/s), cropped).
    public func decode(_ latents: Tensor) -> Tensor { codec.decode(latents) }
}
