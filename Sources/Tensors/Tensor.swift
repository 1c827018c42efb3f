// Tensor.swift — the one data type of the kit.
//
// A `Tensor` is an n-dimensional array of `Float` values, stored contiguously in
// row-major order (the last axis varies fastest). Images are `[N, C, H, W]`.
//
// A tensor is also a node of the autograd graph, like micrograd's `Value`: an op
// that makes a tensor records its inputs and a `backward` closure, written right next
// to its forward computation, that maps the gradient of the output to the gradients
// of the inputs. `Autograd.swift` walks these nodes in reverse to compute gradients.
//
// Tensors are immutable once made, except that an optimizer may update a
// parameter's values in place (`updateScalars`).

/// An n-dimensional array of `Float` values, contiguous and row-major, that records
/// how it was computed so that `backward()` can differentiate through it.
public final class Tensor {
    /// The size of each axis, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// The values in row-major order; `scalars.count == shape.product`.
    public private(set) var scalars: [Float]
    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs);
    /// an op's result requires a gradient when any of its inputs does.
    public var requiresGrad: Bool
    /// The accumulated gradient ∂L/∂self of the last `backward()` calls, for leaves
    /// that require a gradient. `nil` until a backward pass reaches this tensor.
    public internal(set) var grad: Tensor?
    /// The name of the op that made this tensor ("leaf" for tensors made from data).
    public let op: String
    /// The tensors this one was computed from (empty for leaves and when no gradient flows).
    let inputs: [Tensor]
    /// Maps ∂L/∂self to ∂L/∂input for each input (`nil` where an input needs none).
    let backwardFn: ((Tensor) -> [Tensor?])?

    /// Makes a leaf tensor from values in row-major order.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    public init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative size in shape \(shape)")
        guard scalars.count == shape.product else {
            fatalError("Tensor: \(scalars.count) values do not fill shape \(shape) (\(shape.product) needed)")
        }
        _ = Memory.configured
        self.shape = shape
        self.scalars = scalars
        self.requiresGrad = requiresGrad
        self.op = "leaf"
        self.inputs = []
        self.backwardFn = nil
    }

    /// Makes the result of a differentiable op. The graph edge (inputs and backward
    /// closure) is kept only when gradients are enabled and some input requires one;
    /// otherwise the result is a plain constant and nothing is recorded.
    init(shape: [Int], scalars: [Float], op: String, inputs: [Tensor],
         backward: @escaping (Tensor) -> [Tensor?]) {
        assert(scalars.count == shape.product, "\(op): internal size error")
        _ = Memory.configured
        self.shape = shape
        self.scalars = scalars
        self.op = op
        if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
            self.requiresGrad = true
            self.inputs = inputs
            self.backwardFn = backward
        } else {
            self.requiresGrad = false
            self.inputs = []
            self.backwardFn = nil
        }
    }

    /// The number of axes.
    public var rank: Int { shape.count }
    /// The number of values.
    public var count: Int { scalars.count }
    /// Whether this tensor was made from data rather than by an op.
    public var isLeaf: Bool { backwardFn == nil }

    /// The single value of a one-element tensor (like PyTorch's `.item()`).
    public var item: Float {
        guard scalars.count == 1 else { fatalError("item: tensor of shape \(shape) has \(scalars.count) values, not 1") }
        return scalars[0]
    }

    /// A copy of the values that shares no graph: the same data, `requiresGrad` false
    /// (PyTorch's `.detach()`).
    public func detached() -> Tensor { Tensor(shape: shape, scalars: scalars) }

    /// Updates the values in place, for optimizers and initialisers. The shape stays.
    /// Other tensors that share this storage keep their old values (copy-on-write).
    public func updateScalars(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        scalars.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Sets the accumulated gradient to `nil` (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() { grad = nil }

    /// Adds `g` to `grad`, making it when absent (used by `backward()`).
    func accumulateGrad(_ g: Tensor) {
        precondition(g.shape == shape, "backward: gradient of shape \(g.shape) for a tensor of shape \(shape)")
        if let existing = grad {
            existing.updateScalars { dst in
                g.scalars.withUnsafeBufferPointer { src in
                    for i in 0..<dst.count { dst[i] += src[i] }
                }
            }
        } else {
            grad = Tensor(shape: shape, scalars: g.scalars)
        }
    }
}

// MARK: - Making tensors

extension Tensor {
    /// A tensor of `shape` with every value equal to `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.product), requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor holding one value.
    public convenience init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// A rank-1 tensor of the given values.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(shape: [values.count], scalars: values, requiresGrad: requiresGrad)
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// `[start, start + step, …]` up to but excluding `end` (NumPy's `arange`).
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange: step must not be 0")
        let n = max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end`, both included (NumPy's `linspace`).
    /// Computed in `Double` so that the endpoints are exact.
    public static func linspace(_ start: Double, _ end: Double, count: Int) -> Tensor {
        precondition(count >= 1, "linspace: count must be at least 1, got \(count)")
        if count == 1 { return Tensor([Float(start)]) }
        let step = (end - start) / Double(count - 1)
        return Tensor((0..<count).map { i in Float(i == count - 1 ? end : start + Double(i) * step) })
    }
}

// MARK: - Printing

extension Tensor: CustomStringConvertible {
    /// A short summary: shape, op and the first values.
    public var description: String {
        let head = scalars.prefix(8).map { String(format4($0)) }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", …" : ""
        let grad = requiresGrad ? ", requiresGrad" : ""
        return "Tensor(\(shape), [\(head)\(more)]\(grad))"
    }
}

/// Formats a value with four significant digits, without Foundation.
func format4(_ x: Float) -> String {
    if x == 0 || !x.isFinite { return "\(x)" }
    let magnitude = abs(x)
    if magnitude >= 1e-3 && magnitude < 1e5 {
        let scaled = (Double(x) * 1e4).rounded() / 1e4
        return "\(scaled)"
    }
    return "\(x)"
}
