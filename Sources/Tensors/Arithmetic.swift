#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Arithmetic.swift — elementwise +, −, ×, ÷ with NumPy broadcasting, and their gradients.
//
// Broadcasting: shapes are aligned at the right, and an axis of size 1 (or a missing
// axis) is repeated to match the other operand: `[B, C, H, W] + [C, 1, 1]` adds a
// per-channel value. In the backward pass the repetition is undone by summing the
// gradient over the repeated axes (`sumToShape`), because a value used k times
// receives the sum of its k gradient contributions.

extension Tensor {
    /// Applies `f` elementwise to `a` and `b` broadcast together. The op name is used
    /// in the shape-mismatch message.
    @inline(__always)
    static func broadcastZip(_ a: Tensor, _ b: Tensor, op: String,
                             _ f: (Float, Float) -> Float) -> (shape: [Int], scalars: [Float]) {
        if a.shape == b.shape { return (a.shape, Kernels.zip(a.scalars, b.scalars, f)) }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.scalars[0]
            return (a.shape, Kernels.map(a.scalars) { f($0, s) })
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.scalars[0]
            return (b.shape, Kernels.map(b.scalars) { f(s, $0) })
        }
        let shape = Shape.broadcast(a.shape, b.shape, op: op)
        let sa = Shape.broadcastStrides(a.shape, to: shape)
        let sb = Shape.broadcastStrides(b.shape, to: shape)
        let n = shape.product
        let out = [Float](unsafeUninitializedCapacity: n) { o, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    let x = pa.baseAddress!, y = pb.baseAddress!, o = o.baseAddress!
                    Kernels.forEachRowParallel(shape: shape, stridesA: sa, stridesB: sb) { row, oa, ob, len, ia, ib in
                        let ox = o + row * len                       // the output is contiguous
                        if ia == 1 && ib == 0 {
                            let v = y[ob]
                            for i in 0..<len { ox[i] = f(x[oa + i], v) }
                        } else if ia == 0 && ib == 1 {
                            let v = x[oa]
                            for i in 0..<len { ox[i] = f(v, y[ob + i]) }
                        } else {
                            for i in 0..<len { ox[i] = f(x[oa + i * ia], y[ob + i * ib]) }
                        }
                    }
                }
            }
            initialized = n
        }
        return (shape, out)
    }

    /// Sums this gradient down to `target`, undoing broadcasting: leading axes that
    /// `target` lacks are summed away, and axes where `target` has size 1 are summed
    /// with `keepDims`. Returns `self` when the shapes already match.
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "sumToShape: cannot reduce \(shape) to the larger \(target)")
        var axes = Array(0..<lead)
        for (i, size) in target.enumerated() where size == 1 && shape[lead + i] != 1 {
            axes.append(lead + i)
        }
        let summed = sum(axes: axes, keepDims: true)          // same rank as self
        return summed.reshaped(target)
    }

    /// `a + b`, broadcast. ∂/∂a = g, ∂/∂b = g (each summed back to its own shape).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shape, y) = broadcastZip(a, b, op: "add") { $0 + $1 }
        return Tensor(shape: shape, scalars: y, op: "add", inputs: [a, b]) { g in
            [g.sumToShape(a.shape), g.sumToShape(b.shape)]
        }
    }

    /// `a − b`, broadcast. ∂/∂a = g, ∂/∂b = −g.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shape, y) = broadcastZip(a, b, op: "sub") { $0 - $1 }
        return Tensor(shape: shape, scalars: y, op: "sub", inputs: [a, b]) { g in
            [g.sumToShape(a.shape), b.requiresGrad ? (-g).sumToShape(b.shape) : nil]
        }
    }

    /// `a ⊙ b` (elementwise), broadcast. ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (shape, y) = broadcastZip(a, b, op: "mul") { $0 * $1 }
        return Tensor(shape: shape, scalars: y, op: "mul", inputs: [a, b]) { g in
            [a.requiresGrad ? (g * b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    /// `a ⊘ b` (elementwise), broadcast. ∂/∂a = g / b, ∂/∂b = −g·a / b².
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (shape, y) = broadcastZip(a, b, op: "div") { $0 / $1 }
        return Tensor(shape: shape, scalars: y, op: "div", inputs: [a, b]) { g in
            [a.requiresGrad ? (g / b).sumToShape(a.shape) : nil,
             b.requiresGrad ? (-(g * a) / (b * b)).sumToShape(b.shape) : nil]
        }
    }

    /// `−x`. ∂/∂x = −g.
    public static prefix func - (x: Tensor) -> Tensor {
        Tensor(shape: x.shape, scalars: Kernels.map(x.scalars) { -$0 }, op: "neg", inputs: [x]) { g in [-g] }
    }

    // MARK: Tensor ∘ scalar (the scalar is a constant: no gradient flows to it)

    /// `x + c`. ∂/∂x = g.
    public static func + (x: Tensor, c: Float) -> Tensor {
        Tensor(shape: x.shape, scalars: Kernels.map(x.scalars) { $0 + c }, op: "add", inputs: [x]) { g in [g] }
    }
    /// `c + x`.
    public static func + (c: Float, x: Tensor) -> Tensor { x + c }
    /// `x − c`.
    public static func - (x: Tensor, c: Float) -> Tensor { x + (-c) }
    /// `c − x`. ∂/∂x = −g.
    public static func - (c: Float, x: Tensor) -> Tensor {
        Tensor(shape: x.shape, scalars: Kernels.map(x.scalars) { c - $0 }, op: "rsub", inputs: [x]) { g in [-g] }
    }
    /// `x · c`. ∂/∂x = c·g.
    public static func * (x: Tensor, c: Float) -> Tensor {
        Tensor(shape: x.shape, scalars: Kernels.map(x.scalars) { $0 * c }, op: "scale", inputs: [x]) { g in [g * c] }
    }
    /// `c · x`.
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }
    /// `x / c`.
    public static func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }
    /// `c / x`. ∂/∂x = −c·g / x².
    public static func / (c: Float, x: Tensor) -> Tensor {
        let xs = x.scalars
        return Tensor(shape: x.shape, scalars: Kernels.map(xs) { c / $0 }, op: "rdiv", inputs: [x]) { g in
            [Tensor(shape: x.shape, scalars: Kernels.zip(g.scalars, xs) { -c * $0 / ($1 * $1) })]
        }
    }

    /// `x²`, elementwise. ∂/∂x = 2x·g.
    public func squared() -> Tensor {
        let xs = scalars
        return Tensor(shape: shape, scalars: Kernels.map(xs) { $0 * $0 }, op: "square", inputs: [self]) { g in
            [Tensor(shape: g.shape, scalars: Kernels.zip(g.scalars, xs) { 2 * $0 * $1 })]
        }
    }

    /// `xᵖ`, elementwise, for a constant exponent. ∂/∂x = p·xᵖ⁻¹·g.
    public func pow(_ p: Float) -> Tensor {
        let xs = scalars
        return Tensor(shape: shape, scalars: Kernels.map(xs) { powf($0, p) }, op: "pow", inputs: [self]) { g in
            [Tensor(shape: g.shape, scalars: Kernels.zip(g.scalars, xs) { $0 * p * powf($1, p - 1) })]
        }
    }
}

/// Elementwise maximum of a tensor and a constant (no gradient to the constant).
public func maximum(_ x: Tensor, _ c: Float) -> Tensor { x.clamped(min: c) }
