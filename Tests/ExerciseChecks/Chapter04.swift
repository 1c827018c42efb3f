// Chapter 04 checks: the training loss, the EMA, the v target and min-SNR weights.
//
// Run them with `swift test --filter ExerciseChecks.Chapter04`. Truths: the loss and
// its gradient for the linear model ε̂ = w·x_t, worked out element by element in
// Double here (d loss/dw = mean(2(w·x_t − ε)·x_t)); EMA values by hand; the v target
// checked through its defining identities (‖v‖ pieces and x0 = √ᾱ x_t − √(1−ᾱ) v);
// min-SNR weights from the closed form at chosen ᾱ.

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
            var sum = 0.0, grad = 0.0
            for i in 0..<(3 * per) {
                let a = abar[t[i / per]]
                let xt = a.squareRoot() * Double(x0.scalars[i]) + (1 - a).squareRoot() * Double(noise.scalars[i])
                let r = 0.7 * xt - Double(noise.scalars[i])
                sum += r * r
                grad += 2 * r * xt
            }
            let expected = sum / Double(3 * per)
            let ok = Compare.close([Double(loss.scalars[0])], [expected], relative: 1e-4, "the loss") { _ in
                let got = Double(loss.scalars[0])
                if abs(got - sum) < 1e-3 * sum { return "that is the sum; take the mean over every element" }
                if abs(got - expected.squareRoot()) < 1e-3 { return "that is the root of the mean; do not take the square root" }
                return nil
            }
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
                let ok = Compare.close(got, shape: [2, 3], expected, absolute: 1e-6, relative: 1e-5, "emaUpdate with decay \(decay)") { i in
                    let swapped = Double(1 - decay) * Double(shadow.scalars[i]) + Double(decay) * Double(parameter.scalars[i])
                    return abs(Double(got.scalars[i]) - swapped) < 1e-5 ? "decay multiplies the shadow, (1 − decay) the parameter" : nil
                }
                if !ok { return }
            }
            // Warm-up: (1 + n)/(10 + n) capped at β, by hand.
            let cases: [(Int, Float, Double)] = [(0, 0.999, 0.1), (10, 0.999, 0.55), (90, 0.999, 0.91), (1000, 0.999, 0.991089108910891),
                                                  (100_000, 0.999, 0.999), (5, 0.5, 0.4), (20, 0.5, 0.5)]
            for (n, beta, expected) in cases {
                let got = try Ch04.emaDecay(step: n, beta: beta)
                let ok = Compare.close([Double(got)], [expected], absolute: 1e-6, "emaDecay(step: \(n), beta: \(beta))") { _ in
                    Double(got) > Double(beta) + 1e-6 ? "cap the decay at beta" : nil
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
            let ok = Compare.close(v, shape: [2, 1, 3, 3], expected, absolute: 1e-5, relative: 1e-4, "the v target") { i in
                let a = schedule.alphasCumprodDouble[t[i / 9]]
                let swapped = a.squareRoot() * Double(x0.scalars[i]) - (1 - a).squareRoot() * Double(noise.scalars[i])
                return abs(Double(v.scalars[i]) - swapped) < 1e-4 ? "ε and x0 are swapped: v = √ᾱ·ε − √(1−ᾱ)·x0" : nil
            }
            guard ok else { return }
            // Min-SNR: at ᾱ with snr = ᾱ/(1−ᾱ): weight = min(snr, γ)/snr.
            let linear = NoiseSchedule(.linear, timesteps: 1000)
            let ts = [0, 50, 200, 500, 999]
            let got = try Ch04.minSNRWeights(t: ts, alphasCumprod: linear.alphasCumprod, gamma: 5)
            let truth = ts.map { s -> Double in
                let a = linear.alphasCumprodDouble[s], snr = a / (1 - a)
                return min(snr, 5) / snr
            }
            Compare.close(got, shape: [5], truth, absolute: 1e-6, relative: 1e-4, "min-SNR weights at t = \(ts)") { i in
                Double(got.scalars[i]) > 1 + 1e-6 ? "the weight of ε-prediction never exceeds 1: min(snr, γ)/snr" : nil
            }
        }
    }
}
