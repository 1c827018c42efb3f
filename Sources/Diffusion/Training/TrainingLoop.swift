// TrainingLoop.swift — the loop around `trainStep`: budget, CSV log, periodic
// checkpoints, previews and Ctrl-C, and progress events for a display.
//
// The loop prints nothing itself: it reports its progress through
// `TrainingLoopOptions.progress` (`TrainingProgress` events), and the umbrella
// module DiffusionKit turns those into the notebook's progress bar
// (`TrainingLoopOptions.showProgressBar()`).

import Foundation
import NeuralNets
import Tensors

/// How a training loop ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// The budget was used up.
    case finished
    /// Ctrl-C: a checkpoint was written at the step reached.
    case interrupted
}

/// What the training loop reports to `TrainingLoopOptions.progress`, in this order:
/// `started`, then `step` after every training step (with `paused` before each
/// preview), then `finished` when the budget is spent or on Ctrl-C.
public enum TrainingProgress: Sendable, Equatable {
    /// The loop begins at step `firstStep` (0, or the step a resumed run continues
    /// from) and expects to end at step `total`; `label` is `TrainingLoopOptions.label`.
    case started(label: String, total: Int, firstStep: Int)
    /// Step `step` is done. `total` is the step the loop expects to end at (exact for a
    /// budget in steps, re-estimated every step from the rate so far for a budget in
    /// minutes); `loss` is the smoothed loss, `imagesPerSecond` the run's throughput
    /// in training examples per second since it started.
    case step(Int, total: Int, loss: Float, imagesPerSecond: Double)
    /// The loop is about to call `preview`, which may print: a display drawn in place
    /// should move out of the way.
    case paused
    /// The loop has ended (budget spent or Ctrl-C); the final checkpoint follows.
    case finished
}

/// The loop's side jobs: where to log and checkpoint, what to call now and then, and
/// where to report progress.
public struct TrainingLoopOptions {
    /// The CSV loss log (`nil`: none).
    public var csvPath: String?
    /// The checkpoint written every `checkpointEvery` steps, at the end and on Ctrl-C.
    public var checkpointPath: String?
    /// Steps between checkpoints.
    public var checkpointEvery = 500
    /// Seconds between calls of `preview` (say, a grid of samples).
    public var previewInterval: Double = 180
    /// If set, previews come every this many steps instead of by time (reproducible).
    public var previewEverySteps: Int?
    /// Called every `previewInterval` seconds (or `previewEverySteps`) with the trainer.
    public var preview: ((DiffusionTrainer) -> Void)?
    /// Extra metadata for the checkpoints (the dataset, …).
    public var metadata: [String: String] = [:]
    /// The label of the run, passed on in `TrainingProgress.started` (a progress bar
    /// shows it at the left).
    public var label = "training"
    /// Decay the learning rate (cosine) to 0 at the budget's last step. A budget in
    /// steps is known at once; a budget in minutes is turned into steps after the
    /// first `calibrationSteps(for:)` steps (which run in the warm-up, where the rate
    /// does not depend on the total), from their speed: from then on the run is the run
    /// `--steps N` reproduces. A resumed run keeps the total its checkpoint recorded.
    public var decayToBudget = false
    /// Called with the loop's progress (`nil`: nothing is reported). The umbrella
    /// module DiffusionKit's `showProgressBar()` sets it to draw the notebook's bar.
    public var progress: ((TrainingProgress) -> Void)?

    /// No log, no checkpoints, no previews, no progress reports.
    public init() {}
}

extension DiffusionTrainer {
    /// Trains until `budget` is spent or Ctrl-C, drawing each step's clean batch with
    /// `data` from that step's generator.
    /// - Throws: `CheckpointError` if a checkpoint cannot be written.
    public func run(budget: TrainingBudget, options: TrainingLoopOptions = .init(),
                    data: (inout SeededGenerator) -> Tensor) throws -> TrainingOutcome {
        try run(budget: budget, options: options, labelledData: { rng in (data(&rng), nil) })
    }

    /// Like `run(budget:options:data:)` for a class-conditional model: `labelledData`
    /// draws each step's clean batch and its labels (`nil`: unconditional).
    /// - Throws: `CheckpointError` if a checkpoint cannot be written.
    public func run(budget: TrainingBudget, options: TrainingLoopOptions = .init(),
                    labelledData: (inout SeededGenerator) -> (images: Tensor, labels: [Int]?)) throws -> TrainingOutcome {
        try run(budget: budget, options: options, conditionedData: { rng in
            let (images, labels) = labelledData(&rng)
            return (images, labels.map { .labels($0) })
        })
    }

    /// Like `run(budget:options:data:)` for any conditional model: `conditionedData`
    /// draws each step's clean batch and its condition (labels, or prompts already
    /// dropped; `nil`: unconditional).
    /// - Throws: `CheckpointError` if a checkpoint cannot be written.
    public func run(budget: TrainingBudget, options: TrainingLoopOptions = .init(),
                    conditionedData: (inout SeededGenerator) -> (images: Tensor, condition: TrainingCondition?)) throws -> TrainingOutcome {
        let start = Date()
        let firstStep = step
        var budget = budget
        let calibrationSteps = Self.calibrationSteps(for: configuration)
        var calibrationStart: Date?
        if options.decayToBudget {
            switch budget {
            case .steps(let n): decayLearningRate(toStep: n)
            case .minutes:
                if let fixed = configuration.decaySteps { budget = .steps(fixed) }   // resumed: keep its total
            }
        }
        let csv = try options.csvPath.map { path in
            try CSVWriter(path: path, header: TrainingLog.csvHeader, lines: log.records.map(TrainingLog.csvLine))
        }
        let estimatedTotal: () -> Int = { [self] in
            switch budget {
            case .steps(let n): return n
            case .minutes(let m):
                let done = step - firstStep
                let seconds = Date().timeIntervalSince(start)
                guard done > 0, seconds > 0 else { return firstStep + 1 }
                return firstStep + max(done, Int(Double(done) * m * 60 / seconds))
            }
        }
        let report = options.progress ?? { _ in }
        report(.started(label: options.label, total: estimatedTotal(), firstStep: firstStep))
        var lastPreview = Date()
        var lastCheckpointStep = step
        TrainingInterrupt.install()
        defer { TrainingInterrupt.uninstall() }

        func saveCheckpoint() throws {
            guard let path = options.checkpointPath, step > lastCheckpointStep || !FileManager.default.fileExists(atPath: path) else { return }
            try DiffusionCheckpoint.save(self, to: path, extra: options.metadata)
            lastCheckpointStep = step
        }

        func budgetSpent() -> Bool {
            switch budget {
            case .steps(let n): return step >= n
            case .minutes(let m): return step > firstStep && Date().timeIntervalSince(start) >= m * 60   // at least one step
            }
        }

        while !budgetSpent() {
            var rng = generator(forStep: step)
            let (x0, condition) = conditionedData(&rng)                               // [B, …], B labels or prompts
            let result = trainStep(x0, condition: condition, using: &rng, elapsed: Date().timeIntervalSince(start))
            if options.decayToBudget, case .minutes(let m) = budget {
                // Time steps 2…K (the first one pays for allocations), then fix the total.
                if step == firstStep + 1 { calibrationStart = Date() }
                if step >= firstStep + calibrationSteps {
                    let timed = step - firstStep - 1
                    let perStep = timed > 0 ? Date().timeIntervalSince(calibrationStart ?? start) / Double(timed)
                                            : Date().timeIntervalSince(start)
                    let total = max(step, firstStep + Int((m * 60 / max(perStep, 1e-9)).rounded()))
                    decayLearningRate(toStep: total)
                    budget = .steps(total)
                } else if budgetSpent() {
                    // The time ran out before the calibration did (a tiny budget, a busy
                    // machine): the run is the run of this many steps, all in the warm-up.
                    decayLearningRate(toStep: step)
                    budget = .steps(step)
                }
            }
            if let csv, let record = log.records.last { csv.append(TrainingLog.csvLine(record)) }
            let rate = Double(step - firstStep) / max(Date().timeIntervalSince(start), 1e-9)
            report(.step(step, total: estimatedTotal(), loss: log.smoothedLoss ?? result.loss,
                         imagesPerSecond: rate * Double(x0.shape[0])))
            if TrainingInterrupt.requested {
                report(.finished)
                try saveCheckpoint()
                return .interrupted
            }
            if options.checkpointPath != nil, step % options.checkpointEvery == 0 { try saveCheckpoint() }
            let previewDue = options.previewEverySteps.map { step % $0 == 0 }
                ?? (Date().timeIntervalSince(lastPreview) >= options.previewInterval)
            if let preview = options.preview, previewDue {
                report(.paused)
                preview(self)
                lastPreview = Date()
            }
        }
        report(.finished)
        try saveCheckpoint()
        return .finished
    }

    /// How many steps a budget in minutes trains before it is turned into steps
    /// (`TrainingLoopOptions.decayToBudget`): up to 30, and no more than the warm-up,
    /// since after it the rate depends on the total (with no warm-up, one step: the
    /// cosine starts at the peak rate whatever the total). The first steps are slower
    /// than the rest (10 steps timed gave 1,545 steps that took 8½ of 10 minutes), so
    /// the more of them are timed, the closer the run comes to its budget.
    public static func calibrationSteps(for configuration: TrainingConfiguration) -> Int {
        max(1, min(30, configuration.warmupSteps))
    }
}
