// LearningRateSchedule.swift — the learning rate as a pure function of the step.
//
// Warm-up then cosine decay (the schedule of nanoGPT, and of Hugging Face's
// `get_cosine_schedule_with_warmup` when the minimum is 0). For step n (0-based),
// base rate η, minimum η_min, W warm-up steps and N total steps:
//
//   1. n < W:      η(n) = η·n/W                                        (linear warm-up from 0)
//   2. W ≤ n ≤ N:  η(n) = η_min + (η − η_min)·½(1 + cos(π·q)),  q = (n − W)/(N − W)
//   3. n > N:      η(n) = η_min                                        (q is clamped to 1)
//
// The warm-up keeps Adam's first steps small while its second-moment estimate v is
// still noisy. Note that η(0) = 0: the first step only fills Adam's moments.
//
//   optimizer.learningRate = schedule(step)   // before optimizer.step()

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate for every training step: constant, or linear warm-up then cosine
/// decay to a minimum.
public struct LearningRateSchedule: Sendable, Equatable {
    /// The shape of the schedule.
    public enum Kind: Sendable, Equatable {
        /// The same rate at every step.
        case constant
        /// Linear warm-up over `warmupSteps`, then cosine decay to `minimum` at `totalSteps`.
        case warmupCosine(warmupSteps: Int, totalSteps: Int, minimum: Float)
    }

    /// The peak (and, for `.constant`, the only) learning rate.
    public let base: Float
    /// The shape of the schedule.
    public let kind: Kind

    /// The same learning rate at every step.
    public static func constant(_ learningRate: Float) -> LearningRateSchedule {
        LearningRateSchedule(base: learningRate, kind: .constant)
    }

    /// Linear warm-up from 0 to `base` over `warmupSteps` steps, then cosine decay to
    /// `minimum` at step `totalSteps`, and `minimum` after that.
    /// - Precondition: `0 ≤ warmupSteps < totalSteps` and `0 ≤ minimum ≤ base`.
    public static func warmupCosine(base: Float, warmupSteps: Int, totalSteps: Int,
                                    minimum: Float = 0) -> LearningRateSchedule {
        precondition(warmupSteps >= 0 && warmupSteps < totalSteps,
                     "LearningRateSchedule: need 0 ≤ warmupSteps < totalSteps, got \(warmupSteps) and \(totalSteps)")
        precondition(minimum >= 0 && minimum <= base,
                     "LearningRateSchedule: need 0 ≤ minimum ≤ base, got \(minimum) and \(base)")
        return LearningRateSchedule(base: base, kind: .warmupCosine(warmupSteps: warmupSteps,
                                                                    totalSteps: totalSteps, minimum: minimum))
    }

    private init(base: Float, kind: Kind) {
        precondition(base >= 0 && base.isFinite, "LearningRateSchedule: invalid learning rate \(base)")
        self.base = base
        self.kind = kind
    }

    /// The learning rate at step `step` (0-based; ≥ 0). Computed in Double.
    public func learningRate(at step: Int) -> Float {
        precondition(step >= 0, "LearningRateSchedule: step must be ≥ 0, got \(step)")
        switch kind {
        case .constant:
            return base
        case let .warmupCosine(warmup, total, minimum):
            let n = Double(step), eta = Double(base), etaMin = Double(minimum)
            if step < warmup { return Float(eta * n / Double(warmup)) }                 // (1)
            let q = min(1, (n - Double(warmup)) / Double(total - warmup))              // (3)
            return Float(etaMin + (eta - etaMin) * 0.5 * (1 + cos(Double.pi * q)))     // (2)
        }
    }

    /// The learning rate at step `step`: `schedule(step)`.
    public func callAsFunction(_ step: Int) -> Float { learningRate(at: step) }
}
