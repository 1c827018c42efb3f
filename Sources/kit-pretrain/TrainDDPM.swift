// TrainDDPM.swift — `kit-pretrain ddpm`: trains a digit denoiser on SyntheticDigits
// and writes its EMA weights (the Pretrained/unet-digits.safetensors format).

import ArgumentParser
import DiffusionKit
import Foundation

struct TrainDDPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddpm", abstract: "Trains a digit denoiser (ε-prediction, linear schedule) and saves its EMA weights.")

    @Option(help: "Architecture: \(ModelPreset.allCases.filter(\.isImageModel).map(\.rawValue).joined(separator: ", ")).")
    var model = "unet-digits"
    @Option(help: "Training steps.") var steps = 8000
    @Option(help: "Images per step.") var batchSize = 64
    @Option(help: "Peak learning rate (AdamW, after warm-up).") var learningRate: Float = 1e-3
    @Option(help: "EMA decay.") var emaBeta: Float = 0.999
    @Option(help: "Seed of the run.") var seed: UInt64 = 1
    @Option(help: "Where the EMA weights go.") var out = "Pretrained/unet-digits.safetensors"
    @Option(help: "The full training checkpoint (for --resume).") var checkpoint = "out/pretrain/unet-digits-train.safetensors"
    @Flag(help: "Continue from --checkpoint.") var resume = false

    func validate() throws {
        guard let preset = ModelPreset(rawValue: model), preset.isImageModel else {
            throw ValidationError("unknown --model \(model); choose one of \(ModelPreset.allCases.filter(\.isImageModel).map(\.rawValue).joined(separator: ", "))")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard emaBeta >= 0, emaBeta < 1 else { throw ValidationError("--ema-beta must be in [0, 1)") }
    }

    func run() throws {
        var config = TrainingConfiguration()
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.emaBeta = emaBeta
        config.seed = seed
        var initRNG = SeededGenerator(seed: seed)
        let trainer = DiffusionTrainer(model: ModelPreset(rawValue: model)!.make(using: &initRNG),
                                       schedule: NoiseSchedule(.linear, timesteps: 1000), configuration: config)
        if resume {
            do { try DiffusionCheckpoint.resume(trainer, from: checkpoint) } catch {
                Notebook.exitWithError("\(error)", code: 66)
            }
            print("resumed from \(checkpoint) at step \(trainer.step)")
        }
        print("training \(model) (\(trainer.model.module.parameterCount) parameters) for \(steps) steps, batch \(batchSize), seed \(seed)")
        var options = TrainingLoopOptions()
        options.checkpointPath = checkpoint
        options.checkpointEvery = 250
        options.csvPath = URL(fileURLWithPath: checkpoint).deletingPathExtension().path + "-loss.csv"
        options.metadata = ["dataset": "synthetic-digits"]
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: checkpoint).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let outcome = try trainer.run(budget: .steps(steps), options: options) { rng in
            SyntheticDigits.batch(batchSize, using: &rng).images                      // [B, 1, 28, 28]
        }
        if outcome == .interrupted {
            print("interrupted at step \(trainer.step); continue with --resume")
            throw ExitCode(130)
        }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: out, extra: [
            "dataset": "synthetic-digits", "command": "kit-pretrain ddpm --model \(model) --steps \(steps) --seed \(seed)"])
        print("wrote the EMA weights to \(out) (final smoothed loss \(trainer.log.smoothedLoss ?? .nan))")
    }
}
