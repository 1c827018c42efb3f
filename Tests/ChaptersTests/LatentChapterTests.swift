// Chapter 08's command line: an unknown prompt word, two words for one slot, a guidance
// scale that is not finite, more steps than T, or files of another kind (a pixel model
// as the latent denoiser, a diffusion model as the autoencoder) end with one error line
// and status 64 — before any sampling. And the latent preset's prompt format agrees
// with the prompts of Datasets.

import Datasets
import Diffusion
import Foundation
import NeuralNets
import Tensors
import Testing

@Suite("Chapter 08 — options")
struct LatentChapterTests {
    @Test("bad --prompt, --scale, --steps, --samples, --checkpoint or --autoencoder print one line and exit with status 64")
    func badOptions() throws {
        let pretrained = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Pretrained")
        let pixelModel = pretrained.appendingPathComponent("unet-digits.safetensors").path
        let cases: [[String]] = [
            ["--prompt", "bolt seven"], ["--prompt", "thin bold two"], ["--scale", "nan"], ["--scale", "inf"],
            ["--steps", "1001"], ["--steps", "0"], ["--samples", "0"], ["--checkpoint", pixelModel], ["--autoencoder", pixelModel],
        ]
        for arguments in cases { try ChapterRunner.expectRefused("chapter08", arguments) }
    }

    @Test("a latent-digits file of another width (the 48-channel model of before 2026-12-06) is refused with status 64")
    func otherWidthRefused() throws {
        var config = ModelPreset.latentDigits.unetConfig!
        config.baseChannels = 48
        var rng = SeededGenerator(seed: 48)
        let net = PromptedUNet(config, vocabularySize: ModelPreset.promptVocabularySize,
                               promptLength: ModelPreset.promptLength, using: &rng)
        let model = DiffusionModel(preset: .latentDigits, module: net) { x, t in
            net(x, t.map(Float.init), prompts: [[Int]](repeating: ModelPreset.nullPrompt, count: t.count))
        }
        let trainer = DiffusionTrainer(model: model, schedule: NoiseSchedule(.linear, timesteps: 1000))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("narrow-latent-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: path)
        try ChapterRunner.expectRefused("chapter08", ["--checkpoint", path])
    }

    @Test("the latent denoiser's vocabulary and prompt length are DigitPrompt's")
    func promptFormat() {
        #expect(ModelPreset.promptVocabularySize == DigitPrompt.vocabulary.count)
        #expect(ModelPreset.promptLength == DigitPrompt.length)
        #expect(ModelPreset.nullPrompt == DigitPrompt.null.tokens)
    }
}
