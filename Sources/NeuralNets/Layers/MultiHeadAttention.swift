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
// uses the vectorised exp8. Self-attention can pass the packed output of its qkv
// convolution as it is (`multiHeadAttention(qkv:heads:)`): q, k and v are then read
// from, and their gradients written to, their places in that one tensor.

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
    let layout = AttentionLayout(slices: b * h, d: d, n: n, l: l,
                                 query: { $0 * d * n }, key: { $0 * d * l }, value: { $0 * d * l })

    var probabilities = scratchScalars(layout.slices * n * l)           // P [B, h, N, L], written by the GEMM
    let o = makeScalars(layout.slices * d * n) { out in                  // [B, h, d, N]
        withScalarPointers(query) { pq in
            withScalarPointers(key) { pk in
                withScalarPointers(value) { pv in
                    probabilities.withUnsafeMutableBufferPointer { pb in
                        layout.forward(q: pq, k: pk, v: pv, p: pb.baseAddress!, out: out)
                    }
                }
            }
        }
    }

    return Tensor.record(shape: query.shape, scalars: o, op: "multiHeadAttention", inputs: [query, key, value]) { g in
        let needQ = query.requiresGrad, needK = key.requiresGrad, needV = value.requiresGrad
        // Every slice of each gradient is written by one GEMM with beta = 0.
        var dq = scratchScalars(needQ ? query.count : 0)
        var dk = scratchScalars(needK ? key.count : 0)
        var dv = scratchScalars(needV ? value.count : 0)
        withScalarPointers(g) { pg in
            withScalarPointers(query) { pq in
                withScalarPointers(key) { pk in
                    withScalarPointers(value) { pv in
                        probabilities.withUnsafeBufferPointer { pb in
                            dq.withUnsafeMutableBufferPointer { dqb in
                                dk.withUnsafeMutableBufferPointer { dkb in
                                    dv.withUnsafeMutableBufferPointer { dvb in
                                        layout.backward(q: pq, k: pk, v: pv, p: pb.baseAddress!, dO: pg,
                                                        dq: needQ ? dqb.baseAddress! : nil,
                                                        dk: needK ? dkb.baseAddress! : nil,
                                                        dv: needV ? dvb.baseAddress! : nil)
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

/// Multi-head self-attention on the packed output of a qkv projection: `qkv`
/// `[B, 3·C, H, W]` (or `[B, 3·C, N]`), read as `[B, 3, heads, C/heads, N]` — queries,
/// then keys, then values, each split into heads — gives `o` `[B, C, H, W]` (or
/// `[B, C, N]`), the same as `multiHeadAttention(query:key:value:)` on the three parts,
/// without copying them out (and with one packed gradient). Differentiable.
public func multiHeadAttention(qkv: Tensor, heads: Int) -> Tensor {
    layerCheck(qkv.rank >= 3 && qkv.shape[1] % (3 * heads) == 0,
               "multiHeadAttention: qkv \(qkv.shape) must be [B, 3·C, …] with C divisible by \(heads) heads")
    let b = qkv.shape[0], c = qkv.shape[1] / 3, d = c / heads
    let n = qkv.shape.dropFirst(2).reduce(1, *)
    // Slice s = (batch i, head j): q at ((3i + 0)·h + j)·d·N, k at ((3i + 1)·h + j)·d·N, v at ((3i + 2)·h + j)·d·N.
    func offset(_ part: Int) -> (Int) -> Int {
        { s in ((s / heads * 3 + part) * heads + s % heads) * d * n }
    }
    let layout = AttentionLayout(slices: b * heads, d: d, n: n, l: n, query: offset(0), key: offset(1), value: offset(2))
    var outShape = qkv.shape
    outShape[1] = c

    var probabilities = scratchScalars(layout.slices * n * n)           // P [B, h, N, N], written by the GEMM
    let o = makeScalars(layout.slices * d * n) { out in                  // [B, C, N]
        withScalarPointers(qkv) { p in
            probabilities.withUnsafeMutableBufferPointer { pb in
                layout.forward(q: p, k: p, v: p, p: pb.baseAddress!, out: out)
            }
        }
    }

    return Tensor.record(shape: outShape, scalars: o, op: "multiHeadAttention", inputs: [qkv]) { g in
        // q, k and v regions of the packed gradient are each written by one GEMM (beta = 0).
        let dqkv = makeScalars(qkv.count) { dp in
            withScalarPointers(g) { pg in
                withScalarPointers(qkv) { p in
                    probabilities.withUnsafeBufferPointer { pb in
                        layout.backward(q: p, k: p, v: p, p: pb.baseAddress!, dO: pg, dq: dp, dk: dp, dv: dp)
                    }
                }
            }
        }
        return [Tensor(shape: qkv.shape, scalars: dqkv)]
    }
}

/// Where each slice (batch item, head) of q, k and v starts, and the sizes: the
/// forward and backward passes above, written once for both memory layouts.
struct AttentionLayout {
    /// Number of slices B·h.
    let slices: Int
    /// Head size d, number of queries N and of keys L.
    let d: Int, n: Int, l: Int
    /// Offset of slice s in the q, k and v buffers (the gradients use the same offsets).
    let query: (Int) -> Int, key: (Int) -> Int, value: (Int) -> Int

    /// Slices per core (one chunk when the work is small).
    var chunks: Int { Kernels.chunkCount(items: slices, workPerItem: 2 * d * n * l) }

    /// P = softmax(qᵀk/√d) into `p` [slices, N, L]; o = v·Pᵀ into `out` [slices, d, N].
    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                 p: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(d).squareRoot()
        Kernels.forEachChunk(chunks, items: slices) { _, range in
            for s in range {
                let ps = p + s * n * l
                // S = qᵀ·k/√d                                                   [N, L]
                sgemm(transA: true, m: n, n: l, k: d, alpha: scale, a: q + query(s), b: k + key(s), c: ps)
                for i in 0..<n { softmaxRow(ps + i * l, l) }                       // P, row by row
                // o = v·Pᵀ                                                      [d, N]
                sgemm(transB: true, m: d, n: n, k: l, a: v + value(s), b: ps, c: out + s * d * n)
            }
        }
    }

    /// The gradients of q, k and v (those not nil) from dO [slices, d, N] and the kept P.
    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                  p: UnsafePointer<Float>, dO: UnsafePointer<Float>,
                  dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?) {
        let scale = 1 / Float(d).squareRoot()
        let chunks = self.chunks
        var scratch = scratchScalars(dq != nil || dk != nil ? chunks * n * l : 0)   // dP, then dS, per chunk
        scratch.withUnsafeMutableBufferPointer { sb in
            Kernels.forEachChunk(chunks, items: slices) { chunk, range in
                for s in range {
                    let ps = p + s * n * l, g = dO + s * d * n
                    // ∂L/∂v = dO·P                                              [d, L]
                    if let dv { sgemm(m: d, n: l, k: n, a: g, b: ps, c: dv + value(s)) }
                    guard dq != nil || dk != nil else { continue }
                    let ds = sb.baseAddress! + chunk * n * l
                    // dP = dOᵀ·v                                                [N, L]
                    sgemm(transA: true, m: n, n: l, k: d, a: g, b: v + value(s), c: ds)
                    // dS = P ⊙ (dP − rowsum(dP ⊙ P))
                    for i in 0..<n {
                        let pr = ps + i * l, dr = ds + i * l
                        var dot: Float = 0
                        for j in 0..<l { dot += dr[j] * pr[j] }
                        for j in 0..<l { dr[j] = pr[j] * (dr[j] - dot) }
                    }
                    // ∂L/∂q = k·dSᵀ/√d                                          [d, N]
                    if let dq { sgemm(transB: true, m: d, n: n, k: l, alpha: scale, a: k + key(s), b: ds, c: dq + query(s)) }
                    // ∂L/∂k = q·dS/√d                                           [d, L]
                    if let dk { sgemm(m: d, n: l, k: n, alpha: scale, a: q + query(s), b: ds, c: dk + key(s)) }
                }
            }
        }
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
