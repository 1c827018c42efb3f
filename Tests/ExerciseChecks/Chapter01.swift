// Chapter 01 checks: the forward process.
//
// Run them with `swift test --filter ExerciseChecks.Chapter01`. Each check runs in
// its own process (see Support/Grader.swift) and compares your result with an
// independent truth: the closed form evaluated here in Double on distinct,
// non-zero values, or a statistical property with a fixed seed.
// Where a wrong answer equals what a known mistake gives, the message names it.

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

    /// `formula(a, x, e)` for every element, where x and e are the element of `x` and
    /// `eps`, and a is `table[index(t[b])]` for the element's item b (items of `width`
    /// values). Empty when some `index(t[b])` is outside the table: that mistake would
    /// have stopped at the lookup instead.
    static func perItem(_ x: Tensor, _ eps: Tensor, t: [Int], width: Int, table: [Double], index: (Int) -> Int = { $0 },
                        _ formula: (_ a: Double, _ x: Double, _ e: Double) -> Double) -> [Double] {
        guard t.allSatisfy({ table.indices.contains(index($0)) }) else { return [] }
        return (0..<x.count).map { i in formula(table[index(t[i / width])], Double(x.scalars[i]), Double(eps.scalars[i])) }
    }

    static func check11(_ nonce: String) {
        Grader.child("1.1", nonce: nonce) {
            let table = Tensor(alphaBarTable.map { Float($0) })
            // t = [1, 4, 8] first, where an off-by-one in t stays inside the table (and so can
            // be named), then both ends of the table, for images and for flat items.
            for (shape, t) in [([3, 1, 2, 2], [1, 4, 8]), ([3, 1, 2, 2], [0, 4, 9]), ([3, 2], [0, 4, 9])] {
                let x0 = distinct(shape, offset: 0.3), eps = distinct(shape, offset: 2.1)
                let width = shape.product / 3
                let got = try Ch01.qSample(x0: x0, t: t, noise: eps, alphasCumprod: table)
                func each(index: (Int) -> Int = { $0 }, _ formula: (Double, Double, Double) -> Double) -> [Double] {
                    perItem(x0, eps, t: t, width: width, table: alphaBarTable, index: index, formula)
                }
                let expected = each { a, x, e in a.squareRoot() * x + (1 - a).squareRoot() * e }
                let mistakes = [
                    Mistake("this is √ᾱ·x₀ + (1 − ᾱ)·ε: the √ on the noise term is missing, it is √(1 − ᾱ)·ε",
                            each { a, x, e in a.squareRoot() * x + (1 - a) * e }),
                    Mistake("this is ᾱ·x₀ + √(1 − ᾱ)·ε: the √ on the signal term is missing, it is √ᾱ·x₀",
                            each { a, x, e in a * x + (1 - a).squareRoot() * e }),
                    Mistake("this is ᾱ·x₀ + (1 − ᾱ)·ε: both square roots are missing — scale by √ᾱ and √(1 − ᾱ)",
                            each { a, x, e in a * x + (1 - a) * e }),
                    Mistake("this is √(1 − ᾱ)·x₀ + √ᾱ·ε: the factors are swapped — x₀ is scaled by √ᾱ, the noise by √(1 − ᾱ)",
                            each { a, x, e in (1 - a).squareRoot() * x + a.squareRoot() * e }),
                    Mistake("this is x₀ + √(1 − ᾱ)·ε: x₀ must be scaled by √ᾱ too (the signal fades as the noise grows)",
                            each { a, x, e in x + (1 - a).squareRoot() * e }),
                    Mistake("off by one in t: this uses alphasCumprod[t[b] − 1]; timesteps are 0-based, item b uses alphasCumprod[t[b]]",
                            each(index: { $0 - 1 }) { a, x, e in a.squareRoot() * x + (1 - a).squareRoot() * e }),
                    Mistake("off by one in t: this uses alphasCumprod[t[b] + 1]; item b uses alphasCumprod[t[b]]",
                            each(index: { $0 + 1 }) { a, x, e in a.squareRoot() * x + (1 - a).squareRoot() * e }),
                    Mistake("every item used t[0]: item b uses its own ᾱ, alphasCumprod[t[b]]",
                            each(index: { _ in t[0] }) { a, x, e in a.squareRoot() * x + (1 - a).squareRoot() * e }),
                ]
                let ok = Compare.close(got, shape: shape, expected, absolute: 1e-5, relative: 1e-4,
                                       "x_t for x₀ of shape \(shape), t = \(t)", mistakes: mistakes)
                if !ok { return }
            }
        }
    }

    static func check12(_ nonce: String) {
        Grader.child("1.2", nonce: nonce) {
            let alphaBar: [Double] = [0.5, 0.8, 0.2, 0.99, 0.01]
            let expected: [Double] = [1, 4, 0.25, 99, 1.0 / 99]                // ᾱ/(1 − ᾱ), worked by hand
            let got = try Ch01.snr(alphasCumprod: Tensor(alphaBar.map { Float($0) }))
            let mistakes = [
                Mistake("this is (1 − ᾱ)/ᾱ, the inverse: the signal's power ᾱ goes on top",
                        alphaBar.map { (1 - $0) / $0 }),
                Mistake("this is ᾱ itself; divide by (1 − ᾱ)", alphaBar),
                Mistake("this is √(ᾱ/(1 − ᾱ)), the ratio of the amplitudes √ᾱ and √(1 − ᾱ); SNR compares powers, ᾱ/(1 − ᾱ)",
                        alphaBar.map { ($0 / (1 - $0)).squareRoot() }),
                Mistake("this is 1/(1 − ᾱ): the numerator ᾱ is missing", alphaBar.map { 1 / (1 - $0) }),
                Mistake("this is log SNR; return the ratio ᾱ/(1 − ᾱ) itself", alphaBar.map { log($0 / (1 - $0)) }),
                Mistake("every value is 0: `a / 1 - a` divides by 1 and then subtracts a — write a / (1 - a)",
                        alphaBar.map { _ in 0 }),
            ]
            Compare.close(got, shape: [5], expected, relative: 1e-4, "SNR", mistakes: mistakes)
        }
    }

    static func check13(_ nonce: String) {
        Grader.child("1.3", nonce: nonce) {
            let betaTable: [Double] = (0..<10).map { 0.02 * Double($0 + 1) }   // distinct β_t
            let betas = Tensor(betaTable.map { Float($0) })
            let x = distinct([3, 1, 2, 2], offset: 0.7), eps = distinct([3, 1, 2, 2], offset: 1.9)
            // t = [2, 5, 8] first, where an off-by-one in t stays inside the table, then both ends.
            for t in [[2, 5, 8], [0, 5, 9]] {
                let got = try Ch01.forwardStep(xPrev: x, t: t, noise: eps, betas: betas)
                func each(index: (Int) -> Int = { $0 }, _ formula: (Double, Double, Double) -> Double) -> [Double] {
                    perItem(x, eps, t: t, width: 4, table: betaTable, index: index, formula)
                }
                let expected = each { b, x, e in (1 - b).squareRoot() * x + b.squareRoot() * e }
                let mistakes = [
                    Mistake("this is √β_t·x_{t−1} + √(1 − β_t)·ε: the factors are swapped — x_{t−1} is scaled by √(1 − β_t), the noise by √β_t",
                            each { b, x, e in b.squareRoot() * x + (1 - b).squareRoot() * e }),
                    Mistake("this is √(1 − β_t)·x_{t−1} + β_t·ε: the √ on the noise term is missing, it is √β_t·ε",
                            each { b, x, e in (1 - b).squareRoot() * x + b * e }),
                    Mistake("this is (1 − β_t)·x_{t−1} + √β_t·ε: the √ on the signal term is missing, it is √(1 − β_t)·x_{t−1}",
                            each { b, x, e in (1 - b) * x + b.squareRoot() * e }),
                    Mistake("this is (1 − β_t)·x_{t−1} + β_t·ε: both square roots are missing",
                            each { b, x, e in (1 - b) * x + b * e }),
                    Mistake("this is x_{t−1} + √β_t·ε: the factor √(1 − β_t) on x_{t−1} is missing (it keeps the variance at 1)",
                            each { b, x, e in x + b.squareRoot() * e }),
                    Mistake("off by one in t: this uses betas[t[b] − 1]; item b uses betas[t[b]]",
                            each(index: { $0 - 1 }) { b, x, e in (1 - b).squareRoot() * x + b.squareRoot() * e }),
                    Mistake("off by one in t: this uses betas[t[b] + 1]; item b uses betas[t[b]]",
                            each(index: { $0 + 1 }) { b, x, e in (1 - b).squareRoot() * x + b.squareRoot() * e }),
                    Mistake("every item used t[0]: item b uses its own β, betas[t[b]]",
                            each(index: { _ in t[0] }) { b, x, e in (1 - b).squareRoot() * x + b.squareRoot() * e }),
                ]
                guard Compare.close(got, shape: [3, 1, 2, 2], expected, absolute: 1e-5, relative: 1e-4, "x_t for t = \(t)",
                                    mistakes: mistakes)
                else { return }
            }
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
