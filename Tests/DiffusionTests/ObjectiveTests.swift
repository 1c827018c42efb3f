// Objectives (ε, x₀, v), min-SNR weights and the deterministic diffusion loss,
// against identities and closed forms computed here in Double.

import Foundation
import Testing
@testable import Diffusion
import Tensors

/// ᾱ_t of the DDPM linear schedule (β = linspace(1e-4, 0.02, T)), computed here in
/// Double from the design's definition, independently of `NoiseSchedule`.
fileprivate func linearAlphaBar(_ T: Int) -> [Double] {
    var product = 1.0
    return (0..<T).map { t in
        product *= 1 - (1e-4 + (0.02 - 1e-4) * Double(t) / Double(T - 1))
        return product
    }
}

/// Max |a − b| over two equally long arrays.
fileprivate func maxAbsDiff(_ a: [Float], _ b: [Double]) -> Double {
    zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}

@Suite("Objectives and min-SNR weights")
struct ObjectiveTests {
    // One timestep per image, from the first to the last (0-based, T − 1 = 999).
    static let ts = [0, 1, 10, 250, 500, 750, 999]
    static let perImage = 2 * 3 * 3                           // [C, H, W] = [2, 3, 3]

    /// x₀ uniform in [−1, 1] and ε ~ N(0, I), seeded, shape [7, 2, 3, 3].
    static func data() -> (x0: Tensor, noise: Tensor) {
        var rng = SeededGenerator(seed: 11)
        let shape = [ts.count, 2, 3, 3]
        return (Tensor.uniform(shape, low: -1, high: 1, using: &rng), Tensor.randn(shape, using: &rng))
    }

    @Test("target: ε is the noise, x₀ the data, v = √ᾱ ε − √(1−ᾱ) x₀ (closed form in Double)")
    func targets() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let ab = linearAlphaBar(1000)
        let (x0, noise) = Self.data()
        #expect(Objective.epsilon.target(x0: x0, noise: noise, t: Self.ts, schedule: s).scalars == noise.scalars)
        #expect(Objective.x0.target(x0: x0, noise: noise, t: Self.ts, schedule: s).scalars == x0.scalars)
        let v = Objective.v.target(x0: x0, noise: noise, t: Self.ts, schedule: s)
        #expect(v.shape == x0.shape)
        var expected: [Double] = []
        for (b, t) in Self.ts.enumerated() {
            for i in 0..<Self.perImage {
                let k = b * Self.perImage + i
                expected.append(ab[t].squareRoot() * Double(noise.scalars[k]) - (1 - ab[t]).squareRoot() * Double(x0.scalars[k]))
            }
        }
        // Float products of values ≤ ~4 with Float-rounded coefficients: ~1e-6 absolute.
        #expect(maxAbsDiff(v.scalars, expected) < 2e-6)
    }

    // split(target(x₀, ε)) must give back x₀ and ε. The only error is Float round-off
    // (ε_mach ≈ 1.2e-7 on values of size ≤ ~4, so ~1e-6 in x_t), amplified by the
    // division in the conversion: by 1/√ᾱ_t when x₀ is recovered from ε (≈ 158 at
    // t = 999 for the linear schedule), by 1/√(1−ᾱ_t) when ε is recovered from x₀
    // (= 100 at t = 0, where 1 − ᾱ₀ = β₀ = 1e-4). The v conversions divide by nothing.
    // Tolerance per image: 4e-6 × that amplification (≈ 5× the worst-case estimate).
    @Test("split(target) returns x₀ and ε for every objective, t from 0 to T−1",
          arguments: Objective.allCases)
    func splitRoundTrip(objective: Objective) {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let ab = linearAlphaBar(1000)
        let (x0, noise) = Self.data()
        let xt = s.addNoise(x0, noise: noise, t: Self.ts)
        let output = objective.target(x0: x0, noise: noise, t: Self.ts, schedule: s)
        let (x0Hat, epsHat) = objective.split(output, xt: xt, t: Self.ts, schedule: s)
        #expect(x0Hat.shape == x0.shape && epsHat.shape == x0.shape)
        for (b, t) in Self.ts.enumerated() {
            let amplification: Double
            switch objective {
            case .epsilon: amplification = 1 / ab[t].squareRoot()
            case .x0: amplification = 1 / (1 - ab[t]).squareRoot()
            case .v: amplification = 1
            }
            let tol = 4e-6 * amplification
            let range = (b * Self.perImage)..<((b + 1) * Self.perImage)
            let dx = zip(x0Hat.scalars[range], x0.scalars[range]).map { abs(Double($0) - Double($1)) }.max()!
            let de = zip(epsHat.scalars[range], noise.scalars[range]).map { abs(Double($0) - Double($1)) }.max()!
            #expect(dx < tol, "\(objective) x₀ at t = \(t): error \(dx), tolerance \(tol)")
            #expect(de < tol, "\(objective) ε at t = \(t): error \(de), tolerance \(tol)")
        }
    }

    @Test("split uses the design's identities: x₀ = √ᾱ x_t − √(1−ᾱ) v, ε = √ᾱ v + √(1−ᾱ) x_t")
    func vIdentities() {
        let s = NoiseSchedule(.cosine, timesteps: 100)
        var rng = SeededGenerator(seed: 5)
        let t = [0, 37, 99]
        let xt = Tensor.randn([3, 4], using: &rng), v = Tensor.randn([3, 4], using: &rng)
        let (x0, eps) = Objective.v.split(v, xt: xt, t: t, schedule: s)
        for b in 0..<3 {
            let a = s.alphasCumprodDouble[t[b]]
            for i in 0..<4 {
                let k = b * 4 + i
                let ex0 = a.squareRoot() * Double(xt.scalars[k]) - (1 - a).squareRoot() * Double(v.scalars[k])
                let eeps = a.squareRoot() * Double(v.scalars[k]) + (1 - a).squareRoot() * Double(xt.scalars[k])
                #expect(abs(Double(x0.scalars[k]) - ex0) < 2e-6)
                #expect(abs(Double(eps.scalars[k]) - eeps) < 2e-6)
            }
        }
    }

    // snr = ᾱ/(1−ᾱ) crosses γ = 5 near t ≈ 125 for the linear schedule, so these t
    // cover both sides of the clip. Weights are returned as Float: relative 1e-6.
    @Test("minSNRWeights (γ = 5) match the closed forms for ε, x₀ and v")
    func minSNR() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let ab = linearAlphaBar(1000)
        let t = [0, 50, 100, 150, 300, 999]
        let gamma = 5.0
        let eps = Objective.epsilon.minSNRWeights(t: t, gamma: gamma, schedule: s)
        let x0 = Objective.x0.minSNRWeights(t: t, gamma: gamma, schedule: s)
        let v = Objective.v.minSNRWeights(t: t, gamma: gamma, schedule: s)
        var sawClipped = false, sawUnclipped = false
        for (i, step) in t.enumerated() {
            let snr = ab[step] / (1 - ab[step])
            if snr > gamma { sawClipped = true } else { sawUnclipped = true }
            let expected = (eps: min(snr, gamma) / snr, x0: min(snr, gamma), v: min(snr, gamma) / (snr + 1))
            #expect(abs(Double(eps[i]) - expected.eps) <= 1e-6 * expected.eps, "ε at t = \(step)")
            #expect(abs(Double(x0[i]) - expected.x0) <= 1e-6 * expected.x0, "x₀ at t = \(step)")
            #expect(abs(Double(v[i]) - expected.v) <= 1e-6 * expected.v, "v at t = \(step)")
        }
        #expect(sawClipped && sawUnclipped)
        // Spot values: t = 0 has snr = (1 − 1e-4)/1e-4 = 9999, so w_ε = 5/9999.
        #expect(abs(Double(eps[0]) - 5.0 / 9999) < 1e-9)
        // Where snr < γ the ε weight is exactly 1 and the x₀ weight is the snr itself.
        #expect(eps[4] == 1 && eps[5] == 1)
    }
}

@Suite("Diffusion loss (deterministic overload)")
struct DiffusionLossTests {
    static let t = [0, 3, 120, 499, 998]
    static let shape = [5, 1, 4, 4]
    static let perImage = 16

    static func data() -> (x0: Tensor, noise: Tensor) {
        var rng = SeededGenerator(seed: 21)
        return (Tensor.uniform(shape, low: -1, high: 1, using: &rng), Tensor.randn(shape, using: &rng))
    }

    /// An oracle that knows x₀: recovers ε = (x_t − √ᾱ x₀)/√(1−ᾱ) from the x_t it is
    /// given (in Double, with ᾱ computed here) and answers with the objective's target.
    static func oracle(objective: Objective, x0: Tensor) -> Denoiser {
        let ab = linearAlphaBar(1000)
        return { xt, t in
            var out = [Float](repeating: 0, count: xt.count)
            for (b, step) in t.enumerated() {
                let a = ab[step].squareRoot(), s = (1 - ab[step]).squareRoot()
                for i in 0..<perImage {
                    let k = b * perImage + i
                    let x = Double(x0.scalars[k])
                    let eps = (Double(xt.scalars[k]) - a * x) / s
                    switch objective {
                    case .epsilon: out[k] = Float(eps)
                    case .x0: out[k] = Float(x)
                    case .v: out[k] = Float(a * eps - s * x)
                    }
                }
            }
            return Tensor(shape: xt.shape, scalars: out)
        }
    }

    // The oracle's ε carries x_t's Float round-off (~2e-7) divided by √(1−ᾱ) ≥ 0.01
    // (t = 0): ≤ ~2e-5, squared ≤ ~4e-10. Loss tolerance 1e-8.
    @Test("a model that returns the true target has loss ≈ 0", arguments: Objective.allCases)
    func oracleLoss(objective: Objective) {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let (x0, noise) = Self.data()
        let r = diffusionLoss(model: Self.oracle(objective: objective, x0: x0), x0: x0, noise: noise,
                              t: Self.t, schedule: s, objective: objective)
        #expect(r.t == Self.t)
        #expect(r.loss.shape == [])
        #expect(r.loss.item < 1e-8, "\(objective): loss \(r.loss.item)")
        #expect(r.perItem.count == 5 && r.perItem.allSatisfy { $0 < 1e-8 })
        // With min-SNR weights (≤ 5 for x₀, ≤ 1 otherwise) it stays ≈ 0.
        let w = diffusionLoss(model: Self.oracle(objective: objective, x0: x0), x0: x0, noise: noise,
                              t: Self.t, schedule: s, objective: objective, minSNRGamma: 5)
        #expect(w.loss.item < 5e-8)
    }

    /// The objective's target in Double, per element.
    static func target(_ objective: Objective, x0: Tensor, noise: Tensor) -> [Double] {
        let ab = linearAlphaBar(1000)
        return (0..<x0.count).map { k in
            let step = t[k / perImage]
            let x = Double(x0.scalars[k]), e = Double(noise.scalars[k])
            switch objective {
            case .epsilon: return e
            case .x0: return x
            case .v: return ab[step].squareRoot() * e - (1 - ab[step]).squareRoot() * x
            }
        }
    }

    // A model that answers 0 has per-item loss mean(target²) over the image and batch
    // loss the mean of those (Float sums of 16 values: relative 1e-5 is ample).
    @Test("a model returning zeros has loss mean(target²); per-item losses match",
          arguments: Objective.allCases)
    func zeroModel(objective: Objective) {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let (x0, noise) = Self.data()
        let zero: Denoiser = { xt, _ in Tensor.zeros(xt.shape) }
        let r = diffusionLoss(model: zero, x0: x0, noise: noise, t: Self.t, schedule: s, objective: objective)
        let target = Self.target(objective, x0: x0, noise: noise)
        let perItem = (0..<5).map { b in
            target[(b * Self.perImage)..<((b + 1) * Self.perImage)].map { $0 * $0 }.reduce(0, +) / Double(Self.perImage)
        }
        for b in 0..<5 {
            #expect(abs(Double(r.perItem[b]) - perItem[b]) <= 1e-5 * perItem[b], "\(objective) item \(b)")
        }
        let total = perItem.reduce(0, +) / 5
        #expect(total > 0.05)                                  // a real, non-trivial value
        #expect(abs(Double(r.loss.item) - total) <= 1e-5 * total)

        // Min-SNR (γ = 5): the batch loss is mean_b(w_b · perItem_b) with the closed-form
        // weights; perItem stays the unweighted MSE.
        let ab = linearAlphaBar(1000)
        let weights = Self.t.map { step -> Double in
            let snr = ab[step] / (1 - ab[step])
            switch objective {
            case .epsilon: return min(snr, 5) / snr
            case .x0: return min(snr, 5)
            case .v: return min(snr, 5) / (snr + 1)
            }
        }
        let w = diffusionLoss(model: zero, x0: x0, noise: noise, t: Self.t, schedule: s, objective: objective,
                              minSNRGamma: 5)
        #expect(w.perItem == r.perItem)
        let weighted = zip(weights, perItem).map { $0 * $1 }.reduce(0, +) / 5
        #expect(abs(Double(w.loss.item) - weighted) <= 1e-5 * weighted, "\(objective): \(w.loss.item) vs \(weighted)")
        #expect(abs(weighted - total) > 1e-3 * total)          // the weights really changed something
    }

    // With T = 5 and 400 draws, P(some t never drawn) ≤ 5·(4/5)^400 ≈ 1e-38.
    @Test("the random overload draws t from the full 0..<T (T−1 included)")
    func randomTimestepRange() {
        let s = NoiseSchedule(.linear, timesteps: 5)
        var rng = SeededGenerator(seed: 31)
        let x0 = Tensor.uniform([400, 2], low: -1, high: 1, using: &rng)
        let r = diffusionLoss(model: { xt, _ in xt * 0.5 }, x0: x0, schedule: s, using: &rng)
        #expect(Set(r.t) == Set(0..<5))
        #expect(r.perItem.count == 400)
    }

    @Test("the loss is a graph back to the model's parameters")
    func gradientFlows() {
        let s = NoiseSchedule(.linear, timesteps: 1000)
        let (x0, noise) = Self.data()
        let scale = Tensor([0.5], requiresGrad: true)
        let model: Denoiser = { xt, _ in xt * scale }
        let r = diffusionLoss(model: model, x0: x0, noise: noise, t: Self.t, schedule: s)
        #expect(r.loss.requiresGrad)
        r.loss.backward()
        #expect(scale.grad != nil && scale.grad!.scalars[0] != 0)
    }
}
