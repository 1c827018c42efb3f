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
//
// `linearSiLU` is silu(x·Wᵀ + b) as one op (a Linear followed by SiLU in `Sequential`
// runs as one): the activation is applied to each block of rows right after its
// GEMM, while it is still in the cache, and its backward first turns G into
// G·silu′(Z). With S = σ(Z) and Y = Z·S,
//
//     silu′(Z) = S·(1 + Z·(1 − S)) = S + Y·(1 − S),
//
// so the forward pass keeps S (and Y is the output): the backward pass then needs
// no exponential and no division, which were its costliest part.
//
// Threads: a batch of many rows is split into one block of rows per core, each with
// its own single-threaded GEMMs (`Kernels.forEachChunk`, as in Conv2d.swift); ∂L/∂W and ∂L/∂b
// are summed per block and the blocks added in order, so results are the same on
// every run. (OpenBLAS's own threads, woken for each small GEMM, spent more time
// yielding than multiplying for the toy MLP's 1024 × 128 matrices.)

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
        let y = linear(x, weight: weight, bias: bias)
        MultiplyAccumulates.add(y.count * weight.shape[1])
        return y
    }
}

/// `x·Wᵀ + b` over the last axis (PyTorch `F.linear`): `x` `[..., in]`, `weight`
/// `[out, in]`, `bias` `[out]` → `[..., out]`. Differentiable in all three.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    linearOp(x, weight: weight, bias: bias, silu: false)
}

/// `silu(x·Wᵀ + b)` as one fused op: the same values as `linear(x, weight:, bias:).silu()`
/// with one pass less over memory. Differentiable in all three inputs.
public func linearSiLU(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    linearOp(x, weight: weight, bias: bias, silu: true)
}

/// Y = X·Wᵀ + b, then SiLU when `silu`, split into blocks of rows across the cores.
func linearOp(_ x: Tensor, weight: Tensor, bias: Tensor?, silu: Bool) -> Tensor {
    layerCheck(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
    let (outF, inF) = (weight.shape[0], weight.shape[1])
    layerCheck(x.rank >= 1 && x.shape[x.rank - 1] == inF,
               "linear: input \(x.shape) does not end in \(inF) features (weight \(weight.shape))")
    if let bias { layerCheck(bias.shape == [outF], "linear: bias must be [\(outF)], got \(bias.shape)") }
    let rows = x.count / inF
    let outShape = Array(x.shape.dropLast()) + [outF]
    let chunks = Kernels.chunkCount(items: rows, workPerItem: inF * outF)
    // S = σ(Z) is needed by the backward pass of the fused op only.
    let recording = GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false))
    let keepS = silu && recording
    var sigma = scratchScalars(keepS ? rows * outF : 0)

    // Z = X·Wᵀ + b for each block of rows                               [R, out]
    let y = makeScalars(rows * outF) { out in
        guard rows > 0 else { return }
        withScalarPointers(x) { px in
            withScalarPointers(weight) { pw in
                withOptionalPointer(bias) { pb in
                    sigma.withUnsafeMutableBufferPointer { sb in
                        Kernels.forEachChunk(chunks, items: rows) { _, block in
                            let o = out + block.lowerBound * outF, count = block.count
                            if let pb {
                                for r in 0..<count { (o + r * outF).update(from: pb, count: outF) }
                            }
                            sgemm(transB: true, m: count, n: outF, k: inF, a: px + block.lowerBound * inF, b: pw,
                                  beta: pb == nil ? 0 : 1, c: o)
                            guard silu else { return }
                            if keepS {                                                // Y = Z·S, keeping S
                                siluInPlace(o, count * outF, keepingSigmoidIn: sb.baseAddress! + block.lowerBound * outF)
                            } else {
                                siluInPlace(o, count * outF)                          // Y = silu(Z)
                            }
                        }
                    }
                }
            }
        }
    }

    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record(shape: outShape, scalars: y, op: silu ? "linear+silu" : "linear", inputs: inputs) { g in
        let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        var dz = scratchScalars(silu ? rows * outF : 0)                  // ∂L/∂Z = G·silu′(Z)
        var dw = scratchScalars(needW ? chunks * outF * inF : 0)         // per block, beta 0
        var db = [Float](repeating: 0, count: needB ? chunks * outF : 0) // per block
        func backwardPass(_ dx: UnsafeMutablePointer<Float>?) {
            withScalarPointers(g) { pgy in
                withScalarPointers(x) { px in
                    withScalarPointers(weight) { pw in
                        sigma.withUnsafeBufferPointer { sb in
                            y.withUnsafeBufferPointer { yb in
                                dz.withUnsafeMutableBufferPointer { dzb in
                                    dw.withUnsafeMutableBufferPointer { dwb in
                                        db.withUnsafeMutableBufferPointer { dbb in
                                            Kernels.forEachChunk(chunks, items: rows) { chunk, block in
                                                let first = block.lowerBound, count = block.count
                                                var pg = pgy + first * outF                    // this block's G [count, out]
                                                if silu {
                                                    let d = dzb.baseAddress! + first * outF
                                                    siluGradient(pg, sigmoid: sb.baseAddress! + first * outF,
                                                                 output: yb.baseAddress! + first * outF, d, count * outF)
                                                    pg = UnsafePointer(d)
                                                }
                                                // ∂L/∂X = G·W                               [count, in]
                                                if let dx { sgemm(m: count, n: inF, k: outF, a: pg, b: pw, c: dx + first * inF) }
                                                // ∂L/∂W = Gᵀ·X, this block's part            [out, in]
                                                if needW {
                                                    sgemm(transA: true, m: outF, n: inF, k: count, a: pg, b: px + first * inF,
                                                          c: dwb.baseAddress! + chunk * outF * inF)
                                                }
                                                // ∂L/∂b = Σ_rows G, this block's part       [out]
                                                if needB {
                                                    let s = dbb.baseAddress! + chunk * outF
                                                    for r in 0..<count {
                                                        let row = pg + r * outF
                                                        for j in 0..<outF { s[j] += row[j] }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dx: [Float] = []
        if needX { dx = makeScalars(rows * inF) { backwardPass($0) } } else { backwardPass(nil) }
        return [needX ? Tensor(shape: x.shape, scalars: dx) : nil,
                needW ? Tensor(shape: weight.shape, scalars: sumOfChunks(dw, chunks: chunks)) : nil,
                needB ? Tensor(shape: [outF], scalars: sumOfChunks(db, chunks: chunks)) : nil]
    }
}

/// p[i] = p[i]·σ(p[i]) for `count` values, 8 at a time (as `Tensor.silu` computes it);
/// when `sigmoidOut` is given, σ(p[i]) is written there too (for the backward pass).
private func siluInPlace(_ p: UnsafeMutablePointer<Float>, _ count: Int,
                         keepingSigmoidIn sigmoidOut: UnsafeMutablePointer<Float>? = nil) {
    var i = 0
    while i + 8 <= count {
        let z = UnsafeRawPointer(p + i).loadUnaligned(as: Float8.self)
        let s = sigmoid8(z)
        if let sigmoidOut { UnsafeMutableRawPointer(sigmoidOut + i).storeBytes(of: s, as: Float8.self) }
        UnsafeMutableRawPointer(p + i).storeBytes(of: z * s, as: Float8.self)
        i += 8
    }
    if i < count {
        var z = Float8(repeating: 0)
        for j in i..<count { z[j - i] = p[j] }
        let s = sigmoid8(z)
        let r = z * s
        for j in i..<count {
            p[j] = r[j - i]
            sigmoidOut?[j] = s[j - i]
        }
    }
}

/// out = g·silu′(z) for `count` values, from S = σ(z) and Y = z·S:
/// silu′(z) = S + Y·(1 − S) (see the top of this file).
private func siluGradient(_ g: UnsafePointer<Float>, sigmoid s: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                          _ out: UnsafeMutablePointer<Float>, _ count: Int) {
    let one = Float8(repeating: 1)
    var i = 0
    while i + 8 <= count {
        let sv = UnsafeRawPointer(s + i).loadUnaligned(as: Float8.self)
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: Float8.self)
        let gv = UnsafeRawPointer(g + i).loadUnaligned(as: Float8.self)
        UnsafeMutableRawPointer(out + i).storeBytes(of: gv * (sv + yv * (one - sv)), as: Float8.self)
        i += 8
    }
    for j in i..<count { out[j] = g[j] * (s[j] + y[j] * (1 - s[j])) }
}
