// BatchNorm2dTests.swift — BatchNorm2d: batch statistics in training, running
// statistics (with PyTorch's unbiased variance) updated by hand computation, the
// evaluation mode, finite-difference gradients in both modes, and buffer names.

import Testing
import NeuralNets
import Tensors

@Suite struct BatchNorm2dTests {
    /// Per-channel mean and biased variance over (N, H, W), in Double.
    static func channelStats(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let (n, c) = (x.shape[0], x.shape[1]), plane = x.shape[2] * x.shape[3]
        var means: [Double] = [], variances: [Double] = []
        for ch in 0..<c {
            var values: [Double] = []
            for i in 0..<n { for j in 0..<plane { values.append(Double(x.scalars[(i * c + ch) * plane + j])) } }
            let mean = values.reduce(0, +) / Double(values.count)
            means.append(mean)
            variances.append(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count))
        }
        return (means, variances)
    }

    @Test func trainingNormalisesEachChannelAndUpdatesRunningStats() {
        let bn = BatchNorm2d(3)
        let x1 = layerInput([2, 3, 4, 5], seed: 41)
        let y = bn(x1)
        let (ym, yv) = Self.channelStats(y)
        for ch in 0..<3 {
            #expect(abs(ym[ch]) < 1e-5)
            #expect(abs(yv[ch] - 1) < 1e-4)
        }
        // After one batch: running = 0.9·initial + 0.1·batch, with the variance unbiased (M = 40).
        let (m1, v1) = Self.channelStats(x1)
        expectLayerValues(bn.runningMean, shape: [3], m1.map { Float(0.1 * $0) }, tolerance: 1e-6)
        expectLayerValues(bn.runningVar, shape: [3], v1.map { Float(0.9 + 0.1 * $0 * 40 / 39) }, tolerance: 1e-6)
        #expect(bn.numBatchesTracked.scalars == [1])
        // A second batch (scaled and shifted so the stats differ).
        let x2 = Tensor(shape: x1.shape, scalars: layerInput([2, 3, 4, 5], seed: 42).scalars.map { 3 * $0 + 1 })
        _ = bn(x2)
        let (m2, v2) = Self.channelStats(x2)
        expectLayerValues(bn.runningMean, shape: [3], (0..<3).map { Float(0.9 * 0.1 * m1[$0] + 0.1 * m2[$0]) }, tolerance: 1e-6)
        let unbiased1 = v1.map { $0 * 40 / 39 }, unbiased2 = v2.map { $0 * 40 / 39 }
        let expectedVar: [Float] = (0..<3).map { ch in
            let afterFirst: Double = 0.9 * 1 + 0.1 * unbiased1[ch]
            return Float(0.9 * afterFirst + 0.1 * unbiased2[ch])
        }
        expectLayerValues(bn.runningVar, shape: [3], expectedVar, tolerance: 1e-6)
        #expect(bn.numBatchesTracked.scalars == [2])
    }

    @Test func evaluationUsesRunningStatsAndLeavesThemAlone() {
        let bn = BatchNorm2d(2, momentum: 0.2)
        bn.runningMean.updateScalars { $0[0] = 0.5; $0[1] = -1 }
        bn.runningVar.updateScalars { $0[0] = 4; $0[1] = 0.25 }
        bn.weight.updateScalars { $0[0] = 2; $0[1] = -1 }
        bn.bias.updateScalars { $0[0] = 0.1; $0[1] = 0.3 }
        bn.eval()
        #expect(!bn.training)
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [1.5, -0.5, 0, -1.5])
        // channel 0: 2·(x − 0.5)/√(4 + 1e-5) + 0.1;  channel 1: −(x + 1)/√(0.25 + 1e-5) + 0.3
        let e0 = 1 / (4 + 1e-5 as Double).squareRoot(), e1 = 1 / (0.25 + 1e-5 as Double).squareRoot()
        let expected: [Double] = [2 * 1 * e0 + 0.1, 2 * -1 * e0 + 0.1, -(1) * e1 + 0.3, -(-0.5) * e1 + 0.3]
        expectLayerValues(bn(x), shape: x.shape, expected.map { Float($0) }, tolerance: 1e-6)
        #expect(bn.runningMean.scalars == [0.5, -1])
        #expect(bn.numBatchesTracked.scalars == [0])
    }

    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(training: Bool) {
        let bn = BatchNorm2d(3)
        perturbLayerParameter(bn.weight, seed: 43)
        perturbLayerParameter(bn.bias, seed: 44)
        bn.runningMean.updateScalars { $0[0] = 0.2; $0[1] = -0.3; $0[2] = 0.1 }
        bn.runningVar.updateScalars { $0[0] = 1.5; $0[1] = 0.7; $0[2] = 2 }
        bn.train(training)
        let x = layerInput([2, 3, 3, 4], seed: 45)
        layerGradCheck([x] + bn.parameters) { bn(x) }
    }

    @Test func namesFollowPyTorch() {
        let bn = BatchNorm2d(4)
        #expect(layerParameterShapes(bn) == ["weight [4]", "bias [4]"])
        #expect(bn.namedBuffers.map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(bn.stateDict.map(\.name) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"])
        #expect(bn.runningMean.scalars == [0, 0, 0, 0] && bn.runningVar.scalars == [1, 1, 1, 1])
        #expect(!bn.runningMean.requiresGrad)
    }
}
