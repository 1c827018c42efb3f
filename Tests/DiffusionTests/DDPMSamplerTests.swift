// DDPM ancestral sampling with exact denoisers: a point mass and a Gaussian, whose
// ε-predictors are known in closed form, plus one step checked against the posterior
// formulas of the design (computed here in Double).

import Foundation
import Testing
@testable import Diffusion
import Tensors

/// ᾱ_t of the linear schedule β = linspace(1e-4, 0.02, T), in Double, computed here.
fileprivate func alphaBar(_ T: Int) -> [Double] {
    var product = 1.0
    return (0..<T).map { t in
        product *= 1 - (1e-4 + (0.02 - 1e-4) * Double(t) / Double(T - 1))
        return product
    }
}

/// The fixed image of the point-mass tests: 16 varied values in [−0.9, 0.9], none 0.
fileprivate let pointMass: [Float] = (0..<16).map { i in 0.9 * Float(sin(Double(i) * 1.7 + 0.3)) }

/// The exact ε-predictor for data = the single image c (repeated per batch item):
/// ε(x_t, t) = (x_t − √ᾱ_t c)/√(1−ᾱ_t). `abar` maps the timestep the model is given
/// to its ᾱ.
fileprivate func pointMassDenoiser(_ c: [Float], abar: @escaping (Int) -> Double) -> Denoiser {
    { xt, t in
        let d = c.count
        var out = [Float](repeating: 0, count: xt.count)
        for (b, step) in t.enumerated() {
            let a = abar(step)
            for i in 0..<d {
                let k = b * d + i
                out[k] = Float((Double(xt.scalars[k]) - a.squareRoot() * Double(c[i])) / (1 - a).squareRoot())
            }
        }
        return Tensor(shape: xt.shape, scalars: out)
    }
}


fileprivate func stats(_ v: [Float]) -> (mean: Double, std: Double) {
    let n = Double(v.count)
    let mean = v.reduce(0.0) { $0 + Double($1) } / n
    let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance.squareRoot())
}

@Suite("DDPM sampler")
struct DDPMSamplerTests {
    // With the exact predictor x̂₀ = c at every step; at t = 0, c1 = β₀/(1−ᾱ₀) = 1 and
    // c2 = 0 with no noise, so the result is x̂₀ at t = 0 = (x₀ − √β₀ ε̂)/√ᾱ₀: only
    // Float round-off of that last step remains (≈ 1e-7 · |x| / √ᾱ₀ ≈ 1e-7). Earlier
    // steps' errors only move x_t, which the next prediction projects back onto c.
    // Tolerance 1e-5.
    @Test("point mass: sampling from noise returns the point (ε, x₀ and v models)",
          arguments: Objective.allCases)
    func pointMassSampling(objective: Objective) {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        let eps = pointMassDenoiser(pointMass) { ab[$0] }
        // The same oracle for the other objectives: x₀ = c, v = √ᾱ ε − √(1−ᾱ) c.
        let model: Denoiser = { xt, t in
            let e = eps(xt, t)
            switch objective {
            case .epsilon: return e
            case .x0: return Tensor(shape: xt.shape, scalars: t.flatMap { _ in pointMass })
            case .v:
                var out = e.scalars
                for (b, step) in t.enumerated() {
                    for i in 0..<16 {
                        out[b * 16 + i] = Float(ab[step].squareRoot() * Double(e.scalars[b * 16 + i])
                                                - (1 - ab[step]).squareRoot() * Double(pointMass[i]))
                    }
                }
                return Tensor(shape: xt.shape, scalars: out)
            }
        }
        for variance in PosteriorVariance.allCases {
            let sampler = DDPMSampler(schedule: schedule, objective: objective, variance: variance)
            var rng = SeededGenerator(seed: 3)
            let (x0, _) = sampler.sample(shape: [3, 1, 4, 4], model: model, using: &rng)
            #expect(x0.shape == [3, 1, 4, 4])
            let err = (0..<48).map { abs(Double(x0.scalars[$0]) - Double(pointMass[$0 % 16])) }.max()!
            #expect(err < 1e-5, "\(objective) \(variance): max error \(err)")
        }
    }

    @Test("point mass with a respaced 10-step sampler: the model sees τ_i, the result is the point")
    func pointMassRespaced() {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        var seen: [Int] = []
        let model = pointMassDenoiser(pointMass) { t in seen.append(t); return ab[t] }
        let (sampler, adapted) = DDPMSampler.respaced(schedule: schedule, steps: 10, model: model)
        #expect(sampler.schedule.timesteps == 10)
        var rng = SeededGenerator(seed: 4)
        let (x0, _) = sampler.sample(shape: [1, 1, 4, 4], model: adapted, using: &rng)
        #expect(seen == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99])
        // The last step is at τ₀ = 99, ᾱ ≈ 0.9 (c1 = 1, c2 = 0 there too): same argument.
        let err = (0..<16).map { abs(Double(x0.scalars[$0]) - Double(pointMass[$0])) }.max()!
        #expect(err < 1e-5, "max error \(err)")
    }

    // Data N(0, s² I), s = 0.5, 2-D, n = 4000 points (8000 values, the two coordinates
    // independent). With the exact predictor every step is linear-Gaussian, so the
    // std the chain produces can be computed exactly in Double by the recursion
    //   x_{t−1} = k_t x_t + σ_t z,  k_t = c1 (1 − √(1−ᾱ) e_t)/√ᾱ + c2,  e_t = √(1−ᾱ)/(ᾱs² + 1 − ᾱ)
    //   Var_{t−1} = k_t² Var_t + σ_t²,  Var_{T−1} = 1 (x_T ~ N(0, I)).
    // For fixed small this is s within 1% at T = 1000 (the discretisation of the
    // reverse chain; checked below), so the sample std must be s within
    // 4·SE + 1%·s, SE of a std ≈ s/√(2N) = 0.0040 (N = 8000): tolerance ≈ 0.021.
    // The mean must be 0 within 4·SE, SE = s/√N = 0.0056.
    @Test("Gaussian data N(0, 0.25 I): fixed small reproduces the std; fixed large is noisier")
    func gaussianData() {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        let s = 0.5
        let model = gaussianDenoiser(std: s, abar: ab)
        let n = 4000, N = Double(2 * n)

        func exactStd(_ variance: PosteriorVariance) -> Double {
            var v = 1.0
            for t in stride(from: 999, through: 0, by: -1) {
                let prev = t > 0 ? ab[t - 1] : 1
                let beta = 1 - ab[t] / prev
                let c1 = beta * prev.squareRoot() / (1 - ab[t])
                let c2 = (1 - prev) * (1 - beta).squareRoot() / (1 - ab[t])
                let e = (1 - ab[t]).squareRoot() / (ab[t] * s * s + 1 - ab[t])
                let k = c1 * (1 - (1 - ab[t]).squareRoot() * e) / ab[t].squareRoot() + c2
                let sigma2 = t == 0 ? 0 : (variance == .fixedSmall ? beta * (1 - prev) / (1 - ab[t]) : beta)
                v = k * k * v + sigma2
            }
            return v.squareRoot()
        }
        let exactSmall = exactStd(.fixedSmall), exactLarge = exactStd(.fixedLarge)
        #expect(abs(exactSmall - s) < 0.01 * s, "exact fixed-small chain std \(exactSmall)")
        #expect(exactLarge > exactSmall)

        var results: [PosteriorVariance: (mean: Double, std: Double)] = [:]
        for variance in PosteriorVariance.allCases {
            let sampler = DDPMSampler(schedule: schedule, variance: variance, clipRange: nil)
            var rng = SeededGenerator(seed: 2024)
            let (x, _) = sampler.sample(shape: [n, 2], model: model, using: &rng)
            results[variance] = stats(x.scalars)
        }
        let small = results[.fixedSmall]!, large = results[.fixedLarge]!
        let seStd = s / (2 * N).squareRoot(), seMean = s / N.squareRoot()
        #expect(abs(small.std - s) < 4 * seStd + 0.01 * s, "fixed small: std \(small.std), exact chain \(exactSmall)")
        #expect(abs(small.std - exactSmall) < 4 * seStd, "fixed small: std \(small.std) vs exact chain \(exactSmall)")
        #expect(abs(small.mean) < 4 * seMean, "fixed small: mean \(small.mean)")
        #expect(abs(large.mean) < 4 * seMean * large.std / s, "fixed large: mean \(large.mean)")
        #expect(large.std > small.std, "fixed large std \(large.std) vs fixed small \(small.std)")
        #expect(abs(large.std - exactLarge) < 4 * exactLarge / (2 * N).squareRoot(),
                "fixed large: std \(large.std) vs exact chain \(exactLarge)")
    }

    @Test("step at t = 0 adds no noise and returns c1·x̂₀ + c2·x_t")
    func lastStep() {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        var rng = SeededGenerator(seed: 8)
        let x = Tensor.uniform([2, 1, 3, 3], low: -1, high: 1, using: &rng)
        let output = Tensor.randn([2, 1, 3, 3], using: &rng)
        for variance in PosteriorVariance.allCases {
            let sampler = DDPMSampler(schedule: schedule, variance: variance, clipRange: nil)
            let (previous, x0Hat) = sampler.step(x, t: 0, modelOutput: output, noise: nil)
            // c1 = β₀ √1 / (1 − ᾱ₀) = 1, c2 = (1 − 1) √α₀ / (1 − ᾱ₀) = 0.
            let c1 = 1e-4 / (1 - ab[0]), c2 = 0.0
            for k in 0..<x.count {
                let xh = (Double(x.scalars[k]) - (1 - ab[0]).squareRoot() * Double(output.scalars[k])) / ab[0].squareRoot()
                #expect(abs(Double(x0Hat.scalars[k]) - xh) < 1e-5)
                #expect(abs(Double(previous.scalars[k]) - (c1 * xh + c2 * Double(x.scalars[k]))) < 1e-5)
            }
        }
    }

    // For t > 0: previous = μ̃ + σ z with μ̃ = c1 x̂₀ + c2 x_t (formulas in Double) and
    // σ = √β̃_t (fixed small) or √β_t (fixed large). Float error of μ̃ ≲ 1e-6 here.
    @Test("step at t > 0 adds σ·z with σ = √β̃ (fixed small) or √β (fixed large)",
          arguments: [1, 2, 500, 999])
    func noiseScale(t: Int) {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        var rng = SeededGenerator(seed: UInt64(100 + t))
        let x = Tensor.randn([2, 3], using: &rng)
        let output = Tensor.randn([2, 3], using: &rng)
        // Zero-free noise of both signs.
        let z = Tensor(shape: [2, 3], scalars: [0.7, -1.3, 2.1, -0.4, 1.1, -2.5])
        let prev = ab[t - 1], beta = 1 - ab[t] / prev
        let c1 = beta * prev.squareRoot() / (1 - ab[t])
        let c2 = (1 - prev) * (1 - beta).squareRoot() / (1 - ab[t])
        for variance in PosteriorVariance.allCases {
            let sampler = DDPMSampler(schedule: schedule, variance: variance, clipRange: nil)
            let sigma = variance == .fixedSmall ? (beta * (1 - prev) / (1 - ab[t])).squareRoot() : beta.squareRoot()
            #expect(abs(Double(sampler.sigma(at: t)) - sigma) < 1e-6 * sigma)
            let (previous, _) = sampler.step(x, t: t, modelOutput: output, noise: z)
            for k in 0..<6 {
                let xh = (Double(x.scalars[k]) - (1 - ab[t]).squareRoot() * Double(output.scalars[k])) / ab[t].squareRoot()
                let mean = c1 * xh + c2 * Double(x.scalars[k])
                let residual = Double(previous.scalars[k]) - mean
                #expect(abs(residual - sigma * Double(z.scalars[k])) < 2e-6,
                        "\(variance) t = \(t) k = \(k): residual \(residual), σz = \(sigma * Double(z.scalars[k]))")
            }
        }
        // Fixed large is the larger of the two (β ≥ β̃ since 1 − ᾱ_{t−1} < 1 − ᾱ_t).
        #expect(DDPMSampler(schedule: schedule, variance: .fixedLarge).sigma(at: t)
                > DDPMSampler(schedule: schedule, variance: .fixedSmall).sigma(at: t))
    }

    @Test("x̂₀ outside [−1, 1] is clipped, ε̂ re-derived from it, and the mean uses the clipped x̂₀")
    func clipping() {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let ab = alphaBar(1000)
        let t = 400
        let a = ab[t].squareRoot(), s = (1 - ab[t]).squareRoot()
        let raw: [Double] = [-3, -1.5, -0.5, 0.2, 0.9, 2.5]          // the x̂₀ the output implies
        let xt = Tensor(shape: [1, 6], scalars: [0.3, -0.8, 1.2, -0.1, 0.6, 1.9])
        let output = Tensor(shape: [1, 6], scalars: (0..<6).map { Float((Double(xt.scalars[$0]) - a * raw[$0]) / s) })
        let clipped = raw.map { min(max($0, -1), 1) }
        let sampler = DDPMSampler(schedule: schedule)
        let (x0, eps) = sampler.predictions(modelOutput: output, xt: xt, t: t)
        // x̂₀ is recovered through 1/√ᾱ ≈ 2 here: Float error ≲ 1e-6.
        for k in 0..<6 {
            #expect(abs(Double(x0.scalars[k]) - clipped[k]) < 1e-5, "x̂₀[\(k)]")
            #expect(abs(Double(eps.scalars[k]) - (Double(xt.scalars[k]) - a * clipped[k]) / s) < 1e-5, "ε̂[\(k)]")
        }
        let z = Tensor(shape: [1, 6], scalars: [0.5, -0.5, 1, -1, 1.5, -1.5])
        let (previous, predicted) = sampler.step(xt, t: t, modelOutput: output, noise: z)
        #expect(predicted.maxValue() <= 1 && predicted.minValue() >= -1)
        #expect(predicted.scalars == x0.scalars)
        let prev = ab[t - 1], beta = 1 - ab[t] / prev
        let c1 = beta * prev.squareRoot() / (1 - ab[t]), c2 = (1 - prev) * (1 - beta).squareRoot() / (1 - ab[t])
        let sigma = (beta * (1 - prev) / (1 - ab[t])).squareRoot()
        for k in 0..<6 {
            let expected = c1 * clipped[k] + c2 * Double(xt.scalars[k]) + sigma * Double(z.scalars[k])
            #expect(abs(Double(previous.scalars[k]) - expected) < 1e-5, "x_{t−1}[\(k)]")
        }
        // Without clipping the raw x̂₀ comes through.
        let (free, _) = DDPMSampler(schedule: schedule, clipRange: nil).predictions(modelOutput: output, xt: xt, t: t)
        #expect(abs(Double(free.scalars[0]) + 3) < 1e-5 && abs(Double(free.scalars[5]) - 2.5) < 1e-5)
    }

    @Test("snapshots come in decreasing t with the sample's shape; sampling records no graph")
    func snapshotsAndNoGraph() {
        let schedule = NoiseSchedule(.linear, timesteps: 50)
        // A model with a trainable parameter: outside no-grad its output is a graph.
        let w = Tensor([0.1], requiresGrad: true)
        let model: Denoiser = { x, _ in x * w }
        let probe = model(Tensor.ones([2, 1, 2, 2]), [0, 0])
        #expect(probe.requiresGrad && !probe.isLeaf)

        var steps: [Int] = []
        var rng = SeededGenerator(seed: 9)
        let sampler = DDPMSampler(schedule: schedule)
        let (x0, snapshots) = sampler.sample(shape: [2, 1, 2, 2], model: model, using: &rng,
                                             snapshotsAt: [0, 49, 10, 25], progress: { steps.append($0) })
        #expect(snapshots.map(\.t) == [49, 25, 10, 0])
        for snap in snapshots {
            #expect(snap.xt.shape == [2, 1, 2, 2] && snap.predictedX0.shape == [2, 1, 2, 2])
            #expect(!snap.xt.requiresGrad && !snap.predictedX0.requiresGrad)
        }
        #expect(x0.shape == [2, 1, 2, 2])
        #expect(!x0.requiresGrad && x0.isLeaf)
        #expect(steps == Array(1...50))
        // The snapshot at the first step holds x_T itself: it is where sampling starts.
        var again = SeededGenerator(seed: 9)
        let xT = Tensor.randn([2, 1, 2, 2], using: &again)
        #expect(snapshots[0].xt.scalars == xT.scalars)
    }

    @Test("the same seed gives identical bytes; another seed does not")
    func determinism() {
        let schedule = NoiseSchedule(.linear, timesteps: 100)
        let ab = schedule.alphasCumprodDouble
        let model = gaussianDenoiser(std: 0.5, abar: ab)
        func run(_ seed: UInt64) -> [UInt32] {
            var rng = SeededGenerator(seed: seed)
            return DDPMSampler(schedule: schedule).sample(shape: [8, 2], model: model, using: &rng).x0.scalars.map(\.bitPattern)
        }
        let a = run(77), b = run(77), c = run(78)
        #expect(a == b)
        #expect(a != c)
        #expect(a.contains { $0 != 0 })
    }
}
