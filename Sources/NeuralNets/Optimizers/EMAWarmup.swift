// EMAWarmup.swift — how the decay of a weight EMA grows at the start of training.
//
// An EMA with a fixed decay β = 0.9999 averages over the last ~1/(1 − β) = 10,000
// steps. Early in training those steps are mostly the random initial weights, so
// samples drawn with the EMA weights are noise for a long time. A warm-up starts
// the decay small and lets it grow with the step n (0-based, the optimizer steps
// taken so far):
//
//   none:          d(n) = β
//   linear:        d(n) = min(β, (1 + n)/(10 + n))                 (DDPM, Ho et al. 2020;
//                                                                  TF's ExponentialMovingAverage num_updates)
//   inverse gamma: d(n) = clamp(1 − (1 + n/γ)^(−p), minDecay, β)   (diffusers' EMAModel,
//                                                                  use_ema_warmup; γ = invGamma, p = power)
//
// (diffusers' EMAModel also returns 0 for its first update whatever the form; here the
// formula alone decides, so the linear form gives 0.1 at n = 0.)
//
// With γ = 1, p = 2/3 the inverse-gamma decay reaches 0.999 at n ≈ 31.6k and
// 0.9999 at n ≈ 1M; with p = 3/4, 0.999 at 10k and 0.9999 at 215k (diffusers' note,
// after @crowsonkb).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the decay of an `EMA` grows during the first steps of training.
public enum EMAWarmup: Sendable, Equatable {
    /// No warm-up: the decay is β from the first step.
    case none
    /// `min(β, (1 + n)/(10 + n))`: 0.1 at step 0, 0.55 at step 10, 0.991 at step 1000.
    case linear
    /// diffusers' form `1 − (1 + n/invGamma)^(−power)`, clamped to `[minDecay, β]`.
    /// It is 0 at step 0 (the shadow starts as a copy of the weights).
    case inverseGamma(invGamma: Float = 1, power: Float = 2.0 / 3.0, minDecay: Float = 0)

    /// The decay to use at step `n` (≥ 0) with the ceiling `beta`. Computed in Double.
    public func decay(step n: Int, beta: Float) -> Float {
        precondition(n >= 0, "EMAWarmup: step must be ≥ 0, got \(n)")
        let step = Double(n), beta = Double(beta)
        switch self {
        case .none:
            return Float(beta)
        case .linear:
            return Float(min(beta, (1 + step) / (10 + step)))
        case let .inverseGamma(invGamma, power, minDecay):
            let d = 1 - pow(1 + step / Double(invGamma), -Double(power))
            return Float(max(Double(minDecay), min(beta, d)))
        }
    }
}
