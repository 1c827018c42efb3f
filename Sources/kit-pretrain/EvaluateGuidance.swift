// EvaluateGuidance.swift — `kit-pretrain evaluate-guidance`: the guidance sweep of
// chapter 09 at a size the chapter cannot afford (BENCHMARKS.md: n = 1,000, 50 DDIM
// steps), with every measure of `ConditionalDigitMetrics`.
//
// The requests are balanced (`--per-class` of each digit) and every scale starts from
// the same noise. Each scale's samples can be kept in `--cache DIR`, so an
// interrupted sweep continues where it stopped.

import ArgumentParser
import DiffusionKit
import Foundation

struct EvaluateGuidance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-guidance", abstract: "Samples a class-conditional digit model at several guidance scales and prints the sweep's measures.")

    @Option(help: "Weights (default Pretrained/unet-digits-cfg.safetensors).") var checkpoint: String?
    @Option(help: "Guidance scales w, comma-separated.") var scales = "0,1,1.5,2,3,5,7.5"
    @Option(help: "Samples per class (n = 10 × this).") var perClass = 100
    @Option(help: "DDIM steps (η = 0, trailing).") var steps = 50
    @Option(help: "CFG rescale φ in [0, 1].") var rescale: Float = 0
    @Option(help: ArgumentHelp("Guide only at timesteps LOW-HIGH.", valueName: "low-high")) var interval: String?
    @Option(help: "Seed of the sampling noise and of the real reference digits.") var seed: UInt64 = 0
    @Option(help: "Images per batch (guided batches are twice as large inside the network).") var batchSize = 100
    @Option(help: ArgumentHelp("Keep each scale's samples here and reuse them on the next run.", valueName: "dir"))
    var cache: String?

    /// The scales, once `validate()` has accepted them.
    var scaleValues: [Float] { scales.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = scales.split(separator: ",")
        guard !parts.isEmpty, parts.count == scaleValues.count, scaleValues.allSatisfy(\.isFinite) else {
            throw ValidationError("--scales must be finite numbers separated by commas, got \(scales)")
        }
        guard perClass >= 6 else { throw ValidationError("--per-class must be at least 6 (precision/recall need k + 1 points), got \(perClass)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard rescale.isFinite, (0...1).contains(rescale) else { throw ValidationError("--rescale must be in [0, 1], got \(rescale)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let (path, loaded) = loadModel(checkpoint, default: "unet-digits-cfg.safetensors")
        guard let classes = loaded.model.classes, let conditional = loaded.model.conditionalDenoiser, let null = loaded.model.nullLabel else {
            Notebook.exitWithError("\(path) holds an unconditional model; evaluate-guidance needs a class-conditional one", code: 64)
        }
        let T = loaded.schedule.timesteps
        guard steps <= T else { Notebook.exitWithError("--steps \(steps) is more than the model's T = \(T)", code: 64) }
        let guidances: [ClassifierFreeGuidance]
        do {
            let range = try interval.map { try ClassifierFreeGuidance.parseInterval($0, timesteps: T) }
            guidances = try scaleValues.map { try ClassifierFreeGuidance(scale: $0, rescale: rescale, interval: range) }
        } catch { Notebook.exitWithError("\(error)", code: 64) }
        let classifier: DigitClassifier
        do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
        let labels = (0..<(classes * perClass)).map { $0 % classes }
        let n = labels.count
        var realRNG = SeededGenerator(seed: seed &+ 1000)
        let real = SyntheticDigits.batch(n, classes: labels, using: &realRNG).images                 // [n, 1, 28, 28]
        let second = SyntheticDigits.batch(n, classes: labels, using: &realRNG).images
        let metrics = ConditionalDigitMetrics(classifier: classifier, real: real, labels: labels, classes: classes)
        let ddim = try! DDIMSampler(schedule: loaded.schedule, objective: loaded.objective)
        var rows: [[String]] = [["real vs real (floor)", "0"] + metrics.scores(second, requested: labels).cells]
        print("\(path) (step \(loaded.metadata["step"] ?? "?")): DDIM \(steps) steps, n = \(n) (\(perClass) per class), φ = \(rescale)\(interval.map { ", interval \($0)" } ?? "")")
        let fingerprint = weightsFingerprint(path)                  // cached samples belong to these weights only
        for guidance in guidances {
            let name = "w\(guidance.scale)-phi\(rescale)-\(interval ?? "all")-S\(steps)-n\(n)-seed\(seed)-weights\(fingerprint)"
            let file = cache.map { URL(fileURLWithPath: $0).appendingPathComponent("\(name).safetensors").path }
            let evaluations = TimestepSpacing.trailing.timesteps(steps: steps, of: T).map { guidance.evaluations(at: $0, batch: 1) }.reduce(0, +)
            var images: Tensor, clippedShare: Double
            let start = Date()
            if let file, let kept = try? Checkpoint.read(file), let cached = kept.tensors["images"], cached.shape == [n, 1, 28, 28] {
                images = cached
                clippedShare = Double(kept.metadata["clipped"] ?? "") ?? .nan
            } else {
                var parts: [Tensor] = []
                var clipped = 0, seen = 0
                let bar = ProgressBar("w = \(guidance.scale)", total: n, unit: "img")
                for start in stride(from: 0, to: n, by: batchSize) {
                    let b = min(batchSize, n - start)
                    var rng = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(start))
                    let noise = Tensor.randn([b, 1, 28, 28], using: &rng)                               // the same at every w
                    let guided = guidance.denoiser(conditional, labels: Array(labels[start..<(start + b)]), nullLabel: null,
                                                   schedule: loaded.schedule, objective: loaded.objective)
                    let watched: Denoiser = { x, t in
                        let output = guided(x, t)
                        let x0 = loaded.objective.split(output, xt: x, t: t, schedule: loaded.schedule).x0
                        clipped += x0.scalars.reduce(0) { $0 + (abs($1) > 1 ? 1 : 0) }
                        seen += x0.count
                        return output
                    }
                    parts.append(try ddim.sample(from: noise, model: watched, steps: steps, using: &rng))
                    bar.update(start + b)
                }
                bar.finish()
                images = concat(parts, axis: 0)
                clippedShare = Double(clipped) / Double(max(seen, 1))
                if let file {
                    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                            withIntermediateDirectories: true)
                    try Checkpoint.save(["images": images], to: file, metadata: ["clipped": "\(clippedShare)"])
                }
            }
            let scores = metrics.scores(images, requested: labels, clippedShare: clippedShare)
            rows.append(["w = \(guidance.scale)", "\(evaluations)"] + scores.cells)
            print("w = \(guidance.scale): accuracy \(String(format: "%.1f %%", 100 * scores.accuracy)), FD \(String(format: "%.2f", scores.fd)) (\(Console.duration(Date().timeIntervalSince(start))))")
            try? writeImageGrid(images.slice(axis: 0, 0..<min(100, n)), to: "out/evaluate-guidance-w\(guidance.scale).png", columns: 10, scale: 2)
        }
        var header = ConditionalDigitMetrics.header("samples (n = \(n))")
        header.insert("NFE per image", at: 1)
        print(Console.table(header, rows))
        print(Console.markdownTable(header, rows))
    }
}
