// Chapter 02 checks: noise schedules.
//
// Run them with `swift test --filter ExerciseChecks.Chapter02`. The truths here are
// closed forms and special cases: the endpoints and even spacing of a linspace,
// the telescoping product Π(1 − β_s) = f((t+1)/T)/f(0) of the cosine schedule, and
// the precision identity of a product of Gaussians for the posterior variance.

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
                guard Compare.count(got, T, "linearBetas(timesteps: \(T))"), Compare.finite(got, "β") else { return }
                let step = (end - start) / Double(T - 1)
                // Special cases: the endpoints are exact, and the spacing is constant.
                let expected = (0..<T).map { start + step * Double($0) }
                let ok = Compare.close(got, expected, absolute: 1e-12, relative: 1e-9, "β for T = \(T)") { i in
                    if abs(got[1] - got[0] - (end - start) / Double(T)) < 1e-12 {
                        return "the step is (end − start)/T; with T − 1 the last value reaches `end`"
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
                Grader.fail("wrong value in β at index \(i): expected at most 0.999, got \(got[i]) — the cap is missing: take min(β, maxBeta) (f(1) = 0 makes the last β exactly 1)")
                return
            }
            if abs(got[0] - (1 - f(1.0 / 1000, s: 0) / f(0, s: 0))) < 1e-9 {
                Grader.fail("wrong value in β at index 0: got \(got[0]), which is the schedule with s = 0 — keep the offset s inside f: cos²((τ + s)/(1 + s)·π/2)")
                return
            }
            // Telescoping: Π_{s≤t} (1 − β_s) = f((t+1)/T)/f(0) wherever the cap is not hit.
            var product = 1.0
            var cumulative: [Double] = []
            for b in got { product *= 1 - b; cumulative.append(product) }
            let probe = [0, 1, 10, 100, 500, 900, 990, 998]
            let ok = Compare.close(probe.map { cumulative[$0] }, probe.map { f(Double($0 + 1) / 1000) / f(0) },
                                   relative: 1e-8, "ᾱ_t = Π(1 − β) at t = \(probe)") { k in
                let t = probe[k]
                if abs(cumulative[t] - f(Double(t + 2) / 1000) / f(0)) < 1e-6 * cumulative[t] || abs(cumulative[t] - f(Double(t) / 1000) / f(0)) < 1e-6 * cumulative[t] {
                    return "off by one: β_t should compare f((t+1)/T) with f(t/T)"
                }
                return nil
            }
            guard ok else { return }
            // The last step is capped: β_{T−1} = 0.999 exactly, so ᾱ_{T−1} = 0.001·f(0.999)/f(0) ≈ 2.4e-9.
            Compare.close([got[T - 1]], [0.999], absolute: 1e-12, "β_{T−1} (the capped last step)")
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
            guard Compare.close(got.alphasCumprod, alphaBar, relative: 1e-10, "alphasCumprod", hint: { i in
                i == 0 && abs(got.alphasCumprod[0] - 1) < 1e-12 ? "ᾱ_0 = 1 − β_0 already includes the first step" : nil
            }) else { return }
            let prev = [1.0] + alphaBar.dropLast()
            guard Compare.close(got.alphasCumprodPrev, prev, relative: 1e-10, "alphasCumprodPrev", hint: { i in
                got.alphasCumprodPrev.last == 1 ? "the 1 goes on the left: ᾱ_{t−1} is ᾱ shifted right" : nil
            }) else { return }
            // β̃_0 = 0, and for t ≥ 1 the product of two Gaussians has precision
            // 1/β̃_t = 1/(1 − ᾱ_{t−1}) + α_t/β_t.
            var expected: [Double] = [0]
            for t in 1..<T {
                let precision: Double = 1 / (1 - prev[t]) + (1 - betas[t]) / betas[t]
                expected.append(1 / precision)
            }
            Compare.close(got.posteriorVariance, expected, absolute: 1e-15, relative: 1e-9, "posteriorVariance")
        }
    }
}
