// SGD.swift — stochastic gradient descent with momentum, weight decay and Nesterov.
//
// PyTorch's `torch.optim.SGD`, single-tensor path. For each parameter p with
// gradient g, at step t (learning rate η, momentum μ, dampening τ, weight decay λ):
//
//   1. g ← g + λ·p                              (L2 weight decay, if λ ≠ 0)
//   2. b ← g                   on p's first step (if μ ≠ 0)
//      b ← μ·b + (1 − τ)·g     afterwards
//   3. d ← g + μ·b  (Nesterov)   or   d ← b     (if μ ≠ 0; otherwise d ← g)
//   4. p ← p − η·d
//
// Note the momentum convention: the buffer accumulates raw gradients (b = μb + g)
// and the learning rate multiplies it afterwards (Sutskever et al. 2013 put η inside
// the buffer instead). The two agree while η is constant and differ when it changes.

import Tensors

/// Stochastic gradient descent, optionally with momentum (heavy-ball or Nesterov) and
/// L2 weight decay, exactly as PyTorch's `torch.optim.SGD`.
public final class SGD: Optimizer {
    /// The learning rate of the next `step()` (a scheduler may change it between steps).
    public var learningRate: Float
    /// The momentum factor μ (0 for plain SGD).
    public let momentum: Float
    /// The dampening τ of the momentum (0 in almost every recipe).
    public let dampening: Float
    /// The L2 penalty λ, added to the gradient as λ·p.
    public let weightDecay: Float
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    /// The tensors this optimizer updates, in the order given.
    public let parameters: [Tensor]
    /// How many times `step()` has run on this optimizer.
    public private(set) var stepCount = 0

    /// The momentum buffer of each parameter; empty until its first step with a gradient.
    private var momentumBuffers: [[Float]]

    /// Makes an SGD optimizer over `parameters`.
    /// - Precondition: `learningRate ≥ 0`, `momentum ≥ 0`, `weightDecay ≥ 0`; Nesterov
    ///   needs `momentum > 0` and `dampening == 0` (as in PyTorch).
    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0,
                dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(learningRate >= 0 && learningRate.isFinite, "SGD: invalid learning rate \(learningRate)")
        precondition(momentum >= 0 && momentum.isFinite, "SGD: invalid momentum \(momentum)")
        precondition(weightDecay >= 0 && weightDecay.isFinite, "SGD: invalid weight decay \(weightDecay)")
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "SGD: Nesterov momentum requires a momentum > 0 and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.momentumBuffers = Array(repeating: [], count: parameters.count)
    }

    /// Updates every parameter that has a gradient, as PyTorch's `step()` does.
    public func step() {
        stepCount += 1
        let lr = learningRate, mu = momentum, wd = weightDecay
        for (i, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            OptimizerSupport.checkGradient(grad, of: p, index: i, in: "SGD")
            if mu == 0 {
                plainStep(p, grad, lr: lr, wd: wd)
                continue
            }
            let first = momentumBuffers[i].isEmpty
            if first { momentumBuffers[i] = [Float](repeating: 0, count: p.count) }
            // On a parameter's first step b ← g, which is μ·b + (1 − τ)·g with b = 0, μ = 0, τ = 0.
            let decay = first ? 0 : mu, keep = first ? 1 : 1 - dampening
            let nesterov = self.nesterov
            momentumBuffers[i].withUnsafeMutableBufferPointer { b in
                grad.scalars.withUnsafeBufferPointer { g in
                    p.updateScalars { w in
                        guard let wp = w.baseAddress, let gp = g.baseAddress, let bp = b.baseAddress else { return }
                        Kernels.parallelChunks(w.count) { range in
                            for j in range {
                                let gj = gp[j] + wd * wp[j]                     // (1)
                                let bj = decay * bp[j] + keep * gj              // (2)
                                bp[j] = bj
                                let d = nesterov ? gj + mu * bj : bj            // (3)
                                wp[j] -= lr * d                                 // (4)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Steps (1) and (4) without momentum.
    private func plainStep(_ p: Tensor, _ grad: Tensor, lr: Float, wd: Float) {
        grad.scalars.withUnsafeBufferPointer { g in
            p.updateScalars { w in
                guard let wp = w.baseAddress, let gp = g.baseAddress else { return }
                Kernels.parallelChunks(w.count) { range in
                    for j in range { wp[j] -= lr * (gp[j] + wd * wp[j]) }
                }
            }
        }
    }

    /// The momentum buffers that exist, as "state.<index>.momentum_buffer" (PyTorch's names).
    public var stateDict: [(name: String, tensor: Tensor)] {
        momentumBuffers.enumerated().compactMap { i, b in
            b.isEmpty ? nil : ("state.\(i).momentum_buffer", Tensor(shape: parameters[i].shape, scalars: b))
        }
    }

    /// Restores the momentum buffers; a parameter without a saved buffer starts afresh.
    public func loadStateDict(_ entries: [(name: String, tensor: Tensor)]) throws {
        let table = OptimizerSupport.table(entries)
        var buffers = Array(repeating: [Float](), count: parameters.count)
        for (i, p) in parameters.enumerated() {
            let name = "state.\(i).momentum_buffer"
            guard table[name] != nil else { continue }
            buffers[i] = try OptimizerSupport.entry(name, shape: p.shape, in: table).scalars
        }
        momentumBuffers = buffers
    }
}
