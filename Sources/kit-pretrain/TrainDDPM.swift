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
    @Option(help: "Train a class-conditional model with this many classes (10 for digits; the null label is index N).")
    var classes: Int?
    @Option(name: .customLong("drop-label"), help: "Probability of replacing a label by the null label (with --classes).")
    var dropLabel: Float = 0.1
    @Option(help: "Start from these weights (a Pretrained/ file or checkpoint of the same architecture); a conditional model's label embedding starts from its own initial values.")
    var initFrom: String?
    @Option(help: "Steps of linear learning-rate warm-up.") var warmupSteps = 200
    @Flag(help: "Decay the learning rate (cosine) to 0 at the last step.") var decay = false
    @Flag(help: "Start every residual branch's last layer and conv_out at zero (U-Nets; Dhariwal & Nichol).") var zeroInit = false
    @Option(help: "What the network predicts: eps, x0 or v.") var objective = "eps"
    @Flag(help: "Weight the loss with min-SNR-γ (γ = 5).") var minSNR = false
    @Option(help: "Noise schedule: linear, cosine or sigmoid.") var schedule = "linear"
    @Option(help: "How training draws t: \(TimestepDensity.allCases.map(\.rawValue).joined(separator: " or ")).")
    var timestepDensity = "uniform"
    @Option(help: "The logit-normal density's location m (n ~ N(m, s²), t = ⌊T·sigmoid(n)⌋; > 0 favours noisier t).")
    var logitNormalLocation: Double = 0
    @Option(help: "The logit-normal density's scale s (< 1 narrows it around its mode).")
    var logitNormalScale: Double = 1
    @Option(help: "Where the EMA weights go.") var out = "Pretrained/unet-digits.safetensors"
    @Option(help: "The full training checkpoint, for --resume (default out/pretrain/<model>-train.safetensors).") var checkpoint: String?
    @Flag(help: "Continue from --checkpoint.") var resume = false

    func validate() throws {
        guard let preset = ModelPreset(rawValue: model), preset.isImageModel else {
            throw ValidationError("unknown --model \(model); choose one of \(ModelPreset.allCases.filter(\.isImageModel).map(\.rawValue).joined(separator: ", "))")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        guard emaBeta >= 0, emaBeta < 1 else { throw ValidationError("--ema-beta must be in [0, 1)") }
        if let classes, classes != SyntheticDigits.classCount {
            throw ValidationError("--classes must be \(SyntheticDigits.classCount) for digits, got \(classes)")
        }
        guard dropLabel.isFinite, dropLabel >= 0, dropLabel <= 1 else {
            throw ValidationError("--drop-label must be a probability in [0, 1], got \(dropLabel)")
        }
        if classes != nil, ModelPreset(rawValue: model)?.canBeConditional == false {
            throw ValidationError("--model \(model) cannot be class-conditional")
        }
        guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps must not be negative") }
        guard Objective(rawValue: objective) != nil else { throw ValidationError("--objective must be eps, x0 or v, got \(objective)") }
        guard ScheduleKind(rawValue: schedule) != nil else { throw ValidationError("--schedule must be linear, cosine or sigmoid, got \(schedule)") }
        guard logitNormalLocation.isFinite, logitNormalScale.isFinite, logitNormalScale > 0 else {
            throw ValidationError("--logit-normal-location must be finite and --logit-normal-scale positive")
        }
        if (logitNormalLocation != 0 || logitNormalScale != 1) && timestepDensity != TimestepDensity.logitNormal.rawValue {
            throw ValidationError("--logit-normal-location and --logit-normal-scale need --timestep-density logit-normal")
        }
        guard TimestepDensity(rawValue: timestepDensity) != nil else {
            throw ValidationError("--timestep-density must be \(TimestepDensity.allCases.map(\.rawValue).joined(separator: " or ")), got \(timestepDensity)")
        }
        if decay && warmupSteps >= steps { throw ValidationError("--decay needs --warmup-steps below --steps") }
    }

    func run() throws {
        let checkpoint = self.checkpoint ?? "out/pretrain/\(model)-train.safetensors"
        var config = TrainingConfiguration()
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.emaBeta = emaBeta
        config.seed = seed
        config.labelDropout = dropLabel
        config.warmupSteps = warmupSteps
        config.objective = Objective(rawValue: objective)!
        config.minSNRGamma = minSNR ? 5 : nil
        config.timestepDensity = TimestepDensity(rawValue: timestepDensity)!
        config.logitNormalLocation = logitNormalLocation
        config.logitNormalScale = logitNormalScale
        var initRNG = SeededGenerator(seed: seed)
        let network = ModelPreset(rawValue: model)!.make(classes: classes, using: &initRNG)
        if zeroInit { (network.module as? UNet)?.zeroResidualOutputs() }
        if let initFrom {
            do {
                let loaded = try DiffusionCheckpoint.initialise(network, from: initFrom)
                print("initialised from \(initFrom) (\(loaded) tensors)")
            } catch { Notebook.exitWithError("\(error)", code: 66) }
        }
        let trainer = DiffusionTrainer(model: network, schedule: NoiseSchedule(ScheduleKind(rawValue: schedule)!, timesteps: 1000), configuration: config)
        var resumedAt: Int?
        if resume {
            do { try DiffusionCheckpoint.resume(trainer, from: checkpoint) } catch {
                Notebook.exitWithError("\(error)", code: 66)
            }
            resumedAt = trainer.step
            print("resumed from \(checkpoint) at step \(trainer.step)")
        }
        print("training \(model) (\(trainer.model.module.parameterCount) parameters) for \(steps) steps, batch \(batchSize), seed \(seed)")
        var options = TrainingLoopOptions()
        options.checkpointPath = checkpoint
        options.checkpointEvery = 250
        options.decayToBudget = decay                    // the loop fixes the decay at --steps
        options.csvPath = URL(fileURLWithPath: checkpoint).deletingPathExtension().path + "-loss.csv"
        options.metadata = ["dataset": "synthetic-digits"]
        options.showProgressBar()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: checkpoint).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let conditional = classes != nil
        let outcome = try trainer.run(budget: .steps(steps), options: options) { rng in
            let batch = SyntheticDigits.batch(batchSize, using: &rng)                 // [B, 1, 28, 28], B labels
            return (batch.images, conditional ? batch.labels : nil)
        }
        if outcome == .interrupted {
            print("interrupted at step \(trainer.step); continue with --resume")
            throw ExitCode(130)
        }
        var command = "kit-pretrain ddpm --model \(model) --steps \(steps) --seed \(seed)"
        if let resumedAt { command = "(continued from step \(resumedAt)) " + command + " --resume" }
        if let classes { command += " --classes \(classes) --drop-label \(dropLabel)" }
        if let initFrom { command += " --init-from \(initFrom)" }
        if learningRate != 1e-3 { command += " --learning-rate \(learningRate)" }
        if warmupSteps != 200 { command += " --warmup-steps \(warmupSteps)" }
        if emaBeta != 0.999 { command += " --ema-beta \(emaBeta)" }
        if batchSize != 64 { command += " --batch-size \(batchSize)" }
        if decay { command += " --decay" }
        if zeroInit { command += " --zero-init" }
        if objective != "eps" { command += " --objective \(objective)" }
        if minSNR { command += " --min-snr" }
        if schedule != "linear" { command += " --schedule \(schedule)" }
        if timestepDensity != "uniform" { command += " --timestep-density \(timestepDensity)" }
        if logitNormalLocation != 0 { command += " --logit-normal-location=\(logitNormalLocation)" }   // "=": a negative value would read as an option
        if logitNormalScale != 1 { command += " --logit-normal-scale \(logitNormalScale)" }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: out, extra: ["dataset": "synthetic-digits", "command": command])
        print("wrote the EMA weights to \(out) (final smoothed loss \(trainer.log.smoothedLoss ?? .nan))")
    }
}
