// MultiHeadAttention.swift — the core of attention, softmax(qᵀk/√d)·v, as one fused op
// over all batch items and heads (used by SelfAttention and CrossAttention).
//
// Reference: A. Vaswani et al., "Attention Is All You Need" (2017), eq. (1).
//
// Layout: channels first, as a feature map's channels come out of a 1×1 convolution.
// For each batch item and head (one "slice"), q is [d, N] (N queries of size d), k
// and v are [d, L] (L keys and values):
//
//     S = qᵀ·k / √d        [N, d]·[d, L] → [N, L]      S_ij = q_i·k_j/√d
//     P = softmax_j(S)     [N, L]                       each row sums to 1
//     o = v·Pᵀ             [d, L]·[L, N] → [d, N]       o_i = Σ_j P_ij v_j
//
// Backward, with dO = ∂L/∂o [d, N] (P is kept from the forward pass):
//
//     ∂L/∂v = dO·P                     [d, N]·[N, L] → [d, L]
//     dP    = dOᵀ·v                    [N, d]·[d, L] → [N, L]
//     dS    = P ⊙ (dP − rowsum(dP ⊙ P))                (the softmax backward)
//     ∂L/∂q = k·dSᵀ / √d               [d, L]·[L, N] → [d, N]
//     ∂L/∂k = q·dS / √d                [d, N]·[N, L] → [d, L]
//
// Every product is one SGEMM reading its operands transposed in place, so no
// permuted copy is made; the slices are spread across the cores, and the softmax
// uses the vectorised exp8.

import Tensors

/// Scaled dot-product attention for many heads at once, channels first:
/// `query` `[B, h, d, N]`, `key` and `value` `[B, h, d, L]` → `[B, h, d, N]` with
/// `o[:, i] = Σ_j softmax_j(q_i·k_j/√d) · v[:, j]` for each batch item and head.
/// Differentiable with respect to all three.
public func multiHeadAttention(query: Tensor, key: Tensor, value: Tensor) -> Tensor {
    layerCheck(query.rank == 4 && key.rank == 4 && key.shape == value.shape,
               "multiHeadAttention: need query [B, h, d, N] and key, value [B, h, d, L]; got \(query.shape), \(key.shape), \(value.shape)")
    layerCheck(Array(query.shape.prefix(3)) == Array(key.shape.prefix(3)),
               "multiHeadAttention: query \(query.shape) and key \(key.shape) differ in batch, heads or head size")
    let (b, h, d, n) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let l = key.shape[3]
    let slices = b * h
    let scale = 1 / Float(d).squareRoot()
    let (qSize, kSize, pSize) = (d * n, d * l, n * l)                  // one slice of q (and o), of k and v, of P
    let chunks = LayerParallel.chunkCount(items: slices, workPerItem: 2 * d * n * l)

    // Forward: P = softmax(qᵀk/√d) kept for the backward pass; o = v·Pᵀ.
    var probabilities = scratchScalars(slices * pSize)                 // [B, h, N, L], written by the GEMM
    let o = makeScalars(slices * qSize) { out in
        withScalarPointers(query) { pq in
            withScalarPointers(key) { pk in
                withScalarPointers(value) { pv in
                    probabilities.withUnsafeMutableBufferPointer { pb in
                        LayerParallel.forEachChunk(chunks, items: slices) { _, range in
                            for s in range {
                                let p = pb.baseAddress! + s * pSize
                                // S = qᵀ·k/√d                                         [N, L]
                                sgemm(transA: true, m: n, n: l, k: d, alpha: scale, a: pq + s * qSize, b: pk + s * kSize, c: p)
                                for i in 0..<n { softmaxRow(p + i * l, l) }             // P, row by row
                                // o = v·Pᵀ                                            [d, N]
                                sgemm(transB: true, m: d, n: n, k: l, a: pv + s * kSize, b: p, c: out + s * qSize)
                            }
                        }
                    }
                }
            }
        }
    }

    return Tensor.record(shape: query.shape, scalars: o, op: "multiHeadAttention", inputs: [query, key, value]) { g in
        let needQ = query.requiresGrad, needK = key.requiresGrad, needV = value.requiresGrad
        // Every slice of each gradient is written by one GEMM with beta = 0.
        var dq = scratchScalars(needQ ? slices * qSize : 0)
        var dk = scratchScalars(needK ? slices * kSize : 0)
        var dv = scratchScalars(needV ? slices * kSize : 0)
        var scratch = scratchScalars(chunks * pSize)                     // dP, then dS, per chunk
        withScalarPointers(g) { pg in
            withScalarPointers(query) { pq in
                withScalarPointers(key) { pk in
                    withScalarPointers(value) { pv in
                        probabilities.withUnsafeBufferPointer { pb in
                            dq.withUnsafeMutableBufferPointer { dqb in
                                dk.withUnsafeMutableBufferPointer { dkb in
                                    dv.withUnsafeMutableBufferPointer { dvb in
                                        scratch.withUnsafeMutableBufferPointer { sb in
                                            LayerParallel.forEachChunk(chunks, items: slices) { chunk, range in
                                                let ds = sb.baseAddress! + chunk * pSize
                                                for s in range {
                                                    let p = pb.baseAddress! + s * pSize, dO = pg + s * qSize
                                                    // ∂L/∂v = dO·P                               [d, L]
                                                    if needV {
                                                        sgemm(m: d, n: l, k: n, a: dO, b: p, c: dvb.baseAddress! + s * kSize)
                                                    }
                                                    guard needQ || needK else { continue }
                                                    // dP = dOᵀ·v                                 [N, L]
                                                    sgemm(transA: true, m: n, n: l, k: d, a: dO, b: pv + s * kSize, c: ds)
                                                    // dS = P ⊙ (dP − rowsum(dP ⊙ P))
                                                    for i in 0..<n {
                                                        let pr = p + i * l, dr = ds + i * l
                                                        var dot: Float = 0
                                                        for j in 0..<l { dot += dr[j] * pr[j] }
                                                        for j in 0..<l { dr[j] = pr[j] * (dr[j] - dot) }
                                                    }
                                                    // ∂L/∂q = k·dSᵀ/√d                           [d, N]
                                                    if needQ {
                                                        sgemm(transB: true, m: d, n: n, k: l, alpha: scale, a: pk + s * kSize, b: ds,
                                                              c: dqb.baseAddress! + s * qSize)
                                                    }
                                                    // ∂L/∂k = q·dS/√d                            [d, L]
                                                    if needK {
                                                        sgemm(m: d, n: l, k: n, alpha: scale, a: pq + s * qSize, b: ds,
                                                              c: dkb.baseAddress! + s * kSize)
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
        return [needQ ? Tensor(shape: query.shape, scalars: dq) : nil,
                needK ? Tensor(shape: key.shape, scalars: dk) : nil,
                needV ? Tensor(shape: value.shape, scalars: dv) : nil]
    }
}

/// Replaces `count` scores by their softmax, in place: e^(s − max) / Σ e^(s − max),
/// eight values at a time with `exp8`.
@inline(__always)
func softmaxRow(_ row: UnsafeMutablePointer<Float>, _ count: Int) {
    var m = -Float.infinity
    for j in 0..<count { m = Swift.max(m, row[j]) }
    let raw = UnsafeMutableRawPointer(row)
    let mv = SIMD8<Float>(repeating: m)
    var sum = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= count {
        let e = exp8(raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - mv)
        raw.storeBytes(of: e, toByteOffset: j * 4, as: SIMD8<Float>.self)
        sum += e
        j += 8
    }
    var total = sum.sum()
    if j < count {
        var t = SIMD8<Float>(repeating: -Float.infinity)
        for i in j..<count { t[i - j] = row[i] - m }
        let e = exp8(t)
        for i in j..<count { row[i] = e[i - j]; total += e[i - j] }
    }
    let inv = 1 / total
    for i in 0..<count { row[i] *= inv }
}
