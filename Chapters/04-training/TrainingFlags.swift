// TrainingFlags.swift — chapter 04's own command-line options.

import ArgumentParser
import DiffusionKit
import Foundation

/// The data a chapter trains on: synthetic digits (built in) or MNIST-format files.
enum DigitDataset: String, CaseIterable, ExpressibleByArgument {
    case synthetic, mnist, fashionMNIST = "fashion-mnist"
}

extension ModelPreset: ExpressibleByArgument {
    /// The digit models only (the help text lists these).
    public static var allValueStrings: [String] { imageModels.map(\.rawValue) }
}
extension ScheduleKind: ExpressibleByArgument {}
extension Objective: ExpressibleByArgument {}
extension TimestepDensity: ExpressibleByArgument {}

/// `chapter04 [--dataset …] [--model …] [--minutes M | --steps N] [--resume] …`
struct TrainingFlags: ParsableArguments {
    @Option(help: "Training data: synthetic, mnist or fashion-mnist.")
    var dataset: DigitDataset = .synthetic
    @Option(help: ArgumentHelp("Folder with the MNIST-format files (train-images-idx3-ubyte[.gz], …).", valueName: "dir"))
    var dataDir: String?
    @Flag(help: "Download the MNIST-format files into --data-dir (or the cache folder) first.")
    var download = false
    @Option(help: "Denoiser: unet-small (the default), unet-digits, unet-patch or simple-unet.")
    var model: ModelPreset?
    @Option(help: "Noise schedule: linear, cosine or sigmoid.")
    var schedule: ScheduleKind = .linear
    @Option(help: "T, the number of diffusion steps.")
    var timesteps = 1000
    @Option(help: "What the network predicts: eps, x0 or v.")
    var objective: Objective = .epsilon
    @Flag(help: "Weight the loss with min-SNR-γ (γ = 5).")
    var minSNR = false
    @Option(help: "How training draws t: logit-normal (the default) or uniform.")
    var timestepDensity: TimestepDensity = .logitNormal
    @Option(help: ArgumentHelp("The logit-normal density's centre m (n ~ N(m, 1), t = ⌊T·sigmoid(n)⌋): below 0 favours the cleaner half of the chain; write a negative value with '=', e.g. --logit-normal-location=-1.", valueName: "m"))
    var logitNormalLocation: Double = -0.5
    @Option(help: "Training time in minutes (default 10).")
    var minutes: Double?
    @Option(help: "Train until this step instead of for --minutes.")
    var steps: Int?
    @Option(help: "Images per step.")
    var batchSize = 64
    @Option(help: "Peak learning rate (AdamW, after the warm-up).")
    var learningRate: Float = 8e-3
    @Option(help: "Steps of linear learning-rate warm-up.")
    var warmupSteps = 30
    @Flag(help: "Keep the learning rate constant after the warm-up instead of decaying it to 0 at the budget's end.")
    var constantRate = false
    @Option(help: "The EMA's largest decay β (0: sample the raw weights).")
    var emaBeta: Float = 0.999
    @Option(help: ArgumentHelp("The training checkpoint (default <out>/checkpoint.safetensors).", valueName: "file"))
    var checkpoint: String?
    @Flag(help: "Continue from --checkpoint (after Ctrl-C, say).")
    var resume = false
    @Option(help: ArgumentHelp("Start from these weights (a Pretrained/ file or checkpoint of the same model) instead of random ones.", valueName: "file"))
    var initFrom: String?
    @Option(help: "Train a class-conditional model of this many classes (10; for classifier-free guidance, chapter 09).")
    var classes: Int?
    @Option(name: .customLong("drop-label"), help: "With --classes: the probability of replacing a label by the null label (default 0.1).")
    var dropLabel: Float = 0.1

    func validate() throws {
        if let classes, classes != 10 { throw ValidationError("--classes must be 10 (the digits), got \(classes)") }
        if !(dropLabel.isFinite && (0...1).contains(dropLabel)) { throw ValidationError("--drop-label must be a probability in [0, 1], got \(dropLabel)") }
        if classes != nil && model == .simpleUNet { throw ValidationError("--model simple-unet cannot be class-conditional; use unet-small, unet-digits or unet-patch") }
        if let model, !model.isImageModel { throw ValidationError("--model \(model.rawValue) is not a model of 28×28 digits; choose one of \(ModelPreset.imageModelNames)") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be a positive number of steps, got \(steps)") }
        if let minutes, !(minutes > 0 && minutes.isFinite) { throw ValidationError("--minutes must be positive, got \(minutes)") }
        if initFrom != nil && resume { throw ValidationError("give --init-from or --resume, not both") }
        if let initFrom, !FileManager.default.fileExists(atPath: initFrom) { throw ValidationError("--init-from \(initFrom): no such file") }
        if steps != nil && minutes != nil { throw ValidationError("give --steps or --minutes, not both") }
        if !logitNormalLocation.isFinite { throw ValidationError("--logit-normal-location must be a finite number, got \(logitNormalLocation)") }
        guard timesteps >= 2 && timesteps <= 10_000 else { throw ValidationError("--timesteps must be in 2…10000, got \(timesteps)") }
        guard learningRate > 0 && learningRate.isFinite && learningRate <= 1 else { throw ValidationError("--learning-rate must be in (0, 1], got \(learningRate)") }
        guard warmupSteps >= 0 else { throw ValidationError("--warmup-steps must not be negative, got \(warmupSteps)") }
        guard emaBeta >= 0 && emaBeta < 1 else { throw ValidationError("--ema-beta must be in [0, 1), got \(emaBeta)") }
        guard batchSize >= 1 && batchSize <= 4096 else { throw ValidationError("--batch-size must be in 1…4096, got \(batchSize)") }
        if dataset != .synthetic && dataDir == nil && !download {
            throw ValidationError("--dataset \(dataset.rawValue) needs --data-dir DIR (a folder with the four MNIST-format files), or --download")
        }
        if dataset == .synthetic && (dataDir != nil || download) {
            throw ValidationError("--data-dir and --download are for --dataset mnist or fashion-mnist")
        }
        if let dataDir, !download {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data-dir \(dataDir) is not a folder")
            }
        }
    }
}
