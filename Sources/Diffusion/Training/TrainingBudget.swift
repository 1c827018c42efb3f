// TrainingBudget.swift — when a run stops: after a number of steps or of minutes.

import Foundation

/// How long to train: `--steps N` (the run ends at step N, counting the steps of a
/// resumed checkpoint) or `--minutes M` (M minutes of this session).
public enum TrainingBudget: Sendable, Equatable {
    /// Train until the step count reaches this number.
    case steps(Int)
    /// Train for this many minutes of wall-clock time (at least one step).
    case minutes(Double)

    /// A short description for the console ("2000 steps", "10 min").
    public var description: String {
        switch self {
        case .steps(let n): return "\(n) steps"
        case .minutes(let m): return m == m.rounded() ? "\(Int(m)) min" : String(format: "%.1f min", m)
        }
    }
}
