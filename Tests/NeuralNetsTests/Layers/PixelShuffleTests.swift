// PixelShuffleTests.swift — patches as channels and back: values by hand and by the
// definition, the round trip and gradients.

import Testing
import NeuralNets
import Tensors

@Suite struct PixelShuffleTests {
    /// A 4×4 image, factor 2: channel u·2 + v holds the pixels at (2i + u, 2j + v).
    ///     1  2  3  4
    ///     5  6  7  8       channel 0 (u 0, v 0): 1 3 / 9 11    channel 1 (0, 1): 2 4 / 10 12
    ///     9 10 11 12       channel 2 (1, 0): 5 7 / 13 15       channel 3 (1, 1): 6 8 / 14 16
    ///    13 14 15 16
    @Test func valuesByHand() {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map(Float.init))
        expectLayerValues(pixelUnshuffle(x, factor: 2), shape: [1, 4, 2, 2],
                          [1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16], tolerance: 0)
    }

    /// y[n, c·p² + u·p + v, i, j] = x[n, c, p·i + u, p·j + v] for two channels, p = 2 and 3,
    /// and pixelShuffle undoes it exactly.
    @Test(arguments: [2, 3])
    func valuesMatchDefinitionAndRoundTrip(factor p: Int) {
        let (n, c, h, w) = (2, 2, 2, 3)                               // output size H × W
        let x = layerInput([n, c, p * h, p * w], seed: 21)
        let y = pixelUnshuffle(x, factor: p)
        var expected: [Float] = []
        for b in 0..<n {
            for ch in 0..<c { for u in 0..<p { for v in 0..<p {
                for i in 0..<h { for j in 0..<w {
                    expected.append(x.scalars[((b * c + ch) * p * h + p * i + u) * p * w + p * j + v])
                } }
            } } }
        }
        expectLayerValues(y, shape: [n, c * p * p, h, w], expected, tolerance: 0)
        expectLayerValues(pixelShuffle(y, factor: p), shape: x.shape, x.scalars, tolerance: 0)
    }

    @Test(arguments: [2, 3])
    func gradientsMatchFiniteDifferences(factor p: Int) {
        let x = layerInput([2, 2, 2 * p, 3 * p], seed: 22)
        layerGradCheck([x]) { pixelUnshuffle(x, factor: p) }
        let z = layerInput([2, 2 * p * p, 2, 3], seed: 23)
        layerGradCheck([z]) { pixelShuffle(z, factor: p) }
    }

    @Test func factorOneIsIdentity() {
        let x = layerInput([1, 2, 3, 3], seed: 24)
        #expect(pixelUnshuffle(x, factor: 1) === x)
        #expect(pixelShuffle(x, factor: 1) === x)
    }
}
