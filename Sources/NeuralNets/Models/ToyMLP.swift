// ToyMLP.swift — the denoiser for 2-D toy data (reference `mlp-toy2d`).
//
// ε_θ(x_t, t) for points x ∈ ℝ²: concatenate x with a 32-dimensional sinusoidal
// embedding of t, then three hidden layers of 128 with SiLU:
//   net = Linear(34→128) · SiLU · Linear(128→128) · SiLU · Linear(128→128) · SiLU · Linear(128→2)
// PyTorch names `net.0`, `net.2`, `net.4`, `net.6`; 37,762 parameters.

import Tensors

/// The 2-D toy denoiser: an MLP on [x, sinusoidal(t)].
public final class ToyMLP: Module {
    /// The layers (`net.0` … `net.6`).
    public let net: Sequential
    /// Dimension of the time embedding.
    public let timeDimension: Int
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// The reference model: hidden width 128, time embedding 32.
    public init(hidden: Int = 128, timeDimension: Int = 32, using rng: inout some RandomNumberGenerator) {
        self.timeDimension = timeDimension
        net = Sequential([
            Linear(2 + timeDimension, hidden, using: &rng), SiLU(),
            Linear(hidden, hidden, using: &rng), SiLU(),
            Linear(hidden, hidden, using: &rng), SiLU(),
            Linear(hidden, 2, using: &rng),
        ])
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The child modules, under their PyTorch state_dict names.
    public var children: [(name: String, module: any Module)] { [("net", net)] }

    /// x `[B, 2]`, t with B entries → ε̂ `[B, 2]`.
    public func callAsFunction(_ x: Tensor, _ t: [Float]) -> Tensor {
        guard x.rank == 2, x.shape[1] == 2, t.count == x.shape[0] else {
            fatalError("ToyMLP: input \(x.shape) with \(t.count) timesteps; expected [B, 2] and B timesteps")
        }
        let input = concat([x, sinusoidalEmbedding(t, dimension: timeDimension)], axis: 1)   // [B, 2 + D]
        return net(input)                                                                   // [B, 2]
    }
}
