// OptimizerEMATests.swift — the EMA of weights: warm-up decays, closed forms, apply/restore.

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerEMATests {
    typealias Kit = OptimTestKit

    @Test func linearWarmUpDecays() {
        // min(β, (1 + n)/(10 + n)) with β = 0.9999.
        let ema = EMA(parameters: Kit.parameters())
        #expect(ema.decay(at: 0) == Float(1.0 / 10))
        #expect(ema.decay(at: 1) == Float(2.0 / 11))
        #expect(ema.decay(at: 10) == 0.55)
        #expect(ema.decay(at: 1000) == Float(1001.0 / 1010))         // 0.99109
        #expect(ema.decay(at: 89_990) == Float(89_991.0 / 90_000))   // just below β
        #expect(ema.decay(at: 1_000_000) == 0.9999)                  // capped at β
        #expect(EMAWarmup.none.decay(step: 0, beta: 0.999) == 0.999)
    }

    @Test func inverseGammaWarmUpDecays() {
        // 1 − (1 + n/γ)^(−p), clamped to [minDecay, β]; diffusers' defaults γ = 1, p = 2/3.
        let w = EMAWarmup.inverseGamma()
        #expect(w.decay(step: 0, beta: 0.9999) == 0)                    // 1 − 1 = 0
        #expect(w.decay(step: 7, beta: 0.9999) == 0.75)                 // 1 − 8^(−2/3) = 1 − 1/4
        #expect(abs(w.decay(step: 26, beta: 0.9999) - 8.0 / 9) < 1e-7)  // 1 − 27^(−2/3) = 1 − 1/9
        #expect(abs(w.decay(step: 999_999, beta: 0.9999) - 0.9999) < 1e-7)  // 1 − 10⁶^(−2/3) = 1 − 10⁻⁴
        #expect(w.decay(step: 10_000_000, beta: 0.9999) == 0.9999)      // capped at β
        // p = 3/4 reaches 0.999 at n = 10⁴ − 1 (diffusers' note); γ scales the step.
        let w34 = EMAWarmup.inverseGamma(invGamma: 1, power: 0.75)
        #expect(abs(w34.decay(step: 9_999, beta: 0.9999) - 0.999) < 1e-7)
        let slow = EMAWarmup.inverseGamma(invGamma: 2, power: 0.5)
        #expect(slow.decay(step: 6, beta: 0.9999) == 0.5)               // 1 − (1 + 3)^(−1/2)
        let floored = EMAWarmup.inverseGamma(minDecay: 0.3)
        #expect(floored.decay(step: 0, beta: 0.9999) == 0.3)
    }

    @Test func shadowAfterUpdatesMatchesClosedForm() {
        // With the weights held at w after the shadow started at s₀, the shadow after
        // updates at steps 0…n−1 is  s = w + (s₀ − w)·Π d_k,  and with the linear
        // warm-up Π_{k<n} (1 + k)/(10 + k) = n!·9!/(n + 9)! = 1/C(n + 9, 9):
        // 1/10 after one update, 1/2002 after five.
        let p = Tensor(shape: [3], scalars: [1.0, -2.0, 0.25], requiresGrad: true)
        let ema = EMA(parameters: [p], beta: 0.9999)
        let start = p.scalars.map(Double.init)
        let w: [Float] = [3.0, 0.5, -1.75]
        p.updateScalars { for j in 0..<3 { $0[j] = w[j] } }
        ema.update(step: 0)
        for j in 0..<3 {
            #expect(abs(Double(ema.shadow[0].scalars[j]) - (Double(w[j]) + (start[j] - Double(w[j])) / 10)) < 1e-6)
        }
        for step in 1..<5 { ema.update(step: step) }
        for j in 0..<3 {
            let expected = Double(w[j]) + (start[j] - Double(w[j])) / 2002
            #expect(abs(Double(ema.shadow[0].scalars[j]) - expected) < 1e-6)
        }
        #expect(ema.lastDecay == Float(5.0 / 14))
    }

    @Test func shadowTracksMovingWeightsLikeTheRecurrence() {
        // Weights that change every step: s ← d·s + (1 − d)·w, computed in Double.
        let p = Tensor(shape: [2], scalars: [0.5, -1.5], requiresGrad: true)
        let ema = EMA(parameters: [p], beta: 0.9, warmup: .linear)
        var shadow = p.scalars.map(Double.init)
        for step in 0..<30 {
            let w: [Float] = [0.5 + 0.1 * Float(step), -1.5 + 0.05 * Float(step * step % 7)]
            p.updateScalars { for j in 0..<2 { $0[j] = w[j] } }
            ema.update(step: step)
            let d = min(0.9, (1 + Double(step)) / (10 + Double(step)))
            for j in 0..<2 { shadow[j] = d * shadow[j] + (1 - d) * Double(w[j]) }
        }
        for j in 0..<2 { #expect(abs(Double(ema.shadow[0].scalars[j]) - shadow[j]) < 1e-5) }
    }

    @Test func applyAndRestoreSwapTheWeights() {
        let ps = Kit.parameters()
        let ema = EMA(parameters: ps, names: ["net.weight", "net.bias"], beta: 0.5, warmup: .none)
        // Move the live weights; the shadow goes halfway.
        for p in ps { p.updateScalars { for j in 0..<$0.count { $0[j] += 1 } } }
        ema.update(step: 0)
        let live = ps.map(\.scalars)
        let averaged = ema.shadow.map(\.scalars)
        for (a, s0) in zip(averaged, Kit.initial) {
            for (x, y) in zip(a, s0) { #expect(abs(x - (y + 0.5)) < 1e-6) }   // s₀ + ½·(s₀ + 1 − s₀)
        }

        ema.apply()
        #expect(ps.map(\.scalars) == averaged)
        ema.restore()
        #expect(ps.map(\.scalars) == live)

        let seen = ema.withAveragedParameters { ps.map(\.scalars) }
        #expect(seen == averaged)
        #expect(ps.map(\.scalars) == live)

        // copy(to:) writes into another model of the same shapes.
        let other = Kit.parameters()
        ema.copy(to: other)
        #expect(other.map(\.scalars) == averaged)
    }

    @Test func stateDictUsesTheParameterNames() throws {
        let ps = Kit.parameters()
        let ema = EMA(namedParameters: [("conv.weight", ps[0]), ("conv.bias", ps[1])], beta: 0.9)
        #expect(ema.stateDict.map(\.name) == ["conv.weight", "conv.bias"])
        #expect(ema.stateDict.map(\.tensor.shape) == [[2, 2], [3]])

        // Loading a checkpoint replaces the averages; a missing name throws and changes nothing.
        let saved = [("conv.weight", Tensor(shape: [2, 2], scalars: [9, 8, 7, 6])),
                     ("conv.bias", Tensor([-1, -2, -3]))].map { (name: $0.0, tensor: $0.1) }
        try ema.loadStateDict(saved)
        #expect(ema.shadow.map(\.scalars) == [[9, 8, 7, 6], [-1, -2, -3]])
        #expect(throws: OptimizerStateError.missing(name: "conv.bias")) {
            try ema.loadStateDict([(name: "conv.weight", tensor: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))])
        }
        #expect(ema.shadow[0].scalars == [9, 8, 7, 6])
    }

    @Test func frozenParametersAreCopied() {
        let trained = Tensor(shape: [1], scalars: [1], requiresGrad: true)
        let frozen = Tensor(shape: [1], scalars: [1], requiresGrad: false)
        let ema = EMA(parameters: [trained, frozen], beta: 0.9, warmup: .none)
        trained.updateScalars { $0[0] = 2 }
        frozen.updateScalars { $0[0] = 2 }
        ema.update(step: 0)
        #expect(abs(ema.shadow[0].scalars[0] - 1.1) < 1e-6)
        #expect(ema.shadow[1].scalars[0] == 2)
    }
}
