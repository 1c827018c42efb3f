// AdamW.swift — Adam with decoupled weight decay (Loshchilov & Hutter 2019).
//
// PyTorch's `torch.optim.AdamW` (amsgrad off). The update, per parameter, is the
// numbered recipe in `AdamMoments.swift` with step 2 left out:
//
//   p ← p·(1 − η·λ)                      (decay first, on the weights themselves)
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   p ← p − η·m̂/(√v̂ + ε)
//
// Unlike Adam's L2 penalty, the decay never passes through 1/√v̂: every weight
// shrinks by the same factor each step, however large its gradient.

import Tensors

/// AdamW, exactly as PyTorch's `torch.optim.AdamW`: weight decay is applied to the
/// weights directly, not added to the gradient.
public final class AdamW: Optimizer {
    /// The learning rate of the next `step()` (a scheduler may change it between steps).
    public var learningRate: Float
    /// (β1, β2): the decay rates of the first and second moment estimates.
    public let betas: (Float, Float)
    /// Added to √v̂ so that the step stays finite where the gradient is 0.
    public let eps: Float
    /// The decoupled decay λ: each step multiplies the weights by 1 − η·λ.
    public let weightDecay: Float
    /// The tensors this optimizer updates, in the order given.
    public let parameters: [Tensor]
    /// How many times `step()` has run on this optimizer.
    public private(set) var stepCount = 0
    private var moments: AdamMoments

    /// Makes an AdamW optimizer over `parameters`. The default decay 0.01 is PyTorch's.
    /// - Precondition: `learningRate ≥ 0`, `eps ≥ 0`, `weightDecay ≥ 0` and both betas in [0, 1).
    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0.01) {
        AdamMoments.validate("AdamW", learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.moments = AdamMoments(count: parameters.count)
    }

    /// Updates every parameter that has a gradient, as PyTorch's `step()` does.
    public func step() {
        stepCount += 1
        moments.update(parameters, learningRate: learningRate, betas: betas, eps: eps,
                       l2: 0, decoupled: weightDecay, name: "AdamW")
    }

    /// "state.<i>.step", "state.<i>.exp_avg", "state.<i>.exp_avg_sq" for every parameter
    /// that has taken a step (PyTorch's names).
    public var stateDict: [(name: String, tensor: Tensor)] { moments.stateDict(parameters) }

    /// Restores the moment estimates from `stateDict`'s entries (a checkpoint);
    /// throws `OptimizerStateError` naming the first missing or mismatched entry.
    public func loadStateDict(_ entries: [(name: String, tensor: Tensor)]) throws {
        moments = try AdamMoments(parameters, loading: entries)
    }
}
