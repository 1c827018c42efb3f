// ToyMLP.swift — the denoiser for 2-D toy data (reference `mlp-toy2d`).
//
// ε_θ(x_t, t) for points x ∈ ℝ²: concatenate x with a 32-dimensional sinusoidal
// embedding of t, then three hidden layers of 128 with SiLU:
//   net = Linear(34→128) · SiLU · Linear(128→128) · SiLU · Linear(128→128) · SiLU · Linear(128→2)
// PyTorch names `net.0`, `net.2`, `net.4`, `net.6`; 37,762 parameters.
//
// A class-conditional variant (for classifier-free guidance on the eight Gaussians)
// also concatenates a learned label embedding, `label` = Embedding(classes + 1, 32),
// whose last row is the null label:  input = [x, sinusoidal(t), label(y)]  [B, 66].

import Tensors

/// The 2-D toy denoiser: an MLP on [x, sinusoidal(t)].
public final class ToyMLP: Module {
    /// The layers (`net.0` … `net.6`).
    public let net: Sequential
    /// Dimension of the time embedding.
    public let timeDimension: Int
    /// The label embedding of a class-conditional model (null label at index `classes`).
    public let label: Embedding?
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// The reference model: hidden width 128, time embedding 32; with `classes`, a
    /// class-conditional model whose label embedding (also of size `timeDimension`)
    /// joins the input.
    public init(hidden: Int = 128, timeDimension: Int = 32, classes: Int? = nil,
                using rng: inout some RandomNumberGenerator) {
        self.timeDimension = timeDimension
        label = classes.map { Embedding($0 + 1, timeDimension, using: &rng) }
        let labelWidth = classes == nil ? 0 : timeDimension
        net = Sequential([
            Linear(2 + timeDimension + labelWidth, hidden, using: &rng), SiLU(),
            Linear(hidden, hidden, using: &rng), SiLU(),
            Linear(hidden, hidden, using: &rng), SiLU(),
            Linear(hidden, 2, using: &rng),
        ])
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The child modules, under their PyTorch state_dict names.
    public var children: [(name: String, module: any Module)] {
        label.map { [("label", $0 as any Module), ("net", net)] } ?? [("net", net)]
    }

    /// x `[B, 2]`, t with B entries (and, for a class-conditional model, B labels in
    /// `0...classes`) → ε̂ `[B, 2]`.
    public func callAsFunction(_ x: Tensor, _ t: [Float], labels: [Int]? = nil) -> Tensor {
        guard x.rank == 2, x.shape[1] == 2, t.count == x.shape[0] else {
            fatalError("ToyMLP: input \(x.shape) with \(t.count) timesteps; expected [B, 2] and B timesteps")
        }
        var parts = [x, sinusoidalEmbedding(t, dimension: timeDimension)]                  // [B, 2], [B, D]
        if let label {
            guard let labels, labels.count == x.shape[0] else {
                fatalError("ToyMLP: a class-conditional model needs one label per item (\(x.shape[0]))")
            }
            parts.append(label(labels))                                                     // [B, D]
        }
        return net(concat(parts, axis: 1))                                                 // [B, 2]
    }
}
