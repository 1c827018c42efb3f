// ResBlock.swift — the residual block of the diffusion U-Net, with its time embedding.
//
// Ho et al. (2020), appendix B, after Wide ResNet. The block sees the timestep
// through `temb`: a linear map of the (SiLU'd) time embedding gives one value per
// output channel, added to every pixel of that channel between the two convolutions.
// That is how one network can denoise at every noise level: each block shifts its
// features differently depending on t.
//
//   h = conv1(silu(norm1(x)))                         [B, Cout, H, W]
//   h = h + temb(silu(t_emb))[:, :, None, None]       per-channel shift by t
//   h = conv2(silu(norm2(h)))
//   return h + skip(x)                                skip: 1×1 conv if Cin ≠ Cout

import Tensors

/// A residual block with GroupNorm, SiLU, two 3×3 convolutions and a time-embedding
/// shift (PyTorch names `norm1, conv1, temb, norm2, conv2, skip`).
public final class ResBlock: Module {
    /// GroupNorm over the input channels.
    public let norm1: GroupNorm
    /// 3×3 convolution Cin → Cout.
    public let conv1: Conv2d
    /// Linear map of the time embedding to one shift per output channel.
    public let temb: Linear
    /// GroupNorm over the output channels.
    public let norm2: GroupNorm
    /// 3×3 convolution Cout → Cout.
    public let conv2: Conv2d
    /// 1×1 convolution Cin → Cout on the residual path, or `nil` (identity) when Cin = Cout.
    public let skip: Conv2d?
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// A block from `inChannels` to `outChannels` taking a time embedding of `timeDimension`.
    public init(_ inChannels: Int, _ outChannels: Int, timeDimension: Int, groups: Int = 8,
                using rng: inout some RandomNumberGenerator) {
        norm1 = GroupNorm(groups: groups, channels: inChannels)
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1, using: &rng)
        temb = Linear(timeDimension, outChannels, using: &rng)
        norm2 = GroupNorm(groups: groups, channels: outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, using: &rng)
        skip = inChannels == outChannels ? nil : Conv2d(inChannels, outChannels, kernelSize: 1, using: &rng)
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The child modules, under their PyTorch state_dict names.
    public var children: [(name: String, module: any Module)] {
        var list: [(String, any Module)] = [("norm1", norm1), ("conv1", conv1), ("temb", temb),
                                            ("norm2", norm2), ("conv2", conv2)]
        if let skip { list.append(("skip", skip)) }
        return list
    }

    /// x `[B, Cin, H, W]`, time embedding `[B, D]` → `[B, Cout, H, W]`.
    public func callAsFunction(_ x: Tensor, _ timeEmbedding: Tensor) -> Tensor {
        var h = conv1(norm1.silu(x))                                         // silu(norm1(x)), fused: [B, Cout, H, W]
        let shift = temb(timeEmbedding.silu())                               // [B, Cout]
        h = h + shift.reshaped([shift.shape[0], shift.shape[1], 1, 1])       // + [B, Cout, 1, 1]
        h = conv2(norm2.silu(h))                                             // [B, Cout, H, W]
        return h + (skip.map { $0(x) } ?? x)                                 // residual
    }
}
