// AutoencoderTrainer.swift — training the KL-regularised autoencoder of latent diffusion.
//
// One step on a batch x [B, 1, 32, 32]:
//   1. q(z | x) = N(μ, σ²) ← encoder(x)
//   2. z = μ + σ ⊙ ε                      (reparameterisation: gradients reach μ and σ)
//   3. x̂ = decoder(z)
//   4. L = rec + β · KL, both with the SAME reduction: a sum over an item's values
//      (pixels for rec, latent dimensions for KL), then a mean over the batch:
//        rec = (1/B) Σ_b Σ_pixels (x̂ − x)²
//        KL  = (1/B) Σ_b ½ Σ_dims (μ² + σ² − 1 − log σ²)
//      β = 1e-3 with this "sum per item" reduction (latent diffusion's KL-f4 uses 1e-6
//      on sums over 256 × 256 × 3 pixels; a weight means nothing without its reduction).
//   5. AdamW step, learning rate warmed up then cosine-decayed; gradients clipped to norm 1.

import NeuralNets
import Tensors

/// The two terms of the autoencoder's loss and their weighted sum.
public struct AutoencoderLoss {
    /// rec + β · KL, a scalar.
    public let total: Tensor
    /// Σ over pixels of the squared error, mean over the batch.
    public let reconstruction: Tensor
    /// KL(q(z|x) ‖ N(0, I)) summed over the latent's dimensions, mean over the batch.
    public let kl: Tensor
}

/// The loss of step 4 for images `x` `[B, C, H, W]`, with reparameterisation noise
/// `noise` of the latent's shape `[B, z, H/4, W/4]` and KL weight `klWeight` (β, for the
/// "sum per item, mean over the batch" reduction of both terms).
public func autoencoderLoss(_ autoencoder: Autoencoder, images x: Tensor, klWeight: Float, noise: Tensor) -> AutoencoderLoss {
    let posterior = autoencoder.encode(x)                                       // (1) [B, z, h, w] each
    let z = posterior.sample(noise: noise)                                      // (2) [B, z, h, w]
    let reconstruction = autoencoder.decode(z)                                  // (3) [B, C, H, W]
    let batch = Float(x.shape[0])
    let rec = (reconstruction - x).squared().sum() / batch                      // (4) sum per item, mean over batch
    let kl = posterior.klDivergence().sum() / batch                             //     the same reduction
    return AutoencoderLoss(total: rec + klWeight * kl, reconstruction: rec, kl: kl)
}

/// Trains an `Autoencoder` on a stream of image batches.
public struct AutoencoderTrainer {
    /// The settings of a run.
    public struct Configuration: Sendable, Equatable {
        /// Optimisation steps.
        public var steps: Int
        /// Images per step.
        public var batchSize = 64
        /// AdamW's peak learning rate.
        public var learningRate: Float = 2e-3
        /// Steps of linear warm-up before the cosine decay.
        public var warmupSteps = 100
        /// β, the KL weight, for sums over each item's values and a mean over the batch.
        public var klWeight: Float = 1e-3

        /// A run of `steps` steps with the defaults above.
        public init(steps: Int) { self.steps = steps }
    }

    /// What one step reports.
    public struct Progress: Sendable {
        /// The step just done (1-based) and the number of steps.
        public let step: Int, steps: Int
        /// The batch's reconstruction and KL terms (see `AutoencoderLoss`).
        public let reconstruction: Float, kl: Float
        /// The learning rate used.
        public let learningRate: Float
    }

    /// The run's settings.
    public let configuration: Configuration

    /// A trainer with the given settings.
    public init(_ configuration: Configuration) {
        precondition(configuration.steps > 0 && configuration.batchSize > 0,
                     "AutoencoderTrainer: steps and batch size must be positive")
        precondition(configuration.klWeight >= 0 && configuration.klWeight.isFinite,
                     "AutoencoderTrainer: the KL weight must be ≥ 0 and finite, got \(configuration.klWeight)")
        self.configuration = configuration
    }

    /// Trains `autoencoder` for the configured steps; `data(rng, n)` returns the next
    /// `n` images `[n, C, H, W]`. Leaves the model in eval mode.
    public func train(_ autoencoder: Autoencoder, data: (inout SeededGenerator, Int) -> Tensor,
                      using rng: inout SeededGenerator, progress: (Progress) -> Void = { _ in }) {
        let c = configuration
        let optimizer = AdamW(parameters: autoencoder.parameters, learningRate: c.learningRate)
        let schedule = LearningRateSchedule.warmupCosine(base: c.learningRate, warmupSteps: min(c.warmupSteps, c.steps / 10),
                                                         totalSteps: c.steps, minimum: c.learningRate / 50)
        autoencoder.train()
        for step in 1...c.steps {
            let x = data(&rng, c.batchSize)                                                 // [B, C, H, W]
            let f = autoencoder.config.downsamplingFactor
            let noise = Tensor.randn([x.shape[0], autoencoder.config.latentChannels, x.shape[2] / f, x.shape[3] / f],
                                     using: &rng)                                           // ε [B, z, h, w]
            optimizer.zeroGrad()
            let loss = autoencoderLoss(autoencoder, images: x, klWeight: c.klWeight, noise: noise)
            loss.total.backward()
            _ = clipGradNorm(optimizer.parameters, maxNorm: 1)
            optimizer.learningRate = schedule(step)
            optimizer.step()
            progress(Progress(step: step, steps: c.steps, reconstruction: loss.reconstruction.item,
                              kl: loss.kl.item, learningRate: optimizer.learningRate))
        }
        autoencoder.zeroGrad()
        autoencoder.eval()
    }
}
