// Respacing.swift — DDPM with fewer steps (Nichol & Dhariwal 2021, §4).
//
// Keep S of the T timesteps, τ_0 < τ_1 < … < τ_{S−1} = T−1, and define a new chain
// with ᾱ'_i = ᾱ_{τ_i} and β'_i = 1 − ᾱ'_i/ᾱ'_{i−1} (ᾱ'_{−1} = 1). The network still
// sees the original timestep τ_i. Ancestral sampling on this short chain is a valid
// DDPM sampler — coarser, and much faster: 100 steps instead of 1000.

import Foundation

extension NoiseSchedule {
    /// S timesteps evenly spread over 0..<T, ending at T−1: τ_i = ⌊(i+1)·T/S⌋ − 1.
    public static func evenlySpacedTimesteps(_ steps: Int, of T: Int) -> [Int] {
        precondition(steps >= 1 && steps <= T, "evenlySpacedTimesteps: need 1 ≤ steps ≤ \(T), got \(steps)")
        return (0..<steps).map { ($0 + 1) * T / steps - 1 }
    }

    /// The schedule of the chain on `timesteps` (increasing, inside 0..<T), with
    /// ᾱ'_i = ᾱ_{τ_i}.
    public func respaced(_ timesteps: [Int]) -> NoiseSchedule {
        precondition(!timesteps.isEmpty && zip(timesteps, timesteps.dropFirst()).allSatisfy { $0 < $1 }
                     && timesteps.first! >= 0 && timesteps.last! < self.timesteps,
                     "respaced: timesteps must increase inside 0..<\(self.timesteps)")
        var previous = 1.0
        let betas = timesteps.map { t -> Double in
            let abar = alphasCumprodDouble[t]
            defer { previous = abar }
            return 1 - abar / previous
        }
        return NoiseSchedule(kind: kind, betas: betas)
    }
}

extension DDPMSampler {
    /// An ancestral sampler over `steps` evenly spaced timesteps of `schedule`, and the
    /// model adapter that maps the short chain's index i back to the timestep τ_i.
    public static func respaced(schedule: NoiseSchedule, steps: Int, objective: Objective = .epsilon,
                                variance: PosteriorVariance = .fixedSmall, model: @escaping Denoiser) -> (sampler: DDPMSampler, model: Denoiser) {
        let tau = NoiseSchedule.evenlySpacedTimesteps(steps, of: schedule.timesteps)
        let sampler = DDPMSampler(schedule: steps == schedule.timesteps ? schedule : schedule.respaced(tau),
                                  objective: objective, variance: variance)
        return (sampler, { x, i in model(x, i.map { tau[$0] }) })
    }
}
