// Chapter 07 checks: the score from ε, one Langevin step, the exact score of a
// Gaussian mixture.
//
// Run them with `swift test --filter ExerciseChecks.Chapter07`. Truths: the score
// from ε by its closed form in Double, element by element, with a different t per
// item; the Langevin step by its formula in Double; the mixture score against a
// central finite difference of the log-density computed here in Double (log-sum-exp),
// against the one-component hand case (μ − x)/σ², and at points far from every
// mean, where a naive exp underflows (in Float, and for three of them even in Double).
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 07 — the score-based view")
struct Chapter07 {
    // Hint: gather ᾱ per item (t differs across the batch), then s = −ε̂/√(1−ᾱ):
    // mind the minus sign and the square root.
    @Test("7.1 score from epsilon")
    func scoreFromEpsilon() async {
        await Grader.grade("7.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter07.check71(nonce) }
        }
    }

    // Hint: the drift is δ·s (not δ/2·s) and the noise √(2δ)·z (not √δ·z) in this
    // kit's convention.
    @Test("7.2 one Langevin step")
    func langevinStep() async {
        await Grader.grade("7.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter07.check72(nonce) }
        }
    }

    // Hint: responsibilities r_k ∝ w_k·exp(−‖x − μ_k‖²/(2σ²)) summed over all D
    // coordinates, normalised per point; subtract each row's largest exponent before
    // exp so that far-away points do not give 0/0.
    @Test("7.3 exact score of a Gaussian mixture")
    func mixtureScore() async {
        await Grader.grade("7.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter07.check73(nonce) }
        }
    }
}

extension Chapter07 {
    static func check71(_ nonce: String) {
        Grader.child("7.1", nonce: nonce) {
            var rng = SeededGenerator(seed: 71)
            let schedule = NoiseSchedule(.linear, timesteps: 1000)
            let eps = Tensor.randn([4, 1, 3, 3], using: &rng)
            let t = [0, 10, 400, 999]
            let got = try Ch07.scoreFromEpsilon(eps, t: t, alphasCumprod: schedule.alphasCumprod)
            let abar = schedule.alphasCumprodDouble
            let expected = (0..<36).map { i in -Double(eps.scalars[i]) / (1 - abar[t[i / 9]]).squareRoot() }
            // At t = 0, √(1−ᾱ) = 0.01: scores reach ~300, so the tolerance is relative.
            /// `formula(ᾱ, ε̂)` element by element, with ᾱ at `index(t)` for each item — ᾱ as
            /// the learner gets it, in Float (1 − ᾱ at t = 0 is 10⁻⁴, where Float's rounding
            /// of ᾱ shows).
            let given = schedule.alphasCumprod.scalars.map(Double.init)
            func each(index: (Int) -> Int = { $0 }, _ formula: (Double, Double) -> Double) -> [Double] {
                (0..<36).map { i in formula(given[index(t[i / 9])], Double(eps.scalars[i])) }
            }
            let mistakes = [
                Mistake("wrong sign: the score points against the noise, s = −ε̂/√(1−ᾱ)", each { a, e in e / (1 - a).squareRoot() }),
                Mistake("take the square root: divide by √(1−ᾱ), not (1−ᾱ)", each { a, e in -e / (1 - a) }),
                Mistake("that divides by √ᾱ; the noise scale is √(1−ᾱ)", each { a, e in -e / a.squareRoot() }),
                Mistake("divide by √(1 − ᾱ), do not multiply: s = −ε̂/√(1 − ᾱ)", each { a, e in -e * (1 - a).squareRoot() }),
                Mistake("each item has its own t: gather ᾱ at t[i] for item i",
                        each(index: { _ in t[0] }) { a, e in -e / (1 - a).squareRoot() }),
            ]
            guard Compare.close(got, shape: [4, 1, 3, 3], expected, absolute: 1e-4, relative: 1e-4, "s = −ε̂/√(1−ᾱ_t)",
                                mistakes: mistakes)
            else { return }
            // Points [B, 2] too (the chapter's 2-D toy).
            let points = Tensor.randn([3, 2], using: &rng)
            let t2 = [999, 50, 5]
            let got2 = try Ch07.scoreFromEpsilon(points, t: t2, alphasCumprod: schedule.alphasCumprod)
            Compare.close(got2, shape: [3, 2], (0..<6).map { -Double(points.scalars[$0]) / (1 - abar[t2[$0 / 2]]).squareRoot() },
                          absolute: 1e-4, relative: 1e-4, "s for points [B, 2]")
        }
    }

    static func check72(_ nonce: String) {
        Grader.child("7.2", nonce: nonce) {
            var rng = SeededGenerator(seed: 72)
            let x = Tensor.randn([5, 2], using: &rng)
            let score = Tensor.randn([5, 2], using: &rng) * 3
            let noise = Tensor.randn([5, 2], using: &rng)
            for delta: Float in [0.01, 0.3] {
                let got = try Ch07.langevinStep(x, score: score, stepSize: delta, noise: noise)
                let d = Double(delta)
                let expected = (0..<10).map { i in
                    Double(x.scalars[i]) + d * Double(score.scalars[i]) + (2 * d).squareRoot() * Double(noise.scalars[i])
                }
                func each(_ formula: (_ x: Double, _ s: Double, _ z: Double) -> Double) -> [Double] {
                    (0..<10).map { i in formula(Double(x.scalars[i]), Double(score.scalars[i]), Double(noise.scalars[i])) }
                }
                let mistakes = [
                    Mistake("that is Song & Ermon's form with ε = δ; here the step is x + δ·s + √(2δ)·z",
                            each { x, s, z in x + d / 2 * s + d.squareRoot() * z }),
                    Mistake("the noise is √(2δ)·z, not √δ·z", each { x, s, z in x + d * s + d.squareRoot() * z }),
                    Mistake("the noise is scaled by a square root: √(2δ)·z, not 2δ·z", each { x, s, z in x + d * s + 2 * d * z }),
                    Mistake("the noise is scaled by a square root: √(2δ)·z, not δ·z", each { x, s, z in x + d * s + d * z }),
                    Mistake("add the noise term √(2δ)·z", each { x, s, _ in x + d * s }),
                    Mistake("the drift follows the score uphill: x + δ·s, not x − δ·s", each { x, s, z in x - d * s + (2 * d).squareRoot() * z }),
                    Mistake("the drift δ·s is missing: x' = x + δ·s + √(2δ)·z", each { x, _, z in x + (2 * d).squareRoot() * z }),
                ]
                let ok = Compare.close(got, shape: [5, 2], expected, absolute: 1e-5, relative: 1e-5, "x' with δ = \(delta)",
                                       mistakes: mistakes)
                if !ok { return }
            }
        }
    }

    /// log Σ_k w_k N(x; μ_k, σ²I) in Double, by log-sum-exp.
    static func logMixture(_ x: [Double], means: [[Double]], std: Double, weights: [Double]) -> Double {
        let v = std * std, d = Double(x.count)
        let logs = means.indices.map { k in
            log(weights[k]) - zip(x, means[k]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / (2 * v)
        }
        let top = logs.max()!
        return top + log(logs.map { exp($0 - top) }.reduce(0, +)) - d / 2 * log(2 * Double.pi * v)
    }

    /// Σ_k r_k·(μ_k − x)/σ² at each point (flattened), in Double, with
    /// r_k ∝ w_k·exp(−exponentScale·‖x − μ_k‖²/2) normalised by log-sum-exp: right with the
    /// default exponentScale = 1/σ², or with one known mistake; `perCoordinate` gives each
    /// coordinate its own responsibilities. (The sign and σ² of the pull are checked on
    /// one component first.)
    static func mixtureScores(_ points: [[Double]], means: [[Double]], std: Double, weights: [Double],
                              exponentScale: Double? = nil, perCoordinate: Bool = false) -> [Double] {
        let variance = std * std
        let e = exponentScale ?? 1 / variance
        return points.flatMap { x in
            x.indices.map { j in
                let logs = means.indices.map { k in
                    let squared = perCoordinate ? (x[j] - means[k][j]) * (x[j] - means[k][j])
                                                : zip(x, means[k]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
                    return log(weights[k]) - e * squared / 2
                }
                let top = logs.max()!
                let r = logs.map { exp($0 - top) }
                let total = r.reduce(0, +)
                return means.indices.map { k in r[k] / total * (means[k][j] - x[j]) / variance }.reduce(0, +)
            }
        }
    }

    static func check73(_ nonce: String) {
        Grader.child("7.3", nonce: nonce) {
            // One component: the score is (μ − x)/σ² exactly.
            let single = try Ch07.mixtureScore(Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 3]),
                                               means: Tensor(shape: [1, 2], scalars: [1, 1]), std: 0.5,
                                               weights: Tensor(shape: [1], scalars: [1]))
            let pull: [Double] = [0.5, 2, -1, -2]                                           // μ − x
            guard Compare.close(single, shape: [2, 2], [2, 8, -4, -8], absolute: 1e-4, relative: 1e-5,
                                "one component μ = (1, 1), σ = 0.5: (μ − x)/σ²", mistakes: [
                Mistake("the score points towards the mean: (μ − x)/σ², not (x − μ)/σ²", pull.map { -$0 / 0.25 }),
                Mistake("divide by σ² (0.25), not σ (0.5)", pull.map { $0 / 0.5 }),
                Mistake("that is μ − x: divide it by σ² (0.25)", pull),
            ]) else { return }

            // Three unequal components in 3-D; points near, between and far from the means.
            let means: [[Double]] = [[1, 0, -0.5], [-1, 0.5, 0], [0, -1.2, 1]]
            let weights = [0.5, 0.3, 0.2]
            let std = 0.4
            var rng = SeededGenerator(seed: 73)
            let near = Tensor.randn([12, 3], using: &rng) * 1.2                              // [12, 3]
            // Far points: ‖x − μ‖²/(2σ²) ≈ 500 at the first two, where exp underflows in Float,
            // and 2,500 to 5,000 at the last three, where it underflows even in Double
            // (below e^−745). The last lies as far from μ₀ as from μ₁, so there the two share
            // the weight, 5 : 3.
            let far = Tensor(shape: [5, 3], scalars: [9, -7, 6, -8, 10, 0.5,
                                                      30, -25, 12, -20, 28, -26, 0, 20.25, -20.25])
            let points = concat([near, far], axis: 0)                                         // [17, 3]
            let count = 17
            let got = try Ch07.mixtureScore(points, means: Tensor(shape: [3, 3], scalars: means.flatMap { $0.map(Float.init) }),
                                            std: Float(std), weights: Tensor(shape: [3], scalars: weights.map(Float.init)))
            guard Compare.shape(got, [count, 3], "∇ log p") else { return }
            if let i = got.scalars.firstIndex(where: { !$0.isFinite }) {
                let point = i / 3
                let underflow = point >= 14 ? ", far from every mean: exp(−‖x − μ_k‖²/(2σ²)) underflows to 0 for every k, even in Double, and r_k becomes 0/0 — subtract the row's largest exponent before exp, the log-sum-exp trick"
                    : point >= 12 ? ", far from every mean: exp(−‖x − μ_k‖²/(2σ²)) underflows to 0 in Float, and r_k becomes 0/0 — subtract the row's largest exponent before exp, the log-sum-exp trick" : ""
                Grader.fail("\(got.scalars[i].isNaN ? "NaN" : "infinity") in ∇ log p at index \(i) (point \(point)\(underflow))")
                return
            }
            // Central differences in Double, h = 1e-5: truncation ~h²·|∂³ log p| and
            // round-off ~1e-16·|log p|/h, both far below the tolerance, which allows for
            // a Float result (relative 1e-4 of scores up to ~400 far away).
            let h = 1e-5
            var expected: [Double] = []
            for i in 0..<count {
                let x = (0..<3).map { Double(points.scalars[3 * i + $0]) }
                for j in 0..<3 {
                    var up = x, down = x
                    up[j] += h; down[j] -= h
                    expected.append((logMixture(up, means: means, std: std, weights: weights)
                                     - logMixture(down, means: means, std: std, weights: weights)) / (2 * h))
                }
            }
            let xs = (0..<count).map { i in (0..<3).map { Double(points.scalars[3 * i + $0]) } }
            let mistakes = [
                Mistake("the weights w_k are missing from r_k: r_k ∝ w_k·exp(−‖x − μ_k‖²/(2σ²))",
                        mixtureScores(xs, means: means, std: std, weights: [1, 1, 1])),
                Mistake("the exponent is −‖x − μ_k‖²/(2σ²): the factor 2 is missing",
                        mixtureScores(xs, means: means, std: std, weights: weights, exponentScale: 2 / (std * std))),
                Mistake("the exponent divides by 2σ², not 2σ", mixtureScores(xs, means: means, std: std, weights: weights, exponentScale: 1 / std)),
                Mistake("r_k uses the squared distance over all D coordinates, ‖x − μ_k‖², one responsibility per point and component — not one per coordinate",
                        mixtureScores(xs, means: means, std: std, weights: weights, perCoordinate: true)),
            ]
            Compare.close(got, shape: [count, 3], expected, absolute: 2e-3, relative: 2e-4,
                          "∇ log p (against finite differences of log p)", mistakes: mistakes, hint: { i in
                let point = i / 3
                if point == 16 { return "this point is as far from μ₀ as from μ₁: the two share the weight (5 : 3) — use log-sum-exp rather than giving the nearest mean all of it" }
                if point >= 12 { return "far from every mean the nearest component takes all the weight; use log-sum-exp" }
                return "weight each pull (μ_k − x)/σ² by r_k ∝ w_k·exp(−‖x − μ_k‖²/(2σ²)), normalised over k, with the squared distance over all coordinates"
            })
        }
    }
}
