// Schedules against closed forms computed here independently, in Double.

import Foundation
import Testing
@testable import Diffusion
import Tensors

/// Relative difference |a − b| / max(|b|, tiny).
func relDiff(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-30) }

@Suite("Noise schedules")
struct ScheduleTests {
    @Test("linear: β = linspace(1e-4, 0.02, T), ᾱ the running product")
    func linear() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        #expect(s.betasDouble.first == 1e-4)
        #expect(abs(s.betasDouble.last! - 0.02) < 1e-15)
        #expect(abs(s.betasDouble[500] - (1e-4 + (0.02 - 1e-4) * 500 / 999)) < 1e-15)
        var product = 1.0
        for t in 0..<1000 {
            product *= 1 - (1e-4 + (0.02 - 1e-4) * Double(t) / 999)
            #expect(relDiff(s.alphasCumprodDouble[t], product) < 1e-12)
        }
        // ᾱ_{T−1} for T = 1000 is ≈ 4.0e-5: x_T is essentially pure noise.
        #expect(s.alphasCumprodDouble[999] < 1e-4 && s.alphasCumprodDouble[999] > 1e-5)
    }

    @Test("linear at small T: ᾱ_{T−1} ≈ 0.60 at T = 50, far from pure noise")
    func smallT() {
        let s = NoiseSchedule(.linear, timesteps: 50)
        // Closed form: Π (1 − β_t) with β_t = 1e-4 + (0.02 − 1e-4)·t/49.
        var closed = 1.0
        for t in 0..<50 {
            let beta: Double = 1e-4 + (0.02 - 1e-4) * Double(t) / 49
            closed *= 1 - beta
        }
        #expect(relDiff(s.alphasCumprodDouble[49], closed) < 1e-12)
        #expect(abs(closed - 0.60) < 0.01)
    }

    @Test("alphasCumprodPrev is ᾱ shifted right, padded with 1 on the left")
    func prevPadding() {
        for kind in ScheduleKind.allCases {
            let s = NoiseSchedule(kind, timesteps: 20)
            #expect(s.alphasCumprodPrev.scalars[0] == 1)
            for t in 1..<20 { #expect(s.alphasCumprodPrev.scalars[t] == s.alphasCumprod.scalars[t - 1]) }
        }
    }

    @Test("cosine: ᾱ_t = f(t+1)/f(0) before the cap, β capped at 0.999 at the last step")
    func cosine() {
        let T = 1000
        let s = NoiseSchedule(.cosine, timesteps: T)
        func f(_ t: Double) -> Double { let c = cos((t / Double(T) + 0.008) / 1.008 * Double.pi / 2); return c * c }
        for t in [0, 1, 10, 250, 500, 900, 990, 998] {
            #expect(relDiff(s.alphasCumprodDouble[t], f(Double(t + 1)) / f(0)) < 1e-9, "t = \(t)")
        }
        #expect(s.betasDouble.allSatisfy { $0 <= 0.999 })
        #expect(s.betasDouble[T - 1] == 0.999)                      // f(T) = 0 would make β = 1
        // The cap leaves ᾱ_{T−1} = 0.001 · f(T−1)/f(0) ≈ 2.4e-9: tiny but not 0.
        let expectedLast = 0.001 * f(Double(T - 1)) / f(0)
        #expect(relDiff(s.alphasCumprodDouble[T - 1], expectedLast) < 1e-9)
        #expect(expectedLast > 1e-9 && expectedLast < 5e-9)
        // Without the offset s = 0.008, β₀ would be ~2.5e-6 (far smaller); with it, ≈ 4e-5.
        #expect(s.betasDouble[0] > 3e-5 && s.betasDouble[0] < 5e-5)
    }

    @Test("sigmoid: ᾱ decreases from near 1 to near 0, β in (0, 0.999]")
    func sigmoid() {
        let s = NoiseSchedule(.sigmoid, timesteps: 1000)
        let a = s.alphasCumprodDouble
        #expect(zip(a, a.dropFirst()).allSatisfy { $0 > $1 })
        #expect(a[0] > 0.999 && a[999] < 1e-3)
        #expect(s.betasDouble.allSatisfy { $0 > 0 && $0 <= 0.999 })
    }

    @Test("SNR = ᾱ/(1 − ᾱ) and sqrt tables agree with ᾱ")
    func derived() {
        let s = NoiseSchedule(.linear, timesteps: 100)
        for t in [0, 7, 50, 99] {
            let ab = s.alphasCumprodDouble[t]
            #expect(relDiff(Double(s.snr.scalars[t]), ab / (1 - ab)) < 1e-6)
            #expect(relDiff(Double(s.sqrtAlphasCumprod.scalars[t]), ab.squareRoot()) < 1e-6)
            #expect(relDiff(Double(s.sqrtOneMinusAlphasCumprod.scalars[t]), (1 - ab).squareRoot()) < 1e-6)
        }
    }

    @Test("posterior: β̃₀ = 0, 1/β̃ = 1/(1−ᾱ_{t−1}) + α/β, and μ̃ maps noise-free x_t back to √ᾱ_{t−1}·x₀")
    func posterior() {
        for kind in ScheduleKind.allCases {
            let s = NoiseSchedule(kind, timesteps: 200)
            #expect(s.posteriorVariance.scalars[0] == 0)
            #expect(s.posteriorLogVarianceClipped.scalars[0] == Float(log(1e-20)))
            for t in [1, 5, 100, 198] {
                let b = s.betasDouble[t], a = 1 - b
                let prev = s.alphasCumprodDouble[t - 1], ab = s.alphasCumprodDouble[t]
                // Product of Gaussians: precision of the posterior is the sum of precisions.
                let precision = 1 / (1 - prev) + a / b
                #expect(relDiff(Double(s.posteriorVariance.scalars[t]), 1 / precision) < 1e-5, "\(kind) t = \(t)")
                // c₁ + c₂·√ᾱ_t = √ᾱ_{t−1}: with no noise, the posterior mean is the clean signal at t−1.
                let c1 = Double(s.posteriorMeanCoef1.scalars[t]), c2 = Double(s.posteriorMeanCoef2.scalars[t])
                #expect(relDiff(c1 + c2 * ab.squareRoot(), prev.squareRoot()) < 1e-5, "\(kind) t = \(t)")
            }
        }
    }
}
