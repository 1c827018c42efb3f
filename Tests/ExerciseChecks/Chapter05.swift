// Chapter 05 checks: x̂₀ from ε, the posterior mean coefficients, one DDPM step.
//
// Run them with `swift test --filter ExerciseChecks.Chapter05`. Truths: x̂₀ must
// recover the x₀ that made x_t (an exact round trip); the coefficients from the
// closed forms in Double (a running product for ᾱ), with the special case c1 = 1,
// c2 = 0 at t = 0 (where 1 − ᾱ_0 = β_0 = 10⁻⁴ cancels in Float); the step from DDPM
// eq. 11 computed here element by element, at t = 2 and 1 too (where an off-by-one in ᾱ
// shows), and "no noise at t = 0".
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 05 — DDPM sampling")
struct Chapter05 {
    // Hint: solve x_t = √ᾱ x₀ + √(1−ᾱ) ε for x₀, with ᾱ gathered per image.
    @Test("5.1 predicted x0 from epsilon")
    func predictX0() async {
        await Grader.grade("5.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter05.check51(nonce) }
        }
    }

    // Hint: keep a running product for ᾱ, and remember ᾱ_{t−1} = 1 at t = 0 (so c1 = 1
    // and c2 = 0 there: the last step returns x̂₀ itself).
    @Test("5.2 posterior mean coefficients")
    func coefficients() async {
        await Grader.grade("5.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter05.check52(nonce) }
        }
    }

    // Hint: μ = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t, then add √β̃_t·noise only when t > 0.
    @Test("5.3 one DDPM step")
    func step() async {
        await Grader.grade("5.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter05.check53(nonce) }
        }
    }
}

extension Chapter05 {
    static func check51(_ nonce: String) {
        Grader.child("5.1", nonce: nonce) {
            var rng = SeededGenerator(seed: 51)
            let schedule = NoiseSchedule(.linear, timesteps: 1000)
            let x0 = Tensor.uniform([3, 1, 4, 4], low: -1, high: 1, using: &rng)
            let eps = Tensor.randn([3, 1, 4, 4], using: &rng)
            let t = [0, 300, 900]
            let xt = schedule.addNoise(x0, noise: eps, t: t)
            let got = try Ch05.predictX0(xt: xt, epsilon: eps, t: t, alphasCumprod: schedule.alphasCumprod)
            // With the true ε the prediction is x₀ itself; the tolerance allows the Float
            // round trip amplified by 1/√ᾱ (≈ 6 at t = 900).
            /// `formula(ᾱ, x_t, ε)` element by element, with ᾱ at `index(t)` for each image —
            /// ᾱ as the learner gets it, in Float (1 − ᾱ at t = 0 is 10⁻⁴, where Float's
            /// rounding of ᾱ shows).
            let given = schedule.alphasCumprod.scalars.map(Double.init)
            func each(index: (Int) -> Int = { $0 }, _ formula: (Double, Double, Double) -> Double) -> [Double] {
                guard t.allSatisfy({ given.indices.contains(index($0)) }) else { return [] }
                return (0..<48).map { i in formula(given[index(t[i / 16])], Double(xt.scalars[i]), Double(eps.scalars[i])) }
            }
            // Dividing by ᾱ instead of √ᾱ multiplies the Float rounding of x_t − …·ε̂ by
            // 1/ᾱ ≈ 3,700 at t = 900: those two mistakes are matched to 10⁻³.
            let mistakes = [
                Mistake("take square roots: √(1−ᾱ) and √ᾱ", each { a, x, e in (x - (1 - a) * e) / a }, relative: 1e-3),
                Mistake("the √ is missing on the noise term: subtract √(1 − ᾱ)·ε̂, not (1 − ᾱ)·ε̂",
                        each { a, x, e in (x - (1 - a) * e) / a.squareRoot() }),
                Mistake("the √ is missing in the division: divide by √ᾱ, not ᾱ",
                        each { a, x, e in (x - (1 - a).squareRoot() * e) / a }, relative: 1e-3),
                Mistake("the sign: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ subtracts the noise",
                        each { a, x, e in (x + (1 - a).squareRoot() * e) / a.squareRoot() }),
                Mistake("divide by √ᾱ, do not multiply: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ",
                        each { a, x, e in (x - (1 - a).squareRoot() * e) * a.squareRoot() }),
                Mistake("√ᾱ and √(1 − ᾱ) are swapped: x̂₀ = (x_t − √(1 − ᾱ)·ε̂)/√ᾱ",
                        each { a, x, e in (x - a.squareRoot() * e) / (1 - a).squareRoot() }),
                Mistake("off by one in t: this uses alphasCumprod[t + 1]; image b uses alphasCumprod[t[b]]",
                        each(index: { $0 + 1 }) { a, x, e in (x - (1 - a).squareRoot() * e) / a.squareRoot() }),
            ]
            Compare.close(got, shape: [3, 1, 4, 4], x0.scalars.map(Double.init), absolute: 1e-4, "x̂₀ with the true ε",
                          mistakes: mistakes)
        }
    }

    static func check52(_ nonce: String) {
        Grader.child("5.2", nonce: nonce) {
            for schedule in [NoiseSchedule(.linear, timesteps: 1000), NoiseSchedule(.cosine, timesteps: 50)] {
                let (c1, c2) = try Ch05.posteriorMeanCoefficients(betas: schedule.betas)
                let T = schedule.timesteps
                var e1: [Double] = [], e2: [Double] = []
                var prev = 1.0
                for b in schedule.betasDouble {
                    let abar = prev * (1 - b)
                    e1.append(b * prev.squareRoot() / (1 - abar))
                    e2.append((1 - prev) * (1 - b).squareRoot() / (1 - abar))
                    prev = abar
                }
                let what = "\(schedule.kind.rawValue) T = \(T)"
                if c1.count == T, c2.count == T, let i = (c1.scalars + c2.scalars).firstIndex(where: { !$0.isFinite }), i % T == 0 {
                    Grader.fail("\(i < T ? "c1" : "c2") (\(what)) is not finite at t = 0 — ᾱ_t includes step t (ᾱ_0 = 1 − β_0, so 1 − ᾱ_0 = β_0 > 0); only ᾱ_{t−1} is 1 at t = 0")
                    return
                }
                // The mistakes, with ᾱ_t and ᾱ_{t−1} (1 at t = 0) in Double.
                var alphaBar: [Double] = [], running = 1.0
                for b in schedule.betasDouble { running *= 1 - b; alphaBar.append(running) }
                let alphaBarPrev = [1.0] + alphaBar.dropLast()
                func each(_ formula: (_ beta: Double, _ alphaBar: Double, _ alphaBarPrev: Double) -> Double) -> [Double] {
                    (0..<T).map { formula(schedule.betasDouble[$0], alphaBar[$0], alphaBarPrev[$0]) }
                }
                let swapped = Mistake("c1 and c2 are swapped: c1 = β_t·√ᾱ_{t−1}/(1 − ᾱ_t) multiplies x̂₀, c2 = (1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t) multiplies x_t",
                                      e2)
                guard Compare.close(c1, shape: [T], e1, absolute: 1e-6, relative: 1e-4, "c1 (\(what))", mistakes: [
                    swapped,
                    Mistake("the √ is missing: c1 = β_t·√ᾱ_{t−1}/(1 − ᾱ_t)", each { b, a, prev in b * prev / (1 - a) }),
                    Mistake("c1 uses ᾱ_{t−1} (the previous step's ᾱ, 1 at t = 0), not ᾱ_t, under the root: β_t·√ᾱ_{t−1}/(1 − ᾱ_t)",
                            each { b, a, _ in b * a.squareRoot() / (1 - a) }),
                ], hint: { i in
                    if c1.scalars.indices.allSatisfy({ abs(Double(c1.scalars[$0]) - e1[$0]) <= 1e-2 * e1[$0] }) {
                        return "close but not exact: where 1 − ᾱ_t is as small as β_0 = 10⁻⁴, Float loses digits to cancellation — compute ᾱ in Double"
                    }
                    return i == 0 ? "at t = 0, ᾱ_{t−1} = 1 and c1 = 1" : nil
                }) else { return }
                guard Compare.close(c2, shape: [T], e2, absolute: 1e-6, relative: 1e-4, "c2 (\(what))", mistakes: [
                    Mistake("the √ is missing: c2 = (1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t)", each { b, a, prev in (1 - prev) * (1 - b) / (1 - a) }),
                    Mistake("c2 takes √α_t = √(1 − β_t) of this one step, not √ᾱ_t", each { _, a, prev in (1 - prev) * a.squareRoot() / (1 - a) }),
                    Mistake("that is √α_t alone: the numerator is 1 − ᾱ_{t−1} (ᾱ of the previous step), not 1 − ᾱ_t",
                            each { b, _, _ in (1 - b).squareRoot() }),
                ], hint: { i in
                    i == 0 ? "at t = 0, 1 − ᾱ_{t−1} = 0 and c2 = 0" : nil
                }) else { return }
            }
        }
    }

    static func check53(_ nonce: String) {
        Grader.child("5.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 53)
            let schedule = NoiseSchedule(.linear, timesteps: 1000)
            let xt = Tensor.randn([2, 1, 3, 3], using: &rng)
            let eps = Tensor.randn([2, 1, 3, 3], using: &rng)
            let noise = Tensor.randn([2, 1, 3, 3], using: &rng)
            let b = schedule.betasDouble, abar = schedule.alphasCumprodDouble
            // t = 2 and 1 are where ᾱ_t differs most from its neighbours (1 − ᾱ doubles
            // from t = 0 to t = 1), so an off-by-one in ᾱ shows there.
            for t in [999, 500, 2, 1, 0] {
                let got = try Ch05.ddpmStep(xt: xt, t: t, epsilon: eps, noise: noise, betas: schedule.betas)
                let prev = t > 0 ? abar[t - 1] : 1
                let variance = b[t] * (1 - prev) / (1 - abar[t])                          // β̃_t
                let sigma = t > 0 ? variance.squareRoot() : 0
                /// mean(x_t, ε̂) + noiseScale·noise, element by element.
                func step(noiseScale: Double, mean: (Double, Double) -> Double) -> [Double] {
                    (0..<18).map { i in mean(Double(xt.scalars[i]), Double(eps.scalars[i])) + noiseScale * Double(noise.scalars[i]) }
                }
                let alpha = 1 - b[t]
                let mu = { (x: Double, e: Double) in (x - b[t] / (1 - abar[t]).squareRoot() * e) / alpha.squareRoot() }
                let expected = step(noiseScale: sigma, mean: mu)
                var mistakes = [
                    Mistake("that uses σ² = β_t; use β̃_t = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)", step(noiseScale: b[t].squareRoot(), mean: mu)),
                    Mistake("add σ·noise with σ = √β̃_t at every t > 0; only t = 0 is noiseless", step(noiseScale: 0, mean: mu)),
                    Mistake("the noise is scaled by β̃_t, the variance: σ = √β̃_t", step(noiseScale: variance, mean: mu)),
                    Mistake("the noise is added, not subtracted: x_{t−1} = μ + σ·noise", step(noiseScale: -sigma, mean: mu)),
                    Mistake("the division by √α_t is missing: μ = (x_t − β_t/√(1 − ᾱ_t)·ε̂)/√α_t",
                            step(noiseScale: sigma) { x, e in x - b[t] / (1 - abar[t]).squareRoot() * e }),
                    Mistake("the √ is missing: ε̂ is scaled by β_t/√(1 − ᾱ_t), not β_t/(1 − ᾱ_t)",
                            step(noiseScale: sigma) { x, e in (x - b[t] / (1 - abar[t]) * e) / alpha.squareRoot() }),
                    Mistake("ε̂ is scaled by β_t/√(1 − ᾱ_t) in μ, not by √(1 − ᾱ_t) (that is x̂₀'s formula)",
                            step(noiseScale: sigma) { x, e in (x - (1 - abar[t]).squareRoot() * e) / alpha.squareRoot() }),
                ]
                if t >= 2 {
                    // ᾱ as Π_{s<t}: every ᾱ one step late.
                    let (lateA, latePrev) = (abar[t - 1], abar[t - 2])
                    mistakes.append(Mistake("ᾱ_t = Π_{s ≤ t}(1 − β_s) includes step t: this uses ᾱ_{t−1} in its place",
                                            step(noiseScale: (b[t] * (1 - latePrev) / (1 - lateA)).squareRoot()) { x, e in
                                                (x - b[t] / (1 - lateA).squareRoot() * e) / alpha.squareRoot()
                                            }))
                }
                let ok = Compare.close(got, shape: [2, 1, 3, 3], expected, absolute: 1e-4, relative: 1e-4, "x_{t−1} at t = \(t)",
                                       mistakes: mistakes) { _ in
                    t == 0 ? "no noise at t = 0: return μ alone" : nil
                }
                if !ok { return }
            }
        }
    }
}
