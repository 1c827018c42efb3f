// VectorisedMathTests.swift — the eight-wide eˣ behind sigmoid and SiLU, and the
// vector loops (`map8`/`zip8`) that run them, against Double references.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Tensors

@Suite struct VectorisedMathTests {
    /// exp8 over its whole input range [−87.3, 88.7] against exp in Double. The method
    /// claims ≈ 2 ulp (relative 2.4e-7); 4e-7 allows for the final rounding of the
    /// reference to Float as well. Near the top, 2ⁿ reaches 2¹²⁸ and must stay finite.
    @Test func exp8MatchesExp() {
        let steps = 20_000
        var worst = 0.0
        for i in 0...steps {
            let x = Float(-87.3 + (88.72 - -87.3) * Double(i) / Double(steps))
            let y = exp8(Float8(repeating: x))[0]
            let reference = doubleExp(Double(x))
            worst = Swift.max(worst, Swift.abs(Double(y) - reference) / reference)
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
        for x: Float in [88.4, 88.5, 88.7, 88.72] {
            let y = exp8(Float8(repeating: x))[0]
            #expect(y.isFinite, "exp8(\(x)) = \(y)")
        }
        // Lanes are independent: eight different inputs at once.
        let xs = Float8(-3, -1, -0.5, 0, 0.5, 1, 2, 10)
        let ys = exp8(xs)
        for lane in 0..<8 {
            let reference = doubleExp(Double(xs[lane]))
            #expect(Swift.abs(Double(ys[lane]) - reference) <= 4e-7 * reference)
        }
        #expect(exp8(Float8(repeating: 0))[0] == 1)
    }

    /// Inputs beyond the range are clamped, not turned into NaN: far below gives the
    /// smallest normal float's neighbourhood, far above a finite maximum.
    @Test func exp8Clamps() {
        let low = exp8(Float8(repeating: -200))[0], high = exp8(Float8(repeating: 200))[0]
        #expect(low >= 0 && low < 1.2e-38)
        #expect(high.isFinite && high > 3e38)
        let s = sigmoid8(Float8(-200, -100, -50, 0, 50, 100, 200, 1))
        #expect(s[0] >= 0 && s[0] < 1e-37 && s[1] < 1e-37 && s[2] < 1e-21)
        #expect(s[3] == 0.5 && s[4] == 1 && s[5] == 1 && s[6] == 1)
    }

    /// sigmoid and SiLU, forward and backward, for lengths that end in a partial vector
    /// (1, 7, 9, 13), fill vectors exactly (8, 64) and cross the parallel threshold
    /// (100 003 values): within 1e-6 of the formulas evaluated in Double.
    @Test(arguments: [1, 7, 8, 9, 13, 64, 100_003])
    func sigmoidAndSiluMatchFormulas(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        let x = Tensor.uniform([count], low: -12, high: 12, using: &rng)
        x.requiresGrad = true
        let s = x.sigmoid(), u = x.silu()
        (s + u).sum().backward()
        for i in 0..<count {
            let v = Double(x.scalars[i])
            let sigma = 1 / (1 + doubleExp(-v))
            let derivative = sigma * (1 - sigma) + sigma * (1 + v * (1 - sigma))
            if Swift.abs(Double(s.scalars[i]) - sigma) > 1e-6
                || Swift.abs(Double(u.scalars[i]) - v * sigma) > 1e-6 * (1 + Swift.abs(v))
                || Swift.abs(Double(x.grad!.scalars[i]) - derivative) > 1e-6 * (1 + Swift.abs(v)) {
                Issue.record("index \(i), x = \(v): sigmoid \(s.scalars[i]) vs \(sigma), silu \(u.scalars[i]) vs \(v * sigma), grad \(x.grad!.scalars[i]) vs \(derivative)")
                return
            }
        }
    }
}

private func doubleExp(_ x: Double) -> Double { exp(x) }
