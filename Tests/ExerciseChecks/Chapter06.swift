// Chapter 06 checks: the timestep subsequence, one DDIM step with η, slerp.
//
// Run them with `swift test --filter ExerciseChecks.Chapter06`. Truths: the lists for
// T = 1000, S = 10 written out by hand, and the three formulas evaluated here for
// other (T, S); the DDIM step computed element by element in Double (including the
// last step to ᾱ' = 1 and η = 1, where it must equal DDPM's posterior step with
// σ² = β̃); slerp's end points, its constant norm between orthogonal unit vectors,
// the formula in Double, and parallel noises (θ = 0, where the formula is 0/0 and the
// limit is lerp).
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 06 — DDIM")
struct Chapter06 {
    // Hint: the list is descending; trailing ends at T − 1, leading starts at (S−1)·⌊T/S⌋.
    @Test("6.1 timestep subsequence")
    func spacing() async {
        await Grader.grade("6.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter06.check61(nonce) }
        }
    }

    // Hint: x̂₀ first, then σ from η, then √ᾱ'·x̂₀ + √(1 − ᾱ' − σ²)·ε̂ + σ·noise.
    @Test("6.2 one DDIM step")
    func step() async {
        await Grader.grade("6.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter06.check62(nonce) }
        }
    }

    // Hint: θ = arccos of the normalised dot product over *all* elements.
    @Test("6.3 slerp")
    func slerp() async {
        await Grader.grade("6.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter06.check63(nonce) }
        }
    }
}

extension Chapter06 {
    /// The three spacings by their formulas (in Double; descending).
    static func expectedTimesteps(_ spacing: TimestepSpacing, _ S: Int, _ T: Int) -> [Int] {
        switch spacing {
        case .trailing: return (0..<S).map { Int((Double(T) - Double($0) * Double(T) / Double(S)).rounded()) - 1 }
        case .leading: return (0..<S).reversed().map { $0 * (T / S) }
        case .linspace: return S == 1 ? [T - 1] : (0..<S).reversed().map { Int((Double($0) * Double(T - 1) / Double(S - 1)).rounded()) }
        }
    }

    /// What the usual mistakes give for a spacing, in the order the sampler visits them.
    static func mistakenTimesteps(_ spacing: TimestepSpacing, _ S: Int, _ T: Int) -> [(String, [Int])] {
        let (s, t) = (Double(S), Double(T))
        var mistakes = [("visit them in descending order (largest t first)", Array(expectedTimesteps(spacing, S, T).reversed()))]
        switch spacing {
        case .trailing:
            mistakes += [
                ("timesteps run from 0 to T − 1: subtract 1", (0..<S).map { Int((t - Double($0) * t / s).rounded()) }),
                ("round(T − i·T/S), not ⌊T − i·T/S⌋: `Int(x)` rounds towards zero, `x.rounded()` to the nearest",
                 (0..<S).map { Int(t - Double($0) * t / s) - 1 }),
                ("T/S in Int rounds down: compute the ratio T/S in Double, then round", (0..<S).map { T - $0 * (T / S) - 1 }),
            ]
        case .leading:
            mistakes += [
                ("leading starts at (S − 1)·⌊T/S⌋, not T − ⌊T/S⌋", (0..<S).map { T - T / S - $0 * (T / S) }),
                ("leading uses the integer step ⌊T/S⌋: i·⌊T/S⌋, not round(i·T/S)",
                 (0..<S).reversed().map { Int((Double($0) * t / s).rounded()) }),
                ("leading has no offset: its last timestep is 0, i·⌊T/S⌋", (0..<S).reversed().map { $0 * (T / S) + 1 }),
            ]
        case .linspace:
            guard S > 1 else { break }
            mistakes += [
                ("round(i·(T−1)/(S−1)), not ⌊…⌋: `Int(x)` rounds towards zero, `x.rounded()` to the nearest",
                 (0..<S).reversed().map { Int(Double($0) * (t - 1) / (s - 1)) }),
                ("linspace runs from 0 to T − 1: i·(T − 1)/(S − 1), not i·T/(S − 1)",
                 (0..<S).reversed().map { Int((Double($0) * t / (s - 1)).rounded()) }),
                ("S values from 0 to T − 1 are (S − 1) steps apart: i·(T − 1)/(S − 1), not i·(T − 1)/S",
                 (0..<S).reversed().map { Int((Double($0) * (t - 1) / s).rounded()) }),
            ]
        }
        return mistakes
    }

    static func check61(_ nonce: String) {
        Grader.child("6.1", nonce: nonce) {
            let byHand: [(TimestepSpacing, [Int])] = [
                (.trailing, [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]),
                (.leading, [900, 800, 700, 600, 500, 400, 300, 200, 100, 0]),
                (.linspace, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]),
            ]
            var cases: [(TimestepSpacing, Int, Int, [Int])] = byHand.map { ($0.0, 10, 1000, $0.1) }
            for (S, T) in [(7, 1000), (3, 50), (50, 1000), (1, 1000), (20, 20)] {
                for spacing in TimestepSpacing.allCases { cases.append((spacing, S, T, expectedTimesteps(spacing, S, T))) }
            }
            for (spacing, S, T, expected) in cases {
                let got = try Ch06.timesteps(spacing, steps: S, of: T)
                let mistakes = mistakenTimesteps(spacing, S, T).map { Mistake($0.0, $0.1.map(Double.init)) }
                let ok = Compare.close(got.map(Double.init), expected.map(Double.init), "\(spacing.rawValue) timesteps for S = \(S), T = \(T)",
                                       mistakes: mistakes) { i in
                    i == 0 ? "the first timestep is \(expected[0])" : nil
                }
                if !ok { return }
            }
        }
    }

    static func check62(_ nonce: String) {
        Grader.child("6.2", nonce: nonce) {
            var rng = SeededGenerator(seed: 62)
            let shape = [2, 1, 3, 3]
            let xt = Tensor.randn(shape, using: &rng)
            let eps = Tensor.randn(shape, using: &rng)
            let noise = Tensor.randn(shape, using: &rng)
            let schedule = NoiseSchedule(.linear, timesteps: 1000)
            let abar = schedule.alphasCumprodDouble
            // (ᾱ, ᾱ', η): a big deterministic jump, a noisy one, DDPM's own step, and the last step to ᾱ' = 1.
            let cases: [(Double, Double, Double, String)] = [
                (abar[899], abar[799], 0, "t = 899 → 799, η = 0"),
                (abar[500], abar[300], 0.5, "t = 500 → 300, η = 0.5"),
                (abar[600], abar[599], 1, "t = 600 → 599, η = 1"),
                (abar[99], 1, 1, "t = 99 → the clean end (ᾱ' = 1), η = 1"),
            ]
            for (a, aPrev, eta, what) in cases {
                let got = try Ch06.ddimStep(xt: xt, epsilon: eps, alphaBar: a, alphaBarPrev: aPrev, eta: eta, noise: noise)
                if got.count == 18, let i = got.scalars.firstIndex(where: { $0.isNaN }) {
                    Grader.fail("NaN in x' (\(what)) at index \(i) — a square root of a negative number: 1 − ᾱ/ᾱ' and 1 − ᾱ' − σ² are ≥ 0 when the step goes towards the clean end (ᾱ' ≥ ᾱ); are alphaBar (ᾱ, at x_t) and alphaBarPrev (ᾱ', where the step lands) swapped?")
                    return
                }
                /// x' element by element, with σ from `sigmaOf(ᾱ, ᾱ', η)` and the pieces that
                /// the usual mistakes change.
                func step(swapAlphas: Bool = false,
                          sigmaOf: (Double, Double, Double) -> Double = { a, aPrev, eta in
                              eta == 0 ? 0 : eta * ((1 - aPrev) / (1 - a)).squareRoot() * (1 - a / aPrev).squareRoot() },
                          x0Of: ((Double, Double, Double) -> Double)? = nil, direction: ((Double, Double) -> Double)? = nil, noiseScale: ((Double) -> Double)? = nil) -> [Double] {
                    let (from, to) = swapAlphas ? (aPrev, a) : (a, aPrev)                 // ᾱ, ᾱ'
                    let sigma = sigmaOf(from, to, eta)
                    let directionScale = direction?(to, sigma) ?? (1 - to - sigma * sigma).squareRoot()
                    return (0..<18).map { i in
                        let x = Double(xt.scalars[i]), e = Double(eps.scalars[i]), z = Double(noise.scalars[i])
                        let x0 = x0Of?(x, e, from) ?? (x - (1 - from).squareRoot() * e) / from.squareRoot()
                        return to.squareRoot() * x0 + directionScale * e + (noiseScale?(sigma) ?? sigma) * z
                    }
                }
                let mistakes = [
                    Mistake("the direction term is √(1 − ᾱ' − σ²)·ε̂: the noise takes σ² of the variance",
                            step(direction: { aPrev, _ in (1 - aPrev).squareRoot() })),
                    Mistake("with η > 0, add σ·noise", step(noiseScale: { _ in 0 })),
                    Mistake("the noise is scaled by σ, not σ²", step(noiseScale: { $0 * $0 })),
                    Mistake("η is ignored: σ = η·√((1 − ᾱ')/(1 − ᾱ))·√(1 − ᾱ/ᾱ')",
                            step(sigmaOf: { a, aPrev, _ in ((1 - aPrev) / (1 - a)).squareRoot() * (1 - a / aPrev).squareRoot() })),
                    Mistake("the ratio in σ is upside down: σ = η·√((1 − ᾱ')/(1 − ᾱ))·√(1 − ᾱ/ᾱ')",
                            step(sigmaOf: { a, aPrev, eta in eta * ((1 - a) / (1 - aPrev)).squareRoot() * (1 - a / aPrev).squareRoot() })),
                    Mistake("σ lacks its second factor √(1 − ᾱ/ᾱ'): σ = η·√((1 − ᾱ')/(1 − ᾱ))·√(1 − ᾱ/ᾱ')",
                            step(sigmaOf: { a, aPrev, eta in eta * ((1 - aPrev) / (1 - a)).squareRoot() })),
                    Mistake("ᾱ and ᾱ' are swapped: alphaBar (ᾱ) belongs to x_t and gives x̂₀; alphaBarPrev (ᾱ') is where the step lands",
                            step(swapAlphas: true)),
                    Mistake("x̂₀ lacks its square roots: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ",
                            step(x0Of: { x, e, a in (x - (1 - a) * e) / a })),
                    Mistake("x̂₀ divides by ᾱ instead of √ᾱ: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ",
                            step(x0Of: { x, e, a in (x - (1 - a).squareRoot() * e) / a })),
                    Mistake("x̂₀ subtracts (1 − ᾱ)·ε̂ instead of √(1 − ᾱ)·ε̂: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ",
                            step(x0Of: { x, e, a in (x - (1 - a) * e) / a.squareRoot() })),
                    Mistake("the direction term uses ᾱ' (where the step lands): √(1 − ᾱ' − σ²)·ε̂, not √(1 − ᾱ − σ²)",
                            step(direction: { _, sigma in (1 - a - sigma * sigma).squareRoot() })),
                ]
                let ok = Compare.close(got, shape: shape, step(), absolute: 1e-4, relative: 1e-4, "x' (\(what))", mistakes: mistakes)
                if !ok { return }
            }
        }
    }

    static func check63(_ nonce: String) {
        Grader.child("6.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 63)
            let a = Tensor.randn([2, 1, 4, 4], using: &rng)
            let b = Tensor.randn([2, 1, 4, 4], using: &rng)
            let (x, y) = (a.scalars.map(Double.init), b.scalars.map(Double.init))
            let dot = zip(x, y).map(*).reduce(0, +)
            let na = x.map { $0 * $0 }.reduce(0, +).squareRoot(), nb = y.map { $0 * $0 }.reduce(0, +).squareRoot()
            let theta = acos(dot / (na * nb))
            /// wa(t, θ)·a + wb(t, θ)·b element by element, θ from the normalised dot product.
            func combination(_ t: Double, angle: Double? = nil, _ wa: (Double, Double) -> Double, _ wb: (Double, Double) -> Double) -> [Double] {
                let th = angle ?? theta
                return x.indices.map { wa(t, th) * x[$0] + wb(t, th) * y[$0] }
            }
            /// slerp of each item of 16 values on its own (one θ per item).
            func perItem(_ t: Double) -> [Double] {
                x.indices.map { i in
                    let item = (i / 16) * 16
                    let (xi, yi) = (Array(x[item..<(item + 16)]), Array(y[item..<(item + 16)]))
                    let dotI = zip(xi, yi).map(*).reduce(0, +)
                    let thetaI = acos(dotI / (xi.map { $0 * $0 }.reduce(0, +) * yi.map { $0 * $0 }.reduce(0, +)).squareRoot())
                    return (sin((1 - t) * thetaI) * x[i] + sin(t * thetaI) * y[i]) / sin(thetaI)
                }
            }
            for t in [0, 0.25, 0.5, 1] as [Double] {
                let got = try Ch06.slerp(a, b, t: Float(t))
                if let i = got.scalars.firstIndex(where: { $0.isNaN }) {
                    Grader.fail("NaN in slerp at t = \(t), index \(i) — θ = arccos(a·b/(‖a‖‖b‖)): divide the dot product by both norms, so that arccos gets a cosine in [−1, 1]")
                    return
                }
                let expected = combination(t, { t, th in sin((1 - t) * th) / sin(th) }, { t, th in sin(t * th) / sin(th) })
                let mistakes = [
                    Mistake("that is lerp, the straight line; follow the arc with sines", combination(t, { t, _ in 1 - t }, { t, _ in t })),
                    Mistake("the weights are swapped: slerp(a, b, 0) is a, so a takes sin((1 − t)θ)/sin θ",
                            combination(t, { t, th in sin(t * th) / sin(th) }, { t, th in sin((1 - t) * th) / sin(th) })),
                    Mistake("the division by sin θ is missing: sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b",
                            combination(t, { t, th in sin((1 - t) * th) }, { t, th in sin(t * th) })),
                    Mistake("θ is one angle between the whole tensors, each read as one long vector, not one per item",
                            perItem(t)),
                    Mistake("θ = arccos(a·b/(‖a‖‖b‖)) divides by the norms, not by the squared norms",
                            combination(t, angle: acos(dot / (na * na * nb * nb)),
                                        { t, th in sin((1 - t) * th) / sin(th) }, { t, th in sin(t * th) / sin(th) })),
                ]
                let ok = Compare.close(got, shape: [2, 1, 4, 4], expected, absolute: 1e-4, relative: 1e-4, "slerp at t = \(t)",
                                       mistakes: mistakes)
                if !ok { return }
            }
            // Between two orthogonal unit vectors every point of the arc has norm 1.
            let e1 = Tensor(shape: [2], scalars: [1, 0]), e2 = Tensor(shape: [2], scalars: [0, 1])
            let mid = try Ch06.slerp(e1, e2, t: 0.5)
            guard Compare.close(mid, shape: [2], [(0.5).squareRoot(), (0.5).squareRoot()], absolute: 1e-5, "slerp([1, 0], [0, 1], 0.5)")
            else { return }
            // Parallel noises: θ = 0, where sin θ = 0 gives 0/0 and rounding can push the
            // cosine just past 1 (arccos of it is NaN). The limit is lerp: slerp(a, a, t) = a,
            // and slerp(a, 3a, ½) = 2a.
            for (other, factor, t) in [(a, 1.0, Float(0.3)), (a * 3, 3.0, Float(0.5))] {
                let got = try Ch06.slerp(a, other, t: t)
                let what = "slerp(a, \(factor == 1 ? "a" : "3a"), \(t)) (parallel: θ = 0)"
                if let i = got.scalars.firstIndex(where: { !$0.isFinite }) {
                    Grader.fail("\(got.scalars[i].isNaN ? "NaN" : "infinity") in \(what) at index \(i) — for parallel a and b, θ = 0 and sin θ = 0 (0/0), and rounding can push the cosine past 1, where arccos is NaN: clamp the cosine to [−1, 1] and fall back to (1 − t)·a + t·b when θ is almost 0")
                    return
                }
                let scale = (1 - Double(t)) + Double(t) * factor
                guard Compare.close(got, shape: [2, 1, 4, 4], x.map { scale * $0 }, absolute: 1e-4, relative: 1e-4, what) else { return }
            }
        }
    }
}
