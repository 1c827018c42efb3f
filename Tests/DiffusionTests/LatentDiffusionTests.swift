// Latent diffusion: the codec pads, crops and scales exactly, its file round-trips and
// refuses other files; the latent sampler with clipping off is DDIM by hand (and with
// η > 0 the pixel DDIM sampler's stochastic run); the
// prompt-conditioned latent denoiser trains on prompts, saves and loads.

import Foundation
import Testing
@testable import Diffusion
import NeuralNets
import Tensors

@Suite("Latent diffusion")
struct LatentDiffusionTests {
    static func codec(scale: Float = 0.8) -> LatentCodec {
        var rng = SeededGenerator(seed: 21)
        return LatentCodec(autoencoder: Autoencoder(using: &rng), scaleFactor: scale)
    }

    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(UUID().uuidString)-\(name)").path
    }

    @Test("padding 28 → 32 uses the background −1 and cropping undoes it")
    func padAndCrop() {
        var rng = SeededGenerator(seed: 22)
        let x = Tensor.uniform([3, 1, 28, 28], low: -1, high: 1, using: &rng)
        let padded = LatentCodec.pad(x)
        #expect(padded.shape == [3, 1, 32, 32])
        #expect(padded.scalars[0] == -1 && padded.scalars[32 * 32 - 1] == -1)         // corners are background
        #expect(LatentCodec.crop(padded).scalars == x.scalars)
    }

    @Test("the scale factor is 1/std, and scaling round-trips through encode and decode")
    func scaleFactor() {
        // Values 1, 3, 1, 3: mean 2, std 1 → s = 1. Values 0, 4: std 2 → s = 0.5.
        #expect(LatentCodec.measureScaleFactor(Tensor(shape: [4], scalars: [1, 3, 1, 3])) == 1)
        #expect(LatentCodec.measureScaleFactor(Tensor(shape: [2], scalars: [0, 4])) == 0.5)
        let codec = Self.codec(scale: 0.8)
        var rng = SeededGenerator(seed: 23)
        let x = Tensor.uniform([2, 1, 28, 28], low: -1, high: 1, using: &rng)
        let means = codec.posteriorMeans(x)
        let encoded = codec.encode(x)
        for i in 0..<encoded.count { #expect(abs(encoded.scalars[i] - 0.8 * means.scalars[i]) <= 1e-6 * (1 + abs(means.scalars[i]))) }
        // decode divides by s: decode(z·s) is the decoder of z.
        let decoded = codec.decode(encoded)
        let direct = withNoGrad { LatentCodec.crop(codec.autoencoder.decode(means)) }
        #expect(decoded.shape == [2, 1, 28, 28])
        for i in 0..<decoded.count { #expect(abs(decoded.scalars[i] - direct.scalars[i]) < 1e-4) }
    }

    @Test("an autoencoder file keeps its weights and scale factor; other files are refused")
    func codecFiles() throws {
        let codec = Self.codec(scale: 0.6180339)
        let path = Self.temporaryFile("ae.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try codec.save(to: path)
        let loaded = try LatentCodec.load(path)
        #expect(loaded.scaleFactor == 0.6180339)
        #expect(loaded.autoencoder.stateDict.map(\.tensor.scalars) == codec.autoencoder.stateDict.map(\.tensor.scalars))
        // A diffusion checkpoint is not an autoencoder.
        var rng = SeededGenerator(seed: 24)
        let trainer = DiffusionTrainer(model: ModelPreset.toyMLP.make(using: &rng), schedule: NoiseSchedule(.linear, timesteps: 100))
        let other = Self.temporaryFile("toy.safetensors")
        defer { try? FileManager.default.removeItem(atPath: other) }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: other)
        #expect(throws: CheckpointError.self) { try LatentCodec.load(other) }
        do { _ = try LatentCodec.load(other) } catch {
            #expect("\(error)".contains("toy-mlp"), "\(error)")
        }
    }

    @Test("the latent sampler with clipping off is DDIM by hand, and clipping changes it")
    func samplerIsUnclippedDDIM() throws {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        // A tiny "model": ε̂ = 0.3·x − 0.1·(first token), so x̂₀ leaves [−1, 1] quickly.
        let model: PromptedDenoiser = { x, _, prompts in
            let shift = Tensor(shape: [x.shape[0], 1, 1, 1], scalars: prompts.map { Float($0[0]) })
            return 0.3 * x - 0.1 * shift
        }
        let sampler = LatentSampler(codec: Self.codec(), model: model, nullPrompt: [0, 0], schedule: schedule, objective: .epsilon)
        var rng = SeededGenerator(seed: 25)
        let zT = Tensor.randn([2, 4, 8, 8], using: &rng) * 1.5
        let prompts = [[3, 1], [5, 2]]
        let got = try sampler.sampleLatents(from: zT, prompts: prompts, guidance: try ClassifierFreeGuidance(scale: 1), steps: 4)
        // By hand: trailing timesteps of 4 steps, x_{t'} = √ᾱ'·x̂₀ + √(1 − ᾱ')·ε̂, nothing clipped.
        let ts = TimestepSpacing.trailing.timesteps(steps: 4, of: 1000)
        var x = zT.scalars
        for (i, t) in ts.enumerated() {
            let a = schedule.alphasCumprodDouble[t], aPrev = i + 1 < ts.count ? schedule.alphasCumprodDouble[ts[i + 1]] : 1
            for j in x.indices {
                let eps = 0.3 * Double(x[j]) - 0.1 * Double(prompts[j / 256][0])
                let x0 = (Double(x[j]) - (1 - a).squareRoot() * eps) / a.squareRoot()
                x[j] = Float(aPrev.squareRoot() * x0 + (1 - aPrev).squareRoot() * eps)
            }
        }
        #expect(x.contains { abs($0) > 1 })                                  // the result leaves [−1, 1]
        for j in x.indices { #expect(abs(got.scalars[j] - x[j]) <= 1e-4 * (1 + abs(x[j])), "index \(j)") }
        let clipped = try sampler.sampleLatents(from: zT, prompts: prompts, guidance: try ClassifierFreeGuidance(scale: 1), steps: 4,
                                                clipRange: -1...1)
        #expect(clipped.scalars.allSatisfy { abs($0) <= 1.0001 })
    }

    @Test("with η > 0 the latent sampler is the pixel DDIM sampler with the same η and noise; η = 0 draws nothing")
    func samplerWithEta() throws {
        let schedule = NoiseSchedule(.linear, timesteps: 1000)
        let model: PromptedDenoiser = { x, _, prompts in
            0.3 * x - 0.1 * Tensor(shape: [x.shape[0], 1, 1, 1], scalars: prompts.map { Float($0[0]) })
        }
        let sampler = LatentSampler(codec: Self.codec(), model: model, nullPrompt: [0, 0], schedule: schedule, objective: .epsilon)
        var rng = SeededGenerator(seed: 26)
        let zT = Tensor.randn([2, 4, 8, 8], using: &rng)
        let prompts = [[3, 1], [5, 2]]
        var a = SeededGenerator(seed: 27), b = SeededGenerator(seed: 27)
        let got = try sampler.sampleLatents(from: zT, prompts: prompts, guidance: try ClassifierFreeGuidance(scale: 1), steps: 5,
                                            eta: 1, using: &a)
        let ddim = try DDIMSampler(schedule: schedule, objective: .epsilon, eta: 1, clipRange: nil)
        let expected = try ddim.sample(from: zT, model: { x, t in model(x, t, prompts) }, steps: 5, using: &b)
        #expect(got.scalars == expected.scalars)
        let deterministic = try sampler.sampleLatents(from: zT, prompts: prompts, guidance: try ClassifierFreeGuidance(scale: 1), steps: 5)
        #expect(deterministic.scalars != got.scalars)                       // the fresh noise changed the result
        var c = SeededGenerator(seed: 27)
        let etaZero = try sampler.sampleLatents(from: zT, prompts: prompts, guidance: try ClassifierFreeGuidance(scale: 1), steps: 5,
                                                eta: 0, using: &c)
        #expect(etaZero.scalars == deterministic.scalars)
    }

    @Test("the latent denoiser trains on prompts, saves, loads, and is refused as another model")
    func promptedTraining() throws {
        var rng = SeededGenerator(seed: 26)
        let model = ModelPreset.latentDigits.make(using: &rng)
        #expect(model.promptedForward != nil && !ModelPreset.latentDigits.isImageModel)
        var config = TrainingConfiguration()
        config.batchSize = 4
        let trainer = DiffusionTrainer(model: model, schedule: NoiseSchedule(.linear, timesteps: 1000), configuration: config)
        let x0 = Tensor.randn([4, 4, 8, 8], using: &rng)
        let before = model.module.namedParameters.first { $0.name == "tokens.weight" }!.tensor.scalars
        var stepRNG = trainer.generator(forStep: 0)
        let prompts = [[0, 0, 0, 0, 10], [1, 3, 5, 7, 11], [0, 4, 0, 0, 19], ModelPreset.nullPrompt]
        let result = trainer.trainStep(x0, condition: .prompts(prompts), using: &stepRNG)
        #expect(result.loss.isFinite)
        let after = model.module.namedParameters.first { $0.name == "tokens.weight" }!.tensor.scalars
        #expect(before != after)                                             // the prompt embedding learned
        let path = Self.temporaryFile("latent.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: path)
        let loaded = try DiffusionCheckpoint.load(path, expecting: .latentDigits)
        let probe = Tensor.randn([2, 4, 8, 8], using: &rng)
        let expected = trainer.withEMAWeights { withNoGrad { model.promptedForward!(probe, [10, 900], [prompts[1], prompts[2]]) } }
        let got = withNoGrad { loaded.model.promptedForward!(probe, [10, 900], [prompts[1], prompts[2]]) }
        #expect(got.scalars == expected.scalars)
        #expect(throws: CheckpointError.self) { try DiffusionCheckpoint.load(path, expecting: .unetDigits) }
    }
}
