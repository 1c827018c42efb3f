// ScoreFlags.swift — chapter 07's own command-line options.

import ArgumentParser
import DiffusionKit

/// `chapter07 [--points N] [--samples N] [--spacing S] [--snr R] [--corrector-steps K]`
struct ScoreFlags: ParsableArguments {
    @Option(help: "Points per sampler on the 2-D toy (default 2000; 500 with --quick).")
    var points: Int?
    @Option(help: "Digits per sampler in the probability-flow part (default 128; 8 with --quick).")
    var samples: Int?
    @Option(help: "Timestep spacing of the digit samplers: trailing (default), leading or linspace.")
    var spacing: String = TimestepSpacing.trailing.rawValue
    @Option(help: "Signal-to-noise ratio r of the predictor–corrector sampler's Langevin steps (default 0.16).")
    var snr: Float = 0.16
    @Option(help: "Langevin corrector steps after each predictor step (default 1).")
    var correctorSteps: Int = 1

    /// The digit samplers' timestep spacing (valid after `validate`).
    var digitSpacing: TimestepSpacing { TimestepSpacing(rawValue: spacing) ?? .trailing }

    func validate() throws {
        if let points, !(100...20_000).contains(points) { throw ValidationError("--points must be in 100…20000, got \(points)") }
        if let samples, !(2...1024).contains(samples) { throw ValidationError("--samples must be in 2…1024, got \(samples)") }
        guard TimestepSpacing(rawValue: spacing) != nil else {
            throw ValidationError("--spacing must be one of \(TimestepSpacing.allCases.map(\.rawValue).joined(separator: ", ")), got \(spacing)")
        }
        guard snr.isFinite, snr > 0, snr <= 1 else { throw ValidationError("--snr must be in (0, 1], got \(snr)") }
        guard (0...20).contains(correctorSteps) else { throw ValidationError("--corrector-steps must be in 0…20, got \(correctorSteps)") }
    }
}
