// Dropout.swift — inverted dropout (PyTorch `nn.Dropout`).
//
// Reference: N. Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
// from Overfitting" (JMLR 2014); the "inverted" scaling as in PyTorch.
//
// In training mode each value is kept with probability 1 − p and scaled by 1/(1 − p),
// so that the expected output equals the input:
//
//     y = x ⊙ m,   m_i = 1/(1 − p) with probability 1 − p, else 0
//
// and ∂L/∂x = G ⊙ m (the same mask). In evaluation mode the layer is the identity.

import Tensors

/// Inverted dropout (PyTorch `nn.Dropout(p)`): in training mode zeroes each value
/// with probability `p` and scales the survivors by 1/(1 − p); the identity in
/// evaluation mode. The random mask comes from the generator passed in.
public final class Dropout: Module {
    /// The probability of zeroing a value, in [0, 1].
    public let p: Float
    /// Training mode (random mask) or evaluation mode (identity).
    public var training = true

    /// Makes a dropout layer that zeroes values with probability `p` (PyTorch's default 0.5).
    public init(p: Float = 0.5) {
        layerCheck(p >= 0 && p <= 1, "Dropout: p must be in [0, 1], got \(p)")
        self.p = p
    }

    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// Applies dropout to `x` (any shape). The mask draws one uniform value per
    /// element from `rng` (in training mode with 0 < p; nothing is drawn otherwise).
    public func callAsFunction(_ x: Tensor, using rng: inout some RandomNumberGenerator) -> Tensor {
        guard training, p > 0 else { return x }
        if p == 1 { return x * Tensor.zeros(x.shape) }                     // everything dropped
        let keep = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: x.count)
        for i in 0..<mask.count where rng.nextUniform() >= p { mask[i] = keep }
        return x * Tensor(shape: x.shape, scalars: mask)                     // same shape as x
    }
}
