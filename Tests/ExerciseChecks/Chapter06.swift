// Chapter 06 checks: the timestep subsequence, one DDIM step with η, slerp.
//
// Run them with `swift test --filter ExerciseChecks.Chapter06`. Truths: the lists for
// T = 1000, S = 10 written out by hand, and the three formulas evaluated here for
// other (T, S); the DDIM step computed element by element in Double (including the
// last step to ᾱ' = 1 and η = 1, where it must equal DDPM's posterior step with
// σ² = β̃); slerp's end points, its constant norm between orthogonal unit vectors,
// and the formula in Double.

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
                let ok = Compare.close(got.map(Double.init), expected.map(Double.init), "\(spacing.rawValue) timesteps for S = \(S), T = \(T)") { i in
                    if got.count == expected.count, got.reversed() == expected { return "visit them in descending order (largest t first)" }
                    if spacing == .trailing, got.contains(T) { return "timesteps run from 0 to T − 1: subtract 1" }
                    if spacing == .leading, got.first == T - T / S { return "leading starts at (S − 1)·⌊T/S⌋, not T − ⌊T/S⌋" }
                    return i == 0 ? "the first timestep is \(expected[0])" : nil
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
                let sigma = eta * ((1 - aPrev) / (1 - a)).squareRoot() * (1 - a / aPrev).squareRoot()
                func expected(_ i: Int, sigmaInDirection: Bool = true) -> Double {
                    let x = Double(xt.scalars[i]), e = Double(eps.scalars[i]), z = Double(noise.scalars[i])
                    let x0 = (x - (1 - a).squareRoot() * e) / a.squareRoot()
                    let direction = (1 - aPrev - (sigmaInDirection ? sigma * sigma : 0)).squareRoot()
                    return aPrev.squareRoot() * x0 + direction * e + sigma * z
                }
                let ok = Compare.close(got, shape: shape, (0..<18).map { expected($0) }, absolute: 1e-4, relative: 1e-4, "x' (\(what))") { i in
                    if sigma > 0, abs(Double(got.scalars[i]) - expected(i, sigmaInDirection: false)) < 1e-4 {
                        return "the direction term is √(1 − ᾱ' − σ²)·ε̂: the noise takes σ² of the variance"
                    }
                    if sigma > 0, abs(Double(got.scalars[i]) - (expected(i) - sigma * Double(noise.scalars[i]))) < 1e-4 {
                        return "with η > 0, add σ·noise"
                    }
                    return nil
                }
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
            for t in [0, 0.25, 0.5, 1] as [Double] {
                let got = try Ch06.slerp(a, b, t: Float(t))
                let wa = sin((1 - t) * theta) / sin(theta), wb = sin(t * theta) / sin(theta)
                let expected = x.indices.map { wa * x[$0] + wb * y[$0] }
                let ok = Compare.close(got, shape: [2, 1, 4, 4], expected, absolute: 1e-4, relative: 1e-4, "slerp at t = \(t)") { i in
                    if abs(Double(got.scalars[i]) - ((1 - t) * x[i] + t * y[i])) < 1e-4 { return "that is lerp, the straight line; follow the arc with sines" }
                    return nil
                }
                if !ok { return }
            }
            // Between two orthogonal unit vectors every point of the arc has norm 1.
            let e1 = Tensor(shape: [2], scalars: [1, 0]), e2 = Tensor(shape: [2], scalars: [0, 1])
            let mid = try Ch06.slerp(e1, e2, t: 0.5)
            Compare.close(mid, shape: [2], [(0.5).squareRoot(), (0.5).squareRoot()], absolute: 1e-5, "slerp([1, 0], [0, 1], 0.5)")
        }
    }
}
