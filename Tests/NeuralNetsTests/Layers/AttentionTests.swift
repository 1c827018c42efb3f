// AttentionTests.swift — SelfAttention and CrossAttention against a naive Double
// implementation of their definitions (ARCHITECTURES.md), finite-difference gradients
// for the input, the context and every parameter, and PyTorch names.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import NeuralNets
import Tensors

/// A 1×1 convolution / linear map in Double: out[b, o, p] = bias[o] + Σ_c W[o, c]·x[b, c, p]
/// for x viewed [B, C, P] (channels first) — or, with `channelsLast`, x [B, P, C].
func naivePointwise(_ x: [Double], batch: Int, inChannels: Int, positions: Int, weight: Tensor, bias: Tensor?,
                    channelsLast: Bool = false) -> [Double] {
    let w = weight.scalars, b = bias?.scalars
    let out = weight.shape[0]
    var y = [Double](repeating: 0, count: batch * out * positions)                 // [B, out, P]
    for n in 0..<batch {
        for o in 0..<out {
            for p in 0..<positions {
                var acc = Double(b?[o] ?? 0)
                for c in 0..<inChannels {
                    let xi = channelsLast ? (n * positions + p) * inChannels + c : (n * inChannels + c) * positions + p
                    acc += Double(w[o * inChannels + c]) * x[xi]
                }
                y[(n * out + o) * positions + p] = acc
            }
        }
    }
    return y
}

/// Multi-head attention in Double: q [B, C, N] (channels first, head h owns channels
/// h·d..<(h+1)·d), k and v [B, C, L]; returns o [B, C, N] with
/// o[:, i] = Σ_j softmax_j(q_i·k_j/√d) v[:, j] per head.
func naiveAttention(q: [Double], k: [Double], v: [Double], batch: Int, channels: Int, heads: Int,
                    queries: Int, keys: Int) -> [Double] {
    let d = channels / heads
    var o = [Double](repeating: 0, count: batch * channels * queries)
    for b in 0..<batch {
        for h in 0..<heads {
            func at(_ t: [Double], _ dd: Int, _ p: Int, _ len: Int) -> Double { t[(b * channels + h * d + dd) * len + p] }
            for i in 0..<queries {
                var scores = [Double](repeating: 0, count: keys)
                for j in 0..<keys {
                    var dot = 0.0
                    for dd in 0..<d { dot += at(q, dd, i, queries) * at(k, dd, j, keys) }
                    scores[j] = dot / Double(d).squareRoot()
                }
                let m = scores.max()!
                var z = 0.0
                for j in 0..<keys { scores[j] = exp(scores[j] - m); z += scores[j] }
                for dd in 0..<d {
                    var acc = 0.0
                    for j in 0..<keys { acc += scores[j] / z * at(v, dd, j, keys) }
                    o[(b * channels + h * d + dd) * queries + i] = acc
                }
            }
        }
    }
    return o
}


@Suite struct MultiHeadAttentionTests {
    /// The fused op against the naive loops, with N ≠ L and row lengths that are not a
    /// multiple of 8 (the vectorised softmax's tail) as well as one that is (16).
    @Test(arguments: [(5, 7), (16, 3), (9, 16)])
    func matchesNaiveDefinition(sizes: (Int, Int)) {
        let (n, l) = sizes
        let q = layerInput([2, 3, 4, n], seed: 91), k = layerInput([2, 3, 4, l], seed: 92), v = layerInput([2, 3, 4, l], seed: 93)
        let expected = naiveAttention(q: q.scalars.map(Double.init), k: k.scalars.map(Double.init), v: v.scalars.map(Double.init),
                                      batch: 2, channels: 12, heads: 3, queries: n, keys: l)
        // Float scores of size ≤ 8 and the vectorised exp (≈ 2e-7 relative): ≈ 1e-6.
        expectLayerValues(multiHeadAttention(query: q, key: k, value: v), shape: [2, 3, 4, n],
                          expected.map { Float($0) }, tolerance: 1e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let q = layerInput([2, 2, 3, 5], seed: 94), k = layerInput([2, 2, 3, 9], seed: 95), v = layerInput([2, 2, 3, 9], seed: 96)
        layerGradCheck([q, k, v]) { multiHeadAttention(query: q, key: k, value: v) }
        let frozenKey = k.detached()
        layerGradCheck([q, frozenKey, v]) { multiHeadAttention(query: q, key: frozenKey, value: v) }
    }

    /// The packed form reads q, k, v from [B, 3, h, d, N] in place: the same values as
    /// the three-tensor form on the split parts, and its own gradient check.
    @Test func packedQKV() {
        let qkv = layerInput([2, 3 * 6, 2, 3], seed: 100)                    // C = 6, 2 heads of 3, N = 6
        let parts = qkv.reshaped([2, 3, 2, 3, 6]).split(axis: 1, sizes: [1, 1, 1]).map { $0.reshaped([2, 2, 3, 6]) }
        let expected = multiHeadAttention(query: parts[0], key: parts[1], value: parts[2]).scalars
        expectLayerValues(multiHeadAttention(qkv: qkv, heads: 2), shape: [2, 6, 2, 3], expected, tolerance: 1e-6)
        layerGradCheck([qkv]) { multiHeadAttention(qkv: qkv, heads: 2) }
    }

    /// A batch large enough to be split across the cores matches the naive loops too.
    @Test func largeBatchAcrossThreads() {
        let q = layerInput([8, 4, 8, 20], seed: 97), k = layerInput([8, 4, 8, 20], seed: 98), v = layerInput([8, 4, 8, 20], seed: 99)
        let expected = naiveAttention(q: q.scalars.map(Double.init), k: k.scalars.map(Double.init), v: v.scalars.map(Double.init),
                                      batch: 8, channels: 32, heads: 4, queries: 20, keys: 20)
        expectLayerValues(multiHeadAttention(query: q, key: k, value: v), shape: [8, 4, 8, 20],
                          expected.map { Float($0) }, tolerance: 1e-5)
    }
}

@Suite struct SelfAttentionTests {
    static func make(seed: UInt64) -> (SelfAttention, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let attention = SelfAttention(channels: 8, heads: 2, groups: 2, using: &rng)
        perturbLayerParameter(attention.norm.weight!, seed: seed + 1)
        perturbLayerParameter(attention.norm.bias!, seed: seed + 2)
        return (attention, layerInput([2, 8, 3, 2], seed: seed + 3))
    }

    @Test func matchesNaiveDefinition() {
        let (attention, x) = Self.make(seed: 71)
        let (b, c, n) = (2, 8, 6)
        let h = naiveGroupNorm(x, groups: 2, gamma: attention.norm.weight!.scalars, beta: attention.norm.bias!.scalars)
        let qkv = naivePointwise(h.map(Double.init), batch: b, inChannels: c, positions: n,
                                 weight: attention.qkv.weight, bias: attention.qkv.bias)      // [B, 3C, N]
        func part(_ s: Int) -> [Double] {                                                    // [B, C, N]
            var values: [Double] = []
            for i in 0..<b {
                let start: Int = (i * 3 + s) * c * n
                values += qkv[start..<(start + c * n)]
            }
            return values
        }
        let o = naiveAttention(q: part(0), k: part(1), v: part(2), batch: b, channels: c, heads: 2, queries: n, keys: n)
        let projected = naivePointwise(o, batch: b, inChannels: c, positions: n, weight: attention.out.weight, bias: attention.out.bias)
        let expected = zip(x.scalars, projected).map { Float(Double($0) + $1) }
        expectLayerValues(attention(x), shape: x.shape, expected, tolerance: 2e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let (attention, x) = Self.make(seed: 72)
        layerGradCheck([x] + attention.parameters) { attention(x) }
    }

    @Test func namesFollowPyTorch() {
        var rng = SeededGenerator(seed: 73)
        let attention = SelfAttention(channels: 128, using: &rng)
        #expect(layerParameterShapes(attention) == [
            "norm.weight [128]", "norm.bias [128]",
            "qkv.weight [384, 128, 1, 1]", "qkv.bias [384]",
            "out.weight [128, 128, 1, 1]", "out.bias [128]"])
        #expect(attention.heads == 4 && attention.norm.groups == 8)
        // The reference U-Net's attention block has 2·128 + 384·129 + 128·129 parameters.
        #expect(attention.parameterCount == 256 + 384 * 129 + 128 * 129)
    }
}

@Suite struct CrossAttentionTests {
    static func make(seed: UInt64) -> (CrossAttention, Tensor, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let attention = CrossAttention(channels: 6, contextDimension: 5, heads: 2, groups: 2, using: &rng)
        perturbLayerParameter(attention.norm.weight!, seed: seed + 1)
        perturbLayerParameter(attention.norm.bias!, seed: seed + 2)
        return (attention, layerInput([2, 6, 2, 3], seed: seed + 3), layerInput([2, 4, 5], seed: seed + 4))
    }

    @Test func matchesNaiveDefinition() {
        let (attention, x, context) = Self.make(seed: 81)
        let (b, c, n, l, e) = (2, 6, 6, 4, 5)
        let h = naiveGroupNorm(x, groups: 2, gamma: attention.norm.weight!.scalars, beta: attention.norm.bias!.scalars)
        let q = naivePointwise(h.map(Double.init), batch: b, inChannels: c, positions: n,
                               weight: attention.q.weight, bias: attention.q.bias)               // [B, C, N]
        let ctx = context.scalars.map(Double.init)
        let k = naivePointwise(ctx, batch: b, inChannels: e, positions: l, weight: attention.k.weight,
                               bias: attention.k.bias, channelsLast: true)                        // [B, C, L]
        let v = naivePointwise(ctx, batch: b, inChannels: e, positions: l, weight: attention.v.weight,
                               bias: attention.v.bias, channelsLast: true)                        // [B, C, L]
        let o = naiveAttention(q: q, k: k, v: v, batch: b, channels: c, heads: 2, queries: n, keys: l)
        let projected = naivePointwise(o, batch: b, inChannels: c, positions: n, weight: attention.out.weight, bias: attention.out.bias)
        let expected = zip(x.scalars, projected).map { Float(Double($0) + $1) }
        expectLayerValues(attention(x, context: context), shape: x.shape, expected, tolerance: 2e-5)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let (attention, x, context) = Self.make(seed: 82)
        // The key bias shifts every score of a query by the same q_i·b_k, which softmax
        // ignores: its true gradient is exactly 0, so a relative error means nothing
        // there. It is checked to be ≈ 0 (Float rounding of the softmax backward) instead.
        let keyBias = attention.k.bias!
        keyBias.zeroGrad()
        let others = attention.parameters.filter { $0 !== keyBias }
        layerGradCheck([x, context] + others) { attention(x, context: context) }
        #expect(keyBias.grad!.scalars.allSatisfy { abs($0) < 1e-5 }, "\(keyBias.grad!.scalars)")
    }

    @Test func names() {
        var rng = SeededGenerator(seed: 83)
        let attention = CrossAttention(channels: 16, contextDimension: 10, heads: 4, using: &rng)
        #expect(layerParameterShapes(attention) == [
            "norm.weight [16]", "norm.bias [16]",
            "q.weight [16, 16, 1, 1]", "q.bias [16]",
            "k.weight [16, 10]", "k.bias [16]",
            "v.weight [16, 10]", "v.bias [16]",
            "out.weight [16, 16, 1, 1]", "out.bias [16]"])
    }
}

@Suite struct CrossAttentionWeightsTests {
    @Test func weightsSumToOneOverTheContextAndMatchTheNaiveSoftmax() {
        let (attention, x, context) = CrossAttentionTests.make(seed: 84)
        let weights = attention.attentionWeights(x, context: context)                     // [2, 2, 6, 4]
        #expect(weights.shape == [2, 2, 6, 4])
        for row in 0..<(2 * 2 * 6) {
            let sum = (0..<4).reduce(0.0) { $0 + Double(weights.scalars[row * 4 + $1]) }
            #expect(abs(sum - 1) < 1e-6, "row \(row) sums to \(sum)")
        }
        // Naive Double softmax of q·k/√d for batch 1, head 1, pixel 5.
        let (c, n, l, e, d) = (6, 6, 4, 5, 3)
        let h = naiveGroupNorm(x, groups: 2, gamma: attention.norm.weight!.scalars, beta: attention.norm.bias!.scalars)
        let q = naivePointwise(h.map(Double.init), batch: 2, inChannels: c, positions: n,
                               weight: attention.q.weight, bias: attention.q.bias)                 // [B, C, N]
        let k = naivePointwise(context.scalars.map(Double.init), batch: 2, inChannels: e, positions: l,
                               weight: attention.k.weight, bias: attention.k.bias, channelsLast: true)  // [B, C, L]
        let (b, head, i) = (1, 1, 5)
        let logits = (0..<l).map { j in
            (0..<d).reduce(0.0) { $0 + q[(b * c + head * d + $1) * n + i] * k[(b * c + head * d + $1) * l + j] } / Double(d).squareRoot()
        }
        let m = logits.max()!
        let total = logits.reduce(0.0) { $0 + exp($1 - m) }
        for j in 0..<l {
            let got = Double(weights.scalars[((b * 2 + head) * n + i) * l + j])
            #expect(abs(got - exp(logits[j] - m) / total) < 1e-5, "weight \(j): \(got)")
        }
    }

    @Test func recordedWeightsAreTheForwardPasses() {
        let (attention, x, context) = CrossAttentionTests.make(seed: 85)
        _ = attention(x, context: context)
        #expect(attention.recordedWeights == nil)                 // off by default
        attention.recordsWeights = true
        _ = attention(x, context: context)
        #expect(attention.recordedWeights?.scalars == attention.attentionWeights(x, context: context).scalars)
    }

    @Test func oneTokenGivesWeightsOfExactlyOne() {
        let (attention, x, context) = CrossAttentionTests.make(seed: 86)
        let weights = attention.attentionWeights(x, context: context.slice(axis: 1, 0..<1))
        #expect(weights.shape == [2, 2, 6, 1])
        #expect(weights.scalars.allSatisfy { $0 == 1 })
    }

    @Test func attendFromProjectionsEqualsTheLayer() {
        let (attention, x, context) = CrossAttentionTests.make(seed: 87)
        let q = attention.q(attention.norm(x)).reshaped([2, 6, 6]).permuted([0, 2, 1])   // [B, N, C]
        let (output, weights) = CrossAttention.attend(query: q, key: attention.k(context), value: attention.v(context), heads: 2)
        #expect(weights.scalars == attention.attentionWeights(x, context: context).scalars)
        let o = output.permuted([0, 2, 1]).reshaped([2, 6, 2, 3])                          // back to [B, C, H, W]
        expectLayerValues(x + attention.out(o), shape: x.shape, attention(x, context: context).scalars, tolerance: 1e-5)
    }
}
