// UNet.swift — the denoiser ε_θ(x_t, t): a U-Net with time embedding.
//
// Ronneberger et al. (2015) for the U shape; Ho et al. (2020) for the diffusion
// version (ResBlocks, GroupNorm, self-attention at low resolution, sinusoidal time
// embedding). With `UNetConfig.digits` it is exactly the reference `unet-digits` of
// the kit's benchmark (1,314,529 parameters, PyTorch state_dict names and shapes).
//
// For channel multipliers m = [m₁, …, m_{L+1}] and c_i = base·m_i:
//
//   x [B, Cin, H, W] → conv_in → c₁
//   level i = 1…L:  down_i ResBlock(c_{i−1} → c_i) at H/2^{i−1}   (c₀ = c₁); keep h_i
//                   ds_i   3×3 stride-2 conv c_i → c_i           halves the size
//   middle:         mid1 ResBlock(c_L → c_{L+1}), attn SelfAttention, mid2 ResBlock
//   level i = L…1:  us_i  nearest ×2 then 3×3 conv (c_{i+1} → c_{i+1})
//                   up_i  ResBlock(concat[h, h_i]: c_{i+1} + c_i → c_i)
//   out:            norm_out GroupNorm · SiLU · conv_out 3×3 c₁ → Cin
//
// With a patch size p > 1 the image is first cut into p×p patches stacked as channels
// (Cin·p² channels at H/p × W/p, PixelShuffle.swift) and conv_out's Cin·p² channels are
// put back into patches at the end: the levels then start at H/p. Chapter 04's
// `unet-patch` uses p = 2, which removes the full-size level, where `unet-small` spends
// about 60 % of its time (BENCHMARKS.md, "The 10-minute run").
//
// The time embedding is sinusoidal(t) [B, D] → time = Linear(D→2D) · SiLU · Linear(2D→2D),
// fed to every ResBlock; a class-conditional U-Net adds label(y) = Embedding(classes+1, 2D),
// where index `classes` is the null label used for classifier-free guidance.
//
// A prompt-conditioned U-Net (latent diffusion, chapter 08) sets `contextDimension` D_c:
// it then takes a context sequence [B, L, D_c] and adds a CrossAttention block
// (CrossAttention.swift) after the ResBlocks (and self-attention) of every level in
// `crossAttentionLevels`, on the way down and up, and after the middle's self-attention.
// Without a context dimension the model is exactly as above.

import Tensors

/// The shape of a `UNet`.
public struct UNetConfig: Codable, Equatable, Sendable {
    /// Image channels (1 for digits).
    public var inChannels = 1
    /// Channels of the first level.
    public var baseChannels = 32
    /// One multiplier per level plus one for the middle: [1, 2, 4] means two
    /// down-sampling levels of 32 and 64 channels and a 128-channel middle.
    public var channelMultipliers = [1, 2, 4]
    /// Levels (1-based) that also get self-attention after their ResBlocks, besides
    /// the middle (which always has it). Empty for the reference model.
    public var attentionLevels: [Int] = []
    /// Heads of every attention layer.
    public var heads = 4
    /// Dimension D of the sinusoidal time embedding (the MLP widens it to 2D).
    public var timeDimension = 128
    /// GroupNorm groups.
    public var groups = 8
    /// Number of classes for a class-conditional model (adds `label`), or `nil`.
    public var classes: Int? = nil
    /// Size D_c of each context vector of a prompt-conditioned model (adds cross-attention
    /// in the middle and at `crossAttentionLevels`), or `nil`.
    public var contextDimension: Int? = nil
    /// Levels (1-based) that get cross-attention to the context, down and up, besides
    /// the middle (which always has it when `contextDimension` is set).
    public var crossAttentionLevels: [Int] = []
    /// Side p of the patches the image is cut into before `conv_in` (`pixelUnshuffle`:
    /// [B, Cin, H, W] → [B, Cin·p², H/p, W/p]) and put back after `conv_out`
    /// (`pixelShuffle`). 1, the default: none. With 2 the network never works at full size.
    public var patchSize = 1

    /// The reference `unet-digits`.
    public static let digits = UNetConfig()

    /// A model of the given shape.
    public init(inChannels: Int = 1, baseChannels: Int = 32, channelMultipliers: [Int] = [1, 2, 4],
                attentionLevels: [Int] = [], heads: Int = 4, timeDimension: Int = 128, groups: Int = 8,
                classes: Int? = nil, contextDimension: Int? = nil, crossAttentionLevels: [Int] = [],
                patchSize: Int = 1) {
        self.inChannels = inChannels
        self.baseChannels = baseChannels
        self.channelMultipliers = channelMultipliers
        self.attentionLevels = attentionLevels
        self.heads = heads
        self.timeDimension = timeDimension
        self.groups = groups
        self.classes = classes
        self.contextDimension = contextDimension
        self.crossAttentionLevels = crossAttentionLevels
        self.patchSize = patchSize
    }
}

/// The diffusion U-Net ε_θ(x_t, t[, y]).
public final class UNet: Module {
    /// Its configuration.
    public let config: UNetConfig
    /// The time MLP (`time.0`, `time.2`).
    public let time: Sequential
    /// The class embedding (with a null class at index `classes`), if conditional.
    public let label: Embedding?
    /// The first convolution.
    public let convIn: Conv2d
    /// Down path: a ResBlock per level, optional attention, and a stride-2 conv.
    public let down: [ResBlock], downAttention: [SelfAttention?], downsample: [Conv2d]
    /// Middle: ResBlock, attention, ResBlock.
    public let mid1: ResBlock, attention: SelfAttention, mid2: ResBlock
    /// Up path: a conv after each ×2 upsampling, then a ResBlock and optional attention.
    public let upsample: [Conv2d], up: [ResBlock], upAttention: [SelfAttention?]
    /// Output GroupNorm and convolution.
    public let normOut: GroupNorm, convOut: Conv2d
    /// Cross-attention to the context (prompt-conditioned models only): per level on the
    /// way down and up, and in the middle.
    public let downCrossAttention: [CrossAttention?], upCrossAttention: [CrossAttention?], midCrossAttention: CrossAttention?
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// A U-Net with freshly initialised weights (PyTorch's default initialisation).
    public init(_ config: UNetConfig = .digits, using rng: inout some RandomNumberGenerator) {
        self.config = config
        let m = config.channelMultipliers
        precondition(m.count >= 2, "UNet: need at least one level and a middle, got multipliers \(m)")
        precondition(config.patchSize >= 1, "UNet: patchSize must be at least 1, got \(config.patchSize)")
        let patchChannels = config.inChannels * config.patchSize * config.patchSize
        let c = m.map { $0 * config.baseChannels }                   // c[0] … c[L]
        let levels = m.count - 1
        let d = config.timeDimension, e = 2 * config.timeDimension
        time = Sequential([Linear(d, e, using: &rng), SiLU(), Linear(e, e, using: &rng)])
        label = config.classes.map { Embedding($0 + 1, e, using: &rng) }
        convIn = Conv2d(patchChannels, c[0], kernelSize: 3, padding: 1, using: &rng)
        func crossAttention(_ channels: Int, at level: Int?) -> CrossAttention? {
            guard let dc = config.contextDimension, level.map(config.crossAttentionLevels.contains) ?? true else { return nil }
            return CrossAttention(channels: channels, contextDimension: dc, heads: config.heads, groups: config.groups, using: &rng)
        }
        var down: [ResBlock] = [], downAttention: [SelfAttention?] = [], downsample: [Conv2d] = []
        var downCross: [CrossAttention?] = [], upCross: [CrossAttention?] = []
        for i in 0..<levels {
            down.append(ResBlock(i == 0 ? c[0] : c[i - 1], c[i], timeDimension: e, groups: config.groups, using: &rng))
            downAttention.append(config.attentionLevels.contains(i + 1)
                                 ? SelfAttention(channels: c[i], heads: config.heads, groups: config.groups, using: &rng) : nil)
            downCross.append(crossAttention(c[i], at: i + 1))
            downsample.append(Conv2d(c[i], c[i], kernelSize: 3, stride: 2, padding: 1, using: &rng))
        }
        mid1 = ResBlock(c[levels - 1], c[levels], timeDimension: e, groups: config.groups, using: &rng)
        attention = SelfAttention(channels: c[levels], heads: config.heads, groups: config.groups, using: &rng)
        midCrossAttention = crossAttention(c[levels], at: nil)
        mid2 = ResBlock(c[levels], c[levels], timeDimension: e, groups: config.groups, using: &rng)
        var upsample: [Conv2d] = [], up: [ResBlock] = [], upAttention: [SelfAttention?] = []
        for i in 0..<levels {                                          // index i is level i+1
            upsample.append(Conv2d(c[i + 1], c[i + 1], kernelSize: 3, padding: 1, using: &rng))
            up.append(ResBlock(c[i + 1] + c[i], c[i], timeDimension: e, groups: config.groups, using: &rng))
            upAttention.append(config.attentionLevels.contains(i + 1)
                               ? SelfAttention(channels: c[i], heads: config.heads, groups: config.groups, using: &rng) : nil)
            upCross.append(crossAttention(c[i], at: i + 1))
        }
        self.downCrossAttention = downCross; self.upCrossAttention = upCross
        self.down = down; self.downAttention = downAttention; self.downsample = downsample
        self.upsample = upsample; self.up = up; self.upAttention = upAttention
        normOut = GroupNorm(groups: config.groups, channels: c[0])
        convOut = Conv2d(c[0], patchChannels, kernelSize: 3, padding: 1, using: &rng)
    }

    /// Sets to zero the last layer of every residual branch — each ResBlock's `conv2`,
    /// each attention block's output projection — and `conv_out` (Dhariwal & Nichol's
    /// "zero module", as in their ADM U-Net): every block then starts as the identity
    /// and the network's first prediction is 0, the mean of ε.
    public func zeroResidualOutputs() {
        var layers: [Conv2d] = (down + [mid1, mid2] + up).map(\.conv2) + [convOut]
        layers += ([attention] + downAttention.compactMap { $0 } + upAttention.compactMap { $0 }).map(\.out)
        for layer in layers {
            layer.weight.updateScalars { $0.update(repeating: 0) }
            layer.bias?.updateScalars { $0.update(repeating: 0) }
        }
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// Children in the order and with the names of the reference PyTorch model.
    public var children: [(name: String, module: any Module)] {
        var list: [(String, any Module)] = [("time", time)]
        if let label { list.append(("label", label)) }
        list.append(("conv_in", convIn))
        for i in down.indices {
            list.append(("down\(i + 1)", down[i]))
            if let a = downAttention[i] { list.append(("down\(i + 1)_attn", a)) }
            if let a = downCrossAttention[i] { list.append(("down\(i + 1)_xattn", a)) }
            list.append(("ds\(i + 1)", downsample[i]))
        }
        list += [("mid1", mid1), ("attn", attention)]
        if let midCrossAttention { list.append(("mid_xattn", midCrossAttention)) }
        list.append(("mid2", mid2))
        for i in up.indices.reversed() {
            list += [("us\(i + 1)", upsample[i]), ("up\(i + 1)", up[i])]
            if let a = upAttention[i] { list.append(("up\(i + 1)_attn", a)) }
            if let a = upCrossAttention[i] { list.append(("up\(i + 1)_xattn", a)) }
        }
        list += [("norm_out", normOut), ("conv_out", convOut)]
        return list
    }

    /// The time (and class) embedding `[B, 2D]` for timesteps `t` and optional labels `y`
    /// (label `classes` is the null label).
    public func embed(_ t: [Float], labels y: [Int]? = nil) -> Tensor {
        var emb = time(sinusoidalEmbedding(t, dimension: config.timeDimension))   // [B, 2D]
        if let label, let y { emb = emb + label(y) }                              // + [B, 2D]
        return emb
    }

    /// Every cross-attention block, in the order of the forward pass (down, middle, up).
    public var crossAttentionBlocks: [(name: String, block: CrossAttention)] {
        children.compactMap { entry in (entry.module as? CrossAttention).map { (entry.name, $0) } }
    }

    /// ε_θ(x_t, t[, y][, context]): x `[B, Cin, H, W]` (H and W divisible by 2^L), t with B
    /// entries (as floats, like the reference model), and for a prompt-conditioned model
    /// a context `[B, L, contextDimension]` → `[B, Cin, H, W]`.
    public func callAsFunction(_ x: Tensor, _ t: [Float], labels: [Int]? = nil, context: Tensor? = nil) -> Tensor {
        let levels = down.count
        guard x.rank == 4, x.shape[1] == config.inChannels, t.count == x.shape[0] else {
            fatalError("UNet: input \(x.shape) with \(t.count) timesteps; expected [B, \(config.inChannels), H, W] and B timesteps")
        }
        let p = config.patchSize, divisor = p << levels
        guard x.shape[2] % divisor == 0, x.shape[3] % divisor == 0 else {
            fatalError("UNet: height and width \(x.shape[2])×\(x.shape[3]) must be divisible by \(divisor) (the patch size \(p) times two to the number of levels, \(levels))")
        }
        guard (context == nil) == (config.contextDimension == nil) else {
            fatalError(config.contextDimension == nil ? "UNet: a context was given, but this model has no cross-attention"
                                                      : "UNet: this prompt-conditioned model needs a context [B, L, \(config.contextDimension!)]")
        }
        let emb = embed(t, labels: labels)                           // [B, 2D]
        var h = convIn(pixelUnshuffle(x, factor: p))                 // [B, c1, H/p, W/p]
        var skips: [Tensor] = []
        for i in 0..<levels {
            h = down[i](h, emb)                                      // [B, c_i, H/2^i, W/2^i]
            if let a = downAttention[i] { h = a(h) }
            if let a = downCrossAttention[i], let context { h = a(h, context: context) }
            skips.append(h)
            h = downsample[i](h)                                     // half the size
        }
        h = attention(mid1(h, emb))                                  // [B, c_mid, H/2^L, W/2^L]
        if let a = midCrossAttention, let context { h = a(h, context: context) }
        h = mid2(h, emb)
        for i in (0..<levels).reversed() {
            h = upsample[i](upsampleNearest(h, scale: 2))            // double the size
            h = up[i](concat([h, skips[i]], axis: 1), emb)           // [B, c_i, …]
            if let a = upAttention[i] { h = a(h) }
            if let a = upCrossAttention[i], let context { h = a(h, context: context) }
        }
        return pixelShuffle(convOut(normOut.silu(h)), factor: p)    // silu(normOut(h)): [B, Cin, H, W]
    }
}
