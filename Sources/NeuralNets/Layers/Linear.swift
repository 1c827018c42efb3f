// Linear.swift — the fully connected layer y = x·Wᵀ + b (PyTorch `nn.Linear`).
//
// Reference: F. Rosenblatt (1958); any deep-learning text, e.g. Goodfellow, Bengio,
// Courville, "Deep Learning" (2016), §6.
//
// With the R = (product of the leading axes) rows of x viewed as X [R, in]:
//
//     Y = X · Wᵀ + b       [R, in]·[in, out] → [R, out]   (one SGEMM on top of the bias rows)
//
// and with G = ∂L/∂Y [R, out]:
//
//     ∂L/∂X = G · W        [R, out]·[out, in]
//     ∂L/∂W = Gᵀ · X       [out, R]·[R, in]
//     ∂L/∂b = Σ_rows G     [out]
//
// SGEMM reads W and G transposed in place (its transpose flags), so no transposed
// copy is made.

import Tensors

/// A fully connected layer `y = x·Wᵀ + b` over the last axis (PyTorch `nn.Linear`).
///
/// Parameters (PyTorch names and layout): `weight` `[outFeatures, inFeatures]` and
/// `bias` `[outFeatures]`, both drawn from U(−1/√inFeatures, 1/√inFeatures).
public final class Linear: UnaryLayer {
    /// The weight matrix, `[outFeatures, inFeatures]`.
    public let weight: Tensor
    /// The bias `[outFeatures]`, or `nil` when made with `bias: false`.
    public let bias: Tensor?
    /// Size of the input's last axis.
    public let inFeatures: Int
    /// Size of the output's last axis.
    public let outFeatures: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a linear layer with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inFeatures: size of the input's last axis.
    ///   - outFeatures: size of the output's last axis.
    ///   - bias: whether to add a learned bias.
    ///   - rng: the generator the initial weights are drawn from.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using rng: inout some RandomNumberGenerator) {
        layerCheck(inFeatures > 0 && outFeatures > 0, "Linear: sizes must be positive, got \(inFeatures)→\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = LayerInit.kaimingBound(fanIn: inFeatures)
        self.weight = LayerInit.uniform([outFeatures, inFeatures], bound: bound, using: &rng)
        self.bias = bias ? LayerInit.uniform([outFeatures], bound: bound, using: &rng) : nil
    }

    /// `weight` and, when present, `bias`.
    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Maps `x` `[..., inFeatures]` → `[..., outFeatures]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}

/// `x·Wᵀ + b` over the last axis (PyTorch `F.linear`): `x` `[..., in]`, `weight`
/// `[out, in]`, `bias` `[out]` → `[..., out]`. Differentiable in all three.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    layerCheck(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
    let (outF, inF) = (weight.shape[0], weight.shape[1])
    layerCheck(x.rank >= 1 && x.shape[x.rank - 1] == inF,
               "linear: input \(x.shape) does not end in \(inF) features (weight \(weight.shape))")
    if let bias { layerCheck(bias.shape == [outF], "linear: bias must be [\(outF)], got \(bias.shape)") }
    let rows = x.count / inF
    let outShape = Array(x.shape.dropLast()) + [outF]

    // Y = X·Wᵀ + b                                                      [R, out]
    let y = makeScalars(rows * outF) { out in
        if let b = bias?.scalars {
            b.withUnsafeBufferPointer { pb in
                for r in 0..<rows { (out + r * outF).update(from: pb.baseAddress!, count: outF) }
            }
        }
        guard rows > 0 else { return }
        withScalarPointers(x) { px in
            withScalarPointers(weight) { pw in
                sgemm(transB: true, m: rows, n: outF, k: inF, a: px, b: pw, beta: bias == nil ? 0 : 1, c: out)
            }
        }
    }

    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record(shape: outShape, scalars: y, op: "linear", inputs: inputs) { g in
        let needB = bias?.requiresGrad ?? false
        return withScalarPointers(g) { pg in
            // ∂L/∂X = G·W                                               [R, in]
            let dx: Tensor? = x.requiresGrad ? Tensor(shape: x.shape, scalars: makeScalars(rows * inF) { dx in
                withScalarPointers(weight) { pw in sgemm(m: rows, n: inF, k: outF, a: pg, b: pw, c: dx) }
            }) : nil
            // ∂L/∂W = Gᵀ·X                                              [out, in]
            let dw: Tensor? = weight.requiresGrad ? Tensor(shape: weight.shape, scalars: makeScalars(outF * inF) { dw in
                withScalarPointers(x) { px in sgemm(transA: true, m: outF, n: inF, k: rows, a: pg, b: px, c: dw) }
            }) : nil
            // ∂L/∂b = Σ_rows G                                          [out]
            var db: Tensor? = nil
            if needB {
                var sums = [Float](repeating: 0, count: outF)
                sums.withUnsafeMutableBufferPointer { s in
                    for r in 0..<rows {
                        let row = pg + r * outF
                        for j in 0..<outF { s[j] += row[j] }
                    }
                }
                db = Tensor(shape: [outF], scalars: sums)
            }
            return [dx, dw, db]
        }
    }
}
