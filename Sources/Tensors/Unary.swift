// Unary.swift — elementwise functions and their derivatives.
//
// Each op computes y = f(x) and records the backward rule ∂L/∂x = ∂L/∂y · f′(x),
// written with whichever of x or y makes f′ cheapest (for exp, f′ = y).
// Forward and backward are single fused passes over the values.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Records an elementwise op `y = f(x)` whose derivative is computed from x and y:
    /// ∂L/∂x = g · derivative(x, y).
    @inline(__always)
    func unary(_ op: String, _ f: (Float) -> Float,
               derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let xs = scalars
        let ys = Kernels.map(xs, f)
        return Tensor(shape: shape, scalars: ys, op: op, inputs: [self]) { g in
            [Tensor(shape: g.shape, scalars: Kernels.zip3(g.scalars, xs, ys) { g, x, y in g * derivative(x, y) })]
        }
    }

    /// eˣ. (eˣ)′ = eˣ = y.
    public func exp() -> Tensor { unary("exp", { expf($0) }, derivative: { _, y in y }) }

    /// ln x. (ln x)′ = 1/x.
    public func log() -> Tensor { unary("log", { logf($0) }, derivative: { x, _ in 1 / x }) }

    /// √x. (√x)′ = 1/(2√x) = 1/(2y).
    public func sqrt() -> Tensor { unary("sqrt", { sqrtf($0) }, derivative: { _, y in 0.5 / y }) }

    /// sin x. (sin x)′ = cos x.
    public func sin() -> Tensor { unary("sin", { sinf($0) }, derivative: { x, _ in cosf(x) }) }

    /// cos x. (cos x)′ = −sin x.
    public func cos() -> Tensor { unary("cos", { cosf($0) }, derivative: { x, _ in -sinf(x) }) }

    /// tanh x. (tanh x)′ = 1 − y².
    public func tanh() -> Tensor { unary("tanh", { tanhf($0) }, derivative: { _, y in 1 - y * y }) }

    /// |x|. |x|′ = sign(x) (0 at 0).
    public func abs() -> Tensor {
        unary("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }

    /// σ(x) = 1/(1 + e⁻ˣ). σ′ = y(1 − y). Vectorised (`sigmoid8`).
    public func sigmoid() -> Tensor {
        let ys = Kernels.map8(scalars) { sigmoid8($0) }
        return Tensor(shape: shape, scalars: ys, op: "sigmoid", inputs: [self]) { g in
            [Tensor(shape: g.shape, scalars: Kernels.zip8(g.scalars, ys) { g, y in g * y * (1 - y) })]
        }
    }

    /// SiLU (swish): x·σ(x). Its derivative σ(x)·(1 + x(1 − σ(x))) needs σ(x), which
    /// is recomputed in the backward pass rather than stored. Vectorised (`sigmoid8`):
    /// SiLU runs on every activation of a U-Net, so it is worth the speed.
    public func silu() -> Tensor {
        let xs = scalars
        let ys = Kernels.map8(xs) { x in x * sigmoid8(x) }
        return Tensor(shape: shape, scalars: ys, op: "silu", inputs: [self]) { g in
            [Tensor(shape: g.shape, scalars: Kernels.zip8(g.scalars, xs) { g, x in
                let s = sigmoid8(x)
                return g * s * (1 + x * (1 - s))
            })]
        }
    }

    /// ReLU: max(x, 0). Derivative 1 where x > 0, else 0.
    public func relu() -> Tensor { unary("relu", { Swift.max($0, 0) }, derivative: { x, _ in x > 0 ? 1 : 0 }) }

    /// GELU, tanh approximation (PyTorch `approximate="tanh"`):
    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    public func gelu() -> Tensor {
        let k: Float = 0.7978845608028654   // √(2/π)
        return unary("gelu", { x in 0.5 * x * (1 + tanhf(k * (x + 0.044715 * x * x * x))) }, derivative: { x, _ in
            let u = k * (x + 0.044715 * x * x * x)
            let t = tanhf(u)
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        })
    }

    /// Clamps every value to `[min, max]`. The gradient passes where the value was
    /// inside the range and is 0 where it was clipped.
    public func clamped(min lo: Float = -.infinity, max hi: Float = .infinity) -> Tensor {
        precondition(lo <= hi, "clamp: min \(lo) is greater than max \(hi)")
        return unary("clamp", { Swift.min(Swift.max($0, lo), hi) },
                     derivative: { x, _ in x >= lo && x <= hi ? 1 : 0 })
    }
}

/// σ(x) = 1/(1 + e⁻ˣ), computed without overflow for large |x|.
@inline(__always)
func sigmoidScalar(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}
