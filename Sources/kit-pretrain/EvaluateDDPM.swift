// EvaluateDDPM.swift — `kit-pretrain evaluate`: samples a digit model and prints the
// metrics recorded in BENCHMARKS.md (recognisability, class shares, FD-digits with
// its n and the real-vs-real floor).

import ArgumentParser
import DiffusionKit
import Foundation

struct EvaluateDDPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Samples a digit model with DDPM and prints its metrics.")

    @Option(help: "Weights (default Pretrained/unet-digits.safetensors).") var checkpoint: String?
    @Option(help: "Number of samples, n.") var samples = 1000
    @Option(help: "Reverse steps (T = the full chain; fewer uses evenly spaced timesteps).") var steps: Int?
    @Option(help: "fixed-small or fixed-large.") var variance = "fixed-small"
    @Option(help: "Seed of the sampling noise.") var seed: UInt64 = 0
    @Option(help: "Images per batch.") var batchSize = 125

    func validate() throws {
        guard samples >= 2 else { throw ValidationError("--samples must be at least 2") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive") }
        guard PosteriorVariance(rawValue: variance) != nil else { throw ValidationError("--variance must be fixed-small or fixed-large") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let path: String
        let loaded: DiffusionCheckpoint.Loaded
        do {
            path = try checkpoint ?? PretrainedWeights.path("unet-digits.safetensors")
            loaded = try DiffusionCheckpoint.load(path)
        } catch { Notebook.exitWithError("\(error)", code: 66) }
        let T = loaded.schedule.timesteps
        let S = min(steps ?? T, T)
        let (sampler, denoiser) = DDPMSampler.respaced(schedule: loaded.schedule, steps: S, objective: loaded.objective,
                                                       variance: PosteriorVariance(rawValue: variance)!, model: loaded.model.denoiser)
        var rng = SeededGenerator(seed: seed)
        var parts: [Tensor] = []
        let bar = ProgressBar("sampling", total: samples, unit: "img")
        let start = Date()
        for done in stride(from: 0, to: samples, by: batchSize) {
            let n = min(batchSize, samples - done)
            parts.append(sampler.sample(shape: [n, 1, 28, 28], model: denoiser, using: &rng).x0)
            bar.update(done + n)
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let images = concat(parts, axis: 0)                                              // [n, 1, 28, 28]
        let classifier: DigitClassifier
        do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
        var referenceRNG = SeededGenerator(seed: seed &+ 1000)
        let real = SyntheticDigits.batch(samples, using: &referenceRNG).images
        let floor = DigitMetrics.referenceFloor(n: samples, classifier: classifier, using: &referenceRNG)
        let report = DigitMetrics.evaluate(samples: images, classifier: classifier, reference: real, referenceFloor: floor)
        print("\(loaded.model.preset.rawValue) from \(path) (step \(loaded.metadata["step"] ?? "?")), \(S) of \(T) steps, \(variance), n = \(samples), seed \(seed): sampled in \(Console.duration(seconds))")
        print(Console.table(report.table.header, report.table.rows))
        print(Console.table(report.classTable.header, report.classTable.rows))
        try? writeImageGrid(images.slice(axis: 0, 0..<min(100, samples)), to: "out/evaluate-samples.png", columns: 10, scale: 2)
    }
}
