// OptimizerAdamTests.swift — Adam and AdamW against update sequences computed from the
// published rules; `OptimizerTorchReferenceTests` checks against torch itself.

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerAdamTests {
    typealias Kit = OptimTestKit

    /// Parameter values after steps 1–3 from the published rules in pure Python float64:
    ///   m ← β1m + (1−β1)g, v ← β2v + (1−β2)g², p ← p − η·(m/(1−β1ᵗ))/(√(v/(1−β2ᵗ)) + ε)
    /// with g ← g + λp (Adam) or p ← p(1 − ηλ) first (AdamW); β = (0.9, 0.999), ε = 1e-8.
    /// (The same script as in `OptimizerSGDTests`, with
    ///   def adam(lr, b1, b2, eps, wd, decoupled, steps=3):
    ///       ps = [list(p) for p in P]; m = [[0.0]*len(p) for p in P]; v = [[0.0]*len(p) for p in P]; out = []
    ///       for t in range(1, steps+1):
    ///           gs = grads(ps)
    ///           if decoupled: ps = [[p*(1 - lr*wd) for p in pp] for pp in ps]
    ///           else: gs = [[g + wd*p for g, p in zip(gg, pp)] for gg, pp in zip(gs, ps)]
    ///           m = [[b1*a + (1-b1)*g for a, g in zip(aa, gg)] for aa, gg in zip(m, gs)]
    ///           v = [[b2*a + (1-b2)*g*g for a, g in zip(aa, gg)] for aa, gg in zip(v, gs)]
    ///           ps = [[p - lr*(a/(1-b1**t)) / (math.sqrt(s/(1-b2**t)) + eps) for p, a, s in zip(pp, aa, ss)]
    ///                 for pp, aa, ss in zip(ps, m, v)]; out.append(ps)
    ///       return out
    ///   adam(0.1, 0.9, 0.999, 1e-8, 0.05, False); adam(0.1, 0.9, 0.999, 1e-8, 0.1, True))
    static let adamExpected: [[[Double]]] = [
        [[0.400000002, -1.15, 1.9, -0.65], [1.4, -0.300000003, 0.200000001]],
        [[0.300893965, -1.0502749, 1.8001245, -0.55064673], [1.30034106, -0.204671688, 0.102118894]],
        [[0.20358991, -0.951042453, 1.70046376, -0.452544477], [1.20130272, -0.121952828, 0.00916775416]],
    ]
    static let adamWExpected: [[[Double]]] = [
        [[0.395000002, -1.1375, 1.88, -0.6425], [1.385, -0.296000003, 0.197000001]],
        [[0.29200428, -1.02644584, 1.761351, -0.5367974], [1.27157516, -0.19835259, 0.0972536119]],
        [[0.191956579, -0.917077328, 1.64414833, -0.433551633], [1.1600641, -0.11614627, 0.00365827185]],
    ]

    @Test func adamMatchesFormulaSequence() {
        let adam = Adam(parameters: Kit.parameters(), learningRate: 0.1, weightDecay: 0.05)
        let run = Kit.trajectory(adam, steps: 10)
        Kit.expectClose(Array(run.prefix(3)), Self.adamExpected, "Adam vs Python")
        // Float32 rounding of the moments grows slowly with the steps: 1e-5 after 10 steps is generous.
        Kit.expectClose(run, Kit.referenceAdam(lr: 0.1, weightDecay: 0.05, decoupled: false, steps: 10),
                        absolute: 1e-5, "Adam vs Double reference")
        #expect(adam.stepCount == 10)
    }

    @Test func adamWMatchesFormulaSequence() {
        let adamW = AdamW(parameters: Kit.parameters(), learningRate: 0.1, weightDecay: 0.1)
        let run = Kit.trajectory(adamW, steps: 10)
        Kit.expectClose(Array(run.prefix(3)), Self.adamWExpected, "AdamW vs Python")
        Kit.expectClose(run, Kit.referenceAdam(lr: 0.1, weightDecay: 0.1, decoupled: true, steps: 10),
                        absolute: 1e-5, "AdamW vs Double reference")
    }

    @Test func otherBetasAndEpsMatchReference() {
        // A large ε and unusual betas, so that ε's placement (added to √v̂, not √v) shows.
        let adam = Adam(parameters: Kit.parameters(), learningRate: 0.05, betas: (0.8, 0.99), eps: 0.1)
        Kit.expectClose(Kit.trajectory(adam, steps: 6),
                        Kit.referenceAdam(lr: 0.05, betas: (0.8, 0.99), eps: 0.1, weightDecay: 0,
                                          decoupled: false, steps: 6),
                        absolute: 2e-6, "Adam betas (0.8, 0.99), eps 0.1 vs Double reference")
    }

    @Test func firstStepMovesEachWeightByTheLearningRate() {
        // At t = 1, m̂ = g and v̂ = g², so p moves by η·g/(|g| + ε) ≈ η·sign(g), whatever |g| is.
        let p = Tensor(shape: [3], scalars: [1.0, -2.0, 0.5], requiresGrad: true)
        let adam = Adam(parameters: [p], learningRate: 0.01)
        Kit.setGradient(p, [1000, -0.001, 3])
        adam.step()
        #expect(abs(p.scalars[0] - 0.99) < 1e-6)
        #expect(abs(p.scalars[1] - (-1.99)) < 1e-6)
        #expect(abs(p.scalars[2] - 0.49) < 1e-6)
    }

    @Test func weightDecayIsCoupledInAdamAndDecoupledInAdamW() {
        // The same weights, gradient and λ = 0.5 (η = 0.1). Adam adds λp to the gradient,
        // which the normalisation by √v̂ then hides at t = 1: both weights move by exactly η.
        // AdamW first shrinks the weights by 1 − ηλ = 0.95, then takes the same Adam step
        // on the bare gradient, so large weights decay more.
        let start: [Float] = [4.0, -3.0]
        let grad: [Float] = [0.25, -0.125]
        let pa = Tensor(shape: [2], scalars: start, requiresGrad: true)
        let pw = Tensor(shape: [2], scalars: start, requiresGrad: true)
        let adam = Adam(parameters: [pa], learningRate: 0.1, weightDecay: 0.5)
        let adamW = AdamW(parameters: [pw], learningRate: 0.1, weightDecay: 0.5)
        Kit.setGradient(pa, grad)
        Kit.setGradient(pw, grad)
        adam.step()
        adamW.step()
        // Adam: g' = g + λp = [2.25, −1.625] ⇒ p − η·sign(g') = [3.9, −2.9].
        #expect(abs(pa.scalars[0] - 3.9) < 1e-6 && abs(pa.scalars[1] - (-2.9)) < 1e-6)
        // AdamW: p·0.95 − η·sign(g) = [3.8 − 0.1, −2.85 + 0.1] = [3.7, −2.75].
        #expect(abs(pw.scalars[0] - 3.7) < 1e-6 && abs(pw.scalars[1] - (-2.75)) < 1e-6)

        // Without weight decay the two are the same algorithm, bit for bit.
        let a = Adam(parameters: Kit.parameters(), learningRate: 0.1)
        let w = AdamW(parameters: Kit.parameters(), learningRate: 0.1, weightDecay: 0)
        #expect(Kit.trajectory(a, steps: 5) == Kit.trajectory(w, steps: 5))
    }

    @Test func adamMinimisesAQuadratic() {
        // f(p) = Σ c·(p − target)², a badly scaled bowl (c from 0.1 to 50). Adam with a
        // cosine schedule reaches the minimum to 1e-3 in 400 steps from a start ~3 away.
        let target: [Float] = [1.5, -2.0, 0.25, 3.0, -0.75]
        let c: [Float] = [0.1, 1.0, 50.0, 5.0, 0.5]
        let p = Tensor(shape: [5], scalars: [-1.0, 1.0, 2.5, 0.5, 1.25], requiresGrad: true)
        let adam = Adam(parameters: [p], learningRate: 0.1)
        let schedule = LearningRateSchedule.warmupCosine(base: 0.1, warmupSteps: 10, totalSteps: 400, minimum: 1e-4)
        func loss() -> Float { zip(zip(p.scalars, target), c).reduce(0) { $0 + $1.1 * ($1.0.0 - $1.0.1) * ($1.0.0 - $1.0.1) } }
        let initialLoss = loss()
        for step in 0..<400 {
            let diff = p - Tensor(target)
            let l = (diff * diff * Tensor(c)).sum()
            adam.zeroGrad()
            l.backward()
            adam.learningRate = schedule(step)
            adam.step()
        }
        for j in 0..<5 {
            #expect(abs(p.scalars[j] - target[j]) < 1e-3, "p[\(j)] = \(p.scalars[j]), minimum at \(target[j])")
        }
        #expect(loss() < 1e-5 * initialLoss)
    }

    @Test func parameterWithoutGradientKeepsItsOwnStepCount() {
        // PyTorch counts steps per parameter: p1 skips step 1, so its first update (at the
        // optimizer's step 2) uses the bias correction of t = 1 and moves by ≈ η·sign(g).
        let ps = Kit.parameters()
        let adam = Adam(parameters: ps, learningRate: 0.1)
        Kit.setGradient(ps[0], [0.25, -0.5, 0.75, 1.0])
        adam.step()
        #expect(ps[1].scalars == Kit.initial[1])
        #expect(adam.stateDict.map(\.name) == ["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"])
        Kit.setGradient(ps[1], [0.5, -0.25, 0.125])
        adam.step()
        for (j, expected) in [1.4, -0.3, 0.2].enumerated() {
            #expect(abs(Double(ps[1].scalars[j]) - expected) < 1e-6)
        }
        let steps = adam.stateDict.filter { $0.name.hasSuffix(".step") }.map { ($0.name, $0.tensor.item) }
        #expect(steps.map(\.0) == ["state.0.step", "state.1.step"])
        #expect(steps.map(\.1) == [2, 1])
        #expect(adam.stepCount == 2)
    }

    @Test func stateDictRoundTripContinuesIdentically() throws {
        for decoupled in [false, true] {
            func make(_ ps: [Tensor]) -> any Optimizer {
                decoupled ? AdamW(parameters: ps, learningRate: 0.05, weightDecay: 0.1)
                          : Adam(parameters: ps, learningRate: 0.05, weightDecay: 0.1)
            }
            let a = make(Kit.parameters())
            _ = Kit.trajectory(a, steps: 3)
            let b = make(a.parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGrad: true) })
            try b.loadStateDict(a.stateDict)
            #expect(Kit.trajectory(a, steps: 3) == Kit.trajectory(b, steps: 3), "decoupled: \(decoupled)")
        }
    }

    @Test func loadingAnIncompleteStateThrows() {
        let adam = Adam(parameters: Kit.parameters())
        let partial = [(name: "state.0.step", tensor: Tensor(Float(3)))]
        #expect(throws: OptimizerStateError.missing(name: "state.0.exp_avg")) { try adam.loadStateDict(partial) }
        let fractional = [(name: "state.1.step", tensor: Tensor(Float(2.5)))]
        #expect(throws: OptimizerStateError.invalidValue(name: "state.1.step", value: 2.5)) {
            try adam.loadStateDict(fractional)
        }
        #expect(adam.stateDict.isEmpty)   // unchanged
    }
}
