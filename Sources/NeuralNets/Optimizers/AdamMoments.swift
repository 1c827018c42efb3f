// AdamMoments.swift — the moment buffers and the update kernel shared by Adam and AdamW.
//
// For each parameter p with gradient g, at that parameter's step t (learning rate η,
// betas β1 β2, eps ε, L2 weight decay λ for Adam, decoupled decay λ for AdamW):
//
//   1. t ← t + 1
//   2. g ← g + λ·p                          (Adam's L2 weight decay, if λ ≠ 0)
//   3. p ← p·(1 − η·λ)                      (AdamW's decoupled weight decay instead)
//   4. m ← β1·m + (1 − β1)·g                (first moment; computed as a lerp, m + (1 − β1)(g − m))
//   5. v ← β2·v + (1 − β2)·g²               (second moment)
//   6. m̂ = m/(1 − β1ᵗ),  v̂ = v/(1 − β2ᵗ)    (bias correction; m and v start at 0)
//   7. p ← p − η·m̂/(√v̂ + ε)
//
// As in PyTorch, step 7 is evaluated as p − (η/(1 − β1ᵗ))·m/(√v/√(1 − β2ᵗ) + ε),
// with the two scalar factors computed in Double (Python floats), so that ε is added
// to the bias-corrected √v̂. Kingma & Ba (2015), Algorithm 1; Loshchilov & Hutter
// (2019), Algorithm 2.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

/// Adam's per-parameter state: the two moment buffers and the step count.
struct AdamMoments {
    /// m, the running mean of the gradients; empty until the parameter's first step.
    var expAvg: [[Float]]
    /// v, the running mean of the squared gradients; empty until the first step.
    var expAvgSq: [[Float]]
    /// How many updates each parameter has had (PyTorch keeps a step per parameter,
    /// so one that had no gradient for a while gets its own bias correction).
    var steps: [Int]

    init(count: Int) {
        expAvg = Array(repeating: [], count: count)
        expAvgSq = Array(repeating: [], count: count)
        steps = Array(repeating: 0, count: count)
    }

    /// Applies steps 1–7 to every parameter that has a gradient.
    mutating func update(_ parameters: [Tensor], learningRate lr: Float, betas: (Float, Float),
                         eps: Float, l2: Float, decoupled: Float, name: String) {
        let (beta1, beta2) = betas
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            OptimizerSupport.checkGradient(grad, of: p, index: i, in: name)
            if expAvg[i].isEmpty {
                expAvg[i] = [Float](repeating: 0, count: p.count)
                expAvgSq[i] = [Float](repeating: 0, count: p.count)
            }
            steps[i] += 1                                                        // (1)
            let t = Double(steps[i])
            let bias1 = 1 - pow(Double(beta1), t)
            let bias2 = 1 - pow(Double(beta2), t)
            let c = Coefficients(l2: l2, shrink: Float(1 - Double(lr) * Double(decoupled)),
                                 a1: 1 - beta1, beta2: beta2, a2: 1 - beta2, bias2Sqrt: Float(bias2.squareRoot()),
                                 eps: eps, stepSize: Float(Double(lr) / bias1))
            expAvg[i].withUnsafeMutableBufferPointer { m in
                expAvgSq[i].withUnsafeMutableBufferPointer { v in
                    grad.scalars.withUnsafeBufferPointer { g in
                        p.updateScalars { w in
                            guard let wp = w.baseAddress, let gp = g.baseAddress,
                                  let mp = m.baseAddress, let vp = v.baseAddress else { return }
                            Kernels.parallelChunks(w.count) { range in
                                Self.kernel(c, w: wp, g: gp, m: mp, v: vp, range: range)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The per-step scalars of steps 2–7, computed once per parameter.
    struct Coefficients {
        var l2, shrink, a1, beta2, a2, bias2Sqrt, eps, stepSize: Float
    }

    /// Steps 2–7 on `range`, eight values at a time. Written with explicit SIMD vectors:
    /// with four buffers, three of them written, the compiler does not vectorise the
    /// plain loop. Each lane does the same IEEE operations in the same order as the
    /// scalar tail, so the result does not depend on where a chunk starts.
    @inline(__always)
    static func kernel(_ c: Coefficients, w: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
                       m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, range: Range<Int>) {
        typealias V = SIMD8<Float>
        var j = range.lowerBound
        while j + 8 <= range.upperBound {
            let wv = UnsafeRawPointer(w + j).loadUnaligned(as: V.self)
            let mv = UnsafeRawPointer(m + j).loadUnaligned(as: V.self)
            let vv = UnsafeRawPointer(v + j).loadUnaligned(as: V.self)
            let gj = UnsafeRawPointer(g + j).loadUnaligned(as: V.self) + c.l2 * wv        // (2)
            let wj = wv * c.shrink                                                        // (3)
            let mj = mv + c.a1 * (gj - mv)                                                // (4)
            let vj = c.beta2 * vv + c.a2 * gj * gj                                        // (5)
            let denom = vj.squareRoot() / c.bias2Sqrt + c.eps                             // (6)
            UnsafeMutableRawPointer(m + j).storeBytes(of: mj, as: V.self)
            UnsafeMutableRawPointer(v + j).storeBytes(of: vj, as: V.self)
            UnsafeMutableRawPointer(w + j).storeBytes(of: wj - c.stepSize * (mj / denom), as: V.self)   // (7)
            j += 8
        }
        while j < range.upperBound {
            let gj = g[j] + c.l2 * w[j]
            let wj = w[j] * c.shrink
            let mj = m[j] + c.a1 * (gj - m[j])
            let vj = c.beta2 * v[j] + c.a2 * gj * gj
            m[j] = mj
            v[j] = vj
            w[j] = wj - c.stepSize * (mj / (vj.squareRoot() / c.bias2Sqrt + c.eps))
            j += 1
        }
    }

    /// The saved state, with PyTorch's names: "state.<i>.step", ".exp_avg", ".exp_avg_sq".
    func stateDict(_ parameters: [Tensor]) -> [(name: String, tensor: Tensor)] {
        var entries: [(name: String, tensor: Tensor)] = []
        for (i, p) in parameters.enumerated() where !expAvg[i].isEmpty {
            entries.append(("state.\(i).step", Tensor(Float(steps[i]))))
            entries.append(("state.\(i).exp_avg", Tensor(shape: p.shape, scalars: expAvg[i])))
            entries.append(("state.\(i).exp_avg_sq", Tensor(shape: p.shape, scalars: expAvgSq[i])))
        }
        return entries
    }

    /// Reads the state saved by `stateDict`; a parameter with no saved step starts afresh.
    init(_ parameters: [Tensor], loading entries: [(name: String, tensor: Tensor)]) throws(OptimizerStateError) {
        self.init(count: parameters.count)
        let table = OptimizerSupport.table(entries)
        for (i, p) in parameters.enumerated() {
            let prefix = "state.\(i)."
            guard table[prefix + "step"] != nil else { continue }
            steps[i] = try OptimizerSupport.stepCount(prefix + "step", in: table)
            expAvg[i] = try OptimizerSupport.entry(prefix + "exp_avg", shape: p.shape, in: table).scalars
            expAvgSq[i] = try OptimizerSupport.entry(prefix + "exp_avg_sq", shape: p.shape, in: table).scalars
        }
    }
}

extension AdamMoments {
    /// Checks the hyperparameters the way PyTorch's constructor does.
    static func validate(_ name: String, learningRate: Float, betas: (Float, Float), eps: Float, weightDecay: Float) {
        precondition(learningRate >= 0 && learningRate.isFinite, "\(name): invalid learning rate \(learningRate)")
        precondition(eps >= 0 && eps.isFinite, "\(name): invalid eps \(eps)")
        precondition(betas.0 >= 0 && betas.0 < 1, "\(name): invalid beta1 \(betas.0), expected 0 ≤ β1 < 1")
        precondition(betas.1 >= 0 && betas.1 < 1, "\(name): invalid beta2 \(betas.1), expected 0 ≤ β2 < 1")
        precondition(weightDecay >= 0 && weightDecay.isFinite, "\(name): invalid weight decay \(weightDecay)")
    }
}
