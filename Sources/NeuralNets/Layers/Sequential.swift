// Sequential.swift — layers applied one after another (PyTorch `nn.Sequential`).
//
// The children are named "0", "1", … in order, so a parameter of the third layer is
// "2.weight", and inside a model "time.2.weight" — the same names as PyTorch's.

import Tensors

/// A chain of one-input layers applied in order (PyTorch `nn.Sequential`); its
/// children are named "0", "1", … like PyTorch's, e.g. `net.2.weight`.
public final class Sequential: UnaryLayer {
    /// The layers, applied first to last.
    public let layers: [any UnaryLayer]
    /// Training or evaluation mode. Use `train(_:)`/`eval()` to set it on the children too.
    public var training = true

    /// Chains `layers` (first applied first).
    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
    }

    /// Chains the given layers (first applied first).
    public convenience init(_ layers: any UnaryLayer...) {
        self.init(layers)
    }

    /// No parameters of its own (they belong to the children).
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// The layers, named "0", "1", … in order.
    public var children: [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as any Module) }
    }

    /// The layer at `index` (PyTorch `net[i]`).
    public subscript(index: Int) -> any UnaryLayer { layers[index] }

    /// Applies every layer in turn.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        var i = 0
        while i < layers.count {
            // A Linear followed by SiLU runs as one fused op (`linearSiLU`): same values.
            if let linear = layers[i] as? Linear, i + 1 < layers.count, layers[i + 1] is SiLU {
                h = linearSiLU(h, weight: linear.weight, bias: linear.bias)
                i += 2
            } else {
                h = layers[i](h)
                i += 1
            }
        }
        return h
    }
}
