// TrainAutoencoder.swift — `kit-pretrain autoencoder`: trains the KL-regularised
// autoencoder of chapter 08 on SyntheticDigits (padded 28 → 32), measures its latent
// scale factor s = 1/std(z) on encoded training digits, scores it on held-out digits
// (PSNR, and how many reconstructions the classifier still reads as their digit), and
// writes Pretrained/autoencoder-digits.safetensors with all of that in the metadata.

import ArgumentParser
import DiffusionKit
import Foundation

struct TrainAutoencoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "Trains the digit autoencoder of latent diffusion (chapter 08) and measures its scale factor.")

    @Option(help: "Training steps, one fresh batch of synthetic digits each.") var steps = 3000
    @Option(help: "Digits per batch.") var batchSize = 64
    @Option(help: "Peak learning rate (AdamW; warm-up, then cosine decay).") var learningRate: Float = 2e-3
    @Option(help: "KL weight β, for sums over each item (pixels, latent values) and a mean over the batch.")
    var klWeight: Float = 1e-3
    @Option(help: "Seed of the run.") var seed: UInt64 = 8
    @Option(help: "Encoded training digits the scale factor is measured on.") var scaleSamples = 2048
    @Option(help: "Held-out digits to score on.") var heldOut = 2000
    @Option(help: "Print a line every this many steps.") var logEvery = 100
    @Option(help: "Where the weights go.") var out = "Pretrained/autoencoder-digits.safetensors"

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive and finite") }
        guard klWeight >= 0, klWeight.isFinite else { throw ValidationError("--kl-weight must be ≥ 0 and finite, got \(klWeight)") }
        guard scaleSamples >= 2, heldOut > 0, logEvery > 0 else {
            throw ValidationError("--scale-samples ≥ 2, --held-out and --log-every must be positive")
        }
        guard seed != DigitClassifier.heldOutSeed else { throw ValidationError("--seed \(seed) is the held-out seed; pick another") }
    }

    func run() throws {
        let classifier: DigitClassifier
        do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
        var rng = SeededGenerator(seed: seed)
        let autoencoder = Autoencoder(using: &rng)
        var config = AutoencoderTrainer.Configuration(steps: steps)
        config.batchSize = batchSize
        config.learningRate = learningRate
        config.klWeight = klWeight
        Console.write("training the autoencoder (\(autoencoder.parameterCount) parameters) for \(steps) steps of \(batchSize) digits, β = \(klWeight) (sum per item, mean over batch), seed \(seed)" + "\n")
        let start = Date()
        var (rec, kl, n) = (0.0, 0.0, 0)
        AutoencoderTrainer(config).train(autoencoder, data: { rng, count in
            LatentCodec.pad(SyntheticDigits.batch(count, using: &rng).images)          // [B, 1, 32, 32]
        }, using: &rng) { p in
            rec += Double(p.reconstruction); kl += Double(p.kl); n += 1
            guard p.step % logEvery == 0 || p.step == p.steps else { return }
            Console.write(String(format: "step %5d/%d  rec %.2f  KL %.1f  lr %.2e  %@\n", p.step, p.steps, rec / Double(n),
                                 kl / Double(n), Double(p.learningRate), Console.duration(Date().timeIntervalSince(start))))
            (rec, kl, n) = (0, 0, 0)
        }
        let trainingTime = Date().timeIntervalSince(start)

        // The scale factor, on encoded training digits (the posterior mean, eval mode).
        var scaleDigits = SyntheticDigits(seed: seed &+ 1)
        let provisional = LatentCodec(autoencoder: autoencoder, scaleFactor: 1)
        let means = provisional.posteriorMeans(scaleDigits.batch(scaleSamples).images)   // [n, 4, 8, 8]
        let s = LatentCodec.measureScaleFactor(means)
        let codec = LatentCodec(autoencoder: autoencoder, scaleFactor: s)

        // Held-out scores.
        var heldOutDigits = SyntheticDigits(seed: DigitClassifier.heldOutSeed)
        let (images, labels) = heldOutDigits.batch(heldOut)                                // [n, 1, 28, 28]
        let reconstructions = codec.reconstruct(images)
        let psnr = peakSignalToNoiseRatio(reconstructions.clamped(min: -1, max: 1), images)
        let recognised = classifier.accuracy(images: reconstructions.clamped(min: -1, max: 1), labels: labels)
        Console.write(String(format: "scale factor s = %.4f (std of %d encoded digits' means = %.4f)", s, scaleSamples, 1 / s) + "\n")
        Console.write(String(format: "held out (%d digits): PSNR %.2f dB, classifier reads %.2f%% of reconstructions as their digit; trained in %@\n",
                     heldOut, psnr, 100 * recognised, Console.duration(trainingTime)))
        let metadata = [
            LatentCodec.Key.klWeight: "\(klWeight) (sum over each item's values, mean over the batch)",
            "steps": "\(steps)", "seed": "\(seed)", "batch_size": "\(batchSize)", "learning_rate": "\(learningRate)",
            "encoding": "posterior mean",
            "held_out_psnr_db": String(format: "%.2f", psnr),
            "held_out_recognised": String(format: "%.4f", recognised),
            "dataset": "synthetic-digits",
            "command": "kit-pretrain autoencoder --steps \(steps) --batch-size \(batchSize) --learning-rate \(learningRate) --kl-weight \(klWeight) --seed \(seed)",
        ]
        do { try codec.save(to: out, extra: metadata) } catch { Notebook.exitWithError("\(error)", code: 73) }
        Console.write("wrote \(out)" + "\n")
    }
}
