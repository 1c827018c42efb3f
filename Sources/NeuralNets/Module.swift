// Module.swift — what every layer and model shares: named parameters and a mode.
//
// Parameters are named the way PyTorch names them in a `state_dict`: a layer's own
// tensors are "weight" and "bias", and a model prefixes each child's names with the
// child's name, so a U-Net's first ResBlock has "down1.conv1.weight". With the same
// names and shapes, weights move between the kit and PyTorch in safetensors files
// without renaming.

import Tensors

/// A neural-network building block: a tree of modules, each with its own
/// parameters (and buffers), plus a training/evaluation mode.
public protocol Module: AnyObject {
    /// This module's own parameters (not its children's), by local name ("weight").
    var ownParameters: [(name: String, tensor: Tensor)] { get }
    /// This module's own buffers: state that is saved but not trained, such as
    /// BatchNorm's running statistics. Empty for most modules.
    var ownBuffers: [(name: String, tensor: Tensor)] { get }
    /// The direct sub-modules, by local name ("conv1", or "0", "1", … in a sequence).
    var children: [(name: String, module: any Module)] { get }
    /// Whether the module is in training mode (Dropout and BatchNorm behave differently).
    var training: Bool { get set }
}

extension Module {
    /// No buffers unless a module declares some.
    public var ownBuffers: [(name: String, tensor: Tensor)] { [] }
    /// No children unless a module declares some.
    public var children: [(name: String, module: any Module)] { [] }

    /// Every parameter of this module and its descendants, with its full dotted
    /// name ("down1.conv1.weight"), in declaration order.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        ownParameters + children.flatMap { child in
            child.module.namedParameters.map { (child.name + "." + $0.name, $0.tensor) }
        }
    }

    /// Every buffer of this module and its descendants, with full dotted names.
    public var namedBuffers: [(name: String, tensor: Tensor)] {
        ownBuffers + children.flatMap { child in
            child.module.namedBuffers.map { (child.name + "." + $0.name, $0.tensor) }
        }
    }

    /// The parameters and buffers together: what a checkpoint stores (PyTorch's `state_dict`).
    public var stateDict: [(name: String, tensor: Tensor)] { namedParameters + namedBuffers }

    /// Every parameter, in the order of `namedParameters` (for optimizers).
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Clears every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// Puts this module and all its descendants in training mode (or evaluation mode).
    public func train(_ on: Bool = true) {
        training = on
        for child in children { child.module.train(on) }
    }

    /// Puts this module and all its descendants in evaluation mode.
    public func eval() { train(false) }
}

/// A module with one input and one output tensor, so that it can sit in a `Sequential`.
public protocol UnaryLayer: Module {
    /// Applies the layer.
    func callAsFunction(_ x: Tensor) -> Tensor
}
