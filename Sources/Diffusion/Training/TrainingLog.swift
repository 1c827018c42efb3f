// TrainingLog.swift — the loss history of a run: raw and smoothed loss per step, the
// loss per timestep bucket, and the CSV file `loss.csv` written as training goes.

import Foundation

/// One logged training step.
public struct TrainingRecord: Sendable, Equatable {
    /// The step number (1 for the first completed step).
    public var step: Int
    /// The batch's loss.
    public var loss: Float
    /// An exponential moving average of the loss (decay 0.98, bias-corrected).
    public var smoothedLoss: Float
    /// The learning rate used at this step.
    public var learningRate: Float
    /// The gradient's global norm before clipping.
    public var gradientNorm: Float
    /// Seconds of training so far in this session.
    public var elapsed: Double
}

/// The history of a training run.
public struct TrainingLog: Sendable {
    /// Every step, in order.
    public private(set) var records: [TrainingRecord] = []
    /// The number of timestep buckets of `lossByTimestep`.
    public let bucketCount: Int
    /// T, to map timesteps to buckets.
    public let timesteps: Int
    private var smoothing: (value: Double, weight: Double) = (0, 0)
    private var buckets: [(value: Double, weight: Double)]

    /// An empty log for a schedule of `timesteps` steps.
    public init(timesteps: Int, bucketCount: Int = 10) {
        self.timesteps = timesteps
        self.bucketCount = bucketCount
        buckets = Array(repeating: (0, 0), count: bucketCount)
    }

    /// Adds a step: its loss, and each image's unweighted loss with its timestep.
    public mutating func append(step: Int, loss: Float, perItem: [Float], t: [Int], learningRate: Float,
                                gradientNorm: Float, elapsed: Double) {
        let smoothed = Self.smooth(&smoothing, with: Double(loss), decay: 0.98)
        records.append(TrainingRecord(step: step, loss: loss, smoothedLoss: Float(smoothed),
                                      learningRate: learningRate, gradientNorm: gradientNorm, elapsed: elapsed))
        for (value, step) in zip(perItem, t) {
            let b = min(bucketCount - 1, step * bucketCount / timesteps)
            _ = Self.smooth(&buckets[b], with: Double(value), decay: 0.99)
        }
    }

    /// Keeps the records of steps ≤ `step` (when resuming from an older checkpoint).
    public mutating func truncate(after step: Int) {
        records.removeAll { $0.step > step }
    }

    /// The recent mean loss of each timestep bucket (`nil` where no image fell yet):
    /// bucket b covers t ∈ [b·T/n, (b+1)·T/n).
    public var lossByTimestep: [(range: Range<Int>, loss: Float?)] {
        (0..<bucketCount).map { b in
            let lo = b * timesteps / bucketCount, hi = (b + 1) * timesteps / bucketCount
            let (v, w) = buckets[b]
            return (lo..<hi, w > 0 ? Float(v / w) : nil)
        }
    }

    /// The last smoothed loss.
    public var smoothedLoss: Float? { records.last?.smoothedLoss }

    /// Bias-corrected exponential moving average (as Adam's moments).
    private static func smooth(_ state: inout (value: Double, weight: Double), with x: Double, decay: Double) -> Double {
        state.value = decay * state.value + (1 - decay) * x
        state.weight = decay * state.weight + (1 - decay)
        return state.value / state.weight
    }

    // MARK: CSV

    /// The CSV header line.
    public static let csvHeader = "step,loss,smoothed_loss,learning_rate,grad_norm,elapsed_s"

    /// One CSV line for `record`.
    public static func csvLine(_ r: TrainingRecord) -> String {
        String(format: "%d,%.6g,%.6g,%.6g,%.6g,%.3f", r.step, r.loss, r.smoothedLoss, r.learningRate,
               r.gradientNorm, r.elapsed)
    }

    /// Reads the records of a `loss.csv` written by an earlier session (for `--resume`);
    /// a missing or unreadable file gives an empty list.
    public static func readCSV(_ path: String) -> [TrainingRecord] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 6, let step = Int(f[0]), let loss = Float(f[1]), let sm = Float(f[2]),
                  let lr = Float(f[3]), let g = Float(f[4]), let e = Double(f[5]) else { return nil }
            return TrainingRecord(step: step, loss: loss, smoothedLoss: sm, learningRate: lr, gradientNorm: g, elapsed: e)
        }
    }

    /// Restores earlier records (from `readCSV`) ahead of this session's.
    public mutating func prepend(_ earlier: [TrainingRecord]) {
        records = earlier + records
        if let last = earlier.last {
            smoothing = (Double(last.smoothedLoss), 1)
        }
    }
}

/// Appends lines to a CSV file, flushing each so that a killed run keeps its log.
public final class CSVWriter {
    /// The file's path.
    public let path: String
    private let handle: FileHandle

    /// Creates (or truncates) the file at `path` and writes `header` and `lines`.
    public init(path: String, header: String, lines: [String] = []) throws {
        self.path = path
        let text = ([header] + lines).map { $0 + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    /// Appends one line.
    public func append(_ line: String) {
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }

    deinit { try? handle.close() }
}
