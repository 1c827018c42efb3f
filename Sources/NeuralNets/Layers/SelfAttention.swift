// SelfAttention.swift — multi-head self-attention over the pixels of a feature map,
// with a residual connection (the attention block of the DDPM U-Net).
//
// References: A. Vaswani et al., "Attention Is All You Need" (2017), eq. (1) and §3.2.2
// (multi-head); J. Ho, A. Jain, P. Abbeel, "Denoising Diffusion Probabilistic Models"
// (2020), Appendix B (self-attention at 16×16); the kit's reference, ARCHITECTURES.md.
//
// For x [B, C, H, W], h heads of d = C/h channels and the N = H·W pixels as positions:
//
//     [q; k; v] = qkv(norm(x))               1×1 conv C → 3C, viewed [B, 3, h, d, N]
//     attn_ij   = softmax_j(q_i·k_j / √d)    [B, h, N, N]
//     o_i       = Σ_j attn_ij v_j            [B, h, d, N] → [B, C, H, W]
//     result    = x + out(o)                 out: 1×1 conv C → C
//
// Composed from differentiable ops (GroupNorm, Conv2d, the fused multiHeadAttention
// of MultiHeadAttention.swift, which has the backward rule), so autograd derives the
// backward pass.

import Tensors

/// Multi-head self-attention over the pixels of `[B, C, H, W]` feature maps, added to
/// its input: `x + out(attention(qkv(norm(x))))` (ARCHITECTURES.md, `SelfAttention`).
///
/// Children (PyTorch names): `norm` GroupNorm(groups, C), `qkv` 1×1 Conv2d C → 3C,
/// `out` 1×1 Conv2d C → C.
public final class SelfAttention: UnaryLayer {
    /// Group normalisation of the input.
    public let norm: GroupNorm
    /// The 1×1 convolution that makes queries, keys and values, C → 3C.
    public let qkv: Conv2d
    /// The 1×1 output projection, C → C.
    public let out: Conv2d
    /// Channels C.
    public let channels: Int
    /// Number of heads h (must divide C).
    public let heads: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a self-attention block with PyTorch's default initialisation of the convolutions.
    /// - Parameters:
    ///   - channels: channels C of the input; divisible by `heads` and `groups`.
    ///   - heads: number of attention heads h; each sees C/h channels.
    ///   - groups: GroupNorm groups.
    ///   - rng: the generator the initial weights are drawn from.
    public init(channels: Int, heads: Int = 4, groups: Int = 8, using rng: inout some RandomNumberGenerator) {
        layerCheck(heads > 0 && channels % heads == 0, "SelfAttention: \(channels) channels do not split into \(heads) heads")
        self.channels = channels
        self.heads = heads
        self.norm = GroupNorm(groups: groups, channels: channels)
        self.qkv = Conv2d(channels, 3 * channels, kernelSize: 1, using: &rng)
        self.out = Conv2d(channels, channels, kernelSize: 1, using: &rng)
    }

    /// No parameters of its own.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// `norm`, `qkv`, `out`.
    public var children: [(name: String, module: any Module)] {
        [("norm", norm), ("qkv", qkv), ("out", out)]
    }

    /// `x + out(o)` for `x` `[B, channels, H, W]`; the result has the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerCheck(x.rank == 4 && x.shape[1] == channels, "SelfAttention: input \(x.shape) must be [B, \(channels), H, W]")
        let packed = qkv(norm(x))                                             // [B, 3C, H, W] = [B, 3, h, d, N]
        let o = multiHeadAttention(qkv: packed, heads: heads)                 // [B, C, H, W]: o_i = Σ_j attn_ij v_j
        let n = x.shape[2] * x.shape[3]
        MultiplyAccumulates.add(2 * x.shape[0] * n * n * channels)            // q·k and Σ attn·v
        return x + out(o)                                                     // [B, C, H, W]
    }
}
