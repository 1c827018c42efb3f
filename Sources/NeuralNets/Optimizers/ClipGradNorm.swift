// ClipGradNorm.swift — rescale all gradients so that their global L2 norm is at most maxNorm.
//
// PyTorch's `torch.nn.utils.clip_grad_norm_` (norm type 2):
//
//   1. ‖g‖ = √(Σ_p Σ_i g_{p,i}²)           over every parameter's gradient together
//   2. c = maxNorm/(‖g‖ + 10⁻⁶)             (the 10⁻⁶ keeps c finite when ‖g‖ = 0)
//   3. g ← c·g for every gradient, if c < 1 (small gradients are left alone)
//
// The sum of squares is accumulated in Double: 1.3M squares summed in Float lose
// about three digits. Clipping keeps the direction of the update and bounds its
// size, which tames the occasional huge gradient of a diffusion loss at small t.

import Tensors

/// Scales every gradient of `parameters` by `maxNorm/(‖g‖ + 1e-6)` when that factor is
/// below 1, where ‖g‖ is the L2 norm of all the gradients taken together, and returns
/// ‖g‖ as it was before clipping (log it: spikes show instabilities).
///
/// Parameters without a gradient are ignored. When the norm is not finite (a NaN or an
/// infinity in some gradient) the gradients are left untouched and the non-finite norm
/// is returned, so that the caller can skip the step.
/// - Precondition: `maxNorm` is finite and ≥ 0.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    precondition(maxNorm >= 0 && maxNorm.isFinite, "clipGradNorm: maxNorm must be finite and ≥ 0, got \(maxNorm)")
    var sumOfSquares = 0.0                                                      // (1)
    for p in parameters {
        guard let grad = p.grad else { continue }
        sumOfSquares += grad.scalars.withUnsafeBufferPointer(sumOfSquaresInDouble)
    }
    let norm = sumOfSquares.squareRoot()
    guard norm.isFinite else { return Float(norm) }
    let coefficient = Double(maxNorm) / (norm + 1e-6)                           // (2)
    if coefficient < 1 {                                                        // (3)
        let c = Float(coefficient)
        for p in parameters {
            p.grad?.updateScalars { g in
                for i in 0..<g.count { g[i] *= c }
            }
        }
    }
    return Float(norm)
}

/// Σ x² in Double, in four interleaved partial sums (a fixed order, so the result is
/// the same on every run; four independent chains keep the adder busy).
@inline(__always)
private func sumOfSquaresInDouble(_ x: UnsafeBufferPointer<Float>) -> Double {
    var s = SIMD4<Double>()
    var i = 0
    while i + 4 <= x.count {
        let v = SIMD4<Double>(Double(x[i]), Double(x[i + 1]), Double(x[i + 2]), Double(x[i + 3]))
        s += v * v
        i += 4
    }
    var total = s.sum()
    while i < x.count { let d = Double(x[i]); total += d * d; i += 1 }
    return total
}
