// Chapter 02 checks: noise schedules.
//
// Run them with `swift test --filter ExerciseChecks.Chapter02`. The truths here are
// closed forms and special cases: the endpoints and even spacing of a linspace,
// the telescoping product Π(1 − β_s) = f((t+1)/T)/f(0) of the cosine schedule, and
// the precision identity of a product of Gaussians for the posterior variance; the
// cosine formula itself in Double for s = 0.02 and a cap of 0.3, where a fixed s or cap
// shows.
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 02 — noise schedules")
struct Chapter02 {
    // Hint: T values from start to end *inclusive* need a step of (end − start)/(T − 1).
    @Test("2.1 linear schedule")
    func linear() async {
        await Grader.grade("2.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter02.check21(nonce) }
        }
    }

    // Hint: β_t = min(1 − f((t+1)/T)/f(t/T), maxBeta). Keep the offset s inside f, and
    // keep the cap: f(1) = cos²(π/2) = 0, so the last β would be exactly 1.
    @Test("2.2 cosine schedule with the cap")
    func cosine() async {
        await Grader.grade("2.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter02.check22(nonce) }
        }
    }

    // Hint: keep a running product; ᾱ_{t−1} is that list shifted right by one with a
    // 1 in front; β̃_0 = 0 because ᾱ_{−1} = 1.
    @Test("2.3 cumulative products and the posterior variance")
    func cumulative() async {
        await Grader.grade("2.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter02.check23(nonce) }
        }
    }
}

extension Chapter02 {
    static func check21(_ nonce: String) {
        Grader.child("2.1", nonce: nonce) {
            for (T, start, end) in [(1000, 1e-4, 0.02), (2, 0.1, 0.3), (7, 0.001, 0.05)] {
                let got = try Ch02.linearBetas(timesteps: T, start: start, end: end)
                if got.count == T - 1 {
                    Grader.fail("wrong shape for linearBetas(timesteps: \(T)): expected \(T) values, got \(T - 1) — `stride(from: start, to: end, by: step)` stops before end; compute β_t for each t in 0..<T instead")
                    return
                }
                guard Compare.count(got, T, "linearBetas(timesteps: \(T))"), Compare.finite(got, "β") else { return }
                let step = (end - start) / Double(T - 1)
                // Special cases: the endpoints are exact, and the spacing is constant.
                let expected = (0..<T).map { start + step * Double($0) }
                let mistakes = [
                    Mistake("the step is (end − start)/T; with T − 1 the last value reaches `end`",
                            (0..<T).map { start + (end - start) * Double($0) / Double(T) }),
                    Mistake("this starts one step late, at start + (end − start)/T: β_0 must be `start`, β_t = start + (end − start)·t/(T − 1)",
                            (0..<T).map { start + (end - start) * Double($0 + 1) / Double(T) }),
                    Mistake("every β but the last is `start`: t / (T − 1) in Int rounds down to 0 — convert to Double before dividing",
                            (0..<T).map { start + (end - start) * Double($0 / (T - 1)) }),
                    Mistake("start and end are swapped: the schedule rises from start = \(start) to end = \(end)",
                            (0..<T).map { end + (start - end) * Double($0) / Double(T - 1) }),
                    Mistake("that is DDPM's 1e-4 … 0.02: use the start and end parameters (here \(start) and \(end))",
                            (0..<T).map { 1e-4 + (0.02 - 1e-4) * Double($0) / Double(T - 1) }),
                ]
                let ok = Compare.close(got, expected, absolute: 1e-12, relative: 1e-9, "β for T = \(T)", mistakes: mistakes) { i in
                    if got.indices.allSatisfy({ abs(got[$0] - expected[$0]) <= 1e-6 * abs(expected[$0]) }) {
                        return "right only to about 7 digits, Float's precision: compute in Double"
                    }
                    if i == T - 1 { return "the last β must equal end = \(end)" }
                    return nil
                }
                if !ok { return }
            }
        }
    }

    static func f(_ tau: Double, s: Double = 0.008) -> Double { pow(cos((tau + s) / (1 + s) * Double.pi / 2), 2) }

    static func check22(_ nonce: String) {
        Grader.child("2.2", nonce: nonce) {
            let T = 1000
            let got = try Ch02.cosineBetas(timesteps: T, s: 0.008, maxBeta: 0.999)
            guard Compare.count(got, T, "cosineBetas(timesteps: 1000)"), Compare.finite(got, "β") else { return }
            if let i = got.firstIndex(where: { $0 > 0.999 + 1e-12 }) {
                let why = got[i] < 0.999 + 1e-6
                    ? "that is 0.999 rounded to Float (0.99900001…): compute in Double (ᾱ reaches 1e-9 at the end)"
                    : "the cap is missing: take min(β, maxBeta) (f(1) = 0 makes the last β exactly 1)"
                Grader.fail("wrong value in β at index \(i): expected at most 0.999, got \(got[i]) — \(why)", hint: why)
                return
            }
            if abs(got[0] - (1 - f(1.0 / 1000, s: 0) / f(0, s: 0))) < 1e-9 {
                Grader.fail("wrong value in β at index 0: got \(got[0]), which is the schedule with s = 0 — keep the offset s inside f: cos²((τ + s)/(1 + s)·π/2)")
                return
            }
            // Telescoping: Π_{s≤t} (1 − β_s) = f((t+1)/T)/f(0) wherever the cap is not hit.
            func cumulative(_ betas: [Double]) -> [Double] {
                var product = 1.0
                return betas.map { product *= 1 - $0; return product }
            }
            let probe = [0, 1, 10, 100, 500, 900, 990, 998]
            let gotProducts = cumulative(got)
            /// ᾱ at the probes for the schedule β_t = min(beta(t), 0.999).
            func products(_ beta: (Double) -> Double) -> [Double] {
                let all = cumulative((0..<1000).map { min(beta(Double($0)), 0.999) })
                return probe.map { all[$0] }
            }
            let n = 1000.0
            /// β_t = 1 − g((t+1)/T)/g(t/T): the schedule's recipe with g in place of f.
            func recipe(_ g: @escaping (Double) -> Double) -> (Double) -> Double { { t in 1 - g((t + 1) / n) / g(t / n) } }
            func angle(_ tau: Double) -> Double { (tau + 0.008) / 1.008 * Double.pi / 2 }
            let mistakes = [
                Mistake("f squares the cosine: f(τ) = cos²((τ + s)/(1 + s)·π/2), not cos(…)",
                        products(recipe { cos(angle($0)) })),
                Mistake("the angle is (τ + s)/(1 + s)·π/2: the division by 1 + s is missing",
                        products(recipe { pow(cos(($0 + 0.008) * Double.pi / 2), 2) })),
                Mistake("the angle is (τ + s)/(1 + s)·π/2, not ·π",
                        products(recipe { pow(cos(2 * angle($0)), 2) })),
                Mistake("τ = t/T, not t/(T − 1): β_t compares f((t+1)/T) with f(t/T)",
                        products { t in 1 - f((t + 1) / (n - 1)) / f(t / (n - 1)) }),
                Mistake("that is α_t = f((t+1)/T)/f(t/T); β_t = 1 − α_t",
                        products { t in f((t + 1) / n) / f(t / n) }),
                Mistake("that is 1 − ᾱ_t = 1 − f((t+1)/T)/f(0); β_t compares neighbouring steps, 1 − f((t+1)/T)/f(t/T)",
                        products { t in 1 - f((t + 1) / n) / f(0) }),
                Mistake("off by one: this compares f((t+2)/T) with f((t+1)/T); β_t compares f((t+1)/T) with f(t/T)",
                        products { t in 1 - f((t + 2) / n) / f((t + 1) / n) }),
                Mistake("off by one: this compares f(t/T) with f((t−1)/T); β_t compares f((t+1)/T) with f(t/T)",
                        products { t in 1 - f(t / n) / f((t - 1) / n) }),
            ]
            let ok = Compare.close(probe.map { gotProducts[$0] }, probe.map { f(Double($0 + 1) / 1000) / f(0) },
                                   relative: 1e-8, "ᾱ_t = Π(1 − β) at t = \(probe)", mistakes: mistakes) { _ in
                if probe.allSatisfy({ abs(gotProducts[$0] - f(Double($0 + 1) / 1000) / f(0)) <= 1e-4 * gotProducts[$0] }) {
                    return "right only to Float's precision: compute in Double (ᾱ reaches 1e-9 at the end)"
                }
                return nil
            }
            guard ok else { return }
            // The last step is capped: β_{T−1} = 0.999 exactly, so ᾱ_{T−1} = 0.001·f(0.999)/f(0) ≈ 2.4e-9.
            guard Compare.close([got[T - 1]], [0.999], absolute: 1e-12, "β_{T−1} (the capped last step)") else { return }

            // Other parameters, so that a fixed s or cap shows: T = 20, s = 0.02, maxBeta = 0.3
            // (the cap bites at the last five steps), by the formula in Double.
            let short = try Ch02.cosineBetas(timesteps: 20, s: 0.02, maxBeta: 0.3)
            func schedule(s: Double, cap: Double) -> [Double] {
                (0..<20).map { t in min(1 - f(Double(t + 1) / 20, s: s) / f(Double(t) / 20, s: s), cap) }
            }
            Compare.close(short, schedule(s: 0.02, cap: 0.3), absolute: 1e-12, relative: 1e-9,
                          "cosineBetas(timesteps: 20, s: 0.02, maxBeta: 0.3)", mistakes: [
                Mistake("that uses s = 0.008 and the cap 0.999: use the parameters s and maxBeta", schedule(s: 0.008, cap: 0.999)),
                Mistake("that uses s = 0.008: use the parameter s", schedule(s: 0.008, cap: 0.3)),
                Mistake("that caps at 0.999: cap at the parameter maxBeta", schedule(s: 0.02, cap: 0.999)),
            ])
        }
    }

    static func check23(_ nonce: String) {
        Grader.child("2.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 23)
            let T = 60
            let betas = (0..<T).map { _ in 0.001 + 0.05 * Double(rng.nextUniform()) }   // distinct β in (0.001, 0.051)
            let got = try Ch02.cumulativeProducts(betas: betas)
            guard Compare.count(got.alphasCumprod, T, "alphasCumprod"),
                  Compare.count(got.alphasCumprodPrev, T, "alphasCumprodPrev"),
                  Compare.count(got.posteriorVariance, T, "posteriorVariance") else { return }
            // ᾱ_t = exp(Σ log(1 − β_s)): the same product, computed another way.
            var logSum = 0.0
            let alphaBar = betas.map { b -> Double in logSum += log(1 - b); return exp(logSum) }
            var betaProduct = 1.0
            guard Compare.close(got.alphasCumprod, alphaBar, relative: 1e-10, "alphasCumprod", mistakes: [
                Mistake("ᾱ_0 = 1 − β_0 already includes the first step: ᾱ_t = Π_{s ≤ t}(1 − β_s), with s = t included",
                        [1] + alphaBar.dropLast()),
                Mistake("that is the product of the β_s; ᾱ is the product of α_s = 1 − β_s",
                        betas.map { betaProduct *= $0; return betaProduct }),
            ], hint: { _ in
                got.alphasCumprod.indices.allSatisfy({ abs(got.alphasCumprod[$0] - alphaBar[$0]) <= 1e-5 * alphaBar[$0] })
                    ? "right only to Float's precision: keep the running product in Double" : nil
            }) else { return }
            let prev = [1.0] + alphaBar.dropLast()
            guard Compare.close(got.alphasCumprodPrev, prev, relative: 1e-10, "alphasCumprodPrev", mistakes: [
                Mistake("the 1 goes on the left: ᾱ_{t−1} is ᾱ shifted right, [1, ᾱ_0, …, ᾱ_{T−2}]", alphaBar.dropFirst() + [1]),
                Mistake("that is ᾱ_t itself: ᾱ_{t−1} is ᾱ shifted right by one, with a 1 in front", alphaBar),
                Mistake("ᾱ_{−1} = 1 (the empty product: no noise yet), not 0", [0] + alphaBar.dropLast()),
            ]) else { return }
            // β̃_0 = 0, and for t ≥ 1 the product of two Gaussians has precision
            // 1/β̃_t = 1/(1 − ᾱ_{t−1}) + α_t/β_t.
            var expected: [Double] = [0]
            for t in 1..<T {
                let precision: Double = 1 / (1 - prev[t]) + (1 - betas[t]) / betas[t]
                expected.append(1 / precision)
            }
            if got.posteriorVariance.first?.isFinite == false {
                Grader.fail("\(got.posteriorVariance[0].isNaN ? "NaN" : "infinity") in posteriorVariance at index 0 — at t = 0, 1 − ᾱ_{t−1} = 0: it belongs in the numerator, β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), so β̃_0 = 0")
                return
            }
            let ratio = betas.indices.map { (1 - prev[$0]) / (1 - alphaBar[$0]) }       // (1 − ᾱ_{t−1})/(1 − ᾱ_t)
            Compare.close(got.posteriorVariance, expected, absolute: 1e-15, relative: 1e-9, "posteriorVariance", mistakes: [
                Mistake("that is β_t itself (DDPM's \"fixed large\" choice); β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)", betas),
                Mistake("that is √β̃_t, the standard deviation; return the variance β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)",
                        betas.indices.map { (betas[$0] * ratio[$0]).squareRoot() }),
                Mistake("the factor β_t is missing: β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)", ratio),
            ])
        }
    }
}
