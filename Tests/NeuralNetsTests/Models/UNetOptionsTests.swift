// UNetOptionsTests.swift — the U-Net's options for small budgets: a U-Net on patches
// (`UNetConfig.patchSize`) and zero-initialised residual branches (`zeroResidualOutputs`).

import Testing
import NeuralNets
import Tensors

@Suite struct UNetOptionsTests {
    /// A U-Net with patch size 2 takes and returns full-size images, its first and last
    /// convolutions see Cin·4 channels, and its levels start at half the size: one
    /// output pixel depends on inputs through the patches (its gradient reaches the
    /// whole 2×2 patch of a pixel, not just the pixel).
    @Test func unetOnPatches() {
        var rng = SeededGenerator(seed: 25)
        let config = UNetConfig(baseChannels: 8, channelMultipliers: [1, 1], heads: 2, timeDimension: 16, groups: 4, patchSize: 2)
        let unet = UNet(config, using: &rng)
        #expect(unet.convIn.weight.shape == [8, 4, 3, 3])
        #expect(unet.convOut.weight.shape == [4, 8, 3, 3])
        let x = Tensor.randn([2, 1, 8, 8], using: &rng)
        let y = unet(x, [10, 500])
        #expect(y.shape == [2, 1, 8, 8])
        #expect(y.scalars.allSatisfy { $0.isFinite })
        // The same network on the patches by hand: conv_out's channels put back in place.
        let plain = UNet(UNetConfig(inChannels: 4, baseChannels: 8, channelMultipliers: [1, 1], heads: 2,
                                    timeDimension: 16, groups: 4), using: &rng)
        for ((_, mine), (_, theirs)) in zip(unet.namedParameters, plain.namedParameters) {
            let values = mine.scalars
            theirs.updateScalars { for i in values.indices { $0[i] = values[i] } }
        }
        let byHand = pixelShuffle(plain(pixelUnshuffle(x, factor: 2), [10, 500]), factor: 2)
        expectLayerValues(y, shape: [2, 1, 8, 8], byHand.scalars, tolerance: 0)
    }

    /// After `zeroResidualOutputs` the network predicts exactly 0 for any input, and each
    /// ResBlock is the identity on its input (or its 1×1 skip of it): the residual branch adds 0.
    @Test func zeroResidualOutputs() {
        var rng = SeededGenerator(seed: 26)
        let config = UNetConfig(baseChannels: 8, channelMultipliers: [1, 2], attentionLevels: [1], heads: 2,
                                timeDimension: 16, groups: 4)
        let unet = UNet(config, using: &rng)
        let x = Tensor.randn([2, 1, 8, 8], using: &rng)
        #expect(unet(x, [10, 500]).scalars.contains { $0 != 0 })       // not zero before
        unet.zeroResidualOutputs()
        let y = unet(x, [10, 500])
        #expect(y.shape == [2, 1, 8, 8] && y.scalars.allSatisfy { $0 == 0 })
        let h = Tensor.randn([2, 8, 8, 8], using: &rng), emb = unet.embed([10, 500])
        #expect(unet.down[0](h, emb).scalars == h.scalars)              // 8 → 8 channels: no skip conv
        #expect(unet.downAttention[0]!(h).scalars == h.scalars)
        // Still trainable: conv_out's weights get a gradient (the rest follows after one step).
        ((unet(x, [10, 500]) - x).squared().mean()).backward()
        #expect(unet.convOut.weight.grad?.scalars.contains { $0 != 0 } == true)
    }
}
