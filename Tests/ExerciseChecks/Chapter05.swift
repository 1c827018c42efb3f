// Chapter 05 checks: x̂₀ from ε, the posterior mean coefficients, one DDPM step.
//
// Run them with `swift test --filter ExerciseChecks.Chapter05`. Truths: x̂₀ must
// recover the x₀ that made x_t (an exact round trip); the coefficients from the
// closed forms in Double (a running product for ᾱ), with the special case c1 = 1,
// c2 = 0 at t = 0; the step from DDPM eq. 11 computed here element by element, and
// "no noise at t = 0".

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
            Compare.close(got, shape: [3, 1, 4, 4], x0.scalars.map(Double.init), absolute: 1e-4, "x̂₀ with the true ε") { i in
                let a = schedule.alphasCumprodDouble[t[i / 16]]
                let noSqrt = (Double(xt.scalars[i]) - (1 - a) * Double(eps.scalars[i])) / a
                return abs(Double(got.scalars[i]) - noSqrt) < 1e-3 ? "take square roots: √(1−ᾱ) and √ᾱ" : nil
            }
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
                guard Compare.close(c1, shape: [T], e1, absolute: 1e-6, relative: 1e-4, "c1 (\(what))", hint: { i in
                    i == 0 ? "at t = 0, ᾱ_{t−1} = 1 and c1 = 1" : nil
                }) else { return }
                guard Compare.close(c2, shape: [T], e2, absolute: 1e-6, relative: 1e-4, "c2 (\(what))", hint: { i in
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
            for t in [999, 500, 1, 0] {
                let got = try Ch05.ddpmStep(xt: xt, t: t, epsilon: eps, noise: noise, betas: schedule.betas)
                let prev = t > 0 ? abar[t - 1] : 1
                let sigma = t > 0 ? (b[t] * (1 - prev) / (1 - abar[t])).squareRoot() : 0
                let expected = (0..<18).map { i in
                    (Double(xt.scalars[i]) - b[t] / (1 - abar[t]).squareRoot() * Double(eps.scalars[i])) / (1 - b[t]).squareRoot()
                        + sigma * Double(noise.scalars[i])
                }
                let ok = Compare.close(got, shape: [2, 1, 3, 3], expected, absolute: 1e-4, relative: 1e-4, "x_{t−1} at t = \(t)") { i in
                    if t == 0 { return "no noise at t = 0: return μ alone" }
                    let large = expected[i] - sigma * Double(noise.scalars[i]) + b[t].squareRoot() * Double(noise.scalars[i])
                    return abs(Double(got.scalars[i]) - large) < 1e-4 ? "that uses σ² = β_t; use β̃_t = β_t(1 − ᾱ_{t−1})/(1 − ᾱ_t)" : nil
                }
                if !ok { return }
            }
        }
    }
}
