// ProgressBar.swift — step, rate and ETA for loops that take more than a moment.
//
// On a terminal the bar redraws in place (at most ten times a second). When output
// goes to a file or a pipe it prints a plain line every few seconds instead, so
// logs stay readable. Nothing is shown for loops that finish within half a second.

import Foundation

/// A progress bar for a loop of known length.
///
///     let bar = ProgressBar("training", total: steps)
///     for step in 1...steps { …; bar.update(step, info: "loss 0.031") }
///     bar.finish()
public final class ProgressBar {
    /// What the loop does, shown at the left.
    public let label: String
    /// The number of steps when done (a loop with a time budget updates its estimate).
    public var total: Int {
        didSet { total = max(total, 1) }
    }
    /// The unit of a step in the rate ("it/s" by default).
    public let unit: String

    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawnOnce = false
    private var drewFinalStep = false
    private var step = 0
    private var info = ""
    private let terminal: Bool
    /// The step the loop started from (a resumed run's), so the rate counts only this run's steps.
    private let firstStep: Int

    /// Starts timing a loop of `total` steps that begins at step `startingAt` (0, or the
    /// step a resumed run continues from).
    public init(_ label: String, total: Int, unit: String = "it", startingAt firstStep: Int = 0,
                terminal: Bool = Console.isTerminal) {
        self.label = label
        self.firstStep = firstStep
        self.step = firstStep
        self.total = max(total, 1)
        self.unit = unit
        self.terminal = terminal
    }

    /// Seconds since the bar started.
    public var elapsed: Double { Date().timeIntervalSince(start) }

    /// Reports that `step` of `total` steps are done, with optional extra text
    /// (a smoothed loss, say).
    public func update(_ step: Int, info: String = "") {
        self.step = step
        self.info = info
        let now = Date()
        guard elapsed >= 0.5 else { return }                  // quick loops show nothing
        let interval = terminal ? 0.1 : 5.0
        if now.timeIntervalSince(lastDraw) >= interval || step >= total {
            draw(final: false)
            lastDraw = now
            drewFinalStep = step >= total
        }
    }

    /// Ends the bar with a final line (only if it was ever shown).
    public func finish() {
        if drewFinalStep {
            if terminal { Console.write("\n") }        // keep the finished bar, move below it
        } else if drawnOnce || elapsed >= 0.5 {
            draw(final: true)
        }
    }

    /// Moves below a bar drawn in place, so that other output can be printed; the
    /// next `update` draws the bar again underneath.
    public func pause() {
        if terminal && drawnOnce { Console.write("\n") }
    }

    /// The bar's text for the current state.
    func render() -> String {
        let fraction = min(1, Double(step) / Double(total))
        let rate = Double(step - firstStep) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - step) / rate : .infinity
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let pct = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
        let rateText = rate >= 10 ? String(format: "%.0f", rate) : String(format: "%.2f", rate)
        var s = "\(label) \(pct) |\(bar)| \(step)/\(total)  \(rateText) \(unit)/s  elapsed \(Console.clock(elapsed))"
        s += step >= total ? "" : "  ETA \(Console.clock(eta))"
        if !info.isEmpty { s += "  \(info)" }
        return s
    }

    private func draw(final: Bool) {
        let text = render()
        if terminal {
            Console.write("\r\u{1B}[2K" + text + (final ? "\n" : ""))
        } else {
            Console.write(text + "\n")
        }
        drawnOnce = true
    }
}
