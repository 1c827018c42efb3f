// GroupNorm.swift — group normalisation (PyTorch `nn.GroupNorm`), one fused op.
//
// Reference: Y. Wu, K. He, "Group Normalization" (ECCV 2018), eq. (1)–(3).
//
// The C channels are split into G groups of C/G consecutive channels. For each
// image n and group g, over its M = (C/G)·H·W values:
//
//     μ = mean(x),  σ² = mean((x − μ)²)  (biased),  r = 1/√(σ² + eps)
//     x̂ = (x − μ)·r,   y = γ_c·x̂ + β_c                 (γ, β per channel)
//
// Backward, with G = ∂L/∂y and, per (n, c), A_c = Σ_pixels G and B_c = Σ_pixels G·(x − μ):
//
//     ∂L/∂β_c = Σ_n A_c,   ∂L/∂γ_c = Σ_n r·B_c
//     ∂L/∂x   = r·(γ_c·G − m₁ − x̂·m₂),  m₁ = (1/M) Σ_{c∈g} γ_c A_c,  m₂ = (1/M) Σ_{c∈g} γ_c r B_c
//
// (the gradient of x̂ loses its mean and its component along x̂, because x̂ itself
// has mean 0 and mean square 1). The op makes one pass for the statistics and one
// for the output; the backward pass one for A, B and one for ∂L/∂x. Groups are
// spread across the cores. LayerNorm uses the same kernel with one group per row.
//
// `GroupNorm.silu(x)` fuses the SiLU that follows every GroupNorm of a U-Net into the
// same passes: forward y = silu(z) with z = γ·x̂ + β computed and dropped on the fly;
// backward first turns G = ∂L/∂y into ∂L/∂z = G·silu′(z) (z recomputed from x and the
// stored μ, r), then proceeds as above.

import Tensors

/// Group normalisation over `[N, C, …]` (PyTorch `nn.GroupNorm`): each image's
/// channels are split into `groups` groups, each normalised to mean 0 and variance 1
/// over its channels and pixels, then scaled and shifted per channel.
///
/// Parameters (when `affine`): `weight` (γ) `[channels]` initialised to 1 and `bias`
/// (β) `[channels]` initialised to 0.
public final class GroupNorm: UnaryLayer {
    /// Number of groups G (must divide `channels`).
    public let groups: Int
    /// Number of channels C.
    public let channels: Int
    /// Added to the variance before the square root, for stability.
    public let eps: Float
    /// The per-channel scale γ `[channels]` (nil without affine).
    public let weight: Tensor?
    /// The per-channel shift β `[channels]` (nil without affine).
    public let bias: Tensor?
    /// Training or evaluation mode (GroupNorm uses the batch's own statistics in both).
    public var training = true

    /// Makes a GroupNorm layer.
    /// - Parameters:
    ///   - groups: number of groups G; must divide `channels`.
    ///   - channels: number of channels C of the input `[N, C, …]`.
    ///   - eps: added to the variance (PyTorch's default 1e-5).
    ///   - affine: whether to learn the per-channel γ and β.
    public init(groups: Int, channels: Int, eps: Float = 1e-5, affine: Bool = true) {
        layerCheck(groups > 0 && channels > 0 && channels % groups == 0,
                   "GroupNorm: \(channels) channels do not split into \(groups) groups")
        self.groups = groups
        self.channels = channels
        self.eps = eps
        self.weight = affine ? LayerInit.constant(1, [channels]) : nil
        self.bias = affine ? LayerInit.constant(0, [channels]) : nil
    }

    /// `weight` and `bias` when affine, else none.
    public var ownParameters: [(name: String, tensor: Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    /// Normalises `x` `[N, channels, …]` (any number of spatial axes, or none);
    /// the result has the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerCheck(x.rank >= 2 && x.shape[1] == channels,
                   "GroupNorm: input \(x.shape) must be [N, \(channels), …]")
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        return groupNormalized(x, batch: x.shape[0], channels: channels, groups: groups, spatial: spatial,
                               weight: weight, bias: bias, eps: eps, op: "groupNorm")
    }

    /// `self(x).silu()` as one fused op: the same values, but one pass over memory
    /// instead of two, and the normalised values are never stored (the backward pass
    /// recomputes them from x and the group statistics). ResBlocks use it.
    public func silu(_ x: Tensor) -> Tensor {
        layerCheck(x.rank >= 2 && x.shape[1] == channels,
                   "GroupNorm: input \(x.shape) must be [N, \(channels), …]")
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        return groupNormalized(x, batch: x.shape[0], channels: channels, groups: groups, spatial: spatial,
                               weight: weight, bias: bias, eps: eps, op: "groupNorm+silu", thenSiLU: true)
    }
}

/// z·σ(z) for `count` values z = x·a + b: the affine step of the normalisation,
/// followed by SiLU when `silu` (8 values at a time, as `Tensor.silu` computes them).
@inline(__always)
private func affine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int,
                    a: Float, b: Float, silu: Bool) {
    guard silu else {
        for i in 0..<count { y[i] = x[i] * a + b }
        return
    }
    let va = Float8(repeating: a), vb = Float8(repeating: b)
    var i = 0
    while i + 8 <= count {
        let z = UnsafeRawPointer(x + i).loadUnaligned(as: Float8.self) * va + vb
        UnsafeMutableRawPointer(y + i).storeBytes(of: z * sigmoid8(z), as: Float8.self)
        i += 8
    }
    if i < count {
        var z = Float8(repeating: 0)
        for j in i..<count { z[j - i] = x[j] * a + b }
        let r = z * sigmoid8(z)
        for j in i..<count { y[j] = r[j - i] }
    }
}

/// g·silu′(z) for `count` values z = x·a + b, silu′(z) = σ(z)·(1 + z·(1 − σ(z))):
/// the gradient that reaches the normalisation's output through the fused SiLU.
@inline(__always)
private func siluBackward(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                          _ count: Int, a: Float, b: Float) {
    let va = Float8(repeating: a), vb = Float8(repeating: b), one = Float8(repeating: 1)
    var i = 0
    while i + 8 <= count {
        let z = UnsafeRawPointer(x + i).loadUnaligned(as: Float8.self) * va + vb
        let s = sigmoid8(z)
        let gv = UnsafeRawPointer(g + i).loadUnaligned(as: Float8.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: gv * s * (one + z * (one - s)), as: Float8.self)
        i += 8
    }
    if i < count {
        var z = Float8(repeating: 0), gv = Float8(repeating: 0)
        for j in i..<count { z[j - i] = x[j] * a + b; gv[j - i] = g[j] }
        let s = sigmoid8(z)
        let r = gv * s * (one + z * (one - s))
        for j in i..<count { out[j] = r[j - i] }
    }
}

/// The fused normalisation kernel shared by GroupNorm and LayerNorm: `x` viewed as
/// `[batch, channels, spatial]`, normalised over each group of `channels/groups`
/// consecutive channels (a contiguous block of M values), then scaled by
/// `weight[c]` and shifted by `bias[c]` when given.
///
/// With `thenSiLU`, the result is silu(y) instead of y (GroupNorm's `silu(_:)`).
func groupNormalized(_ x: Tensor, batch: Int, channels: Int, groups: Int, spatial: Int,
                     weight: Tensor?, bias: Tensor?, eps: Float, op: String, thenSiLU: Bool = false) -> Tensor {
    let perGroup = channels / groups
    let m = perGroup * spatial                                     // values in one group
    let groupCount = batch * groups
    var means = [Float](repeating: 0, count: groupCount)           // μ per (n, g)
    var rstds = [Float](repeating: 0, count: groupCount)           // r = 1/√(σ² + eps) per (n, g)
    let gamma = weight?.scalars, beta = bias?.scalars

    // Forward: y = x·a_c + b_c with a_c = r·γ_c, b_c = β_c − μ·a_c        [batch, channels, spatial]
    let y = makeScalars(x.count) { out in
        withScalarPointers(x) { px in
            means.withUnsafeMutableBufferPointer { meanb in
                rstds.withUnsafeMutableBufferPointer { rstdb in
                    Kernels.parallelChunks(groupCount, grain: m) { range in
                        for ng in range {
                            let xs = px + ng * m, ys = out + ng * m       // this group's block
                            let mean = Float(sumOfValuesDouble(xs, m) / Double(m))
                            let variance = sumOfSquaredDeviations(xs, m, mean: mean) / Double(m)
                            let r = Float(1 / (variance + Double(eps)).squareRoot())
                            meanb[ng] = mean
                            rstdb[ng] = r
                            let firstChannel = (ng % groups) * perGroup
                            for ci in 0..<perGroup {
                                let c = firstChannel + ci
                                let a = r * (gamma?[c] ?? 1)
                                let b = (beta?[c] ?? 0) - mean * a
                                affine(xs + ci * spatial, ys + ci * spatial, spatial, a: a, b: b, silu: thenSiLU)
                            }
                        }
                    }
                }
            }
        }
    }

    let inputs = [x] + (weight.map { [$0] } ?? []) + (bias.map { [$0] } ?? [])
    return Tensor.record(shape: x.shape, scalars: y, op: op, inputs: inputs) { g in
        // A[n, c] = Σ_pixels G,  B[n, c] = Σ_pixels G·(x − μ)
        var sumsA = [Double](repeating: 0, count: batch * channels)
        var sumsB = [Double](repeating: 0, count: batch * channels)
        // One pass per group for A and B, then (when dx is wanted) one for ∂L/∂x.
        func backwardPass(_ dx: UnsafeMutablePointer<Float>?) {
            withScalarPointers(g) { pg in
                withScalarPointers(x) { px in
                    sumsA.withUnsafeMutableBufferPointer { ab in
                        sumsB.withUnsafeMutableBufferPointer { bb in
                            Kernels.parallelChunks(groupCount, grain: m) { range in
                                // With the fused SiLU, ∂L/∂y of one group: G·silu′(y), recomputed here.
                                let siluGrad = UnsafeMutablePointer<Float>.allocate(capacity: thenSiLU ? m : 0)
                                defer { siluGrad.deallocate() }
                                for ng in range {
                                    let n = ng / groups, firstChannel = (ng % groups) * perGroup
                                    let mean = means[ng], r = Double(rstds[ng])
                                    let xg = px + ng * m                                   // this group's x [perGroup, spatial]
                                    var gg = pg + ng * m                                   // and its ∂L/∂y
                                    if thenSiLU {
                                        for ci in 0..<perGroup {
                                            let c = firstChannel + ci
                                            let a = rstds[ng] * (gamma?[c] ?? 1), b = (beta?[c] ?? 0) - mean * a
                                            let off = ci * spatial
                                            siluBackward(gg + off, xg + off, siluGrad + off, spatial, a: a, b: b)
                                        }
                                        gg = UnsafePointer(siluGrad)
                                    }
                                    var m1 = 0.0, m2 = 0.0
                                    for ci in 0..<perGroup {
                                        let c = firstChannel + ci
                                        let off = ci * spatial
                                        let a = spatial == 1 ? Double(gg[off])             // LayerNorm: one value
                                            : sumOfValuesDouble(gg + off, spatial)
                                        let b = spatial == 1 ? Double(gg[off]) * Double(xg[off] - mean)
                                            : sumOfProductsWithDeviation(gg + off, xg + off, spatial, mean: mean)
                                        ab[n * channels + c] = a
                                        bb[n * channels + c] = b
                                        let gc = Double(gamma?[c] ?? 1)
                                        m1 += gc * a
                                        m2 += gc * r * b
                                    }
                                    guard let dx else { continue }
                                    m1 /= Double(m); m2 /= Double(m)
                                    // ∂L/∂x = r·(γ_c·G − m₁ − x̂·m₂) = G·p_c + x·q + o
                                    let q = Float(-r * r * m2)
                                    let o = Float(r * (r * Double(mean) * m2 - m1))
                                    for ci in 0..<perGroup {
                                        let p = Float(r) * (gamma?[firstChannel + ci] ?? 1)
                                        let off = ci * spatial
                                        let gr = gg + off, xr = xg + off, dr = dx + ng * m + off
                                        for i in 0..<spatial { dr[i] = gr[i] * p + xr[i] * q + o }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let needX = x.requiresGrad
        var dxValues: [Float] = []
        if needX { dxValues = makeScalars(x.count) { backwardPass($0) } } else { backwardPass(nil) }
        // ∂L/∂γ_c = Σ_n r·B[n, c],  ∂L/∂β_c = Σ_n A[n, c]
        var dGamma: Tensor? = nil, dBeta: Tensor? = nil
        if let weight, weight.requiresGrad {
            var d = [Double](repeating: 0, count: channels)
            for n in 0..<batch {
                for c in 0..<channels { d[c] += Double(rstds[n * groups + c / perGroup]) * sumsB[n * channels + c] }
            }
            dGamma = Tensor(shape: [channels], scalars: d.map { Float($0) })
        }
        if let bias, bias.requiresGrad {
            var d = [Double](repeating: 0, count: channels)
            for n in 0..<batch {
                for c in 0..<channels { d[c] += sumsA[n * channels + c] }
            }
            dBeta = Tensor(shape: [channels], scalars: d.map { Float($0) })
        }
        var grads: [Tensor?] = [needX ? Tensor(shape: x.shape, scalars: dxValues) : nil]
        if weight != nil { grads.append(dGamma) }
        if bias != nil { grads.append(dBeta) }
        return grads
    }
}
