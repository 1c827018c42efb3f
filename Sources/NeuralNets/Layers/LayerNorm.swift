// LayerNorm.swift — layer normalisation over the last axis (PyTorch `nn.LayerNorm(features)`).
//
// Reference: J. L. Ba, J. R. Kiros, G. E. Hinton, "Layer Normalization" (2016), eq. (4).
//
// Each row of D = `features` values is normalised on its own:
//
//     μ = mean(x),  σ² = mean((x − μ)²)  (biased),  y_i = γ_i·(x_i − μ)/√(σ² + eps) + β_i
//
// This is GroupNorm with one group per row, the D features playing the channels
// (with one pixel each), so it runs on the same fused kernel (GroupNorm.swift), whose
// header derives the backward rule.

import Tensors

/// Layer normalisation over the last axis (PyTorch `nn.LayerNorm(features)`): every
/// row of `features` values is normalised to mean 0 and variance 1, then scaled and
/// shifted per feature.
///
/// Parameters: `weight` (γ) `[features]` initialised to 1, `bias` (β) `[features]`
/// initialised to 0.
public final class LayerNorm: UnaryLayer {
    /// Size D of the normalised last axis.
    public let features: Int
    /// Added to the variance before the square root, for stability.
    public let eps: Float
    /// The per-feature scale γ `[features]`.
    public let weight: Tensor
    /// The per-feature shift β `[features]`.
    public let bias: Tensor
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a LayerNorm over a last axis of `features` values.
    /// - Parameters:
    ///   - features: size D of the last axis.
    ///   - eps: added to the variance (PyTorch's default 1e-5).
    public init(_ features: Int, eps: Float = 1e-5) {
        layerCheck(features > 0, "LayerNorm: features must be positive, got \(features)")
        self.features = features
        self.eps = eps
        self.weight = LayerInit.constant(1, [features])
        self.bias = LayerInit.constant(0, [features])
    }

    /// `weight` and `bias`.
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    /// Normalises `x` `[..., features]` row by row; the result has the same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerCheck(x.rank >= 1 && x.shape[x.rank - 1] == features,
                   "LayerNorm: input \(x.shape) does not end in \(features) features")
        return groupNormalized(x, batch: x.count / features, channels: features, groups: 1, spatial: 1,
                               weight: weight, bias: bias, eps: eps, op: "layerNorm")
    }
}
