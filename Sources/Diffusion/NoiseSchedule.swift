// NoiseSchedule.swift — the variance schedule β₀ … β_{T−1} and every quantity derived from it.
//
// References: Ho, Jain & Abbeel (2020), "Denoising Diffusion Probabilistic Models",
// eq. 4 (q(x_t | x_0)) and eq. 6–7 (the posterior q(x_{t−1} | x_t, x_0));
// Nichol & Dhariwal (2021), "Improved DDPM", eq. 17 (the cosine schedule);
// Jabri, Fleet & Chen (2023) / Chen (2023), the sigmoid schedule.
//
// Conventions (the kit's design notes): timesteps are 0-based, t ∈ 0..<T, and
//   alphasCumprod[t]     = ᾱ_t = Π_{s ≤ t} (1 − β_s)
//   alphasCumprodPrev[t] = ᾱ_{t−1}, with ᾱ_{−1} = 1 (padded with 1 on the left).
// Everything is computed in Double and stored as Float tensors of shape [T], so a
// batch of timesteps t = [t₀, …] is looked up with `schedule.alphasCumprod.gather(t)`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensors

/// The families of noise schedule the kit offers.
public enum ScheduleKind: String, CaseIterable, Sendable {
    /// β linear from 1e-4 to 0.02 (DDPM).
    case linear
    /// ᾱ follows a squared cosine (Improved DDPM), with β capped at 0.999.
    case cosine
    /// ᾱ follows a rescaled sigmoid (Jabri et al. 2023), with β capped at 0.999.
    case sigmoid
}

/// A diffusion noise schedule: the β_t of the forward process and the derived
/// coefficients a sampler and a trainer need, each a `[T]` tensor indexed by t.
public struct NoiseSchedule {
    /// Which family this schedule belongs to.
    public let kind: ScheduleKind
    /// The number of diffusion steps T; timesteps run over `0..<T`.
    public let timesteps: Int

    /// β_t, the variance of the noise added at step t.
    public let betas: Tensor
    /// α_t = 1 − β_t.
    public let alphas: Tensor
    /// ᾱ_t = Π_{s≤t} α_s: how much of x₀'s variance survives at step t.
    public let alphasCumprod: Tensor
    /// ᾱ_{t−1}, with ᾱ_{−1} = 1.
    public let alphasCumprodPrev: Tensor
    /// √ᾱ_t, the scale of x₀ in x_t.
    public let sqrtAlphasCumprod: Tensor
    /// √(1 − ᾱ_t), the scale of the noise in x_t.
    public let sqrtOneMinusAlphasCumprod: Tensor
    /// SNR(t) = ᾱ_t / (1 − ᾱ_t), the signal-to-noise ratio of x_t.
    public let snr: Tensor
    /// log SNR(t), natural log.
    public let logSNR: Tensor
    /// β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x₀). It is 0 at t = 0.
    public let posteriorVariance: Tensor
    /// log β̃_t with β̃ clamped at 1e-20 first, so t = 0 gives a finite value.
    public let posteriorLogVarianceClipped: Tensor
    /// c₁ = β_t √ᾱ_{t−1} / (1 − ᾱ_t), the weight of x₀ in the posterior mean μ̃.
    public let posteriorMeanCoef1: Tensor
    /// c₂ = (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t), the weight of x_t in the posterior mean μ̃.
    public let posteriorMeanCoef2: Tensor

    /// The betas in Double precision, as computed (for printing and exact checks).
    public let betasDouble: [Double]
    /// ᾱ_t in Double precision (ᾱ reaches ~1e-9 for the cosine schedule, where Float
    /// keeps only relative precision).
    public let alphasCumprodDouble: [Double]

    /// Builds a schedule from its betas (each in (0, 1)).
    public init(kind: ScheduleKind, betas: [Double]) {
        precondition(!betas.isEmpty, "NoiseSchedule: needs at least one step")
        precondition(betas.allSatisfy { $0 > 0 && $0 < 1 }, "NoiseSchedule: every β must lie in (0, 1)")
        self.kind = kind
        self.timesteps = betas.count
        let alphas = betas.map { 1 - $0 }
        var cumprod: [Double] = []
        var running = 1.0
        for a in alphas { running *= a; cumprod.append(running) }                 // ᾱ_t = Π_{s≤t} α_s
        let prev = [1.0] + cumprod.dropLast()                                     // ᾱ_{t−1}, padded left with 1
        let posteriorVar = (0..<betas.count).map { t in betas[t] * (1 - prev[t]) / (1 - cumprod[t]) }

        func tensor(_ v: [Double]) -> Tensor { Tensor(v.map { Float($0) }) }
        self.betasDouble = betas
        self.alphasCumprodDouble = cumprod
        self.betas = tensor(betas)
        self.alphas = tensor(alphas)
        self.alphasCumprod = tensor(cumprod)
        self.alphasCumprodPrev = tensor(prev)
        self.sqrtAlphasCumprod = tensor(cumprod.map { $0.squareRoot() })
        self.sqrtOneMinusAlphasCumprod = tensor(cumprod.map { (1 - $0).squareRoot() })
        self.snr = tensor(cumprod.map { $0 / (1 - $0) })
        self.logSNR = tensor(cumprod.map { Glibc_log($0 / (1 - $0)) })
        self.posteriorVariance = tensor(posteriorVar)
        self.posteriorLogVarianceClipped = tensor(posteriorVar.map { Glibc_log(Swift.max($0, 1e-20)) })
        self.posteriorMeanCoef1 = tensor((0..<betas.count).map { t in betas[t] * prev[t].squareRoot() / (1 - cumprod[t]) })
        self.posteriorMeanCoef2 = tensor((0..<betas.count).map { t in (1 - prev[t]) * alphas[t].squareRoot() / (1 - cumprod[t]) })
    }

    /// A schedule of the given family with T steps (T ≥ 1).
    public init(_ kind: ScheduleKind, timesteps T: Int = 1000) {
        precondition(T >= 1, "NoiseSchedule: T must be at least 1, got \(T)")
        switch kind {
        case .linear: self.init(kind: kind, betas: NoiseSchedule.linearBetas(T))
        case .cosine: self.init(kind: kind, betas: NoiseSchedule.cosineBetas(T))
        case .sigmoid: self.init(kind: kind, betas: NoiseSchedule.sigmoidBetas(T))
        }
    }

    /// The linear schedule of DDPM: β = linspace(1e-4, 0.02, T). It is not rescaled
    /// with T, so a small T leaves ᾱ_{T−1} far from 0 (≈ 0.60 at T = 50).
    public static func linearBetas(_ T: Int, start: Double = 1e-4, end: Double = 0.02) -> [Double] {
        if T == 1 { return [start] }
        return (0..<T).map { start + (end - start) * Double($0) / Double(T - 1) }
    }

    /// Betas that make ᾱ follow a curve `alphaBar(τ)` on τ ∈ [0, 1] (with ᾱ(0) = 1):
    /// β_t = min(1 − ᾱ((t+1)/T) / ᾱ(t/T), maxBeta). The cap keeps the last steps from
    /// destroying *all* the signal at once (β = 1 would make x_T independent of
    /// everything and the reverse step undefined).
    public static func betas(fromAlphaBar alphaBar: (Double) -> Double, timesteps T: Int,
                             maxBeta: Double = 0.999) -> [Double] {
        (0..<T).map { t in
            Swift.min(1 - alphaBar(Double(t + 1) / Double(T)) / alphaBar(Double(t) / Double(T)), maxBeta)
        }
    }

    /// The cosine schedule: f(τ) = cos²((τ + s)/(1 + s) · π/2), ᾱ(τ) = f(τ)/f(0),
    /// with offset s = 0.008 so that β₀ is not vanishingly small, and β capped at 0.999.
    public static func cosineBetas(_ T: Int, s: Double = 0.008, maxBeta: Double = 0.999) -> [Double] {
        func f(_ tau: Double) -> Double {
            let c = Glibc_cos((tau + s) / (1 + s) * Double.pi / 2)
            return c * c
        }
        return betas(fromAlphaBar: { f($0) / f(0) }, timesteps: T, maxBeta: maxBeta)
    }

    /// The sigmoid schedule: ᾱ(τ) ∝ σ(end/τ₀) − σ((τ(end − start) + start)/τ₀),
    /// normalised so ᾱ(0) = 1, with start = −3, end = 3, temperature τ₀ = 1, β capped at 0.999.
    public static func sigmoidBetas(_ T: Int, start: Double = -3, end: Double = 3, tau: Double = 1,
                                    maxBeta: Double = 0.999) -> [Double] {
        func sigma(_ x: Double) -> Double { 1 / (1 + Glibc_exp(-x)) }
        let vStart = sigma(start / tau), vEnd = sigma(end / tau)
        func g(_ u: Double) -> Double { (vEnd - sigma((u * (end - start) + start) / tau)) / (vEnd - vStart) }
        return betas(fromAlphaBar: { g($0) / g(0) }, timesteps: T, maxBeta: maxBeta)
    }
}

@inline(__always) func Glibc_log(_ x: Double) -> Double { log(x) }
@inline(__always) func Glibc_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func Glibc_cos(_ x: Double) -> Double { cos(x) }
