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
    @Option(help: "Where the EMA weights go (default Pretrained/toy-<dataset>.safetensors).") var out: String?

    func validate() throws {
        guard Toy2D(rawValue: dataset) != nil else {
            throw ValidationError("unknown --dataset \(dataset); choose one of \(Toy2D.allNames.joined(separator: ", "))")
        }
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() throws {
        let toy = Toy2D(rawValue: dataset)!
        let trainer = ToyTraining.trainer(seed: seed, batchSize: batchSize)
        print("training toy-mlp on \(dataset) for \(steps) steps, batch \(batchSize), seed \(seed)")
        _ = try trainer.run(budget: .steps(steps)) { rng in toy.sample(batchSize, using: &rng) }   // [B, 2]
        let path = out ?? "Pretrained/toy-\(dataset).safetensors"
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: path, extra: [
            "dataset": dataset, "command": "kit-pretrain toy --dataset \(dataset) --steps \(steps) --seed \(seed)"])
        print("wrote the EMA weights to \(path) (final smoothed loss \(trainer.log.smoothedLoss ?? .nan))")
    }
}
