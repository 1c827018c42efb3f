// Respacing (Nichol & Dhariwal 2021, §4): the short chain keeps ᾱ at the kept steps.

import Foundation
import Testing
@testable import Diffusion
import Tensors

@Suite("Respacing")
struct RespacingTests {
    @Test("evenlySpacedTimesteps(10, of: 1000) = [99, 199, …, 999]; S = T gives every step")
    func evenlySpaced() {
        #expect(NoiseSchedule.evenlySpacedTimesteps(10, of: 1000) == [99, 199, 299, 399, 499, 599, 699, 799, 899, 999])
        #expect(NoiseSchedule.evenlySpacedTimesteps(1, of: 1000) == [999])
        #expect(NoiseSchedule.evenlySpacedTimesteps(50, of: 50) == Array(0..<50))
        let tau = NoiseSchedule.evenlySpacedTimesteps(7, of: 100)
        #expect(tau.count == 7 && tau.last == 99 && zip(tau, tau.dropFirst()).allSatisfy { $0 < $1 })
    }

    // ᾱ'_i is rebuilt as Π(1 − β'_j) with β'_j = 1 − ᾱ_{τ_j}/ᾱ_{τ_{j−1}}: it telescopes
    // to ᾱ_{τ_i} up to Double round-off. Absolute: 1e-12. Relative: going through β'
    // costs r's relative precision by 1/r when the ratio r = ᾱ_{τ_j}/ᾱ_{τ_{j−1}} is
    // small (ε_mach/r ≈ 2e-13 at the cosine cap r = 0.001, a few such factors at the
    // tail of the cosine and sigmoid schedules, where ᾱ ≈ 1e-9): 1e-9 relative.
    @Test("the respaced schedule's ᾱ equals the original's at the kept timesteps",
          arguments: ScheduleKind.allCases)
    func alphaBarKept(kind: ScheduleKind) {
        let s = NoiseSchedule(kind, timesteps: 1000)
        for steps in [10, 37, 250] {
            let tau = NoiseSchedule.evenlySpacedTimesteps(steps, of: 1000)
            let r = s.respaced(tau)
            #expect(r.timesteps == steps)
            #expect(r.kind == kind)
            for (i, t) in tau.enumerated() {
                let a = r.alphasCumprodDouble[i], b = s.alphasCumprodDouble[t]
                #expect(abs(a - b) <= 1e-12, "\(kind) S = \(steps) i = \(i)")
                #expect(abs(a - b) <= 1e-9 * b, "\(kind) S = \(steps) i = \(i): relative \(abs(a - b) / b)")
            }
            // β'_0 = 1 − ᾱ_{τ_0}; every β' lies in (0, 1).
            #expect(abs(r.betasDouble[0] - (1 - s.alphasCumprodDouble[tau[0]])) < 1e-15)
            #expect(r.betasDouble.allSatisfy { $0 > 0 && $0 < 1 })
        }
    }

    @Test("respacing with all T timesteps reproduces the original betas", arguments: ScheduleKind.allCases)
    func identity(kind: ScheduleKind) {
        let s = NoiseSchedule(kind, timesteps: 1000)
        let r = s.respaced(Array(0..<1000))
        for t in 0..<1000 {
            #expect(abs(r.betasDouble[t] - s.betasDouble[t]) < 1e-12, "\(kind) t = \(t)")
        }
        // The derived Float tables agree too (one Float rounding each: relative 1e-6).
        #expect(zip(r.posteriorMeanCoef1.scalars, s.posteriorMeanCoef1.scalars).allSatisfy { abs($0 - $1) <= 1e-6 * abs($1) })
        #expect(zip(r.posteriorVariance.scalars, s.posteriorVariance.scalars).allSatisfy { abs($0 - $1) <= 1e-6 * abs($1) })
    }

    @Test("DDPMSampler.respaced: short schedule and a model adapter mapping i → τ_i")
    func samplerAdapter() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        var seen: [[Int]] = []
        let model: Denoiser = { x, t in seen.append(t); return x * 0.5 }
        let (sampler, adapted) = DDPMSampler.respaced(schedule: s, steps: 4, model: model)
        #expect(sampler.schedule.timesteps == 4)
        _ = adapted(Tensor.ones([3, 2]), [0, 2, 3])
        #expect(seen == [[249, 749, 999]])
        // steps == T keeps the original schedule and the identity mapping.
        let (full, same) = DDPMSampler.respaced(schedule: s, steps: 1000, model: model)
        #expect(full.schedule.betasDouble == s.betasDouble)
        _ = same(Tensor.ones([1, 2]), [17])
        #expect(seen.last == [17])
    }
}
