// EvaluateDDPM.swift — `kit-pretrain evaluate`: samples a digit model and prints the
// metrics recorded in BENCHMARKS.md (recognisability, class shares, FD-digits with
// its n and the real-vs-real floor).
//
// Batch b draws its noise from its own generator (seeded by the seed and b), so a
// long run can keep each finished batch in `--cache DIR` and pick up where it
// stopped: `evaluate --samples 1000 --cache out/eval` twice does the work once.

import ArgumentParser
import DiffusionKit
import Foundation

struct EvaluateDDPM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Samples a digit model (DDPM, DDIM or Heun) and prints its metrics.")

    @Option(help: "Weights (default Pretrained/unet-digits.safetensors).") var checkpoint: String?
    @Option(help: "Number of samples, n.") var samples = 1000
    @Option(help: "ddpm (ancestral), ddim, or heun (probability-flow ODE).") var sampler = "ddpm"
    @Option(help: "Reverse steps (default T for ddpm, 50 for ddim, 10 for heun).") var steps: Int?
    @Option(help: "ddpm: fixed-small or fixed-large.") var variance = "fixed-small"
    @Option(help: "ddim: η in [0, 1].") var eta: Float = 0
    @Option(help: "ddim/heun: trailing, leading or linspace.") var spacing = "trailing"
    @Option(help: "Seed of the sampling noise.") var seed: UInt64 = 0
    @Option(help: "Images per batch.") var batchSize = 125
    @Option(help: ArgumentHelp("Keep each finished batch here and reuse it on the next run.", valueName: "dir"))
    var cache: String?

    func validate() throws {
        guard samples >= 2 else { throw ValidationError("--samples must be at least 2") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive") }
        guard ["ddpm", "ddim", "heun"].contains(sampler) else { throw ValidationError("--sampler must be ddpm, ddim or heun") }
        guard PosteriorVariance(rawValue: variance) != nil else { throw ValidationError("--variance must be fixed-small or fixed-large") }
        guard TimestepSpacing(rawValue: spacing) != nil else { throw ValidationError("--spacing must be trailing, leading or linspace") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    /// One batch of samples from batch `b`'s own noise, and its number of network evaluations per image.
    func sampleBatch(_ b: Int, count n: Int, loaded: DiffusionCheckpoint.Loaded, steps S: Int) throws(SamplerError) -> (Tensor, Int) {
        var rng = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(b))
        let noise = Tensor.randn([n, 1, 28, 28], using: &rng)                          // x_T  [n, 1, 28, 28]
        let spacing = TimestepSpacing(rawValue: spacing)!
        switch sampler {
        case "ddim":
            let ddim = try DDIMSampler(schedule: loaded.schedule, objective: loaded.objective, eta: eta)
            return (try ddim.sample(from: noise, model: loaded.model.denoiser, steps: S, spacing: spacing, using: &rng), S)
        case "heun":
            let heun = ProbabilityFlowSampler(schedule: loaded.schedule, objective: loaded.objective, method: .heun)
            let (x0, evaluations) = try heun.sample(from: noise, model: loaded.model.denoiser, steps: S, spacing: spacing)
            return (x0, evaluations)
        default:
            let (ddpm, denoiser) = DDPMSampler.respaced(schedule: loaded.schedule, steps: S, objective: loaded.objective,
                                                        variance: PosteriorVariance(rawValue: variance)!, model: loaded.model.denoiser)
            return (ddpm.sample(from: noise, model: denoiser, using: &rng).x0, S)
        }
    }

    /// The description of this run's settings, also the cache's folder name.
    func settings(steps S: Int) -> String {
        switch sampler {
        case "ddim": return "ddim-S\(S)-eta\(eta)-\(spacing)-seed\(seed)-batch\(batchSize)"
        case "heun": return "heun-S\(S)-\(spacing)-seed\(seed)-batch\(batchSize)"
        default: return "ddpm-S\(S)-\(variance)-seed\(seed)-batch\(batchSize)"
        }
    }

    func run() throws {
        let (path, loaded) = loadModel(checkpoint, default: "unet-digits.safetensors")
        let T = loaded.schedule.timesteps
        let S = steps ?? ["ddim": 50, "heun": 10][sampler] ?? T
        guard S <= T else { Notebook.exitWithError("--steps \(S) is more than the model's T = \(T)", code: 64) }
        // The folder names the weights too: samples of other weights are never reused.
        let folder = cache.map { URL(fileURLWithPath: $0).appendingPathComponent(settings(steps: S) + "-weights" + weightsFingerprint(path)) }
        if let folder {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                Notebook.exitWithError("cannot create the cache folder \(folder.path): \(error.localizedDescription)", code: 73)
            }
        }
        var parts: [Tensor] = []
        var evaluations = 0, reused = 0
        let bar = ProgressBar("sampling", total: samples, unit: "img")
        let start = Date()
        for (b, done) in stride(from: 0, to: samples, by: batchSize).enumerated() {
            let n = min(batchSize, samples - done)
            let file = folder?.appendingPathComponent("batch-\(b).safetensors").path
            if let file, let kept = try? Checkpoint.read(file), let images = kept.tensors["images"], images.shape == [n, 1, 28, 28] {
                parts.append(images)
                evaluations = Int(kept.metadata["evaluations"] ?? "") ?? evaluations
                reused += 1
            } else {
                let (images, perImage): (Tensor, Int)
                do { (images, perImage) = try sampleBatch(b, count: n, loaded: loaded, steps: S) } catch {
                    Notebook.exitWithError("\(error)", code: 64)
                }
                parts.append(images)
                evaluations = perImage
                if let file { try Checkpoint.save(["images": images], to: file, metadata: ["evaluations": "\(perImage)"]) }
            }
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
        print("\(loaded.model.preset.rawValue) from \(path) (step \(loaded.metadata["step"] ?? "?")), \(settings(steps: S)), \(evaluations) network evaluations per image, n = \(samples): sampled in \(Console.duration(seconds))\(reused > 0 ? " (\(reused) batches reused from the cache)" : "")")
        print(Console.table(report.table.header, report.table.rows))
        print(Console.table(report.classTable.header, report.classTable.rows))
        let realRecognisability = recognisability(probabilities: classifier.predict(real).probabilities)
        print(String(format: "the ceiling: %d real synthetic digits are %.1f %% recognisable to the same classifier",
                     samples, 100 * realRecognisability))
        try? writeImageGrid(images.slice(axis: 0, 0..<min(100, samples)), to: "out/evaluate-samples.png", columns: 10, scale: 2)
    }
}

/// A 16-hex-digit FNV-1a hash of the file at `path` (empty if it cannot be read): part of
/// the name of a `--cache` entry, so that retrained weights never reuse another file's samples.
func weightsFingerprint(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return String(format: "%016llx", hash)
}

/// The model in `checkpoint`, or in Pretrained/`file`; exits with one line (status 66)
/// when it cannot be loaded.
func loadModel(_ checkpoint: String?, default file: String) -> (path: String, loaded: DiffusionCheckpoint.Loaded) {
    do {
        let path = try checkpoint ?? PretrainedWeights.path(file)
        return (path, try DiffusionCheckpoint.load(path))
    } catch { Notebook.exitWithError("\(error)", code: 66) }
}
