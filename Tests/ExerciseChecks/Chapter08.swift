// Chapter 08 checks: the reparameterisation trick and the KL term, the latent scale
// factor, one cross-attention forward pass.
//
// Run them with `swift test --filter ExerciseChecks.Chapter08`. Truths: z and the KL by
// hand for two items whose variances are 1, 4, ¼, 9 and 2, ½, 4, 1 (σ = 1, 2, ½, 3 and
// √2, 1/√2, 2, 1), then both formulas in Double, element by element, for seeded [3, 4, 3, 3]
// and [5, 7] inputs, with the gradients ∂z/∂μ = 1, ∂z/∂log σ² = ½σε, ∂KL/∂μ = μ and
// ∂KL/∂log σ² = ½(σ² − 1) reached through the learner's graph, and z at log σ² up to 120,
// where σ² overflows Float but σ = exp(½·log σ²) does not; the scale factor by hand
// for eight values of std 2, for the same spread around a mean of 10 000 (where
// E[z²] − E[z]² cancels in Float), and in Double for 1024 seeded values, with the
// property that scaled latents have std 1 and unscaling undoes scaling; attention
// weights and outputs by hand (logits 0, 1 and 2 give σ(1) and σ(2)), with one and two
// heads, at logits of ±1000, with a single token (every weight exactly 1), and a seeded
// three-head case against a Double reference written here.
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 08 — latent diffusion")
struct Chapter08 {
    // Hint: σ = exp(½·log σ²) (exp(log σ²) is the variance), z = μ + σ ⊙ ε; per item,
    // KL = ½·Σ(μ² + σ² − 1 − log σ²) summed (not averaged) over every axis but the first.
    // Use tensor ops throughout so that gradients reach μ and log σ².
    @Test("8.1 reparameterisation and KL")
    func reparameterisationAndKL() async {
        await Grader.grade("8.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter08.check81(nonce) }
        }
    }

    // Hint: s = 1/std with std = √(mean((z − m)²)) over all elements (divide by n);
    // scaling multiplies by s (the diffusion model's units), unscaling divides by s.
    @Test("8.2 latent scale factor")
    func latentScaleFactor() async {
        await Grader.grade("8.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter08.check82(nonce) }
        }
    }

    // Hint: reshape [B, N, C] to [B, N, h, d] (channel c in head c/d), permute the heads
    // next to the batch, S = q·kᵀ/√d with d = C/h, softmax over the L tokens (the last
    // axis) after subtracting each row's max, then P·v and the heads back to [B, N, C].
    @Test("8.3 cross-attention forward pass")
    func crossAttention() async {
        await Grader.grade("8.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter08.check83(nonce) }
        }
    }
}

// MARK: - 8.1

extension Chapter08 {
    /// z = μ + σε in Double, right or with one known mistake.
    enum ReparameterisationMistake: CaseIterable {
        case none, varianceForStd, logVarianceForStd, inverseStd, noNoise, stdWithoutNoise, noMean

        /// z for one element.
        func z(_ mu: Double, _ logVariance: Double, _ eps: Double) -> Double {
            let std = exp(0.5 * logVariance)
            switch self {
            case .none: return mu + std * eps
            case .varianceForStd: return mu + exp(logVariance) * eps
            case .logVarianceForStd: return mu + logVariance * eps
            case .inverseStd: return mu + eps / std
            case .noNoise: return mu
            case .stdWithoutNoise: return mu + std
            case .noMean: return std * eps
            }
        }

        var message: String {
            switch self {
            case .none: return ""
            case .varianceForStd:
                return "exp(log σ²) is the variance σ², not the standard deviation: σ = exp(½·log σ²), so z = μ + exp(½·log σ²)·ε"
            case .logVarianceForStd:
                return "log σ² is not the standard deviation: σ = exp(½·log σ²), so z = μ + exp(½·log σ²)·ε"
            case .inverseStd:
                return "that multiplies ε by 1/σ = exp(−½·log σ²): the sign in the exponent is +, σ = exp(+½·log σ²)"
            case .noNoise:
                return "the noise is not used: z = μ + σ ⊙ ε (without ε the sample is just the mean)"
            case .stdWithoutNoise:
                return "the noise is not used: z = μ + σ ⊙ ε, not μ + σ"
            case .noMean:
                return "the mean is missing: z = μ + σ ⊙ ε, not σ ⊙ ε"
            }
        }
    }

    /// The per-item KL in Double, right or with one known mistake.
    enum KLMistake: CaseIterable {
        case none, noHalf, meanOverValues, meanWithoutHalf, logSign, stdForVariance, noMinusOne, meanNotSquared, logVarianceForVariance,
             negated

        /// The summand for one value.
        func term(_ mu: Double, _ logVariance: Double) -> Double {
            switch self {
            case .logSign: return mu * mu + exp(logVariance) - 1 + logVariance
            case .stdForVariance: return mu * mu + exp(0.5 * logVariance) - 1 - logVariance
            case .noMinusOne: return mu * mu + exp(logVariance) - logVariance
            case .meanNotSquared: return mu + exp(logVariance) - 1 - logVariance
            case .logVarianceForVariance: return mu * mu + logVariance - 1 - logVariance
            default: return mu * mu + exp(logVariance) - 1 - logVariance
            }
        }

        /// KL of each of `items` items (the values of an item are contiguous).
        func kl(_ mu: [Double], _ logVariance: [Double], items: Int) -> [Double] {
            let per = mu.count / items
            return (0..<items).map { b in
                var sum = 0.0
                for i in (b * per)..<((b + 1) * per) { sum += term(mu[i], logVariance[i]) }
                switch self {
                case .noHalf: return sum
                case .meanOverValues: return 0.5 * sum / Double(per)
                case .meanWithoutHalf: return sum / Double(per)
                case .negated: return -0.5 * sum
                default: return 0.5 * sum
                }
            }
        }

        var message: String {
            switch self {
            case .none: return ""
            case .noHalf: return "the ½ is missing: KL = ½·Σ(μ² + σ² − 1 − log σ²)"
            case .meanOverValues:
                return "that is a mean over the item's values: the KL *sums* them, ½·Σ_dims(μ² + σ² − 1 − log σ²)"
            case .meanWithoutHalf:
                return "that is a mean over the item's values without the ½: KL = ½·Σ_dims(μ² + σ² − 1 − log σ²), a sum"
            case .logSign: return "the sign of the log term: KL = ½·Σ(μ² + σ² − 1 − log σ²), minus log σ²"
            case .stdForVariance: return "σ² = exp(log σ²), not exp(½·log σ²) (that is σ)"
            case .noMinusOne:
                return "the −1 is missing: each term μ² + σ² − 1 − log σ² is 0 where μ = 0 and σ² = 1"
            case .meanNotSquared: return "μ is squared in the KL: ½·Σ(μ² + σ² − 1 − log σ²)"
            case .logVarianceForVariance: return "σ² is exp(log σ²), not log σ² itself: ½·Σ(μ² + exp(log σ²) − 1 − log σ²)"
            case .negated: return "the sign is flipped: the KL is ≥ 0, ½·Σ(μ² + σ² − 1 − log σ²)"
            }
        }
    }

    /// Compares z with its formula; names the mistake that gives it.
    static func checkZ(_ got: Tensor, shape: [Int], mu: [Double], lv: [Double], eps: [Double], _ what: String) -> Bool {
        let expected = mu.indices.map { ReparameterisationMistake.none.z(mu[$0], lv[$0], eps[$0]) }
        return Compare.close(got, shape: shape, expected, absolute: 1e-5, relative: 1e-5, what) { _ in
            let values = got.scalars.map(Double.init)
            for mistake in ReparameterisationMistake.allCases where mistake != .none {
                let wrong = mu.indices.map { mistake.z(mu[$0], lv[$0], eps[$0]) }
                if values.indices.allSatisfy({ abs(values[$0] - wrong[$0]) <= 1e-5 + 1e-5 * abs(wrong[$0]) }) {
                    return mistake.message
                }
            }
            return nil
        }
    }

    /// Compares the KL with its formula (shape [B] first); names the mistake that gives it.
    static func checkKL(_ got: Tensor, items: Int, inputShape: [Int], mu: [Double], lv: [Double], _ what: String) -> Bool {
        if got.shape != [items] {
            var message = "wrong shape for \(what): expected [\(items)], got \(got.shape)"
            if got.shape == inputShape {
                message += " — one KL per item: sum over every axis except the first"
            } else if got.count == 1 {
                message += " — that reduces over the batch too: return one KL per item (sum over every axis except the first)"
            } else if got.count == items {
                message += " — drop the summed axes (keepDims: false): the KL has shape [B]"
            }
            Grader.fail(Comment(rawValue: message))
            return false
        }
        let expected = KLMistake.none.kl(mu, lv, items: items)
        return Compare.close(got, shape: [items], expected, absolute: 1e-4, relative: 1e-5, what) { _ in
            let values = got.scalars.map(Double.init)
            for mistake in KLMistake.allCases where mistake != .none {
                let wrong = mistake.kl(mu, lv, items: items)
                if values.indices.allSatisfy({ abs(values[$0] - wrong[$0]) <= 1e-4 + 1e-5 * abs(wrong[$0]) }) {
                    return mistake.message
                }
            }
            return nil
        }
    }

    /// The gradient of `input` after a backward pass, or an issue naming it when none arrived.
    static func gradient(of input: Tensor, _ name: String, in what: String, ops: String) -> Tensor? {
        guard let g = input.grad else {
            Grader.fail("wrong value: no gradient reached \(name) through \(what) — build it from tensor ops (\(ops)), not from `.scalars` or `detached()`, so that a VAE can train through it")
            return nil
        }
        return g
    }

    static func check81(_ nonce: String) {
        Grader.child("8.1", nonce: nonce) {
            // By hand, two items of [1, 2, 2]. The variances are 1, 4, ¼, 9 and 2, ½, 4, 1,
            // so σ = 1, 2, ½, 3 and √2, 1/√2, 2, 1.
            let shape = [2, 1, 2, 2]
            let mu: [Double] = [1, -2, 0.5, 3, /**/ -0.5, 1, 2, -1]
            let lv: [Double] = [0, log(4), log(0.25), log(9), /**/ log(2), log(0.5), log(4), 0]
            let eps: [Double] = [0.5, -1, 2, -0.25, /**/ 1, 2, -0.5, 1.5]
            func tensor(_ values: [Double], _ shape: [Int], grad: Bool = false) -> Tensor {
                Tensor(shape: shape, scalars: values.map(Float.init), requiresGrad: grad)
            }
            // z = μ + σε:  item 0: 1 + 1·0.5 = 1.5, −2 + 2·(−1) = −4, 0.5 + ½·2 = 1.5, 3 + 3·(−0.25) = 2.25;
            //              item 1: −0.5 + √2·1, 1 + (1/√2)·2 = 1 + √2, 2 + 2·(−0.5) = 1, −1 + 1·1.5 = 0.5.
            let root2 = 2.0.squareRoot()
            let zByHand: [Double] = [1.5, -4, 1.5, 2.25, /**/ -0.5 + root2, 1 + root2, 1, 0.5]
            let z = try Ch08.reparameterise(mean: tensor(mu, shape), logVariance: tensor(lv, shape), noise: tensor(eps, shape))
            guard checkZ(z, shape: shape, mu: mu, lv: lv, eps: eps, "z (by hand)"),
                  Compare.close(z, shape: shape, zByHand, absolute: 1e-5, relative: 1e-5, "z (by hand)") else { return }

            // Log-variances up to 120, as an exploding encoder gives: σ² = e^120 overflows Float
            // (above e^88.7 ≈ 3.4e38), but σ = e^60 ≈ 1.1e26 and z do not.
            let bigLv: [Double] = [120, -150, 90, 0.5], bigMu: [Double] = [0.5, -1, 2, 0], bigEps: [Double] = [1, 0.5, -2, 1.5]
            let zBig = try Ch08.reparameterise(mean: tensor(bigMu, [1, 4]), logVariance: tensor(bigLv, [1, 4]), noise: tensor(bigEps, [1, 4]))
            if let i = zBig.scalars.firstIndex(where: { !$0.isFinite }) {
                Grader.fail("\(zBig.scalars[i].isNaN ? "NaN" : "infinity") in z at index \(i) for log σ² = \(bigLv[i]) — exp(log σ²) overflows Float above log σ² ≈ 88.7 before any square root is taken: σ = exp(½·log σ²) stays finite")
                return
            }
            guard checkZ(zBig, shape: [1, 4], mu: bigMu, lv: bigLv, eps: bigEps, "z for log σ² = \(bigLv)") else { return }

            // KL = ½ Σ (μ² + σ² − 1 − log σ²):
            //   item 0: (1 + 1 − 1 − 0) + (4 + 4 − 1 − ln 4) + (¼ + ¼ − 1 + ln 4) + (9 + 9 − 1 − ln 9)
            //         = 24.5 − ln 9,              so KL = 12.25 − ln 3 ≈ 11.1513877;
            //   item 1: (¼ + 2 − 1 − ln 2) + (1 + ½ − 1 + ln 2) + (4 + 4 − 1 − 2 ln 2) + (1 + 1 − 1 − 0)
            //         = 9.75 − 2 ln 2,            so KL = 4.875 − ln 2 ≈ 4.1818528.
            let klByHand: [Double] = [12.25 - log(3), 4.875 - log(2)]
            let kl = try Ch08.klDivergence(mean: tensor(mu, shape), logVariance: tensor(lv, shape))
            guard checkKL(kl, items: 2, inputShape: shape, mu: mu, lv: lv, "KL per item (by hand)"),
                  Compare.close(kl, shape: [2], klByHand, absolute: 1e-5, relative: 1e-5, "KL per item (by hand)") else { return }

            // Seeded latents [3, 4, 3, 3] and latent vectors [5, 7]; log σ² in [−4, 2].
            var rng = SeededGenerator(seed: 81)
            let zOps = "`exp()`, `*`, `+`", klOps = "`squared()`, `exp()`, `-`, `sum(axes:)`"
            for latentShape in [[3, 4, 3, 3], [5, 7]] {
                let items = latentShape[0]
                let mean = Tensor.randn(latentShape, using: &rng)
                let logVar = Tensor.uniform(latentShape, low: -4, high: 2, using: &rng)
                let noise = Tensor.randn(latentShape, using: &rng)
                let (m, l, e) = (mean.scalars.map(Double.init), logVar.scalars.map(Double.init), noise.scalars.map(Double.init))
                let muT = tensor(m, latentShape, grad: true), lvT = tensor(l, latentShape, grad: true)

                let zT = try Ch08.reparameterise(mean: muT, logVariance: lvT, noise: noise)
                guard checkZ(zT, shape: latentShape, mu: m, lv: l, eps: e, "z of \(latentShape) latents") else { return }
                // Gradients of Σ g ⊙ z: ∂/∂μ = g, ∂/∂log σ² = g·½σε.
                guard zT.requiresGrad else {
                    Grader.fail("wrong value: z is not connected to μ and log σ² (it does not require a gradient) — build it from tensor ops (\(zOps)), not from `.scalars`, so that a VAE can train through it")
                    return
                }
                let g = Tensor.randn(latentShape, using: &rng)
                let gz = g.scalars.map(Double.init)
                zT.backward(g)
                guard let dMu = gradient(of: muT, "μ", in: "z", ops: zOps), let dLv = gradient(of: lvT, "log σ²", in: "z", ops: zOps),
                      Compare.close(dMu, shape: latentShape, gz, absolute: 1e-5, relative: 1e-5, "∂z/∂μ (times a cotangent g) of \(latentShape) latents"),
                      Compare.close(dLv, shape: latentShape, m.indices.map { gz[$0] * 0.5 * exp(0.5 * l[$0]) * e[$0] },
                                    absolute: 1e-5, relative: 1e-4, "∂z/∂log σ² (times a cotangent g) of \(latentShape) latents")
                else { return }

                muT.zeroGrad()
                lvT.zeroGrad()
                let klT = try Ch08.klDivergence(mean: muT, logVariance: lvT)
                guard checkKL(klT, items: items, inputShape: latentShape, mu: m, lv: l, "KL per item of \(latentShape) latents") else { return }
                // Gradients of Σ_b g_b·KL_b: ∂/∂μ = g_b·μ, ∂/∂log σ² = g_b·½(σ² − 1).
                guard klT.requiresGrad else {
                    Grader.fail("wrong value: the KL is not connected to μ and log σ² (it does not require a gradient) — build it from tensor ops (\(klOps)), not from `.scalars`, so that a VAE can train through it")
                    return
                }
                let gb = Tensor.randn([items], using: &rng)
                let per = m.count / items
                klT.backward(gb)
                guard let dMuKL = gradient(of: muT, "μ", in: "the KL", ops: klOps), let dLvKL = gradient(of: lvT, "log σ²", in: "the KL", ops: klOps),
                      Compare.close(dMuKL, shape: latentShape, m.indices.map { Double(gb.scalars[$0 / per]) * m[$0] },
                                    absolute: 1e-5, relative: 1e-4, "∂KL/∂μ (times a cotangent g) of \(latentShape) latents"),
                      Compare.close(dLvKL, shape: latentShape, m.indices.map { Double(gb.scalars[$0 / per]) * 0.5 * (exp(l[$0]) - 1) },
                                    absolute: 1e-5, relative: 1e-4, "∂KL/∂log σ² (times a cotangent g) of \(latentShape) latents")
                else { return }
            }
        }
    }
}

// MARK: - 8.2

extension Chapter08 {
    /// The scale factor in Double, right or with one known mistake.
    enum ScaleFactorMistake: CaseIterable {
        case none, sampleStd, inverseVariance, std, variance, notCentred, sumOfSquares

        func factor(_ z: [Double]) -> Double {
            let n = Double(z.count)
            let m = z.reduce(0, +) / n
            let squares = z.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            let variance = squares / n
            switch self {
            case .none: return 1 / variance.squareRoot()
            case .sampleStd: return 1 / (squares / (n - 1)).squareRoot()
            case .inverseVariance: return 1 / variance
            case .std: return variance.squareRoot()
            case .variance: return variance
            case .notCentred: return 1 / (z.reduce(0) { $0 + $1 * $1 } / n).squareRoot()
            case .sumOfSquares: return 1 / squares.squareRoot()
            }
        }

        var message: String {
            switch self {
            case .none: return ""
            case .sampleStd:
                return "that divides by n − 1 (the sample std): here std = √(mean((z − m)²)), dividing by n (`variance()` with its default correction 0)"
            case .inverseVariance: return "that is 1/variance: s = 1/std = 1/√(mean((z − m)²)) — take the square root"
            case .std: return "that is the std itself: the scale factor is its inverse, s = 1/std"
            case .variance: return "that is the variance: s = 1/std = 1/√(mean((z − m)²))"
            case .notCentred:
                return "the values are not centred on their mean: std = √(mean((z − m)²)) with m = mean(z), not √(mean(z²))"
            case .sumOfSquares: return "that is 1/√(Σ(z − m)²): take the mean of the squares, dividing the sum by n"
            }
        }
    }

    /// Compares a scale factor with the truth; names the mistake that gives it.
    static func checkFactor(_ got: Float, _ z: [Double], _ what: String, otherwise: String? = nil) -> Bool {
        let expected = ScaleFactorMistake.none.factor(z)
        return Compare.close([Double(got)], [expected], relative: 1e-4, what) { _ in
            for mistake in ScaleFactorMistake.allCases where mistake != .none {
                let wrong = mistake.factor(z)
                if abs(Double(got) - wrong) <= 1e-4 * abs(wrong) { return mistake.message }
            }
            return otherwise
        }
    }

    static func check82(_ nonce: String) {
        Grader.child("8.2", nonce: nonce) {
            // By hand: 2, 4, 4, 4, 5, 5, 7, 9 (shuffled) have mean 5, deviations −3, −1, −1, −1,
            // 0, 0, 2, 4, squares summing to 32, variance 32/8 = 4, std 2: s = 0.5.
            let shape = [2, 1, 2, 2]
            let values: [Double] = [4, 9, 2, 5, 7, 4, 5, 4]
            let s = try Ch08.latentScaleFactor(Tensor(shape: shape, scalars: values.map(Float.init)))
            guard checkFactor(s, values, "the scale factor of 2, 4, 4, 4, 5, 5, 7, 9 (by hand)"),
                  Compare.close([Double(s)], [0.5], relative: 1e-5, "the scale factor of 2, 4, 4, 4, 5, 5, 7, 9 (by hand)")
            else { return }

            // The same spread around 10 000: 10 000 + (values − 5)/4 has std ½, so s = 2. Every
            // value is exact in Float, but E[z²] − E[z]² ≈ 10⁸ − 10⁸, where Float's spacing is
            // 8, keeps nothing of the variance 0.25.
            let shifted = values.map { 10_000 + ($0 - 5) / 4 }
            let s2 = try Ch08.latentScaleFactor(Tensor(shape: shape, scalars: shifted.map(Float.init)))
            if !s2.isFinite {
                Grader.fail("\(s2.isNaN ? "NaN" : "infinity") as the scale factor of values around 10 000 with std ½ (s = 2) — E[z²] − E[z]² cancels catastrophically in Float (it can even come out ≤ 0): centre first, mean((z − m)²) (as `variance()` does)")
                return
            }
            guard checkFactor(s2, shifted, "the scale factor of values around 10 000 with std ½ (s = 2)",
                              otherwise: "with a mean of 10 000, E[z²] − E[z]² cancels catastrophically in Float: centre first, mean((z − m)²) (as `variance()` does)"),
                  Compare.close([Double(s2)], [2], relative: 1e-5, "the scale factor of values around 10 000 with std ½ (s = 2)")
            else { return }

            // 1024 seeded latents of mean 0.7 and std 3.
            var rng = SeededGenerator(seed: 82)
            let latentShape = [4, 4, 8, 8]
            let latents = Tensor.randn(latentShape, mean: 0.7, std: 3, using: &rng)
            let z = latents.scalars.map(Double.init)
            let factor = try Ch08.latentScaleFactor(latents)
            guard checkFactor(factor, z, "the scale factor of [4, 4, 8, 8] seeded latents") else { return }

            // Scaling multiplies, unscaling divides, by hand with s = ¼:
            // 1.5·¼ = 0.375, −2·¼ = −0.5, …;  1.5/¼ = 6, −2/¼ = −8, ….
            let small = Tensor(shape: [2, 3], scalars: [1.5, -2, 0.25, 4, -0.5, 3])
            let scaled = try Ch08.scaleLatents(small, factor: 0.25)
            guard Compare.close(scaled, shape: [2, 3], [0.375, -0.5, 0.0625, 1, -0.125, 0.75], relative: 1e-6,
                                "scaleLatents(z, factor: ¼) (by hand)", hint: { _ in
                                    scaled.scalars.first == 6 ? "scaling and unscaling are swapped: scaleLatents multiplies by s (what the diffusion model sees), unscaleLatents divides by s (what the decoder gets)" : nil
                                })
            else { return }
            let unscaled = try Ch08.unscaleLatents(small, factor: 0.25)
            guard Compare.close(unscaled, shape: [2, 3], [6, -8, 1, 16, -2, 12], relative: 1e-6,
                                "unscaleLatents(z, factor: ¼) (by hand)", hint: { _ in
                                    unscaled.scalars.first == 0.375 ? "scaling and unscaling are swapped: unscaleLatents divides by s (back to the encoder's units for the decoder), scaleLatents multiplies" : nil
                                })
            else { return }

            // With the measured s, the scaled latents have std 1 (that is what s is for), and
            // unscaling gives the latents back (both to Float rounding).
            let inModelUnits = try Ch08.scaleLatents(latents, factor: factor)
            guard Compare.shape(inModelUnits, latentShape, "the scaled [4, 4, 8, 8] latents") else { return }
            let scaledValues = inModelUnits.scalars.map(Double.init)
            let meanScaled = scaledValues.reduce(0, +) / Double(scaledValues.count)
            let stdScaled = (scaledValues.reduce(0) { $0 + ($1 - meanScaled) * ($1 - meanScaled) } / Double(scaledValues.count)).squareRoot()
            guard Compare.close([stdScaled], [1], absolute: 1e-4, "the std of the scaled latents z·s (must be 1)") else { return }
            let back = try Ch08.unscaleLatents(inModelUnits, factor: factor)
            Compare.close(back, shape: latentShape, z, absolute: 1e-5, relative: 1e-5, "unscaleLatents(scaleLatents(z)) (must give z back)")
        }
    }
}

// MARK: - 8.3

extension Chapter08 {
    /// Cross-attention in Double, right or with one known mistake.
    enum AttentionMistake: CaseIterable {
        case none, softmaxOverPixels, scaleBySqrtC, noScale, scaleByD, interleavedHeads, headsNotMergedBack, keysForValues
        case weightsTransposed, scaleAfterSoftmax

        var message: String {
            switch self {
            case .none: return ""
            case .softmaxOverPixels:
                return "the softmax ran over the pixels i (the N axis): it runs over the tokens j (the last axis, L), so that each pixel's weights sum to 1"
            case .scaleBySqrtC: return "divide the logits by √d, the size of one head (d = C/h), not by √C"
            case .noScale: return "the logits are not scaled: S = q·k/√d"
            case .scaleByD: return "divide the logits by √d, not by d"
            case .interleavedHeads:
                return "the heads are split wrong: channel c belongs to head c/d (blocks of d channels: reshape [.., C] to [.., h, d]), not to head c % h (which reshaping to [.., d, h] gives)"
            case .headsNotMergedBack:
                return "the heads' outputs are not put back in place: permute [B, h, N, d] to [B, N, h, d] before reshaping to [B, N, C]"
            case .keysForValues: return "the output sums the values v_j, not the keys: out_i = Σ_j P_ij·v_j"
            case .weightsTransposed:
                return "the weights are transposed: P[b, h, i, j] has one row per pixel i and one column per token j, [B, h, N, L]"
            case .scaleAfterSoftmax:
                return "1/√d scales the logits before the softmax, not the weights after it (each pixel's weights sum to 1)"
            }
        }
    }

    /// Weights `[B, h, N, L]` and output `[B, N, C]` (flattened) for q `[B, N, C]` and
    /// k, v `[B, L, C]` (flattened), with a max-shifted softmax.
    static func attention(q: [Double], k: [Double], v: [Double], b: Int, n: Int, l: Int, c: Int, heads: Int,
                          _ mistake: AttentionMistake = .none) -> (weights: [Double], output: [Double]) {
        let d = c / heads
        let scale: Double
        switch mistake {
        case .scaleBySqrtC: scale = 1 / Double(c).squareRoot()
        case .noScale, .scaleAfterSoftmax: scale = 1
        case .scaleByD: scale = 1 / Double(d)
        default: scale = 1 / Double(d).squareRoot()
        }
        // The channel of slot t of head h.
        func channel(_ h: Int, _ t: Int) -> Int { mistake == .interleavedHeads ? t * heads + h : h * d + t }
        let values = mistake == .keysForValues ? k : v
        var weights = [Double](repeating: 0, count: b * heads * n * l)
        var output = [Double](repeating: 0, count: b * n * c)
        for bb in 0..<b {
            for h in 0..<heads {
                // S [N, L]
                var s = [[Double]](repeating: [Double](repeating: 0, count: l), count: n)
                for i in 0..<n {
                    for j in 0..<l {
                        var dot = 0.0
                        for t in 0..<d {
                            let ch = channel(h, t)
                            dot += q[(bb * n + i) * c + ch] * k[(bb * l + j) * c + ch]
                        }
                        s[i][j] = dot * scale
                    }
                }
                // P [N, L]: softmax over j (or over i), shifted by the maximum.
                var p = s
                if mistake == .softmaxOverPixels {
                    for j in 0..<l {
                        let top = (0..<n).map { s[$0][j] }.max()!
                        let total = (0..<n).reduce(0.0) { $0 + exp(s[$1][j] - top) }
                        for i in 0..<n { p[i][j] = exp(s[i][j] - top) / total }
                    }
                } else {
                    for i in 0..<n {
                        let top = s[i].max()!
                        let total = s[i].reduce(0.0) { $0 + exp($1 - top) }
                        for j in 0..<l { p[i][j] = exp(s[i][j] - top) / total }
                    }
                }
                if mistake == .scaleAfterSoftmax {
                    p = p.map { row in row.map { $0 / Double(d).squareRoot() } }
                }
                for i in 0..<n {
                    for j in 0..<l {
                        if mistake == .weightsTransposed {
                            weights[((bb * heads + h) * l + j) * n + i] = p[i][j]     // [B, h, L, N]
                        } else {
                            weights[((bb * heads + h) * n + i) * l + j] = p[i][j]
                        }
                    }
                    for t in 0..<d {
                        var o = 0.0
                        for j in 0..<l { o += p[i][j] * values[(bb * l + j) * c + channel(h, t)] }
                        if mistake == .headsNotMergedBack {
                            output[bb * n * c + (h * n + i) * d + t] = o       // [B, h, N, d] read as [B, N, C]
                        } else {
                            output[(bb * n + i) * c + channel(h, t)] = o
                        }
                    }
                }
            }
        }
        return (weights, output)
    }

    /// Checks one cross-attention call: shapes, finiteness, the weights, then the output,
    /// against the Double reference (and `byHand` values when given).
    static func checkAttention(q: [Double], k: [Double], v: [Double], b: Int, n: Int, l: Int, c: Int, heads: Int,
                               byHand: (weights: [Double], output: [Double])? = nil, largeLogits: Bool = false,
                               _ what: String) throws -> Bool {
        let query = Tensor(shape: [b, n, c], scalars: q.map(Float.init))
        let key = Tensor(shape: [b, l, c], scalars: k.map(Float.init))
        let value = Tensor(shape: [b, l, c], scalars: v.map(Float.init))
        let (output, weights) = try Ch08.crossAttention(query: query, key: key, value: value, heads: heads)
        let d = c / heads

        // Shapes, with the usual wrong ones named.
        let weightShape = [b, heads, n, l]
        if weights.shape != weightShape {
            var message = "wrong shape for the weights (\(what)): expected \(weightShape), got \(weights.shape)"
            if weights.shape == [b, heads, l, n] {
                message += " — one row per pixel i and one column per token j: [B, h, N, L]"
            } else if weights.shape == [b, n, l] {
                message += " — one set of weights per head: [B, h, N, L]"
            }
            Grader.fail(Comment(rawValue: message))
            return false
        }
        if output.shape != [b, n, c] {
            var message = "wrong shape for the output (\(what)): expected \([b, n, c]), got \(output.shape)"
            if output.shape == [b, heads, n, d] {
                message += " — merge the heads back: permute to [B, N, h, d], then reshape to [B, N, C]"
            }
            Grader.fail(Comment(rawValue: message))
            return false
        }
        // Logits of ±1000 overflow exp (or give 0/0) unless the softmax is shifted.
        for (tensor, name) in [(weights, "the weights"), (output, "the output")] {
            if let i = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                var message = "\(tensor.scalars[i].isNaN ? "NaN" : "infinity") in \(name) (\(what)) at index \(i)"
                if largeLogits {
                    message += " — the logits here are about ±1000: e^1000 overflows and e^−1000 underflows to 0/0; subtract each row's maximum before exp (the softmax does not change), or use `softmax(axis: -1)`"
                }
                Grader.fail(Comment(rawValue: message))
                return false
            }
        }

        let right = attention(q: q, k: k, v: v, b: b, n: n, l: l, c: c, heads: heads)
        let wrongs = AttentionMistake.allCases.filter { $0 != .none }.map {
            ($0, attention(q: q, k: k, v: v, b: b, n: n, l: l, c: c, heads: heads, $0))
        }
        func matches(_ got: Tensor, _ wrong: [Double], _ right: [Double], tolerance: Double) -> Bool {
            let values = got.scalars.map(Double.init)
            let differs = wrong.indices.contains { abs(wrong[$0] - right[$0]) > tolerance * (1 + abs(right[$0])) }
            return differs && values.indices.allSatisfy { abs(values[$0] - wrong[$0]) <= tolerance * (1 + abs(wrong[$0])) }
        }
        let weightsHint: (Int) -> String? = { _ in
            if l == 1 { return "with a single token (L = 1) the softmax over j has one term: every weight is exactly 1" }
            return wrongs.first { matches(weights, $0.1.weights, right.weights, tolerance: 1e-5) }?.0.message
        }
        let outputHint: (Int) -> String? = { _ in
            wrongs.first { matches(output, $0.1.output, right.output, tolerance: 1e-5) }?.0.message
        }
        // With one token the softmax is e⁰/e⁰: exactly 1, so no tolerance there.
        let (absolute, relative) = l == 1 ? (0.0, 0.0) : (1e-6, 1e-5)
        guard Compare.close(weights, shape: weightShape, right.weights, absolute: absolute, relative: relative,
                            "the weights P (\(what))", hint: weightsHint),
              Compare.close(output, shape: [b, n, c], right.output, absolute: 1e-5, relative: 1e-5,
                            "the output (\(what))", hint: outputHint)
        else { return false }
        if let byHand {
            guard Compare.close(weights, shape: weightShape, byHand.weights, absolute: 1e-6, "the weights P (\(what))"),
                  Compare.close(output, shape: [b, n, c], byHand.output, absolute: 1e-5, "the output (\(what))")
            else { return false }
        }
        return true
    }

    static func check83(_ nonce: String) {
        Grader.child("8.3", nonce: nonce) {
            let sigma1 = 1 / (1 + exp(-1.0))      // σ(1) = e/(1 + e) ≈ 0.7310586: softmax of logits (1, 0)
            let sigma2 = 1 / (1 + exp(-2.0))      // σ(2) = e²/(1 + e²) ≈ 0.8807971: softmax of logits (2, 0)

            // 1. One head, C = d = 4 (√d = 2), N = 2 pixels, L = 2 tokens:
            //    q0 = (2, 0, 0, 0), q1 = (0, 0, 2, 2); k0 = (1, 0, 1, 0), k1 = (0, 1, 0, 1).
            //    S = q·k/2: row 0 = (2/2, 0/2) = (1, 0) → P = (σ(1), 1 − σ(1));
            //               row 1 = (2/2, 2/2) = (1, 1) → P = (½, ½).
            //    v0 = (1, 2, 3, 4), v1 = (−1, 0, 1, 2), v0 − v1 = (2, 2, 2, 2):
            //    out0 = σ(1)·v0 + (1 − σ(1))·v1 = v1 + 2σ(1) = (2σ(1) − 1, 2σ(1), 2σ(1) + 1, 2σ(1) + 2)
            //         ≈ (0.4621, 1.4621, 2.4621, 3.4621);
            //    out1 = (v0 + v1)/2 = (0, 1, 2, 3).
            let twoS1 = 2 * sigma1
            guard try checkAttention(
                q: [2, 0, 0, 0, /**/ 0, 0, 2, 2], k: [1, 0, 1, 0, /**/ 0, 1, 0, 1], v: [1, 2, 3, 4, /**/ -1, 0, 1, 2],
                b: 1, n: 2, l: 2, c: 4, heads: 1,
                byHand: ([sigma1, 1 - sigma1, 0.5, 0.5], [twoS1 - 1, twoS1, twoS1 + 1, twoS1 + 2, /**/ 0, 1, 2, 3]),
                "by hand: one head, N = 2, L = 2")
            else { return }

            // 2. Two heads of d = 4 in C = 8 (√d = 2; √C would be 2√2), N = 1, L = 2:
            //    q0 = (2, 0, 0, 0 | 0, 0, 4, 0); k0 = (1, 0, 0, 0 | 0, 0, 0, 1), k1 = (0, 0, 0, 0 | 0, 0, 1, 0).
            //    head 0: S = (2/2, 0/2) = (1, 0) → P = (σ(1), 1 − σ(1));
            //    head 1: S = (0/2, 4/2) = (0, 2) → P = (1 − σ(2), σ(2)).
            //    v0 = (1, 2, 3, 4 | 5, 6, 7, 8), v1 = (−1, −2, −3, −4 | 0, 0, 0, 0):
            //    head 0's channels: (σ(1) − (1 − σ(1)))·(1, 2, 3, 4) = (2σ(1) − 1)·(1, 2, 3, 4);
            //    head 1's channels: (1 − σ(2))·(5, 6, 7, 8).
            let a = twoS1 - 1, b2 = 1 - sigma2
            guard try checkAttention(
                q: [2, 0, 0, 0, 0, 0, 4, 0],
                k: [1, 0, 0, 0, 0, 0, 0, 1, /**/ 0, 0, 0, 0, 0, 0, 1, 0],
                v: [1, 2, 3, 4, 5, 6, 7, 8, /**/ -1, -2, -3, -4, 0, 0, 0, 0],
                b: 1, n: 1, l: 2, c: 8, heads: 2,
                byHand: ([sigma1, 1 - sigma1, b2, sigma2], [a, 2 * a, 3 * a, 4 * a, 5 * b2, 6 * b2, 7 * b2, 8 * b2]),
                "by hand: two heads of d = 4, N = 1, L = 2")
            else { return }

            // 3. Logits of ±1000 (one head, d = 4, √d = 2), N = 3, L = 2: k0 = (1000, 0, 998, 0),
            //    k1 = (999, 0, 1000, 0).
            //    q0 = (2, 0, 0, 0):  S = (2000/2, 1998/2) = (1000, 999)   → P = (σ(1), 1 − σ(1));
            //    q1 = (0, 0, 2, 0):  S = (1996/2, 2000/2) = (998, 1000)   → P = (1 − σ(2), σ(2));
            //    q2 = (0, 0, −2, 0): S = (−998, −1000)                    → P = (σ(2), 1 − σ(2)).
            //    With v0 − v1 = (2, 2, 2, 2): out_i = v1 + 2·P_i0.
            let v1: [Double] = [-1, 0, 1, 2]
            guard try checkAttention(
                q: [2, 0, 0, 0, /**/ 0, 0, 2, 0, /**/ 0, 0, -2, 0],
                k: [1000, 0, 998, 0, /**/ 999, 0, 1000, 0], v: [1, 2, 3, 4] + v1,
                b: 1, n: 3, l: 2, c: 4, heads: 1,
                byHand: ([sigma1, 1 - sigma1, 1 - sigma2, sigma2, sigma2, 1 - sigma2],
                         v1.map { $0 + 2 * sigma1 } + v1.map { $0 + 2 * (1 - sigma2) } + v1.map { $0 + 2 * sigma2 }),
                largeLogits: true, "logits of ±1000")
            else { return }

            // 4. A single token (L = 1): every weight is exactly 1 and every pixel gets v0,
            //    whatever the (large, random) queries and keys.
            var rng = SeededGenerator(seed: 83)
            func draws(_ count: Int, std: Float) -> [Double] {
                Tensor.randn([count], std: std, using: &rng).scalars.map(Double.init)
            }
            let (qs, ks, vs) = (draws(2 * 5 * 6, std: 3), draws(2 * 1 * 6, std: 3), draws(2 * 1 * 6, std: 1))
            guard try checkAttention(
                q: qs, k: ks, v: vs, b: 2, n: 5, l: 1, c: 6, heads: 3,
                byHand: ([Double](repeating: 1, count: 2 * 3 * 5), (0..<(2 * 5 * 6)).map { vs[($0 / 30) * 6 + $0 % 6] }),
                "a single token, L = 1, B = 2, N = 5, C = 6, three heads")
            else { return }

            // 5. Seeded: B = 2, N = 6 pixels, L = 4 tokens, C = 12 in three heads of d = 4.
            let (q5, k5, v5) = (draws(2 * 6 * 12, std: 1.5), draws(2 * 4 * 12, std: 1.5), draws(2 * 4 * 12, std: 1))
            guard try checkAttention(q: q5, k: k5, v: v5, b: 2, n: 6, l: 4, c: 12, heads: 3,
                                     "seeded, B = 2, N = 6, L = 4, C = 12, three heads")
            else { return }
        }
    }
}
