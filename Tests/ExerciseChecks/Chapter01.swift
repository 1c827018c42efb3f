// Chapter 01 checks: the forward process.
//
// Run them with `swift test --filter ExerciseChecks.Chapter01`. Each check runs in
// its own process (see Support/Grader.swift) and compares your result with an
// independent truth: the closed form evaluated here in Double on distinct,
// non-zero values, or a statistical property with a fixed seed.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 01 — the forward process")
struct Chapter01 {
    // Hint: look up ᾱ for each item with `alphasCumprod.gather(t, broadcastRank: x0.rank)`,
    // which gives shape [B, 1, 1, 1] so it broadcasts over [B, C, H, W]; then
    // √ᾱ·x₀ + √(1 − ᾱ)·ε. Timesteps are 0-based: item b uses alphasCumprod[t[b]].
    @Test("1.1 closed-form qSample")
    func qSample() async {
        await Grader.grade("1.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter01.check11(nonce) }
        }
    }

    // Hint: SNR is a ratio of two tensors of shape [T]: ᾱ / (1 − ᾱ).
    @Test("1.2 signal-to-noise ratio")
    func snr() async {
        await Grader.grade("1.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter01.check12(nonce) }
        }
    }

    // Hint: like 1.1, but with β_t of this one step: √(1 − β_t)·x_{t−1} + √β_t·ε.
    // The √(1 − β) factor is what keeps the variance at 1 ("variance preserving").
    @Test("1.3 one forward step")
    func forwardStep() async {
        await Grader.grade("1.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter01.check13(nonce) }
        }
    }
}

extension Chapter01 {
    /// A table of T = 10 distinct values ᾱ_t = e^{−0.3(t+1)}, so that an off-by-one
    /// in t changes every result.
    static let alphaBarTable: [Double] = (0..<10).map { exp(-0.3 * Double($0 + 1)) }

    /// Distinct non-zero values for a tensor of `shape`.
    static func distinct(_ shape: [Int], offset: Double) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.product).map { Float(sin(Double($0) * 1.7 + offset) * 0.9) })
    }

    /// The closed form √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε for item b of width w, with ᾱ from `table` at `index(b)`.
    static func closedForm(_ x0: Tensor, _ eps: Tensor, width: Int, alphaBar: (Int) -> Double,
                           squareRoots: Bool = true) -> [Double] {
        (0..<x0.count).map { i in
            let a = alphaBar(i / width)
            let (p, q) = squareRoots ? (a.squareRoot(), (1 - a).squareRoot()) : (a, 1 - a)
            return p * Double(x0.scalars[i]) + q * Double(eps.scalars[i])
        }
    }

    static func check11(_ nonce: String) {
        Grader.child("1.1", nonce: nonce) {
            let table = Tensor(alphaBarTable.map { Float($0) })
            for shape in [[3, 1, 2, 2], [3, 2]] {
                let x0 = distinct(shape, offset: 0.3), eps = distinct(shape, offset: 2.1)
                let t = [0, 4, 9]
                let width = shape.product / 3
                let got = try Ch01.qSample(x0: x0, t: t, noise: eps, alphasCumprod: table)
                let expected = closedForm(x0, eps, width: width) { alphaBarTable[t[$0]] }
                let ok = Compare.close(got, shape: shape, expected, absolute: 1e-5, relative: 1e-4, "x_t for x₀ of shape \(shape)") { i in
                    let b = i / width, v = Double(got.scalars[i])
                    func matches(_ a: Double?, roots: Bool = true) -> Bool {
                        guard let a else { return false }
                        let (p, q) = roots ? (a.squareRoot(), (1 - a).squareRoot()) : (a, 1 - a)
                        return abs(p * Double(x0.scalars[i]) + q * Double(eps.scalars[i]) - v) < 1e-4
                    }
                    let tb = t[b]
                    if matches(tb > 0 ? alphaBarTable[tb - 1] : nil) || matches(tb < 9 ? alphaBarTable[tb + 1] : nil) {
                        return "looks like an off-by-one in t: item \(b) should use alphasCumprod[\(tb)]"
                    }
                    if matches(alphaBarTable[tb], roots: false) { return "the square roots are missing: scale by √ᾱ and √(1 − ᾱ)" }
                    if matches(alphaBarTable[t[0]]) { return "every item must use its own t[b], not t[0]" }
                    return nil
                }
                if !ok { return }
            }
        }
    }

    static func check12(_ nonce: String) {
        Grader.child("1.2", nonce: nonce) {
            let alphaBar: [Double] = [0.5, 0.8, 0.2, 0.99, 0.01]
            let expected: [Double] = [1, 4, 0.25, 99, 1.0 / 99]                // ᾱ/(1 − ᾱ), worked by hand
            let got = try Ch01.snr(alphasCumprod: Tensor(alphaBar.map { Float($0) }))
            Compare.close(got, shape: [5], expected, relative: 1e-4, "SNR") { i in
                let v = Double(got.scalars[i])
                if abs(v - (1 - alphaBar[i]) / alphaBar[i]) < 1e-4 * abs(v) + 1e-9 { return "this is (1 − ᾱ)/ᾱ, the inverse" }
                if abs(v - alphaBar[i]) < 1e-6 { return "this is ᾱ itself; divide by (1 − ᾱ)" }
                return nil
            }
        }
    }

    static func check13(_ nonce: String) {
        Grader.child("1.3", nonce: nonce) {
            let betaTable: [Double] = (0..<10).map { 0.02 * Double($0 + 1) }   // distinct β_t
            let betas = Tensor(betaTable.map { Float($0) })
            let x = distinct([3, 1, 2, 2], offset: 0.7), eps = distinct([3, 1, 2, 2], offset: 1.9)
            let t = [0, 5, 9]
            let got = try Ch01.forwardStep(xPrev: x, t: t, noise: eps, betas: betas)
            // The closed form with ᾱ replaced by α = 1 − β of this one step.
            let expected = closedForm(x, eps, width: 4) { 1 - betaTable[t[$0]] }
            let ok = Compare.close(got, shape: [3, 1, 2, 2], expected, absolute: 1e-5, relative: 1e-4, "x_t") { i in
                let b = i / 4, v = Double(got.scalars[i]), tb = t[b]
                let swapped = betaTable[tb].squareRoot() * Double(x.scalars[i]) + (1 - betaTable[tb]).squareRoot() * Double(eps.scalars[i])
                if abs(swapped - v) < 1e-4 { return "the factors are swapped: x_{t−1} is scaled by √(1 − β_t), the noise by √β_t" }
                for tt in [tb - 1, tb + 1] where tt >= 0 && tt < 10 {
                    let shifted = (1 - betaTable[tt]).squareRoot() * Double(x.scalars[i]) + betaTable[tt].squareRoot() * Double(eps.scalars[i])
                    if abs(shifted - v) < 1e-4 { return "looks like an off-by-one in t: item \(b) should use betas[\(tb)]" }
                }
                return nil
            }
            guard ok else { return }
            // Variance preservation: x ~ N(0, 1) stays N(0, 1). With n = 20,000 the
            // sample variance has standard error √(2/n) ≈ 1 %; 5 % is five of them.
            var rng = SeededGenerator(seed: 11)
            let n = 20_000
            let x2 = Tensor.randn([n, 1], using: &rng), e2 = Tensor.randn([n, 1], using: &rng)
            let out = try Ch01.forwardStep(xPrev: x2, t: [Int](repeating: 9, count: n), noise: e2, betas: betas)
            let variance = Double(out.variance().item)
            if abs(variance - 1) > 0.05 {
                Grader.fail("wrong value: the variance of x_t for x_{t−1} ~ N(0, 1) should stay 1, got \(variance) (tolerance 0.05)")
            }
        }
    }
}
