// LatentFlags.swift — chapter 08's own command-line options.

import ArgumentParser
import DiffusionKit

/// `chapter08 [--autoencoder FILE] [--checkpoint FILE] [--prompt TEXT] [--scale w] [--steps S] [--samples N]`
struct LatentFlags: ParsableArguments {
    @Option(help: ArgumentHelp("The autoencoder (default: Pretrained/autoencoder-digits.safetensors).", valueName: "file"))
    var autoencoder: String?
    @Option(help: ArgumentHelp("The latent denoiser (default: Pretrained/latent-digits.safetensors).", valueName: "file"))
    var checkpoint: String?
    @Option(help: ArgumentHelp("Your own prompt, words from: \(DigitPrompt.vocabulary.dropFirst().joined(separator: " ")) (default: \"large right three\").",
                               valueName: "words"))
    var prompt = "large right three"
    @Option(help: "Guidance scale w for your own prompt and the prompt grid (0 unconditional, 1 the prompt alone; default 3).")
    var scale: Float = 3
    @Option(help: "DDIM steps of every sampler in the chapter (1…T; default 20, 5 with --quick).")
    var steps: Int?
    @Option(help: "Samples per digit in the measured sections (1…100; default 10, 2 with --quick).")
    var samples: Int?

    func validate() throws {
        if !scale.isFinite { throw ValidationError("--scale must be a finite number, got \(scale)") }
        do { _ = try DigitPrompt(parsing: prompt) } catch { throw ValidationError("--prompt: \(error)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let samples, !(1...100).contains(samples) { throw ValidationError("--samples must be in 1…100, got \(samples)") }
    }
}
