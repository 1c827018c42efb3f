// LayerTestSupport.swift — finite-difference gradient checks and value comparisons
// for the layer tests (the same method as Tests/TensorsTests/GradientCheck.swift,
// rewritten here because one test target cannot import another).
//
// For a layer's output y = f(inputs, parameters), the check draws a fixed-seed random
// cotangent g of y's shape and uses the scalar L = Σ y·g. Autograd gives ∂L/∂t for
// every tensor t (inputs and parameters) from `L.backward()`; the reference is the
// central difference
//     ∂L/∂t[j] ≈ (L(t[j] + ε) − L(t[j] − ε)) / 2ε,
// with y evaluated in Float (inside `withNoGrad`) and Σ y·g accumulated in Double.
// A random g (rather than g = 1) gives every output its own weight, so a gradient
// sent to the wrong place cannot cancel out — and a layer whose output sums to a
// constant (a normalisation) still has a non-zero gradient to check.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import NeuralNets
import Tensors

/// The finite-difference step ε. Inputs of order 1 are spaced ≈ 1.2e-7 apart in
/// Float, so 1e-2 moves every value by a representable amount with room to spare.
let layerGradStep: Float = 1e-2

/// The largest accepted relative error ‖analytic − numeric‖ / ‖numeric‖ (over a whole tensor).
///
/// Why 2e-3:
/// - truncation: the central difference is off by ε²/6·f‴ per value. Convolutions,
///   linear layers, upsampling, embeddings and dropout are linear in each input, so
///   f‴ = 0 there; the normalisations, activations and softmax have |f‴/f′| of order
///   1–10 for inputs of order 1 (normalised groups of ≥ 3 values with variance ≈ 1),
///   i.e. ≤ 2e-4 relative.
/// - rounding: y is computed in Float (unit roundoff u ≈ 6e-8), so L(t+ε) − L(t−ε)
///   carries an absolute error of about u·Σ|y·g| over the outputs t touches — for a
///   convolution through sums of up to C·k·k products — divided by 2ε = 0.02, i.e.
///   3e-6·Σ|y·g|: 1e-5 to 1e-4 relative for these small shapes.
/// `LAYER_GRADCHECK_REPORT=1` prints every check's errors: the largest in this folder
/// is 3.6e-4 (CrossAttention's GroupNorm weight, through two softmax-weighted sums;
/// convolutions stay below 2e-5), so 2e-3 leaves a margin of ≈ 5×, while a wrong
/// gradient (a missing factor, a transposed or misplaced value, a sign, a forgotten
/// term of the normalisation backward) gives errors of order 1e-1 to 1.
let layerGradTolerance: Double = 2e-3

/// Checks autograd's gradients of `f` against central differences for every tensor
/// in `tensors` that requires a gradient (layer inputs and parameters alike: `f`
/// must read them afresh on each call, as a layer reads its parameters).
/// Returns the relative error of each tensor.
@discardableResult
func layerGradCheck(_ tensors: [Tensor], seed: UInt64 = 0xC0DE,
                    tolerance: Double = layerGradTolerance,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ f: () -> Tensor) -> [Double] {
    for t in tensors { t.zeroGrad() }
    let y = f()
    var rng = SeededGenerator(seed: seed)
    let g = Tensor.randn(y.shape, using: &rng)
    let loss = (y * g).sum()
    guard loss.requiresGrad else {
        Issue.record("the output does not require a gradient (op \(y.op))", sourceLocation: sourceLocation)
        return []
    }
    loss.backward()

    let gValues = g.scalars
    func objective() -> Double {
        withNoGrad {
            let out = f().scalars
            var s = 0.0
            for i in 0..<out.count { s += Double(out[i]) * Double(gValues[i]) }
            return s
        }
    }

    var errors: [Double] = []
    for (k, t) in tensors.enumerated() {
        guard t.requiresGrad else {
            #expect(t.grad == nil, "tensor \(k) does not require a gradient but got one", sourceLocation: sourceLocation)
            errors.append(0)
            continue
        }
        guard let grad = t.grad else {
            Issue.record("tensor \(k) (shape \(t.shape)) got no gradient", sourceLocation: sourceLocation)
            errors.append(.infinity)
            continue
        }
        #expect(grad.shape == t.shape, "tensor \(k): gradient shape", sourceLocation: sourceLocation)
        let analytic = grad.scalars
        var numeric = [Double](repeating: 0, count: t.count)
        for j in 0..<t.count {
            let original = t.scalars[j]
            let up = original + layerGradStep, down = original - layerGradStep
            t.updateScalars { $0[j] = up }
            let lUp = objective()
            t.updateScalars { $0[j] = down }
            let lDown = objective()
            t.updateScalars { $0[j] = original }
            numeric[j] = (lUp - lDown) / (Double(up) - Double(down))     // the step actually taken
        }
        var diff2 = 0.0, ref2 = 0.0
        for j in 0..<t.count {
            let d = Double(analytic[j]) - numeric[j]
            diff2 += d * d
            ref2 += numeric[j] * numeric[j]
        }
        let error = diff2.squareRoot() / max(ref2.squareRoot(), 1e-12)
        errors.append(error)
        #expect(ref2 > 0, "tensor \(k): the numeric gradient is all zero — the check would be vacuous",
                sourceLocation: sourceLocation)
        #expect(error <= tolerance,
                """
                tensor \(k) (shape \(t.shape)): relative error \(error) > \(tolerance)
                analytic \(analytic.prefix(8).map { $0 })
                numeric  \(numeric.prefix(8).map { Float($0) })
                """, sourceLocation: sourceLocation)
    }
    if let report = getenv("LAYER_GRADCHECK_REPORT"), report.pointee != 0 {
        print("layer gradcheck \(sourceLocation.fileName):\(sourceLocation.line) errors \(errors.map { Float($0) })")
    }
    return errors
}

/// Deterministic random values in ±[0.1, 2] (never 0, and at least 10ε from ReLU's
/// kink), as a leaf tensor that requires a gradient by default.
func layerInput(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    let values = (0..<shape.product).map { _ -> Float in
        let magnitude = 0.1 + 1.9 * rng.nextUniform()
        return rng.nextUniform() < 0.5 ? -magnitude : magnitude
    }
    return Tensor(shape: shape, scalars: values, requiresGrad: requiresGrad)
}

/// Overwrites a parameter with deterministic random values in ±[0.1, 2] (to move
/// normalisation weights away from 1 and biases away from 0 before a check).
func perturbLayerParameter(_ parameter: Tensor, seed: UInt64) {
    let values = layerInput(parameter.shape, seed: seed, requiresGrad: false).scalars
    parameter.updateScalars { p in for i in 0..<p.count { p[i] = values[i] } }
}

/// Expects `actual` to have `shape` and values within `tolerance` of `expected`
/// (absolute, plus the same amount relative to the expected magnitude); reports the
/// first index that differs.
func expectLayerValues(_ actual: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-5,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == shape, "shape", sourceLocation: sourceLocation)
    let values = actual.scalars
    guard values.count == expected.count else {
        Issue.record("\(values.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    for i in 0..<expected.count where !(abs(values[i] - expected[i]) <= tolerance * (1 + abs(expected[i]))) {
        Issue.record("value at index \(i): got \(values[i]), expected \(expected[i]) (tolerance \(tolerance))",
                     sourceLocation: sourceLocation)
        return
    }
}

/// The names and shapes of a module's parameters, in order, for comparing with PyTorch's `state_dict`.
func layerParameterShapes(_ module: any Module) -> [String] {
    module.namedParameters.map { "\($0.name) \($0.tensor.shape)" }
}
