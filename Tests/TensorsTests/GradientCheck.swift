// GradientCheck.swift — compares autograd's gradients with finite differences.
//
// For inputs x₁…xₖ and a function f, the check draws a fixed-seed random cotangent
// g of f's output shape and uses the scalar L = Σ f(x)·g. Autograd gives ∂L/∂xᵢ
// from `L.backward()`; the reference is the central difference
//     ∂L/∂xᵢ[j] ≈ (L(xᵢ[j] + ε) − L(xᵢ[j] − ε)) / 2ε,
// with f evaluated in Float (inside `withNoGrad`) and Σ f·g accumulated in Double.
// A random g (rather than g = 1) makes every output position matter with its own
// weight, so a gradient sent to the wrong place cannot cancel out.

import Testing
@testable import Tensors

/// The finite-difference step. Float32 inputs near 1 are spaced ≈ 1.2e-7 apart, so
/// ε = 1e-2 moves every input by a representable amount with plenty of room.
let gradCheckStep: Float = 1e-2

/// The largest accepted relative error ‖analytic − numeric‖ / ‖numeric‖.
///
/// Why 2e-3 is safe and still tight:
/// - truncation: the central difference is off by ε²/6·f‴ ≈ 1.7e-5·|f‴| per value;
///   relative to f′ that is 1.7e-5·|f‴/f′|, and with inputs of order 1 (kept ≥ 0.5
///   for log, sqrt, ÷ and negative powers) |f‴/f′| stays below ≈ 35 (x^−1.5 at
///   x = 0.5), so ≤ 6e-4 at the worst single value and less over a whole tensor;
/// - rounding: f is computed in Float32 (unit roundoff u ≈ 6e-8), so each difference
///   L(x+ε) − L(x−ε) carries an absolute error of about u·Σ|f·g| over the outputs that
///   the perturbed input touches, divided by 2ε = 2e-2: ≈ 3e-6·|f·g|, i.e. ~1e-5
///   relative for these small shapes (outputs that the input does not touch are
///   computed bit-identically in both evaluations and cancel exactly).
/// The largest error in this suite is 3e-4 (x^−1.5; division is next at 2.3e-4), so
/// 2e-3 leaves a margin of ~7×. A wrong gradient (a missing factor, a transposed or
/// misplaced value, a sign) gives relative errors of order 1e-1 to 1.
/// Run with `GRADCHECK_REPORT=1` in the environment to print every check's error.
let gradCheckTolerance: Double = 2e-3

/// Checks the gradients of `f` with respect to every input that requires one, and
/// that inputs which do not require a gradient get no `.grad`.
/// Returns the relative error of each input (0 for those without a gradient).
@discardableResult
func gradCheck(_ inputs: Tensor..., seed: UInt64 = 0x5EED,
               tolerance: Double = gradCheckTolerance,
               sourceLocation: SourceLocation = #_sourceLocation,
               _ f: ([Tensor]) -> Tensor) -> [Double] {
    for x in inputs { x.zeroGrad() }

    // Analytic: L = Σ f(x)·g, then backward.
    let y = f(inputs)
    var rng = SeededGenerator(seed: seed)
    let g = Tensor.randn(y.shape, using: &rng)
    let loss = (y * g).sum()
    #expect(loss.shape == [], "L must be a scalar", sourceLocation: sourceLocation)
    guard loss.requiresGrad else {
        Issue.record("f's output does not require a gradient (op \(y.op))", sourceLocation: sourceLocation)
        return []
    }
    loss.backward()

    // Numeric: L evaluated with Float32 ops, Σ f·g accumulated in Double.
    func objective() -> Double {
        withNoGrad {
            let out = f(inputs)
            var s = 0.0
            for i in 0..<out.count { s += Double(out.scalars[i]) * Double(g.scalars[i]) }
            return s
        }
    }

    var errors: [Double] = []
    for (k, x) in inputs.enumerated() {
        guard x.requiresGrad else {
            #expect(x.grad == nil, "input \(k) does not require a gradient but got one",
                    sourceLocation: sourceLocation)
            errors.append(0)
            continue
        }
        guard let grad = x.grad else {
            Issue.record("input \(k) (shape \(x.shape)) got no gradient", sourceLocation: sourceLocation)
            errors.append(.infinity)
            continue
        }
        #expect(grad.shape == x.shape, "input \(k): gradient shape", sourceLocation: sourceLocation)
        var numeric = [Double](repeating: 0, count: x.count)
        for j in 0..<x.count {
            let original = x.scalars[j]
            let up = original + gradCheckStep, down = original - gradCheckStep
            x.updateScalars { $0[j] = up }
            let lUp = objective()
            x.updateScalars { $0[j] = down }
            let lDown = objective()
            x.updateScalars { $0[j] = original }
            numeric[j] = (lUp - lDown) / (Double(up) - Double(down))   // the step actually taken
        }
        var diff2 = 0.0, ref2 = 0.0
        for j in 0..<x.count {
            let d = Double(grad.scalars[j]) - numeric[j]
            diff2 += d * d
            ref2 += numeric[j] * numeric[j]
        }
        let error = diff2.squareRoot() / Swift.max(ref2.squareRoot(), 1e-12)
        errors.append(error)
        #expect(error <= tolerance,
                """
                input \(k) (shape \(x.shape)): relative error \(error) > \(tolerance)
                analytic \(grad.scalars.prefix(8).map { $0 })
                numeric  \(numeric.prefix(8).map { Float($0) })
                """, sourceLocation: sourceLocation)
    }
    if let report = getenvString("GRADCHECK_REPORT"), !report.isEmpty {
        print("gradcheck \(sourceLocation.fileName):\(sourceLocation.line) max error \(errors.max() ?? 0)")
    }
    return errors
}

// MARK: - Inputs

/// Deterministic random test inputs that avoid 0 and the kinks of the function under
/// test: values are drawn uniformly from `range` and redrawn while closer than
/// `margin` to any point of `avoiding`. The default margin 0.1 is 10 ε, so a
/// finite-difference step never crosses a kink (the brief asks for ≥ 2ε).
func randomInput(_ shape: [Int], in range: ClosedRange<Float> = -2...2,
                 avoiding kinks: [Float] = [0], margin: Float = 0.1,
                 seed: UInt64, requiresGrad: Bool = true) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    let values = (0..<shape.product).map { _ -> Float in
        while true {
            let v = range.lowerBound + (range.upperBound - range.lowerBound) * rng.nextUniform()
            if kinks.allSatisfy({ Swift.abs(v - $0) >= margin }) { return v }
        }
    }
    return Tensor(shape: shape, scalars: values, requiresGrad: requiresGrad)
}

/// Random inputs in [0.5, 2]: safe for log, sqrt, fractional powers and divisors.
func positiveInput(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true) -> Tensor {
    randomInput(shape, in: 0.5...2, avoiding: [], seed: seed, requiresGrad: requiresGrad)
}
