// Activations.swift — the activation functions as layers, for `Sequential`
// (PyTorch `nn.SiLU`, `nn.ReLU`, `nn.GELU`). Each wraps the Tensor op, whose file
// (Tensors/Unary.swift) has the forward formula and its derivative.

import Tensors

/// SiLU (swish), x·σ(x), as a layer (PyTorch `nn.SiLU`). No parameters.
public final class SiLU: UnaryLayer {
    /// Training or evaluation mode (no difference for this layer).
    public var training = true
    /// Makes a SiLU layer.
    public init() {}
    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// x·σ(x), elementwise; same shape as `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.silu() }
}

/// ReLU, max(x, 0), as a layer (PyTorch `nn.ReLU`). No parameters.
public final class ReLU: UnaryLayer {
    /// Training or evaluation mode (no difference for this layer).
    public var training = true
    /// Makes a ReLU layer.
    public init() {}
    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// max(x, 0), elementwise; same shape as `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// GELU as a layer, in its tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))):
/// PyTorch `nn.GELU(approximate="tanh")`. (PyTorch's default `nn.GELU()` uses the
/// exact x·Φ(x); the two differ by less than 5·10⁻⁴.) No parameters.
public final class GELU: UnaryLayer {
    /// Training or evaluation mode (no difference for this layer).
    public var training = true
    /// Makes a GELU layer (tanh approximation).
    public init() {}
    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// GELU elementwise (tanh approximation); same shape as `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}
