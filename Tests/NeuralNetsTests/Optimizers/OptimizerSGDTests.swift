// OptimizerSGDTests.swift — SGD against update sequences computed from the published rule
// (PyTorch's convention); `OptimizerTorchReferenceTests` checks against torch itself.

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerSGDTests {
    typealias Kit = OptimTestKit

    /// Parameter values after steps 1–3, from the published rule in pure Python float64
    /// (the script is `referenceSGDScript` below). The test also compares 8 steps with
    /// `OptimTestKit.referenceSGD`, an independent Double implementation.
    static let momentumExpected: [[[Double]]] = [
        [[0.4395, -0.97875, 1.868, -0.52925], [1.4085, -0.3646, 0.2097]],
        [[0.3306605, -0.51789625, 1.623932, -0.17627075], [1.2420615, -0.3026854, 0.0607953]],
        [[0.18930824, 0.0209692713, 1.29145027, 0.189468071], [1.02165987, -0.226256765, -0.10347855]],
    ]
    static let nesterovExpected: [[[Double]]] = [
        [[0.446, -1.007, 1.883, -0.552], [1.419, -0.3685, 0.219]],
        [[0.37766, -0.72134, 1.729665, -0.33706], [1.315032, -0.3300525, 0.127425]],
        [[0.3018386, -0.4335308, 1.55182208, -0.1428418], [1.1975833, -0.289347412, 0.039894375]],
    ]
    /*  referenceSGDScript (python3, no torch):
        P = [[0.5, -1.25, 2.0, -0.75], [1.5, -0.4, 0.3]]
        C = [[1.0, 2.0, 0.5, 3.0], [0.8, 1.5, 2.5]]; D = [[0.1, -0.2, 0.3, 0.05], [-0.3, 0.25, 0.15]]
        def grads(ps): return [[c*p + d for p, c, d in zip(pp, cc, dd)] for pp, cc, dd in zip(ps, C, D)]
        def sgd(lr, mu, wd, nesterov, steps=3):
            ps = [list(p) for p in P]; bufs = None; out = []
            for t in range(steps):
                gs = [[g + wd*p for g, p in zip(gg, pp)] for gg, pp in zip(grads(ps), ps)]
                bufs = gs if bufs is None else [[mu*b + g for b, g in zip(bb, gg)] for bb, gg in zip(bufs, gs)]
                ds = [[g + mu*b for g, b in zip(gg, bb)] for gg, bb in zip(gs, bufs)] if nesterov else bufs
                ps = [[p - lr*d for p, d in zip(pp, dd)] for pp, dd in zip(ps, ds)]; out.append(ps)
            return out
        sgd(0.1, 0.9, 0.01, False); sgd(0.05, 0.8, 0.0, True)
    */

    @Test func plainStepIsGradientDescentWithL2() {
        // One step of p ← p − η(g + λp), written out: p = 0.5, g = 0.6, η = 0.1, λ = 0.01
        // gives 0.5 − 0.1·(0.6 + 0.005) = 0.4395.
        let p = Tensor(shape: [2], scalars: [0.5, -2.0], requiresGrad: true)
        let sgd = SGD(parameters: [p], learningRate: 0.1, weightDecay: 0.01)
        Kit.setGradient(p, [0.6, -0.3])
        sgd.step()
        #expect(abs(p.scalars[0] - 0.4395) < 1e-7)
        #expect(abs(p.scalars[1] - (-2.0 - 0.1 * (-0.3 - 0.02))) < 1e-7)   // −1.968
        #expect(sgd.stepCount == 1)
        #expect(sgd.stateDict.isEmpty)   // no momentum, no state
    }

    @Test func momentumMatchesFormulaSequence() {
        let ps = Kit.parameters()
        let sgd = SGD(parameters: ps, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        let run = Kit.trajectory(sgd, steps: 8)
        Kit.expectClose(Array(run.prefix(3)), Self.momentumExpected, "SGD momentum vs Python")
        Kit.expectClose(run, Kit.referenceSGD(lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: false, steps: 8),
                        absolute: 2e-6, "SGD momentum vs Double reference")
    }

    @Test func nesterovMatchesFormulaSequence() {
        let ps = Kit.parameters()
        let sgd = SGD(parameters: ps, learningRate: 0.05, momentum: 0.8, nesterov: true)
        let run = Kit.trajectory(sgd, steps: 8)
        Kit.expectClose(Array(run.prefix(3)), Self.nesterovExpected, "SGD Nesterov vs Python")
        Kit.expectClose(run, Kit.referenceSGD(lr: 0.05, momentum: 0.8, weightDecay: 0, nesterov: true, steps: 8),
                        absolute: 2e-6, "SGD Nesterov vs Double reference")
    }

    @Test func dampenedMomentumMatchesReference() {
        // The first step copies the gradient into the buffer undampened (PyTorch).
        let sgd = SGD(parameters: Kit.parameters(), learningRate: 0.1, momentum: 0.9, dampening: 0.5,
                      weightDecay: 0.02)
        Kit.expectClose(Kit.trajectory(sgd, steps: 6),
                        Kit.referenceSGD(lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.02,
                                         nesterov: false, steps: 6),
                        absolute: 2e-6, "SGD dampening vs Double reference")
    }

    @Test func parameterWithoutGradientIsSkipped() {
        let ps = Kit.parameters()
        let sgd = SGD(parameters: ps, learningRate: 0.1, momentum: 0.9)
        Kit.setGradient(ps[0], [0.25, -0.5, 0.75, 1.0])
        ps[1].zeroGrad()
        sgd.step()
        #expect(ps[1].scalars == Kit.initial[1])
        #expect(sgd.stateDict.map(\.name) == ["state.0.momentum_buffer"])
        // Its first step with a gradient then starts its buffer at g (not μ·0 + g·(1 − τ) from an older step).
        Kit.setGradient(ps[1], [0.5, 0.25, -0.125])
        ps[0].zeroGrad()
        sgd.step()
        #expect(ps[1].scalars == [1.5 - 0.05, -0.4 - 0.025, 0.3 + 0.0125])
    }

    @Test func stateDictRoundTripContinuesIdentically() throws {
        let a = SGD(parameters: Kit.parameters(), learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        _ = Kit.trajectory(a, steps: 2)
        let copies = a.parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars, requiresGrad: true) }
        let b = SGD(parameters: copies, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
        try b.loadStateDict(a.stateDict)
        #expect(Kit.trajectory(a, steps: 2) == Kit.trajectory(b, steps: 2))
    }

    @Test func loadingAWrongShapeThrowsAndNamesTheEntry() {
        let sgd = SGD(parameters: Kit.parameters(), learningRate: 0.1, momentum: 0.9)
        let bad = [(name: "state.1.momentum_buffer", tensor: Tensor([1, 2]))]
        #expect(throws: OptimizerStateError.shapeMismatch(name: "state.1.momentum_buffer", expected: [3], found: [2])) {
            try sgd.loadStateDict(bad)
        }
    }
}
