// GuidanceFlags.swift — chapter 09's own command-line options.

import ArgumentParser
import DiffusionKit

/// `chapter09 [--checkpoint FILE] [--scale w] [--rescale φ] [--interval LOW-HIGH] [--class c] [--steps S] [--samples N]`
struct GuidanceFlags: ParsableArguments {
    @Option(help: ArgumentHelp("A class-conditional digit model (default: Pretrained/unet-digits-cfg.safetensors).", valueName: "file"))
    var checkpoint: String?
    @Option(help: "Guidance scale w for your own run (0 unconditional, 1 conditional, > 1 guided; default 3).")
    var scale: Float = 3
    @Option(help: "CFG rescale φ in [0, 1] for your own run (default 0: off).")
    var rescale: Float = 0
    @Option(help: ArgumentHelp("Guide only at timesteps LOW…HIGH in your own run (e.g. 100-600; default: every step).", valueName: "low-high"))
    var interval: String?
    @Option(name: .customLong("class"), help: "The digit your own run draws (0…9; default: every digit).")
    var digit: Int?
    @Option(help: "DDIM steps of every sampler in the chapter (1…T; default 20, 10 with --quick).")
    var steps: Int?
    @Option(help: "Samples per class in the sweep over w (2…100; default 10, 2 with --quick).")
    var samples: Int?

    func validate() throws {
        if !scale.isFinite { throw ValidationError("--scale must be a finite number, got \(scale)") }
        if !(rescale.isFinite && (0...1).contains(rescale)) { throw ValidationError("--rescale must be in [0, 1], got \(rescale)") }
        if let digit, !(0...9).contains(digit) { throw ValidationError("--class must be a digit 0…9, got \(digit)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let samples, !(2...100).contains(samples) { throw ValidationError("--samples must be in 2…100, got \(samples)") }
    }
}
