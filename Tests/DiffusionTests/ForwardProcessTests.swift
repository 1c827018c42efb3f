// The forward process: per-sample timesteps, and the chain of one-step updates
// against the closed form q(x_t | x₀).

import Testing
@testable import Diffusion
import Tensors

@Suite("Forward process")
struct ForwardProcessTests {
    @Test("addNoise uses each sample's own t (no off-by-one)")
    func perSampleT() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        // Distinct, non-zero x₀ per sample and distinct noise, so a wrong index shows.
        let x0 = Tensor(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0 + 1) / 12 })
        let noise = Tensor(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0) / 6 - 1 })
        let t = [0, 499, 999]
        let xt = s.addNoise(x0, noise: noise, t: t)
        for b in 0..<3 {
            let ab = s.alphasCumprodDouble[t[b]]
            for i in 0..<4 {
                let k = b * 4 + i
                let expected = ab.squareRoot() * Double(x0.scalars[k]) + (1 - ab).squareRoot() * Double(noise.scalars[k])
                #expect(abs(Double(xt.scalars[k]) - expected) < 1e-5, "sample \(b) value \(i)")
            }
        }
    }

    @Test("t one-step updates match q(x_t | x₀) in mean and variance")
    func chainMatchesClosedForm() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        var rng = SeededGenerator(seed: 7)
        let n = 20_000
        let x0 = Tensor(repeating: 0.8, shape: [n, 1])
        for steps in [1, 50, 300] {
            let x = s.forwardChain(x0, steps: steps, using: &rng)
            let ab = s.alphasCumprodDouble[steps - 1]
            let mean = Double(x.mean().item), variance = Double(x.variance().item)
            // Standard error of the mean is √(var/n) ≤ 0.0071; 5 SE ≈ 0.035.
            #expect(abs(mean - ab.squareRoot() * 0.8) < 5 * ((1 - ab) / Double(n)).squareRoot() + 1e-4, "steps \(steps)")
            // SE of a Gaussian sample variance is var·√(2/n) ≈ 1% of var; allow 5%.
            #expect(abs(variance - (1 - ab)) < 0.05 * (1 - ab) + 1e-6, "steps \(steps)")
        }
    }

    @Test("qSample returns the noise it used")
    func qSampleNoise() {
        let s = NoiseSchedule(.cosine, timesteps: 100)
        var rng = SeededGenerator(seed: 1)
        let x0 = Tensor.uniform([4, 3], low: -1, high: 1, using: &rng)
        let (xt, noise) = s.qSample(x0, t: [3, 30, 60, 99], using: &rng)
        let again = s.addNoise(x0, noise: noise, t: [3, 30, 60, 99])
        #expect(xt.scalars == again.scalars)
    }
}
