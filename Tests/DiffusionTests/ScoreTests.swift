// Score tools: the exact mixture score against finite differences of its log-density,
// score ↔ ε, and Langevin dynamics on a Gaussian whose answer is known.

import Foundation
import Testing
@testable import Diffusion
import Tensors

@Suite("Score tools")
struct ScoreTests {
    /// The eight-Gaussians toy's parameters (radius √2, std √2/8, equal weights).
    static let eight: GaussianMixture = {
        let radius = Double(2).squareRoot()
        let means: [[Double]] = (0..<8).map { k -> [Double] in
            let angle = Double(k) * Double.pi / 4
            return [radius * cos(angle), radius * sin(angle)]
        }
        return GaussianMixture(means: means, std: radius / 8)
    }()

    @Test("the exact score is the gradient of the log-density (central differences), at several noise levels")
    func gmmScore() {
        var rng = SeededGenerator(seed: 11)
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        for t in [0, 50, 200, 999] {
            let mixture = Self.eight.noised(alphaBar: schedule.alphasCumprodDouble[t])
            let points = Tensor.randn([20, 2], using: &rng) * 1.5
            let score = mixture.score(points).scalars
            let h = 1e-5
            for i in 0..<20 {
                let x = [Double(points.scalars[2 * i]), Double(points.scalars[2 * i + 1])]
                for j in 0..<2 {
                    var up = x, down = x
                    up[j] += h; down[j] -= h
                    let fd = (mixture.logDensity(up) - mixture.logDensity(down)) / (2 * h)
                    // Central differences in Double: error ~h²·|f'''| ≪ 1e-4 of the scale.
                    let got = Double(score[2 * i + j])
                    #expect(abs(got - fd) <= 1e-4 * max(1, abs(fd)), "t = \(t), point \(i), axis \(j): \(got) vs \(fd)")
                }
            }
        }
    }

    @Test("score and ε convert into each other: s = −ε/√(1−ᾱ)")
    func scoreEpsilon() {
        var rng = SeededGenerator(seed: 12)
        let schedule = NoiseSchedule(.cosine, timesteps: 100)
        let eps = Tensor.randn([3, 2], using: &rng)
        let t = [5, 50, 99]
        let s = schedule.score(fromEpsilon: eps, t: t)
        for i in 0..<6 {
            let expected = -Double(eps.scalars[i]) / (1 - schedule.alphasCumprodDouble[t[i / 2]]).squareRoot()
            #expect(abs(Double(s.scalars[i]) - expected) <= 1e-5 * max(1, abs(expected)))
        }
        let back = schedule.epsilon(fromScore: s, t: t)
        #expect(zip(back.scalars, eps.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test("Langevin with the exact score of N(μ, s²) reaches its mean and std")
    func langevinGaussian() {
        // Target N(μ = (1, −2), 0.5²·I): score(x) = (μ − x)/s². Step δ = 0.01·s²; the
        // discretisation inflates the variance by a factor 1/(1 − δ/(2s²)) ≈ 1.005.
        let mu: [Float] = [1, -2], s: Float = 0.5
        var rng = SeededGenerator(seed: 13)
        let start = Tensor.randn([4000, 2], using: &rng) * 3                     // far too wide
        let mean = Tensor(shape: [1, 2], scalars: mu)
        let result = langevin(from: start, score: { x in (mean - x) / (s * s) }, stepSize: 0.01 * s * s,
                              steps: 1500, using: &rng).x
        for j in 0..<2 {
            let column = (0..<4000).map { Double(result.scalars[2 * $0 + j]) }
            let m = column.reduce(0, +) / 4000
            let sd = (column.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 3999).squareRoot()
            // SE of the mean s/√n ≈ 0.008, of the std s/√(2n) ≈ 0.006: allow 4 SE + the 0.5 % bias.
            #expect(abs(m - Double(mu[j])) < 0.04, "mean \(m)")
            #expect(abs(sd - Double(s)) < 0.03, "std \(sd)")
        }
    }
}
