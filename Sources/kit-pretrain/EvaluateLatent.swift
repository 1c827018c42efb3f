// EvaluateLatent.swift — `kit-pretrain evaluate-latent`: chapter 08's measurements at a
// size the chapter cannot afford (BENCHMARKS.md: n = 1,000, 50 DDIM steps):
//
//   1. the autoencoder on held-out digits: PSNR, the classifier on reconstructions,
//      and the reconstruction floor of FD-digits next to the real-vs-real floor;
//   2. unconditional samples (the null prompt): recognisability and FD-digits;
//   3. prompts naming only the digit, at guidance scale --scale: the requested digit;
//   4. each attribute word with each digit (--per-word of each pair), and the held-out
//      combination "bold seven": agreement of the measured bin against chance;
//   5. seconds per sample of the latent model (decoder included) and of pixel-space
//      unet-digits with the same sampler and steps, in the same run.

import ArgumentParser
import DiffusionKit
import Foundation

struct EvaluateLatent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-latent", abstract: "Measures chapter 08's autoencoder and prompt-conditioned latent model at a large n.")

    @Option(help: "The autoencoder.") var autoencoder = "Pretrained/autoencoder-digits.safetensors"
    @Option(help: "The latent denoiser.") var checkpoint = "Pretrained/latent-digits.safetensors"
    @Option(help: "Samples of the unconditional and digit-prompt runs.") var samples = 1000
    @Option(help: "Samples of each (attribute word, digit) pair.") var perWord = 10
    @Option(help: "DDIM steps (trailing).") var steps = 50
    @Option(help: "DDIM's η in [0, 1] (0: deterministic; 1: fresh noise at every step, like DDPM).") var eta: Float = 0
    @Option(help: "Guidance scale of the prompted runs.") var scale: Float = 3
    @Option(help: "Images per sampling batch.") var batchSize = 100
    @Option(help: "Images of the timing runs.") var timingSamples = 16
    @Option(help: "Seed of the noise and of the real reference digits.") var seed: UInt64 = 0

    func validate() throws {
        guard samples >= 10, perWord >= 1, steps >= 1, batchSize > 0, timingSamples > 0 else {
            throw ValidationError("--samples ≥ 10, --per-word, --steps, --batch-size and --timing-samples ≥ 1")
        }
        guard scale.isFinite else { throw ValidationError("--scale must be finite, got \(scale)") }
        guard eta.isFinite, (0...1).contains(eta) else { throw ValidationError("--eta must be in [0, 1], got \(eta)") }
    }

    func run() throws {
        let codec: LatentCodec, loaded: DiffusionCheckpoint.Loaded, classifier: DigitClassifier
        do {
            codec = try LatentCodec.load(autoencoder)
            loaded = try DiffusionCheckpoint.load(checkpoint, expecting: .latentDigits)
            classifier = try DigitClassifier.pretrained()
        } catch { Notebook.exitWithError("\(error)", code: 66) }
        guard steps <= loaded.schedule.timesteps else { Notebook.exitWithError("--steps \(steps) is more than T", code: 64) }
        let sampler = LatentSampler(codec: codec, model: loaded.model.promptedForward!, nullPrompt: DigitPrompt.null.tokens,
                                    schedule: loaded.schedule, objective: loaded.objective)
        var rng = SeededGenerator(seed: seed)
        var etaRNG = SeededGenerator(seed: seed &+ 2000)                 // DDIM's fresh noise when η > 0
        var realRNG = SeededGenerator(seed: seed &+ 1000)
        let realA = SyntheticDigits.batch(samples, using: &realRNG)
        let realB = SyntheticDigits.batch(samples, using: &realRNG).images
        let stats = DigitMetrics.referenceStatistics(realB, classifier: classifier)

        /// Decoded samples for `prompts` at guidance `w`, in batches.
        func generate(_ prompts: [DigitPrompt], scale w: Float, label: String) -> Tensor {
            let guidance = try! ClassifierFreeGuidance(scale: w)
            let bar = ProgressBar(label, total: prompts.count, unit: "img")
            defer { bar.finish() }
            var parts: [Tensor] = []
            for start in stride(from: 0, to: prompts.count, by: batchSize) {
                let end = min(start + batchSize, prompts.count)
                let noise = Tensor.randn([end - start] + codec.latentShape, using: &rng)
                let z = try! sampler.sampleLatents(from: noise, prompts: prompts[start..<end].map(\.tokens), guidance: guidance,
                                                   steps: steps, eta: eta, using: &etaRNG)
                parts.append(sampler.decode(z).clamped(min: -1, max: 1))
                bar.update(end)
            }
            return concat(parts, axis: 0)
        }
        func line(_ text: String) { Console.write(text + "\n") }

        // 1. The autoencoder.
        let reconstructions = codec.reconstruct(realA.images).clamped(min: -1, max: 1)
        let realFloor = Metrics.frechetDistance(FeatureStatistics(features: classifier.predict(realA.images).features), stats)
        let reconstructionFloor = Metrics.frechetDistance(FeatureStatistics(features: classifier.predict(reconstructions).features), stats)
        line(String(format: "autoencoder, %d held-out digits: PSNR %.2f dB, classifier on reconstructions %.2f %%, FD floors: real %.2f, reconstructions %.2f",
                    samples, peakSignalToNoiseRatio(reconstructions, realA.images),
                    100 * classifier.accuracy(images: reconstructions, labels: realA.labels), realFloor, reconstructionFloor))

        // 2. Unconditional.
        let unconditional = generate([DigitPrompt](repeating: .null, count: samples), scale: 0, label: "null prompt")
        let report = DigitMetrics.evaluate(samples: unconditional, classifier: classifier, referenceStatistics: stats)
        line(String(format: "null prompt, n = %d, DDIM %d, η = %g: recognisable %.1f %%, FD-digits %.2f (floors: reconstructions %.2f, real %.2f), smallest class %.1f %%, largest %.1f %%",
                    samples, steps, Double(eta), 100 * report.recognisability, report.frechetDistance, reconstructionFloor, realFloor,
                    100 * (report.classShares.min() ?? 0), 100 * (report.classShares.max() ?? 0)))

        // 3. Digit-only prompts.
        let digitPrompts = (0..<samples).map { DigitPrompt(digit: $0 % 10) }
        let prompted = generate(digitPrompts, scale: scale, label: "digit prompts")
        let predicted = classifier.predictedClasses(prompted)
        let hits = zip(predicted, digitPrompts).filter { $0 == $1.digit }.count
        let promptedReport = DigitMetrics.evaluate(samples: prompted, classifier: classifier, referenceStatistics: stats)
        line(String(format: "digit-only prompts, w = %g, n = %d: requested digit %.1f %%, recognisable %.1f %%, FD-digits %.2f",
                    Double(scale), samples, 100 * Double(hits) / Double(samples), 100 * promptedReport.recognisability, promptedReport.frechetDistance))

        // 4. Attribute words.
        let calibration = AttributeCalibration.calibrate()
        var wordPrompts: [DigitPrompt] = []
        for word in ["small", "large", "thin", "bold", "left", "upright", "right", "narrow", "wide"] {
            for digit in 0..<10 { for _ in 0..<perWord { wordPrompts.append(try! DigitPrompt(parsing: "\(word) \(DigitPrompt.vocabulary[10 + digit])")) } }
        }
        let heldOut = wordPrompts.filter(\.containsHeldOutCombination).count
        wordPrompts += [DigitPrompt](repeating: .heldOutCombination, count: max(0, 10 * perWord - heldOut))   // as many as another word gets
        let wordImages = generate(wordPrompts, scale: scale, label: "attribute prompts")
        let wordDigits = wordPrompts.map { $0.digit! }
        let wordPredicted = classifier.predictedClasses(wordImages)
        let seen = wordPrompts.indices.filter { !wordPrompts[$0].containsHeldOutCombination }
        let held = wordPrompts.indices.filter { wordPrompts[$0].containsHeldOutCombination }
        func subset(_ indices: [Int]) -> Tensor { concat(indices.map { wordImages.slice(axis: 0, $0..<($0 + 1)) }, axis: 0) }
        for (title, indices) in [("seen combinations", seen), ("held out: \(DigitPrompt.heldOutCombination.description)", held)] {
            let rows = PromptAdherence.rows(images: subset(indices), prompts: indices.map { wordPrompts[$0] },
                                            digits: indices.map { wordDigits[$0] }, calibration: calibration)
            let digitHits = indices.filter { wordPredicted[$0] == wordDigits[$0] }.count
            line("\(title) (w = \(scale), requested digit \(String(format: "%.1f", 100 * Double(digitHits) / Double(indices.count))) %):")
            for row in rows {
                let word = row.word.padding(toLength: 8, withPad: " ", startingAt: 0)
                line("  \(word)" + String(format: " asked %4d  got %5.1f %%  chance %5.1f %%", row.asked, 100 * row.agreement, 100 * row.chance))
            }
        }

        // 5. Seconds per sample, latent against pixel, same sampler and steps.
        let pixelFile = (try? PretrainedWeights.path("unet-digits.safetensors")) ?? "Pretrained/unet-digits.safetensors"
        let pixel: DiffusionCheckpoint.Loaded
        do { pixel = try DiffusionCheckpoint.load(pixelFile, expecting: .unetDigits) } catch { Notebook.exitWithError("\(error)", code: 66) }
        let pixelDDIM = try! DDIMSampler(schedule: pixel.schedule, objective: pixel.objective)
        let pixelNoise = Tensor.randn([timingSamples, 1, 28, 28], using: &rng)
        let latentNoise = Tensor.randn([timingSamples] + codec.latentShape, using: &rng)
        let prompts = [[Int]](repeating: DigitPrompt(digit: 3).tokens, count: timingSamples)
        var start = Date()
        _ = sampler.decode(try! sampler.sampleLatents(from: latentNoise, prompts: prompts, guidance: try! ClassifierFreeGuidance(scale: 1), steps: steps))
        let latentSeconds = Date().timeIntervalSince(start) / Double(timingSamples)
        start = Date()
        _ = try! pixelDDIM.sample(from: pixelNoise, model: pixel.model.denoiser, steps: steps, using: &rng)
        let pixelSeconds = Date().timeIntervalSince(start) / Double(timingSamples)
        line(String(format: "seconds per sample, DDIM %d, batch %d, no guidance: latent %.4f (decoder included), pixel unet-digits %.4f: %.1f× faster",
                    steps, timingSamples, latentSeconds, pixelSeconds, pixelSeconds / latentSeconds))
    }
}
