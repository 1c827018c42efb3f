// CrossAttention.swift — multi-head attention from the pixels of a feature map to a
// context sequence (text tokens, class embeddings …), with a residual connection, as
// in latent-diffusion U-Nets.
//
// References: A. Vaswani et al., "Attention Is All You Need" (2017), eq. (1) and §3.2.2;
// R. Rombach et al., "High-Resolution Image Synthesis with Latent Diffusion Models"
// (CVPR 2022), §3.3 (cross-attention conditioning).
//
// For x [B, C, H, W] (N = H·W positions), a context [B, L, D] and h heads of d = C/h:
//
//     q = q(norm(x))             1×1 conv C → C, viewed [B, h, d, N]
//     k = k(context)             Linear D → C: [B, L, C] → [B, h, d, L]
//     v = v(context)             Linear D → C: [B, L, C] → [B, h, d, L]
//     attn_ij = softmax_j(q_i·k_j / √d)      [B, h, N, L]
//     o_i     = Σ_j attn_ij v_j               [B, h, d, N] → [B, C, H, W]
//     result  = x + out(o)                    out: 1×1 conv C → C
//
// Composed from differentiable ops (the attention core is the fused
// multiHeadAttention of MultiHeadAttention.swift, which has the backward rule), so
// autograd derives the backward pass to x, to the context and to every parameter.

import Tensors

/// Multi-head cross-attention from the pixels of `[B, C, H, W]` feature maps to a
/// context sequence `[B, L, contextDimension]`, added to its input.
///
/// Children (PyTorch names): `norm` GroupNorm(groups, C); `q` 1×1 Conv2d C → C;
/// `k`, `v` Linear contextDimension → C; `out` 1×1 Conv2d C → C. All with bias.
public final class CrossAttention: Module {
    /// Group normalisation of the feature map.
    public let norm: GroupNorm
    /// The 1×1 convolution that makes the queries from the feature map, C → C.
    public let q: Conv2d
    /// The keys, from the context: Linear contextDimension → C.
    public let k: Linear
    /// The values, from the context: Linear contextDimension → C.
    public let v: Linear
    /// The 1×1 output projection, C → C.
    public let out: Conv2d
    /// Channels C of the feature map.
    public let channels: Int
    /// Size D of each context vector.
    public let contextDimension: Int
    /// Number of heads h (must divide C).
    public let heads: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true
    /// When `true`, every forward pass also stores its attention weights in
    /// `recordedWeights` (for figures; costs one extra small product).
    public var recordsWeights = false
    /// The attention weights `[B, heads, N, L]` of the last forward pass, if
    /// `recordsWeights` was on.
    public private(set) var recordedWeights: Tensor?

    /// Makes a cross-attention block with PyTorch's default initialisation.
    /// - Parameters:
    ///   - channels: channels C of the feature map; divisible by `heads` and `groups`.
    ///   - contextDimension: size D of each context vector.
    ///   - heads: number of attention heads h; each sees C/h channels.
    ///   - groups: GroupNorm groups.
    ///   - rng: the generator the initial weights are drawn from.
    public init(channels: Int, contextDimension: Int, heads: Int, groups: Int = 8,
                using rng: inout some RandomNumberGenerator) {
        layerCheck(heads > 0 && channels % heads == 0, "CrossAttention: \(channels) channels do not split into \(heads) heads")
        self.channels = channels
        self.contextDimension = contextDimension
        self.heads = heads
        self.norm = GroupNorm(groups: groups, channels: channels)
        self.q = Conv2d(channels, channels, kernelSize: 1, using: &rng)
        self.k = Linear(contextDimension, channels, using: &rng)
        self.v = Linear(contextDimension, channels, using: &rng)
        self.out = Conv2d(channels, channels, kernelSize: 1, using: &rng)
    }

    /// No parameters of its own.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// `norm`, `q`, `k`, `v`, `out`.
    public var children: [(name: String, module: any Module)] {
        [("norm", norm), ("q", q), ("k", k), ("v", v), ("out", out)]
    }

    /// `x + out(o)` for `x` `[B, channels, H, W]` attending to `context`
    /// `[B, L, contextDimension]`; the result has the shape of `x`.
    public func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        layerCheck(x.rank == 4 && x.shape[1] == channels, "CrossAttention: input \(x.shape) must be [B, \(channels), H, W]")
        layerCheck(context.rank == 3 && context.shape[0] == x.shape[0] && context.shape[2] == contextDimension,
                   "CrossAttention: context \(context.shape) must be [\(x.shape[0]), L, \(contextDimension)]")
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let d = c / heads, n = h * w, l = context.shape[1]
        let query = q(norm(x)).reshaped([b, heads, d, n])                              // [B, h, d, N]
        let key = k(context).reshaped([b, l, heads, d]).permuted([0, 2, 3, 1])         // [B, h, d, L]
        let value = v(context).reshaped([b, l, heads, d]).permuted([0, 2, 3, 1])       // [B, h, d, L]
        let o = multiHeadAttention(query: query, key: key, value: value)              // [B, h, d, N]: Σ_j attn_ij v_j
        MultiplyAccumulates.add(2 * b * n * l * c)                                     // q·k and Σ attn·v
        if recordsWeights { recordedWeights = withNoGrad { Self.weights(query: query, key: key) } }
        return x + out(o.reshaped([b, c, h, w]))                                       // [B, C, H, W]
    }

    /// The attention weights softmax_j(q_i·k_j / √d) `[B, h, N, L]` of `x` `[B, C, H, W]`
    /// attending to `context` `[B, L, D]`: for each head and pixel, a distribution over
    /// the L context tokens (each row sums to 1; with L = 1 every weight is exactly 1).
    public func attentionWeights(_ x: Tensor, context: Tensor) -> Tensor {
        let (b, c, n, l) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3], context.shape[1])
        let d = c / heads
        return withNoGrad {
            let query = q(norm(x)).reshaped([b, heads, d, n])                          // [B, h, d, N]
            let key = k(context).reshaped([b, l, heads, d]).permuted([0, 2, 3, 1])     // [B, h, d, L]
            return Self.weights(query: query, key: key)
        }
    }

    /// Scaled dot-product attention with heads, from projections laid out channels last:
    /// query `[B, N, C]`, key and value `[B, L, C]`, h = `heads` dividing C, d = C/h,
    /// channel c in head c / d. Returns the weights softmax_j(q_i·k_j/√d) `[B, h, N, L]`
    /// and the output Σ_j weight_ij v_j with the heads' channels back in place, `[B, N, C]`.
    /// (The reference of exercise 8.3; the layer itself uses the fused kernel.)
    public static func attend(query: Tensor, key: Tensor, value: Tensor, heads: Int) -> (output: Tensor, weights: Tensor) {
        let (b, n, c, l) = (query.shape[0], query.shape[1], query.shape[2], key.shape[1])
        layerCheck(heads > 0 && c % heads == 0 && key.shape == [b, l, c] && value.shape == key.shape,
                   "CrossAttention.attend: need query [B, N, C], key and value [B, L, C] with C divisible by \(heads) heads; got \(query.shape), \(key.shape), \(value.shape)")
        let d = c / heads
        let q = query.reshaped([b, n, heads, d]).permuted([0, 2, 3, 1])            // [B, h, d, N]
        let k = key.reshaped([b, l, heads, d]).permuted([0, 2, 3, 1])              // [B, h, d, L]
        let v = value.reshaped([b, l, heads, d]).permuted([0, 2, 1, 3])            // [B, h, L, d]
        let w = weights(query: q, key: k)                                           // [B, h, N, L]
        let o = matmul(w, v).permuted([0, 2, 1, 3]).reshaped([b, n, c])             // [B, h, N, d] → [B, N, C]
        return (o, w)
    }

    /// softmax over L of qᵀk/√d for query `[B, h, d, N]` and key `[B, h, d, L]` → `[B, h, N, L]`.
    static func weights(query: Tensor, key: Tensor) -> Tensor {
        let d = query.shape[2]
        let logits = matmul(query.permuted([0, 1, 3, 2]), key) / Float(d).squareRoot()   // [B, h, N, L]
        return logits.softmax(axis: -1)
    }
}
