// Adam.swift — Adam with L2 weight decay (Kingma & Ba 2015).
//
// PyTorch's `torch.optim.Adam` (amsgrad off). The update, per parameter, is the
// numbered recipe in `AdamMoments.swift` with step 3 left out:
//
//   g ← g + λ·p;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   p ← p − η·m̂/(√v̂ + ε),  m̂ = m/(1 − β1ᵗ),  v̂ = v/(1 − β2ᵗ)
//
// The weight decay λ enters the gradient, so it is rescaled by 1/√v̂ like every other
// gradient component: parameters with large gradients are barely decayed. That is
// why AdamW exists.

import Tensors

/// Adam, exactly as PyTorch's `torch.optim.Adam`: the weight decay is an L2 penalty
/// added to the gradient.
public final class Adam: Optimizer {
    /// The learning rate of the next `step()` (a scheduler may change it between steps).
    public var learningRate: Float
    /// (β1, β2): the decay rates of the first and second moment estimates.
    public let betas: (Float, Float)
    /// Added to √v̂ so that the step stays finite where the gradient is 0.
    public let eps: Float
    /// The L2 penalty λ, added to the gradient as λ·p.
    public let weightDecay: Float
    /// The tensors this optimizer updates, in the order given.
    public let parameters: [Tensor]
    /// How many times `step()` has run on this optimizer.
    public private(set) var stepCount = 0
    private var moments: AdamMoments

    /// Makes an Adam optimizer over `parameters`.
    /// - Precondition: `learningRate ≥ 0`, `eps ≥ 0`, `weightDecay ≥ 0` and both betas in [0, 1).
    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0) {
        AdamMoments.validate("Adam", learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
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
                       l2: weightDecay, decoupled: 0, name: "Adam")
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
