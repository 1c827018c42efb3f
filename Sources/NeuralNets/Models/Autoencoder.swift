// Autoencoder.swift — a small KL-regularised convolutional autoencoder (a "VAE" in
// the sense of latent diffusion): the image is encoded to the mean and log-variance of
// a diagonal Gaussian over a small latent, and decoded back.
//
// Kingma & Welling, "Auto-Encoding Variational Bayes" (2014) for the reparameterisation
// and the KL term; Rombach et al., "High-Resolution Image Synthesis with Latent
// Diffusion Models" (CVPR 2022) §3.1 and appendix G for the "KL-reg" autoencoder with a
// tiny KL weight, whose latent is then scaled by s = 1/std(z) before diffusion.
//
// With channels [c₁, c₂, c₃] = [16, 32, 64], latent channels z = 4 and f = 4 (two halvings):
//
//   encoder  x [B, 1, 32, 32] → conv_in 3×3 (1 → c₁)         [B, c₁, 32, 32]
//            enc1 ConvBlock(c₁)      · ds1 3×3 stride 2 → c₂   [B, c₂, 16, 16]
//            enc2 ConvBlock(c₂)      · ds2 3×3 stride 2 → c₃   [B, c₃,  8,  8]
//            enc3 ConvBlock(c₃), enc4 ConvBlock(c₃)
//            norm_enc · SiLU · moments 3×3 (c₃ → 2z)           [B, 2z, 8, 8] = (μ, log σ²)
//   decoder  z [B, z, 8, 8] → dec_in 3×3 (z → c₃)              [B, c₃, 8, 8]
//            dec1 ConvBlock(c₃), dec2 ConvBlock(c₃)
//            us2 nearest ×2 · 3×3 (c₃ → c₂) · dec3 ConvBlock(c₂)   [B, c₂, 16, 16]
//            us1 nearest ×2 · 3×3 (c₂ → c₁) · dec4 ConvBlock(c₁)   [B, c₁, 32, 32]
//            norm_dec · SiLU · conv_out 3×3 (c₁ → 1)           [B, 1, 32, 32]
//
// A ConvBlock is the residual h + conv(SiLU(GroupNorm(h))). The decoder's output is not
// squashed (a tanh would make the last bit of ink hard to reach); images are in [−1, 1]
// and a figure clamps.

import Tensors

/// The residual block of the autoencoder: `h + conv(SiLU(GroupNorm(h)))`, channels kept.
public final class ConvBlock: Module {
    /// GroupNorm over the channels.
    public let norm: GroupNorm
    /// 3×3 convolution C → C.
    public let conv: Conv2d
    /// Training or evaluation mode (no difference for this block).
    public var training = true

    /// A block of `channels` channels.
    public init(_ channels: Int, groups: Int = 8, using rng: inout some RandomNumberGenerator) {
        norm = GroupNorm(groups: groups, channels: channels)
        conv = Conv2d(channels, channels, kernelSize: 3, padding: 1, using: &rng)
    }

    /// None of its own.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// `norm`, `conv`.
    public var children: [(name: String, module: any Module)] { [("norm", norm), ("conv", conv)] }

    /// `[B, C, H, W]` → `[B, C, H, W]`.
    public func callAsFunction(_ h: Tensor) -> Tensor { h + conv(norm.silu(h)) }
}

/// The shape of an `Autoencoder`.
public struct AutoencoderConfig: Equatable, Sendable {
    /// Image channels (1 for digits).
    public var imageChannels = 1
    /// Channels at full, half and quarter resolution.
    public var channels = [16, 32, 64]
    /// Channels z of the latent.
    public var latentChannels = 4
    /// GroupNorm groups.
    public var groups = 8

    /// The kit's digit autoencoder: 32 × 32 → 4 × 8 × 8.
    public static let digits = AutoencoderConfig()

    /// An autoencoder of the given shape.
    public init(imageChannels: Int = 1, channels: [Int] = [16, 32, 64], latentChannels: Int = 4, groups: Int = 8) {
        self.imageChannels = imageChannels
        self.channels = channels
        self.latentChannels = latentChannels
        self.groups = groups
    }

    /// The downsampling factor f: 4 (two halvings).
    public var downsamplingFactor: Int { 4 }
}

/// A diagonal Gaussian N(μ, diag σ²), the encoder's posterior over the latent.
public struct DiagonalGaussian {
    /// The mean μ `[B, z, h, w]`.
    public let mean: Tensor
    /// log σ² `[B, z, h, w]`, clamped to [−30, 20] as in latent diffusion (so that σ
    /// neither underflows nor overflows).
    public let logVariance: Tensor

    /// The posterior with the given mean and (clamped) log-variance.
    public init(mean: Tensor, logVariance: Tensor) {
        self.mean = mean
        self.logVariance = logVariance.clamped(min: -30, max: 20)
    }

    /// The reparameterisation trick: z = μ + σ ⊙ ε with σ = exp(½ log σ²), for noise ε
    /// of the mean's shape. Differentiable in μ and log σ².
    public func sample(noise: Tensor) -> Tensor {
        mean + (0.5 * logVariance).exp() * noise
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) per item, summed over the latent's dimensions:
    /// ½ Σ (μ² + σ² − 1 − log σ²) → `[B]`.
    public func klDivergence() -> Tensor {
        let perElement = mean.squared() + logVariance.exp() - 1 - logVariance     // [B, z, h, w]
        return 0.5 * perElement.sum(axes: Array(1..<mean.rank))                   // [B]
    }
}

/// The KL-regularised convolutional autoencoder of latent diffusion at digit scale.
public final class Autoencoder: Module {
    /// Its configuration.
    public let config: AutoencoderConfig
    /// Encoder layers.
    public let convIn: Conv2d, enc1: ConvBlock, ds1: Conv2d, enc2: ConvBlock, ds2: Conv2d,
                enc3: ConvBlock, enc4: ConvBlock, normEnc: GroupNorm, moments: Conv2d
    /// Decoder layers.
    public let decIn: Conv2d, dec1: ConvBlock, dec2: ConvBlock, us2: Conv2d, dec3: ConvBlock,
                us1: Conv2d, dec4: ConvBlock, normDec: GroupNorm, convOut: Conv2d
    /// Training or evaluation mode.
    public var training = true

    /// A freshly initialised autoencoder (PyTorch's default initialisation).
    public init(_ config: AutoencoderConfig = .digits, using rng: inout some RandomNumberGenerator) {
        precondition(config.channels.count == 3, "Autoencoder: need three channel counts, got \(config.channels)")
        self.config = config
        let (c1, c2, c3, z, g) = (config.channels[0], config.channels[1], config.channels[2], config.latentChannels, config.groups)
        convIn = Conv2d(config.imageChannels, c1, kernelSize: 3, padding: 1, using: &rng)
        enc1 = ConvBlock(c1, groups: g, using: &rng)
        ds1 = Conv2d(c1, c2, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        enc2 = ConvBlock(c2, groups: g, using: &rng)
        ds2 = Conv2d(c2, c3, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        enc3 = ConvBlock(c3, groups: g, using: &rng)
        enc4 = ConvBlock(c3, groups: g, using: &rng)
        normEnc = GroupNorm(groups: g, channels: c3)
        moments = Conv2d(c3, 2 * z, kernelSize: 3, padding: 1, using: &rng)
        decIn = Conv2d(z, c3, kernelSize: 3, padding: 1, using: &rng)
        dec1 = ConvBlock(c3, groups: g, using: &rng)
        dec2 = ConvBlock(c3, groups: g, using: &rng)
        us2 = Conv2d(c3, c2, kernelSize: 3, padding: 1, using: &rng)
        dec3 = ConvBlock(c2, groups: g, using: &rng)
        us1 = Conv2d(c2, c1, kernelSize: 3, padding: 1, using: &rng)
        dec4 = ConvBlock(c1, groups: g, using: &rng)
        normDec = GroupNorm(groups: g, channels: c1)
        convOut = Conv2d(c1, config.imageChannels, kernelSize: 3, padding: 1, using: &rng)
    }

    /// None of its own.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// The layers, encoder first, under snake-case names.
    public var children: [(name: String, module: any Module)] {
        [("conv_in", convIn), ("enc1", enc1), ("ds1", ds1), ("enc2", enc2), ("ds2", ds2),
         ("enc3", enc3), ("enc4", enc4), ("norm_enc", normEnc), ("moments", moments),
         ("dec_in", decIn), ("dec1", dec1), ("dec2", dec2), ("us2", us2), ("dec3", dec3),
         ("us1", us1), ("dec4", dec4), ("norm_dec", normDec), ("conv_out", convOut)]
    }

    /// The posterior q(z | x) for images `[B, C, H, W]` (H, W divisible by 4):
    /// mean and log-variance `[B, z, H/4, W/4]`.
    public func encode(_ x: Tensor) -> DiagonalGaussian {
        precondition(x.rank == 4 && x.shape[1] == config.imageChannels && x.shape[2] % 4 == 0 && x.shape[3] % 4 == 0,
                     "Autoencoder.encode: images \(x.shape) must be [B, \(config.imageChannels), H, W] with H and W divisible by 4")
        var h = enc1(convIn(x))                                   // [B, c1, H, W]
        h = enc2(ds1(h))                                          // [B, c2, H/2, W/2]
        h = enc4(enc3(ds2(h)))                                    // [B, c3, H/4, W/4]
        let m = moments(normEnc.silu(h))                          // [B, 2z, H/4, W/4]
        let parts = m.split(axis: 1, sizes: [config.latentChannels, config.latentChannels])
        return DiagonalGaussian(mean: parts[0], logVariance: parts[1])
    }

    /// Images `[B, C, 4h, 4w]` from latents `[B, z, h, w]` (unscaled: the encoder's own units).
    public func decode(_ z: Tensor) -> Tensor {
        precondition(z.rank == 4 && z.shape[1] == config.latentChannels,
                     "Autoencoder.decode: latents \(z.shape) must be [B, \(config.latentChannels), h, w]")
        var h = dec2(dec1(decIn(z)))                              // [B, c3, h, w]
        h = dec3(us2(upsampleNearest(h, scale: 2)))               // [B, c2, 2h, 2w]
        h = dec4(us1(upsampleNearest(h, scale: 2)))               // [B, c1, 4h, 4w]
        return convOut(normDec.silu(h))                           // [B, C, 4h, 4w]
    }
}
