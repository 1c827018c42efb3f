// UpsampleTests.swift — nearest-neighbour upsampling: exact values and gradients.

import Testing
import NeuralNets
import Tensors

@Suite struct UpsampleTests {
    /// Each pixel becomes a 2×2 block: [[1, 2], [3, 4]] → rows [1 1 2 2], [1 1 2 2], [3 3 4 4], [3 3 4 4].
    @Test func valuesByHand() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        expectLayerValues(Upsample(scale: 2)(x), shape: [1, 1, 4, 4],
                          [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], tolerance: 0)
    }

    /// y[n, c, i, j] = x[n, c, i/s, j/s] for odd sizes and scale 3.
    @Test(arguments: [2, 3])
    func valuesMatchDefinition(scale: Int) {
        let x = layerInput([2, 3, 3, 5], seed: 9)
        let y = upsampleNearest(x, scale: scale)
        let (h, w) = (3, 5), (ho, wo) = (3 * scale, 5 * scale)
        var expected: [Float] = []
        for p in 0..<6 {
            for i in 0..<ho { for j in 0..<wo { expected.append(x.scalars[p * h * w + (i / scale) * w + j / scale]) } }
        }
        expectLayerValues(y, shape: [2, 3, ho, wo], expected, tolerance: 0)
    }

    @Test(arguments: [2, 3])
    func gradientsMatchFiniteDifferences(scale: Int) {
        let x = layerInput([2, 2, 3, 4], seed: 10)
        layerGradCheck([x]) { upsampleNearest(x, scale: scale) }
        layerGradCheck([x]) { Upsample(scale: scale)(x) }
    }

    @Test func scaleOneIsIdentityAndNoParameters() {
        let x = layerInput([1, 2, 3, 3], seed: 11)
        #expect(upsampleNearest(x, scale: 1) === x)
        #expect(Upsample().parameters.isEmpty)
        #expect(Upsample().scale == 2)
    }
}
