// TrainLatent.swift — `kit-pretrain latent`: trains chapter 08's prompt-conditioned
// latent denoiser on SyntheticDigits encoded by the autoencoder, and writes its EMA
// weights (Pretrained/latent-digits.safetensors).
//
// Each step draws B digits with their drawn attributes, encodes them to scaled latents
// z·s [B, 4, 8, 8] (posterior mean, LatentCodec), writes each one's full prompt
// ("large bold right <pad> seven"), hides the held-out word combination
// (DigitPrompt.heldOutCombination: "bold" never appears together with "seven"), and
// drops words (p = 0.3 each) and whole prompts (p = 0.1) so that short prompts and
// classifier-free guidance work. Everything is drawn from the step's generator: the
// same seed gives the same weights.

import ArgumentParser
import DiffusionKit
import Foundation

struct TrainLatent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent", abstract: "Trains the prompt-conditioned latent denoiser of chapter 08 and saves its EMA weights.")

    @Option(help: "The autoencoder whose latents the model learns.") var autoencoder = "Pretrained/autoencoder-digits.safetensors"
    @Option(help: "Training steps.") var steps = 6000
    @Option(help: "Latents per step.") var batchSize = 128
    @Option(help: "Peak learning rate (AdamW, after warm-up).") var learningRate: Float = 1e-3
    @Option(help: "EMA decay.") var emaBeta: Float = 0.999
    @Option(help: "Steps of linear learning-rate warm-up.") var warmupSteps = TrainingConfiguration().warmupSteps
    @Flag(help: "Decay the learning rate (cosine) to 0 at the last step.") var decay = false
    @Option(help: "How training draws t: \(TimestepDensity.allCases.map(\.rawValue).joined(separator: " or ")).")
    var timestepDensity = "uniform"
    @Option(help: "Start from these weights (a Pretrained/ file or checkpoint of latent-digits).")
    var initFrom: String?
    @Option(help: "Probability of dropping each attribute word to <pad>.") var dropWord: Float = 0.3
    @Option(help: "Probability of dropping the whole prompt (the null prompt).") var dropPrompt: Float = 0.1
    @Option(help: "Seed of the run.") var seed: UInt64 = 8
    @Option(help: "Where the EMA weights go.") var out = "Pretrained/latent-digits.safetensors"
    @Option(help: "The full training checkpoint (for --resume).") var checkpoint = "out/pretrain/latent-digits-train.safetensors"
    @Flag(help: "Continue from --checkpoint.") var resume = false

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard emaBeta >= 0, emaBeta < 1 else { throw ValidationError("--ema-beta must be in [0, 1)") }
        for (name, p) in [("--drop-word", dropWord), ("--drop-prompt", dropPrompt)] where !(p.isFinite && p >= 0 && p <= 1) {
            throw ValidationError("\(name) must be a probability in [0, 1], got \(p)")
        }
        guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps must not be negative, got \(warmupSteps)") }
        if decay && warmupSteps >= steps {
            throw ValidationError("--decay needs more --steps than the \(warmupSteps) warm-up steps")
        }
        guard TimestepDensity(rawValue: timestepDensity) != nil else {
            throw ValidationError("--timestep-density must be \(TimestepDensity.allCases.map(\.rawValue).joined(separator: " or ")), got \(timestepDensity)")
        }
        if initFrom != nil && resume { throw ValidationError("--init-from and --resume exclude each other") }
    }

    func run() throws {
        let codec: LatentCodec
        do { codec = try LatentCodec.load(autoencoder) } catch { Notebook.exitWithError("\(error)", code: 66) }
        var config = TrainingConfiguration()
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.emaBeta = emaBeta
        config.seed = seed
        config.warmupSteps = warmupSteps
        config.timestepDensity = TimestepDensity(rawValue: timestepDensity)!
        var initRNG = SeededGenerator(seed: seed)
        let network = ModelPreset.latentDigits.make(using: &initRNG)
        if let initFrom {
            do {
                let loaded = try DiffusionCheckpoint.initialise(network, from: initFrom)
                Console.write("initialised from \(initFrom) (\(loaded) tensors)\n")
            } catch { Notebook.exitWithError("\(error)", code: 66) }
        }
        let trainer = DiffusionTrainer(model: network, schedule: NoiseSchedule(.linear, timesteps: 1000), configuration: config)
        var resumedAt: Int?
        if resume {
            do { try DiffusionCheckpoint.resume(trainer, from: checkpoint) } catch { Notebook.exitWithError("\(error)", code: 66) }
            resumedAt = trainer.step
            Console.write("resumed from \(checkpoint) at step \(trainer.step)\n")
        }
        Console.write("training latent-digits (\(network.module.parameterCount) parameters) on \(codec.latentShape) latents "
                      + "(scale factor \(codec.scaleFactor)) for \(steps) steps, batch \(batchSize), seed \(seed)\n")
        var options = TrainingLoopOptions()
        options.checkpointPath = checkpoint
        options.checkpointEvery = 500
        options.decayToBudget = decay                    // the loop fixes the decay at --steps
        options.csvPath = URL(fileURLWithPath: checkpoint).deletingPathExtension().path + "-loss.csv"
        options.metadata = ["dataset": "synthetic-digits", "autoencoder": autoencoder]
        options.showProgressBar()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: checkpoint).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let (wordP, promptP) = (dropWord, dropPrompt)
        let outcome = try trainer.run(budget: .steps(steps), options: options) { rng in
            let batch = SyntheticDigits.batchWithStyles(batchSize, using: &rng)          // [B, 1, 28, 28] and B styles
            let latents = codec.encode(batch.images)                                      // z·s [B, 4, 8, 8]
            let prompts = batch.styles.map { style in
                DigitPrompt(style: style).withoutHeldOutCombination()
                    .dropped(wordProbability: wordP, promptProbability: promptP, using: &rng).tokens
            }
            return (latents, .prompts(prompts))
        }
        if outcome == .interrupted {
            Console.write("interrupted at step \(trainer.step); continue with --resume\n")
            throw ExitCode(130)
        }
        var command = "kit-pretrain latent --steps \(steps) --seed \(seed) --batch-size \(batchSize)"
        if let resumedAt { command = "(continued from step \(resumedAt)) " + command + " --resume" }
        if learningRate != 1e-3 { command += " --learning-rate \(learningRate)" }
        if emaBeta != 0.999 { command += " --ema-beta \(emaBeta)" }
        if let initFrom { command += " --init-from \(initFrom)" }
        if warmupSteps != TrainingConfiguration().warmupSteps { command += " --warmup-steps \(warmupSteps)" }
        if decay { command += " --decay" }
        if timestepDensity != "uniform" { command += " --timestep-density \(timestepDensity)" }
        if dropWord != 0.3 { command += " --drop-word \(dropWord)" }
        if dropPrompt != 0.1 { command += " --drop-prompt \(dropPrompt)" }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: out, extra: [
            "dataset": "synthetic-digits", "command": command, "autoencoder": URL(fileURLWithPath: autoencoder).lastPathComponent,
            "scale_factor": "\(codec.scaleFactor)", "held_out_combination": DigitPrompt.heldOutCombination.description,
            "prompt_dropout": "word \(dropWord), prompt \(dropPrompt)"])
        Console.write("wrote the EMA weights to \(out) (final smoothed loss \(trainer.log.smoothedLoss ?? .nan))\n")
    }
}
