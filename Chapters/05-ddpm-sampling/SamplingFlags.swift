// SamplingFlags.swift — chapter 05's own command-line options.

import ArgumentParser

/// `chapter05 [--checkpoint FILE] [--samples N] [--steps S]`
struct SamplingFlags: ParsableArguments {
    @Option(help: ArgumentHelp("A chapter 04 checkpoint to sample from (default: Pretrained/unet-digits.safetensors).", valueName: "file"))
    var checkpoint: String?
    @Option(help: "How many digits to sample (default 64; 8 with --quick).")
    var samples: Int?
    @Option(help: "Reverse steps: T (the default) is DDPM's full chain; fewer uses evenly spaced timesteps.")
    var steps: Int?

    func validate() throws {
        if let samples, !(1...1024).contains(samples) { throw ValidationError("--samples must be in 1…1024, got \(samples)") }
        if let steps, steps <= 0 { throw ValidationError("--steps must be a positive number of steps, got \(steps)") }
    }
}
