// DDIM: the timestep lists, η checks, DDIM = DDPM at S = T and η = 1 (leading),
// determinism at η = 0, inversion, and slerp.

import Foundation
import Testing
@testable import Diffusion
import Tensors

@Suite("DDIM sampler")
struct DDIMTests {
    @Test("the three spacings at T = 1000, S = 10, worked by hand")
    func spacings() {
        #expect(TimestepSpacing.trailing.timesteps(steps: 10, of: 1000) == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99])
        #expect(TimestepSpacing.leading.timesteps(steps: 10, of: 1000) == [900, 800, 700, 600, 500, 400, 300, 200, 100, 0])
        #expect(TimestepSpacing.linspace.timesteps(steps: 10, of: 1000) == [999, 888, 777, 666, 555, 444, 333, 222, 111, 0])
        for spacing in TimestepSpacing.allCases {
            #expect(spacing.timesteps(steps: 1000, of: 1000) == Array((0..<1000).reversed()), "\(spacing) at S = T")
            let ts = spacing.timesteps(steps: 37, of: 1000)
            #expect(Set(ts).count == 37 && ts.allSatisfy { (0..<1000).contains($0) } && ts == ts.sorted(by: >))
        }
    }

    @Test("η outside [0, 1], zero steps and S > T are errors, not traps")
    func badSettings() throws {
        let schedule = NoiseSchedule(.linear, timesteps: 100)
        for eta: Float in [1.5, -0.1, .nan, .infinity] {
            #expect(throws: SamplerError.self) { _ = try DDIMSampler(schedule: schedule, eta: eta) }
        }
        let sampler = try DDIMSampler(schedule: schedule, eta: 0.5)
        #expect(throws: SamplerError.self) { _ = try sampler.timesteps(steps: 0, spacing: .trailing) }
        #expect(throws: SamplerError.self) { _ = try sampler.timesteps(steps: 101, spacing: .trailing) }
    }

    /// A smooth stand-in for a network: ε̂ = 0.3·x + 0.05·sin(t/7).
    static func model(_ x: Tensor, _ t: [Int]) -> Tensor { 0.3 * x + 0.05 * Float(sin(Double(t[0]) / 7)) }

    @Test("with S = T, η = 1 and leading spacing DDIM is DDPM (same noise)")
    func matchesDDPM() throws {
        let schedule = NoiseSchedule(.linear, timesteps: 50)
        var rng = SeededGenerator(seed: 5)
        let xT = Tensor.randn([3, 1, 4, 4], using: &rng)
        let ddim = try DDIMSampler(schedule: schedule, eta: 1)
        let ddpm = DDPMSampler(schedule: schedule)
        // One step at several t, with the same output and noise.
        let out = Tensor.randn(xT.shape, using: &rng), z = Tensor.randn(xT.shape, using: &rng)
        for t in [49, 30, 1] {
            let a = ddim.step(xT, t: t, tPrev: t - 1, modelOutput: out, noise: z).previous.scalars
            let b = ddpm.step(xT, t: t, modelOutput: out, noise: z).previous.scalars
            let worst = zip(a, b).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-5, "step at t = \(t) differs by \(worst)")
        }
        // The whole chain: DDPM draws noise for t > 0; DDIM also draws one at the end,
        // multiplied by σ = 0, so the two use the same noises in the same order.
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let viaDDIM = try ddim.sample(from: xT, model: Self.model, steps: 50, spacing: .leading, using: &r1).scalars
        let viaDDPM = ddpm.sample(from: xT, model: Self.model, using: &r2).x0.scalars
        let worst = zip(viaDDIM, viaDDPM).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4, "chains differ by \(worst)")   // 50 steps of Float round-off
    }

    @Test("η = 0 is deterministic: the same noise gives the same image whatever the generator")
    func deterministic() throws {
        let schedule = NoiseSchedule(.cosine, timesteps: 100)
        var rng = SeededGenerator(seed: 1)
        let xT = Tensor.randn([2, 1, 3, 3], using: &rng)
        let sampler = try DDIMSampler(schedule: schedule, eta: 0)
        var g1 = SeededGenerator(seed: 2), g2 = SeededGenerator(seed: 3)
        let a = try sampler.sample(from: xT, model: Self.model, steps: 20, using: &g1)
        let b = try sampler.sample(from: xT, model: Self.model, steps: 20, using: &g2)
        #expect(a.scalars == b.scalars)
        var g3 = SeededGenerator(seed: 2), g4 = SeededGenerator(seed: 3)
        let noisy = try DDIMSampler(schedule: schedule, eta: 1)
        #expect(try noisy.sample(from: xT, model: Self.model, steps: 20, using: &g3).scalars
                != noisy.sample(from: xT, model: Self.model, steps: 20, using: &g4).scalars)
    }

    @Test("inversion then η = 0 sampling gives the data back (exact Gaussian model, S = 50)")
    func inversion() throws {
        // Data N(0, s²I): the exact ε-predictor is ε(x, t) = √(1−ᾱ)·x/(ᾱs² + 1 − ᾱ).
        let s = 0.5
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let exact = gaussianDenoiser(std: s, abar: schedule.alphasCumprodDouble)
        var rng = SeededGenerator(seed: 4)
        let x0 = Float(s) * Tensor.randn([200, 2], using: &rng)
        var sampler = try DDIMSampler(schedule: schedule, eta: 0)
        sampler.clipRange = nil
        func roundTrip(_ steps: Int) throws -> (error: Double, noise: Tensor) {
            let noise = try sampler.invert(x0, model: exact, steps: steps)
            var g = SeededGenerator(seed: 0)
            let back = try sampler.sample(from: noise, model: exact, steps: steps, using: &g)
            let error = zip(back.scalars, x0.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
            let size = x0.scalars.map { Double($0) * Double($0) }.reduce(0, +)
            return ((error / size).squareRoot(), noise)
        }
        // Inversion evaluates ε at the point it stands on, one step behind the sampler:
        // a first-order error that shrinks like 1/S. Measured ≈ 0.054 at S = 50 here.
        let (e50, noise) = try roundTrip(50)
        let (e200, _) = try roundTrip(200)
        #expect(e50 < 0.1, "relative reconstruction error \(e50) at S = 50")
        #expect(e200 < e50 / 2.5, "error \(e200) at S = 200 should be about a quarter of \(e50) at S = 50")
        // The inverted noise has the scale of N(0, I).
        let std = (noise.scalars.map { Double($0) * Double($0) }.reduce(0, +) / Double(noise.count)).squareRoot()
        #expect(abs(std - 1) < 0.15, "inverted noise std \(std)")
    }

    @Test("slerp keeps the norm of noise, lerp fades it")
    func slerpNorm() {
        var rng = SeededGenerator(seed: 7)
        let a = Tensor.randn([4096], using: &rng), b = Tensor.randn([4096], using: &rng)
        func norm(_ x: Tensor) -> Double { x.scalars.map { Double($0) * Double($0) }.reduce(0, +).squareRoot() }
        #expect(slerp(a, b, 0).scalars.elementsEqual(a.scalars) { abs($0 - $1) < 1e-5 })
        #expect(slerp(a, b, 1).scalars.elementsEqual(b.scalars) { abs($0 - $1) < 1e-5 })
        let mid = slerp(a, b, 0.5), lerp = 0.5 * a + 0.5 * b
        let ref = (norm(a) + norm(b)) / 2
        #expect(abs(norm(mid) / ref - 1) < 0.02, "slerp midpoint norm ratio \(norm(mid) / ref)")
        #expect(abs(norm(lerp) / ref - 0.5.squareRoot()) < 0.03, "lerp midpoint norm ratio \(norm(lerp) / ref)")
    }
}
