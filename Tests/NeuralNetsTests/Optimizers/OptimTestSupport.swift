// OptimTestSupport.swift — a tiny two-tensor problem and reference optimizers in Double.
//
// The problem: two parameters, p0 of shape [2, 2] and p1 of shape [3], with distinct
// non-zero values, and the loss Σ ½·c·p² + d·p, whose gradient c·p + d changes from
// step to step (so the momentum and moment buffers see different gradients each step).
//
// The reference optimizers below are written from the published update rules, one
// scalar at a time in Double, independently of the kernels under test.

import Testing
import Tensors
import NeuralNets

enum OptimTestKit {
    static let initial: [[Float]] = [[0.5, -1.25, 2.0, -0.75], [1.5, -0.4, 0.3]]
    static let shapes: [[Int]] = [[2, 2], [3]]
    static let c: [[Float]] = [[1.0, 2.0, 0.5, 3.0], [0.8, 1.5, 2.5]]
    static let d: [[Float]] = [[0.1, -0.2, 0.3, 0.05], [-0.3, 0.25, 0.15]]

    /// Fresh parameters of the problem, requiring gradients.
    static func parameters() -> [Tensor] {
        zip(shapes, initial).map { Tensor(shape: $0, scalars: $1, requiresGrad: true) }
    }

    /// Sets `p.grad` to exactly `values` (through autograd, as a training step would).
    static func setGradient(_ p: Tensor, _ values: [Float]) {
        p.zeroGrad()
        p.backward(Tensor(shape: p.shape, scalars: values))
    }

    /// Sets each parameter's gradient to c·p + d at its current value (in Float).
    static func setQuadraticGradients(_ ps: [Tensor]) {
        for (i, p) in ps.enumerated() {
            setGradient(p, (0..<p.count).map { c[i][$0] * p.scalars[$0] + d[i][$0] })
        }
    }

    /// Runs `steps` optimizer steps on the problem and returns the values after each.
    static func trajectory(_ optimizer: some Optimizer, steps: Int) -> [[[Float]]] {
        (0..<steps).map { _ in
            setQuadraticGradients(optimizer.parameters)
            optimizer.step()
            return optimizer.parameters.map(\.scalars)
        }
    }

    /// Expects every value within `absolute + relative·|expected|`, naming the first miss.
    static func expectClose(_ actual: [[[Float]]], _ expected: [[[Double]]], absolute: Double = 1e-6,
                            relative: Double = 1e-6, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): number of steps", sourceLocation: sourceLocation)
        for (k, (a, e)) in zip(actual, expected).enumerated() {
            for (i, (ai, ei)) in zip(a, e).enumerated() {
                #expect(ai.count == ei.count, "\(what): size of parameter \(i)", sourceLocation: sourceLocation)
                for (j, (x, y)) in zip(ai, ei).enumerated() where !(abs(Double(x) - y) <= absolute + relative * abs(y)) {
                    Issue.record("\(what): step \(k + 1), parameter \(i)[\(j)]: got \(x), expected \(y)",
                                 sourceLocation: sourceLocation)
                    return
                }
            }
        }
    }

    // MARK: References in Double, from the published formulas

    /// SGD with momentum (PyTorch's convention: b ← μb + (1 − τ)g, b₁ = g; p ← p − η·b,
    /// or p ← p − η(g + μb) for Nesterov), L2 decay g ← g + λp.
    static func referenceSGD(lr: Double, momentum mu: Double, dampening tau: Double = 0, weightDecay wd: Double,
                             nesterov: Bool, steps: Int) -> [[[Double]]] {
        var p = initial.map { $0.map(Double.init) }
        var b: [[Double]]? = nil
        var out: [[[Double]]] = []
        for _ in 0..<steps {
            var g = gradients(p)
            for i in p.indices { for j in p[i].indices { g[i][j] += wd * p[i][j] } }
            if mu != 0 {
                if var buf = b {
                    for i in p.indices { for j in p[i].indices { buf[i][j] = mu * buf[i][j] + (1 - tau) * g[i][j] } }
                    b = buf
                } else {
                    b = g
                }
                for i in p.indices { for j in p[i].indices { g[i][j] = nesterov ? g[i][j] + mu * b![i][j] : b![i][j] } }
            }
            for i in p.indices { for j in p[i].indices { p[i][j] -= lr * g[i][j] } }
            out.append(p)
        }
        return out
    }

    /// Adam (Kingma & Ba 2015, Algorithm 1) with PyTorch's placement of ε:
    /// p ← p − η·m̂/(√v̂ + ε). `decoupled`: AdamW's p ← p(1 − ηλ) instead of g ← g + λp.
    static func referenceAdam(lr: Double, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                              weightDecay wd: Double, decoupled: Bool, steps: Int) -> [[[Double]]] {
        var p = initial.map { $0.map(Double.init) }
        var m = p.map { $0.map { _ in 0.0 } }, v = m
        var out: [[[Double]]] = []
        for t in 1...steps {
            let g = gradients(p)
            for i in p.indices {
                for j in p[i].indices {
                    var gij = g[i][j]
                    if decoupled { p[i][j] *= 1 - lr * wd } else { gij += wd * p[i][j] }
                    m[i][j] = betas.0 * m[i][j] + (1 - betas.0) * gij
                    v[i][j] = betas.1 * v[i][j] + (1 - betas.1) * gij * gij
                    let mHat = m[i][j] / (1 - pow(betas.0, Double(t)))
                    let vHat = v[i][j] / (1 - pow(betas.1, Double(t)))
                    p[i][j] -= lr * mHat / (vHat.squareRoot() + eps)
                }
            }
            out.append(p)
        }
        return out
    }

    /// c·p + d in Double.
    static func gradients(_ p: [[Double]]) -> [[Double]] {
        p.indices.map { i in p[i].indices.map { j in Double(c[i][j]) * p[i][j] + Double(d[i][j]) } }
    }

    /// `x` to a whole power, without Foundation.
    static func pow(_ x: Double, _ n: Double) -> Double {
        var r = 1.0
        for _ in 0..<Int(n) { r *= x }
        return r
    }
}
