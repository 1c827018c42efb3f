// AutoencoderTests.swift — the KL-regularised autoencoder, the prompted U-Net and the
// multiply–accumulate counter.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import NeuralNets
import Tensors

@Suite struct AutoencoderTests {
    @Test func shapesFollowTheDownsamplingFactor() {
        var rng = SeededGenerator(seed: 1)
        let autoencoder = Autoencoder(using: &rng)
        let x = layerInput([2, 1, 32, 32], seed: 2, requiresGrad: false)
        let posterior = autoencoder.encode(x)
        #expect(posterior.mean.shape == [2, 4, 8, 8] && posterior.logVariance.shape == [2, 4, 8, 8])
        #expect(autoencoder.decode(posterior.mean).shape == [2, 1, 32, 32])
    }

    @Test func klDivergenceOfAHandWorkedGaussian() {
        // μ = (1, 0.5), log σ² = (0, log 4): ½(1 + 1 − 1 − 0) = 0.5 and
        // ½(0.25 + 4 − 1 − log 4) = ½(3.25 − 1.3862944) = 0.9318528; the sum is 1.4318528.
        let g = DiagonalGaussian(mean: Tensor(shape: [1, 2], scalars: [1, 0.5]),
                                 logVariance: Tensor(shape: [1, 2], scalars: [0, Float(log(4.0))]))
        #expect(abs(g.klDivergence().scalars[0] - 1.4318528) < 1e-6)
        // The prior itself has KL 0.
        let prior = DiagonalGaussian(mean: .zeros([3, 5]), logVariance: .zeros([3, 5]))
        #expect(prior.klDivergence().scalars == [0, 0, 0])
    }

    @Test func reparameterisedSampleAndItsGradients() {
        let mean = layerInput([2, 3], seed: 3), logVariance = layerInput([2, 3], seed: 4)
        let noise = layerInput([2, 3], seed: 5, requiresGrad: false)
        let z = DiagonalGaussian(mean: mean, logVariance: logVariance).sample(noise: noise)
        for i in 0..<6 {   // z = μ + exp(½ log σ²) ε
            let expected = mean.scalars[i] + exp(0.5 * logVariance.scalars[i]) * noise.scalars[i]
            #expect(abs(z.scalars[i] - expected) < 1e-5)
        }
        layerGradCheck([mean, logVariance]) {
            let g = DiagonalGaussian(mean: mean, logVariance: logVariance)
            return concat([g.sample(noise: noise), g.klDivergence().reshaped([2, 1])], axis: 1)
        }
    }

    @Test func logVarianceIsClampedAsInLatentDiffusion() {
        let g = DiagonalGaussian(mean: .zeros([1, 2]), logVariance: Tensor(shape: [1, 2], scalars: [-100, 100]))
        #expect(g.logVariance.scalars == [-30, 20])
    }
}

@Suite struct PromptedUNetTests {
    static let config = UNetConfig(inChannels: 4, baseChannels: 16, channelMultipliers: [1, 2], heads: 2, timeDimension: 16,
                                   contextDimension: 8, crossAttentionLevels: [1])

    @Test func crossAttentionSitsWhereTheConfigSays() {
        var rng = SeededGenerator(seed: 6)
        let unet = UNet(Self.config, using: &rng)
        #expect(unet.crossAttentionBlocks.map(\.name) == ["down1_xattn", "mid_xattn", "up1_xattn"])
        var plain = SeededGenerator(seed: 6)
        #expect(UNet(UNetConfig(), using: &plain).crossAttentionBlocks.isEmpty)
    }

    @Test func thePromptChangesThePrediction() {
        var rng = SeededGenerator(seed: 7)
        let model = PromptedUNet(Self.config, vocabularySize: 20, promptLength: 5, using: &rng)
        let x = layerInput([2, 4, 8, 8], seed: 8, requiresGrad: false)
        let a = model(x, [100, 700], prompts: [[0, 0, 0, 0, 12], [1, 3, 5, 7, 19]])
        let b = model(x, [100, 700], prompts: [[0, 0, 0, 0, 13], [1, 3, 5, 7, 19]])
        #expect(a.shape == [2, 4, 8, 8])
        #expect(a.slice(axis: 0, 0..<1).scalars != b.slice(axis: 0, 0..<1).scalars)     // another digit word
        #expect(a.slice(axis: 0, 1..<2).scalars == b.slice(axis: 0, 1..<2).scalars)     // the same prompt
        #expect(model.context([[0, 0, 0, 0, 12]]).shape == [1, 5, 8])
    }
}

@Suite struct MultiplyAccumulatesTests {
    @Test func convolutionLinearAndAttentionCounts() {
        var rng = SeededGenerator(seed: 9)
        let conv = Conv2d(3, 5, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        let x = layerInput([2, 3, 8, 8], seed: 10, requiresGrad: false)
        // 2 items × 5 channels × 4 × 4 outputs, each 3 · 3² = 27 MACs: 4,320.
        #expect(MultiplyAccumulates.count { _ = conv(x) } == 4320)
        let linear = Linear(7, 4, using: &rng)
        #expect(MultiplyAccumulates.count { _ = linear(layerInput([3, 7], seed: 11, requiresGrad: false)) } == 3 * 4 * 7)
        let (attention, features, context) = CrossAttentionTests.make(seed: 12)
        // q: 2·6·6·6, out: the same, k and v: 2 · (2·4·6·5), core: 2 · 2·6·4·6.
        let expected = 2 * (2 * 6 * 6 * 6) + 2 * (2 * 4 * 6 * 5) + 2 * 2 * 6 * 4 * 6
        #expect(MultiplyAccumulates.count { _ = attention(features, context: context) } == expected)
        #expect(MultiplyAccumulates.count { } == 0)
    }
}
