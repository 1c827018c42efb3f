// TrainToy.swift — `kit-pretrain toy`: trains the 2-D `mlp-toy2d` denoiser on a toy
// distribution and writes its EMA weights.

import ArgumentParser
import DiffusionKit
import Foundation

struct TrainToy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy", abstract: "Trains the 2-D toy denoiser (ToyMLP) and saves its EMA weights.")

    @Option(help: "Toy distribution: \(Toy2D.allNames.joined(separator: ", ")).") var dataset = "swiss-roll"
    @Option(help: "Training steps.") var steps = 6000
    @Option(help: "Points per step.") var batchSize = 1024
    @Option(help: "Seed of the run.") var seed: UInt64 = 1
    @Option(help: "Where the EMA weights go (default Pretrained/toy-<dataset>.safetensors, or toy-<dataset>-cfg with --classes).")
    var out: String?
    @Option(help: "Train a class-conditional model (eight-gaussians only: 8 classes, one per mode).") var classes: Int?
    @Option(name: .customLong("drop-label"), help: "Probability of replacing a label by the null label (with --classes).")
    var dropLabel: Float = 0.1

    func validate() throws {
        guard Toy2D(rawValue: dataset) != nil else {
            throw ValidationError("unknown --dataset \(dataset); choose one of \(Toy2D.allNames.joined(separator: ", "))")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        if let classes {
            guard dataset == Toy2D.eightGaussians.rawValue, classes == 8 else {
                throw ValidationError("--classes works with --dataset eight-gaussians and 8 classes (one per mode), got \(dataset) and \(classes)")
            }
        }
        guard dropLabel.isFinite, dropLabel >= 0, dropLabel <= 1 else {
            throw ValidationError("--drop-label must be a probability in [0, 1], got \(dropLabel)")
        }
    }

    func run() throws {
        let toy = Toy2D(rawValue: dataset)!
        let trainer = ToyTraining.trainer(seed: seed, batchSize: batchSize, classes: classes, labelDropout: dropLabel)
        print("training toy-mlp\(classes == nil ? "" : " (class-conditional)") on \(dataset) for \(steps) steps, batch \(batchSize), seed \(seed)")
        if classes != nil {
            _ = try trainer.run(budget: .steps(steps), options: .withProgressBar()) { rng in
                let (points, modes) = EightGaussians.sampleWithModes(batchSize, using: &rng)    // [B, 2], B modes
                return (points, modes)
            }
        } else {
            _ = try trainer.run(budget: .steps(steps), options: .withProgressBar()) { rng in toy.sample(batchSize, using: &rng) }   // [B, 2]
        }
        let path = out ?? "Pretrained/toy-\(dataset)\(classes == nil ? "" : "-cfg").safetensors"
        var command = "kit-pretrain toy --dataset \(dataset) --steps \(steps) --seed \(seed)"
        if let classes { command += " --classes \(classes) --drop-label \(dropLabel)" }
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: path, extra: ["dataset": dataset, "command": command])
        print("wrote the EMA weights to \(path) (final smoothed loss \(trainer.log.smoothedLoss ?? .nan))")
    }
}
