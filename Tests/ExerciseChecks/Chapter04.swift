// Chapter 04 checks: the training loss, the EMA, the v target and min-SNR weights.
//
// Run them with `swift test --filter ExerciseChecks.Chapter04`. Truths: the loss and
// its gradient for the linear model ε̂ = w·x_t, worked out element by element in
// Double here (d loss/dw = mean(2(w·x_t − ε)·x_t)); EMA values by hand; the v target
// checked through its defining identities (‖v‖ pieces and x0 = √ᾱ x_t − √(1−ᾱ) v);
// min-SNR weights from the closed form at chosen ᾱ, for γ = 5 and γ = 0.5.
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 04 — training")
struct Chapter04 {
    // Hint: gather ᾱ for each image with `alphasCumprod.gather(t, broadcastRank: x0.rank)`,
    // build x_t with tensor arithmetic, and return `(model(xt, t) − noise).squared().mean()`.
    @Test("4.1 training loss of one batch")
    func loss() async {
        await Grader.grade("4.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter04.check41(nonce) }
        }
    }

    // Hint: the shadow moves a fraction (1 − decay) of the way to the parameter; the
    // warm-up decay is 0.1 at step 0 and reaches β after about 10/(1 − β) steps.
    @Test("4.2 EMA update and warm-up")
    func ema() async {
        await Grader.grade("4.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter04.check42(nonce) }
        }
    }

    // Hint: v = √ᾱ·ε − √(1−ᾱ)·x0 (minus, and x0 second); min(snr, γ)/snr is 1 where
    // snr ≤ γ (late, noisy timesteps) and γ/snr below 1 where the image is clear.
    @Test("4.3 v target and min-SNR weights")
    func vAndMinSNR() async {
        await Grader.grade("4.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter04.check43(nonce) }
        }
    }
}

extension Chapter04 {
    static func check41(_ nonce: String) {
        Grader.child("4.1", nonce: nonce) {
            var rng = SeededGenerator(seed: 41)
            let schedule = NoiseSchedule(.linear, timesteps: 1000)
            let x0 = Tensor.uniform([3, 1, 4, 4], low: -1, high: 1, using: &rng)          // [3, 1, 4, 4]
            let noise = Tensor.randn([3, 1, 4, 4], using: &rng)
            let t = [0, 480, 999]
            let w = Tensor(shape: [], scalars: [0.7], requiresGrad: true)
            var calls = 0
            var seenT: [Int] = []
            let model: Denoiser = { xt, tt in calls += 1; seenT = tt; return w * xt }
            let loss = try Ch04.trainingLoss(model: model, x0: x0, noise: noise, t: t, alphasCumprod: schedule.alphasCumprod)
            guard Compare.shape(loss, [], "the loss (a scalar)") else { return }
            if calls != 1 || seenT != t {
                Grader.fail("wrong value: the model should be called once with the batch's timesteps \(t); it was called \(calls) times, last with \(seenT)")
                return
            }
            // Independent truth, element by element in Double.
            let abar = schedule.alphasCumprodDouble
            let per = 16
            /// The mean over every element of `penalty(residual)`, with the model's input x_t =
            /// `noised(ᾱ, x₀, ε)` (right: √ᾱ·x₀ + √(1 − ᾱ)·ε) and the residual w·input − target.
            func lossInDouble(input noised: (Double, Double, Double) -> Double = { a, x, e in a.squareRoot() * x + (1 - a).squareRoot() * e },
                      target: (Double, Double) -> Double = { _, e in e },
                      penalty: (Double) -> Double = { $0 * $0 }) -> Double {
                (0..<(3 * per)).reduce(0.0) { sum, i in
                    let (x, e) = (Double(x0.scalars[i]), Double(noise.scalars[i]))
                    return sum + penalty(0.7 * noised(abar[t[i / per]], x, e) - target(x, e))
                } / Double(3 * per)
            }
            // The gradient d loss/dw = mean(2(w·x_t − ε)·x_t).
            var grad = 0.0
            for i in 0..<(3 * per) {
                let a = abar[t[i / per]]
                let xt = a.squareRoot() * Double(x0.scalars[i]) + (1 - a).squareRoot() * Double(noise.scalars[i])
                grad += 2 * (0.7 * xt - Double(noise.scalars[i])) * xt
            }
            let expected = lossInDouble()
            let mistakes = [
                Mistake("that is the sum; take the mean over every element", [expected * Double(3 * per)]),
                Mistake("that is the sum over the batch of each image's mean; take the mean over every element (divide by B·C·H·W)",
                        [expected * 3]),
                Mistake("that is the root of the mean; do not take the square root", [expected.squareRoot()]),
                Mistake("that is the mean absolute error; the loss squares the residual, mean((model(x_t, t) − ε)²)",
                        [lossInDouble(penalty: { abs($0) })]),
                Mistake("the target is the noise ε, not x₀: mean((model(x_t, t) − noise)²)", [lossInDouble(target: { x, _ in x })]),
                Mistake("the model must see the noised x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε, not x₀", [lossInDouble(input: { _, x, _ in x })]),
                Mistake("x_t lacks the √ on its noise term: x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε",
                        [lossInDouble(input: { a, x, e in a.squareRoot() * x + (1 - a) * e })]),
                Mistake("x_t lacks both square roots: x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε", [lossInDouble(input: { a, x, e in a * x + (1 - a) * e })]),
                Mistake("x_t lacks the √ on its signal term: x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε",
                        [lossInDouble(input: { a, x, e in a * x + (1 - a).squareRoot() * e })]),
                Mistake("ᾱ and 1 − ᾱ are swapped: the signal keeps √ᾱ of x₀, the noise adds √(1 − ᾱ) of ε",
                        [lossInDouble(input: { a, x, e in (1 - a).squareRoot() * x + a.squareRoot() * e })]),
                Mistake("√(1 − ᾱ) is not 1 − √ᾱ: x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε",
                        [lossInDouble(input: { a, x, e in a.squareRoot() * x + (1 - a.squareRoot()) * e })]),
            ]
            let ok = Compare.close([Double(loss.scalars[0])], [expected], relative: 1e-4, "the loss", mistakes: mistakes)
            guard ok else { return }
            loss.backward()
            guard let g = w.grad else {
                Grader.fail("wrong value: the loss is not connected to the model's parameters (no gradient reached them) — build it with tensor ops, not from .scalars")
                return
            }
            Compare.close([Double(g.scalars[0])], [grad / Double(3 * per)], relative: 1e-3, "d loss / d w")
        }
    }

    static func check42(_ nonce: String) {
        Grader.child("4.2", nonce: nonce) {
            var rng = SeededGenerator(seed: 42)
            let shadow = Tensor.randn([2, 3], using: &rng), parameter = Tensor.randn([2, 3], using: &rng)
            for decay: Float in [0.9, 0.5, 0.999] {
                let got = try Ch04.emaUpdate(shadow: shadow, parameter: parameter, decay: decay)
                let expected = zip(shadow.scalars, parameter.scalars).map { Double(decay) * Double($0) + (1 - Double(decay)) * Double($1) }
                let d = Double(decay)
                func each(_ formula: (Double, Double) -> Double) -> [Double] {
                    zip(shadow.scalars, parameter.scalars).map { formula(Double($0), Double($1)) }
                }
                let mistakes = [
                    Mistake("decay multiplies the shadow, (1 − decay) the parameter", each { s, p in (1 - d) * s + d * p }),
                    Mistake("the parameter's factor is (1 − decay): decay·shadow + (1 − decay)·parameter", each { s, p in d * s + p }),
                    Mistake("that is only the step (1 − decay)·(parameter − shadow): add it to the shadow", each { s, p in (1 - d) * (p - s) }),
                ]
                let ok = Compare.close(got, shape: [2, 3], expected, absolute: 1e-6, relative: 1e-5, "emaUpdate with decay \(decay)",
                                       mistakes: mistakes)
                if !ok { return }
            }
            // Warm-up: (1 + n)/(10 + n) capped at β, by hand.
            let cases: [(Int, Float, Double)] = [(0, 0.999, 0.1), (10, 0.999, 0.55), (90, 0.999, 0.91), (1000, 0.999, 0.991089108910891),
                                                  (100_000, 0.999, 0.999), (5, 0.5, 0.4), (20, 0.5, 0.5)]
            var decays: [Double] = []
            for (n, beta, _) in cases { decays.append(Double(try Ch04.emaDecay(step: n, beta: beta))) }
            /// What `formula(n, β)` gives for every case (in Double).
            func each(_ formula: (Double, Double) -> Double) -> [Double] { cases.map { formula(Double($0.0), Double($0.1)) } }
            let mistakes = [
                Mistake("cap the decay at beta: min(β, (1 + n)/(10 + n))", each { n, _ in (1 + n) / (10 + n) }),
                Mistake("that is max(β, …): the decay is the smaller of the two, min(β, (1 + n)/(10 + n))",
                        each { n, beta in max(beta, (1 + n) / (10 + n)) }),
                Mistake("the decay is 0: (1 + step)/(10 + step) in Int rounds down to 0 — convert to Float before dividing",
                        each { _, _ in 0 }),
                Mistake("off by one in the step: the warm-up is (1 + n)/(10 + n), 0.1 at step 0", each { n, beta in min(beta, n / (10 + n)) }),
                Mistake("that is β at every step: the warm-up min(β, (1 + n)/(10 + n)) starts at 0.1 and reaches β later",
                        each { _, beta in beta }),
                Mistake("that caps at 0.999 whatever beta is: use the parameter beta", each { n, _ in min(0.999, (1 + n) / (10 + n)) }),
            ]
            for (index, (n, beta, expected)) in cases.enumerated() {
                let ok = Compare.close([decays[index]], [expected], absolute: 1e-6, "emaDecay(step: \(n), beta: \(beta))") { _ in
                    // A mistake is named when it gives what was returned at every step.
                    Mistake.named(in: mistakes, got: decays, expected: cases.map { $0.2 }, absolute: 1e-6, relative: 0)?.message
                }
                if !ok { return }
            }
        }
    }

    static func check43(_ nonce: String) {
        Grader.child("4.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 43)
            let schedule = NoiseSchedule(.cosine, timesteps: 1000)
            let x0 = Tensor.uniform([2, 1, 3, 3], low: -1, high: 1, using: &rng)
            let noise = Tensor.randn([2, 1, 3, 3], using: &rng)
            let t = [100, 900]
            let v = try Ch04.vTarget(x0: x0, noise: noise, t: t, alphasCumprod: schedule.alphasCumprod)
            var expected: [Double] = []
            for i in 0..<18 {
                let a = schedule.alphasCumprodDouble[t[i / 9]]
                expected.append(a.squareRoot() * Double(noise.scalars[i]) - (1 - a).squareRoot() * Double(x0.scalars[i]))
            }
            /// `formula(ᾱ, x₀, ε)` element by element, with ᾱ at `index(t)` for each image.
            func each(index: (Int) -> Int = { $0 }, _ formula: (Double, Double, Double) -> Double) -> [Double] {
                (0..<18).map { i in
                    formula(schedule.alphasCumprodDouble[index(t[i / 9])], Double(x0.scalars[i]), Double(noise.scalars[i]))
                }
            }
            let mistakes = [
                Mistake("the sign of v is flipped: this is √(1 − ᾱ)·x₀ − √ᾱ·ε = −v; v = √ᾱ·ε − √(1 − ᾱ)·x₀",
                        each { a, x, e in (1 - a).squareRoot() * x - a.squareRoot() * e }),
                Mistake("ε and x0 are swapped: v = √ᾱ·ε − √(1−ᾱ)·x0", each { a, x, e in a.squareRoot() * x - (1 - a).squareRoot() * e }),
                Mistake("v subtracts the x₀ term: v = √ᾱ·ε − √(1 − ᾱ)·x₀, not + (that sum is x_t with the roles of ᾱ swapped)",
                        each { a, x, e in a.squareRoot() * e + (1 - a).squareRoot() * x }),
                Mistake("the square roots are missing: v = √ᾱ·ε − √(1 − ᾱ)·x₀", each { a, x, e in a * e - (1 - a) * x }),
                Mistake("off by one in t: this uses alphasCumprod[t − 1]; image b uses alphasCumprod[t[b]]",
                        each(index: { $0 - 1 }) { a, x, e in a.squareRoot() * e - (1 - a).squareRoot() * x }),
                Mistake("off by one in t: this uses alphasCumprod[t + 1]; image b uses alphasCumprod[t[b]]",
                        each(index: { $0 + 1 }) { a, x, e in a.squareRoot() * e - (1 - a).squareRoot() * x }),
            ]
            let ok = Compare.close(v, shape: [2, 1, 3, 3], expected, absolute: 1e-5, relative: 1e-4, "the v target", mistakes: mistakes)
            guard ok else { return }
            // Min-SNR: at ᾱ with snr = ᾱ/(1−ᾱ): weight = min(snr, γ)/snr.
            let linear = NoiseSchedule(.linear, timesteps: 1000)
            let ts = [0, 50, 200, 500, 999]
            // γ = 5 (the paper's) and γ = 0.5, so that a fixed γ shows.
            for gamma: Float in [5, 0.5] {
                let got = try Ch04.minSNRWeights(t: ts, alphasCumprod: linear.alphasCumprod, gamma: gamma)
                /// `formula(snr, γ)` at every t, with snr = ᾱ/(1 − ᾱ).
                func each(gamma fixed: Double? = nil, _ formula: (Double, Double) -> Double) -> [Double] {
                    ts.map { s in let a = linear.alphasCumprodDouble[s]; return formula(a / (1 - a), fixed ?? Double(gamma)) }
                }
                let truth = each { snr, gamma in min(snr, gamma) / snr }
                let weightMistakes = [
                    Mistake("that is min(snr, γ), the weight for x₀-prediction; for ε-prediction divide it by snr",
                            each { snr, gamma in min(snr, gamma) }),
                    Mistake("that is min(snr, γ)/(snr + 1), the weight for v-prediction; for ε-prediction divide by snr",
                            each { snr, gamma in min(snr, gamma) / (snr + 1) }),
                    Mistake("that is max(snr, γ)/snr: clamp with min, so that the weight never exceeds 1",
                            each { snr, gamma in max(snr, gamma) / snr }),
                    Mistake("that is γ/snr without the min: the weight is min(snr, γ)/snr, which is 1 wherever snr ≤ γ",
                            each { snr, gamma in gamma / snr }),
                    Mistake("snr is inverted: snr = ᾱ/(1 − ᾱ), large where the image is clear",
                            each { snr, gamma in min(1 / snr, gamma) * snr }),
                    Mistake("that uses γ = 5 whatever gamma is: use the parameter gamma", each(gamma: 5) { snr, gamma in min(snr, gamma) / snr }),
                ]
                let ok = Compare.close(got, shape: [5], truth, absolute: 1e-6, relative: 1e-4, "min-SNR weights at t = \(ts), γ = \(gamma)",
                                       mistakes: weightMistakes) { i in
                    Double(got.scalars[i]) > 1 + 1e-6 ? "the weight of ε-prediction never exceeds 1: min(snr, γ)/snr" : nil
                }
                if !ok { return }
            }
        }
    }
}
