// LayerSupport.swift — small internal helpers shared by the layers: PyTorch's
// default initialisation, argument checks that keep their message under -O, and
// pointer helpers. (Splitting a batch across the cores: `Kernels.forEachChunk`.)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

/// PyTorch's default initialisation of layer parameters.
enum LayerInit {
    /// A trainable tensor drawn from U(−bound, bound).
    ///
    /// `torch.nn.Linear` and `torch.nn.Conv2d` initialise their weight with
    /// `kaiming_uniform_(a=√5)`, whose bound gain·√(3/fan_in) with gain = √(2/(1+5))
    /// simplifies to 1/√fan_in, and their bias with U(−1/√fan_in, 1/√fan_in): so
    /// both use `bound = 1/√fan_in` (see `kaimingBound`).
    static func uniform(_ shape: [Int], bound: Float, using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
        t.requiresGrad = true
        return t
    }

    /// 1/√fan_in, the bound of PyTorch's default uniform initialisation.
    static func kaimingBound(fanIn: Int) -> Float {
        fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    }

    /// A trainable tensor of `shape` filled with `value` (normalisation weight 1, bias 0).
    static func constant(_ value: Float, _ shape: [Int]) -> Tensor {
        Tensor(repeating: value, shape: shape, requiresGrad: true)
    }
}

/// Stops with `message` when `condition` is false. Unlike `precondition`, the
/// message survives the `-O` build of this module, so a learner sees what was wrong.
@inline(__always)
func layerCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}

/// Calls `body` with a pointer to the values of `a` (a valid pointer even when `a`
/// has no values, so that size-0 batches need no special case).
@inline(__always)
func withScalarPointers<R>(_ a: Tensor, _ body: (UnsafePointer<Float>) -> R) -> R {
    if a.count == 0 {
        let dummy: Float = 0
        return withUnsafePointer(to: dummy) { body($0) }
    }
    return a.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A new `[Float]` of `count` values written by `body` (which must write every value).
@inline(__always)
func makeScalars(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    if count == 0 { return [] }
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        body(buffer.baseAddress!)
        initialized = count
    }
}

/// A scratch array of `count` values whose contents are undefined: for buffers that
/// are always written before they are read (im2col columns, GEMM outputs with
/// beta = 0), so that no time goes into zeroing them.
@inline(__always)
func scratchScalars(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
