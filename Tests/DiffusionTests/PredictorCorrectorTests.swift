// Predictor–corrector sampling, checked on Gaussian data N(0, s²I), whose exact
// ε-predictor is known (GaussianDenoiser.swift): the samples must come out with the
// data's mean and standard deviation. Also: K = 0 is DDPM itself, the step size
// follows Song et al.'s rule, and the same seed gives the same samples.

import Foundation
import Testing
@testable import Diffusion
import Tensors

@Suite("Predictor–corrector sampler")
struct PredictorCorrectorTests {
    static let s = 0.5
    static var schedule: NoiseSchedule { NoiseSchedule(.linear, timesteps: 1000) }

    /// The column means and standard deviations of [N, 2] points.
    static func moments(_ x: Tensor) -> [(mean: Double, std: Double)] {
        let n = x.shape[0]
        return (0..<2).map { j in
            let column = (0..<n).map { Double(x.scalars[2 * $0 + j]) }
            let m = column.reduce(0, +) / Double(n)
            return (m, (column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)).squareRoot())
        }
    }

    @Test("on Gaussian data with the exact ε, PC samples have the data's mean and std")
    func gaussianMoments() throws {
        let exact = gaussianDenoiser(std: Self.s, abar: Self.schedule.alphasCumprodDouble)
        var rng = SeededGenerator(seed: 31)
        let n = 4000
        let xT = Tensor.randn([n, 2], using: &rng)
        let sampler = try PredictorCorrectorSampler(schedule: Self.schedule, snr: 0.16, correctorSteps: 1, clipRange: nil)
        let (x0, evaluations) = sampler.sample(from: xT, model: exact, using: &rng)
        #expect(evaluations == 1000 + 999, "one predictor per step, one corrector per step but the last")
        for (m, sd) in Self.moments(x0) {
            // n = 4000: SE of the mean s/√n ≈ 0.008, of the std s/√(2n) ≈ 0.006. Allow ~4 SE
            // plus a little for the chain's own discretisation (the exact flow has none).
            #expect(abs(m) < 0.035, "mean \(m)")
            #expect(abs(sd - Self.s) < 0.03, "std \(sd), expected \(Self.s)")
        }
    }

    @Test("on a coarse 20-step chain the corrector repairs the predictor's spread")
    func correctorHelpsOnCoarseChain() throws {
        // Respaced to 20 steps, ancestral sampling of N(0, s²I) with the exact ε comes out
        // too narrow (measured std ≈ 0.39 for s = 0.5: β̃ of so coarse a chain adds too
        // little noise). Langevin corrector steps at each level pull the samples towards
        // p_t: measured 0.39 → 0.43 (K = 2) → 0.46 (K = 8). Each K = 0/2/8 gap is ≥ 5
        // standard errors of a std at n = 4000 (0.006), so the check asks for a strict
        // improvement at each K and at least halving the error by K = 8.
        let (ddpm, model) = DDPMSampler.respaced(schedule: Self.schedule, steps: 20,
                                                 model: gaussianDenoiser(std: Self.s, abar: Self.schedule.alphasCumprodDouble))
        var rng = SeededGenerator(seed: 32)
        let xT = Tensor.randn([4000, 2], using: &rng)
        var errors: [Double] = []
        for k in [0, 2, 8] {
            var g = SeededGenerator(seed: 33)
            let pc = try PredictorCorrectorSampler(schedule: ddpm.schedule, snr: 0.16, correctorSteps: k, clipRange: nil)
            let x0 = pc.sample(from: xT, model: model, using: &g).x0
            errors.append(Self.moments(x0).map { abs($0.std - Self.s) }.max()!)
        }
        #expect(errors[0] > 0.05, "the 20-step predictor alone should be visibly off; off by \(errors[0])")
        #expect(errors[1] < errors[0] && errors[2] < errors[1], "std errors for K = 0, 2, 8: \(errors)")
        #expect(errors[2] < errors[0] / 2, "std errors for K = 0, 2, 8: \(errors)")
    }

    @Test("with no corrector steps it is DDPM's ancestral sampler (same noise, same draws)")
    func zeroStepsIsDDPM() throws {
        let exact = gaussianDenoiser(std: Self.s, abar: Self.schedule.alphasCumprodDouble)
        var rng = SeededGenerator(seed: 34)
        let xT = Tensor.randn([50, 2], using: &rng)
        var a = SeededGenerator(seed: 35), b = SeededGenerator(seed: 35)
        let pc = try PredictorCorrectorSampler(schedule: Self.schedule, correctorSteps: 0)
        let viaPC = pc.sample(from: xT, model: exact, using: &a)
        let viaDDPM = DDPMSampler(schedule: Self.schedule).sample(from: xT, model: exact, using: &b).x0
        #expect(viaPC.evaluations == 1000)
        #expect(viaPC.x0.scalars == viaDDPM.scalars)
    }

    @Test("the same seed gives the same samples; another seed different ones")
    func deterministic() throws {
        let exact = gaussianDenoiser(std: Self.s, abar: Self.schedule.alphasCumprodDouble)
        let pc = try PredictorCorrectorSampler(schedule: Self.schedule.respaced(NoiseSchedule.evenlySpacedTimesteps(50, of: 1000)),
                                               correctorSteps: 2)
        var noiseRNG = SeededGenerator(seed: 36)
        let xT = Tensor.randn([20, 2], using: &noiseRNG)
        func run(_ seed: UInt64) -> [Float] {
            var g = SeededGenerator(seed: seed)
            return pc.sample(from: xT, model: exact, using: &g).x0.scalars
        }
        #expect(run(37) == run(37))
        #expect(run(37) != run(38))
    }

    @Test("the step size is 2α(r‖z‖/‖s‖)², so the noise is 2r√α times the drift")
    func stepSize() throws {
        let schedule = Self.schedule
        let pc = try PredictorCorrectorSampler(schedule: schedule, snr: 0.1)
        // Two samples with ‖s‖ = 2 and 4 (mean 3), ‖z‖ = 1 and 2 (mean 1.5).
        let score = Tensor(shape: [2, 2], scalars: [2, 0, 0, -4])
        let noise = Tensor(shape: [2, 2], scalars: [0.6, 0.8, -1.2, 1.6])
        let t = 500
        let alpha = 1 - Self.schedule.betasDouble[t]
        let expected = 2 * alpha * pow(0.1 * 1.5 / 3, 2)
        let got = Double(pc.stepSize(score: score, noise: noise, t: t))
        #expect(abs(got - expected) <= 1e-6 * expected, "\(got) vs \(expected)")
        // A corrector step with this δ is x + δ·s + √(2δ)·z (the library's Langevin step).
        let x = Tensor(shape: [2, 2], scalars: [0.1, -0.2, 0.3, 0.4])
        let constantScore: Denoiser = { xt, ts in
            // ε̂ that makes s = score: ε̂ = −√(1−ᾱ_t)·s
            schedule.epsilon(fromScore: score, t: ts) + 0 * xt
        }
        let moved = pc.correct(x, t: t, model: constantScore, noise: noise).scalars
        for i in 0..<4 {
            let e = Double(x.scalars[i]) + expected * Double(score.scalars[i]) + (2 * expected).squareRoot() * Double(noise.scalars[i])
            #expect(abs(Double(moved[i]) - e) < 1e-5, "component \(i): \(moved[i]) vs \(e)")
        }
    }

    @Test("a non-positive r or a negative K is refused")
    func badSettings() {
        #expect(throws: SamplerError.self) { try PredictorCorrectorSampler(schedule: Self.schedule, snr: 0) }
        #expect(throws: SamplerError.self) { try PredictorCorrectorSampler(schedule: Self.schedule, snr: .nan) }
        #expect(throws: SamplerError.self) { try PredictorCorrectorSampler(schedule: Self.schedule, correctorSteps: -1) }
    }
}
