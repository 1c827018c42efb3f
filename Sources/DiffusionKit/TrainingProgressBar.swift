// TrainingProgressBar.swift — the training loop's progress shown as the notebook's
// progress bar.
//
// Diffusion's training loop reports `TrainingProgress` events and prints nothing;
// this adapter draws them with Notebook's `ProgressBar`: the run's label at the left,
// steps as the unit, the smoothed loss and the images per second as its extra text,
// a new line before each preview, and the final line at the end.
//
//     var options = TrainingLoopOptions()
//     options.label = "unet-digits"
//     options.showProgressBar()
//     try trainer.run(budget: .minutes(10), options: options) { rng in … }

import Diffusion
import Foundation
import Notebook

extension TrainingLoopOptions {
    /// Options with no log, no checkpoints and no previews that show the loop's
    /// progress as a progress bar labelled `label`.
    public static func withProgressBar(label: String = "training") -> TrainingLoopOptions {
        var options = TrainingLoopOptions()
        options.label = label
        options.showProgressBar()
        return options
    }

    /// Shows the loop's progress as the notebook's `ProgressBar`, labelled `label`
    /// (read when the loop starts), replacing any `progress` callback. Each run of the
    /// loop draws a bar of its own.
    public mutating func showProgressBar() {
        progress = TrainingProgressBar().report
    }
}

/// Draws `TrainingProgress` events with a `ProgressBar`: one bar per `started` event.
final class TrainingProgressBar {
    /// The bar of the current run (`nil` before the first `started`).
    private var bar: ProgressBar?

    /// Starts, advances, pauses or finishes the bar for one event.
    func report(_ event: TrainingProgress) {
        switch event {
        case let .started(label, total, firstStep):
            bar = ProgressBar(label, total: total, unit: "step", startingAt: firstStep)
        case let .step(step, total, loss, imagesPerSecond):
            bar?.total = total
            bar?.update(step, info: String(format: "loss %.4f  %.0f img/s", loss, imagesPerSecond))
        case .paused:
            bar?.pause()
        case .finished:
            bar?.finish()
        }
    }
}
