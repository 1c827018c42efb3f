// DDIMFlags.swift — chapter 06's own command-line options.

import ArgumentParser
import DiffusionKit

/// `chapter06 [--checkpoint FILE] [--steps S] [--eta η] [--spacing NAME] [--samples N]`
struct DDIMFlags: ParsableArguments {
    @Option(help: ArgumentHelp("A chapter 04 checkpoint to sample from (default: Pretrained/unet-digits.safetensors).", valueName: "file"))
    var checkpoint: String?
    @Option(help: "DDIM steps S for your own run (1…T; default 50).")
    var steps: Int = 50
    @Option(help: "η for your own run: 0 is deterministic, 1 is DDPM-like (default 0).")
    var eta: Float = 0
    @Option(help: "Timestep spacing for your own run: trailing, leading or linspace (default trailing).")
    var spacing: String = "trailing"
    @Option(help: "Digits per sampler in the time-and-quality table (default 24; 4 with --quick).")
    var samples: Int?

    /// The spacing, once `validate()` has accepted it.
    var timestepSpacing: TimestepSpacing { TimestepSpacing(rawValue: spacing) ?? .trailing }

    func validate() throws {
        // S > T needs the model's T: the sampler checks it after loading.
        if !(eta.isFinite && (0...1).contains(eta)) { throw ValidationError("--eta must be in [0, 1], got \(eta)") }
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if TimestepSpacing(rawValue: spacing) == nil { throw ValidationError("--spacing must be trailing, leading or linspace, got \(spacing)") }
        if let samples, !(2...1024).contains(samples) { throw ValidationError("--samples must be in 2…1024, got \(samples)") }
    }
}
