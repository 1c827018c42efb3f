// TimestepSpacing.swift — which S of the T timesteps a few-step sampler visits.
//
// For T = 1000 and S = 10 (diffusers' three conventions; Lin et al. 2024, Table 2):
//   trailing  999, 899, 799, …, 99     starts at the last timestep (the default)
//   leading   900, 800, 700, …, 0      starts at 900: the first step never sees pure noise
//   linspace  999, 888, 777, …, 0      evenly spread, both ends included (rounded)
// The list is in the order the sampler walks it (descending); the previous timestep
// of a step is always the next entry of the list — never t − T/S, which is wrong for
// linspace — and after the last entry comes ᾱ = 1 (the clean image).

/// How a sampler with S < T steps picks its timesteps.
public enum TimestepSpacing: String, CaseIterable, Sendable {
    /// ⌊T − i·T/S⌉ − 1 for i = 0…S−1: starts at T−1 (diffusers' "trailing", the default).
    case trailing
    /// i·⌊T/S⌋ for i = S−1…0: starts at (S−1)·⌊T/S⌋ (DDIM's original "leading").
    case leading
    /// round(linspace(0, T−1, S)), descending.
    case linspace

    /// The S timesteps in sampling order (descending), each in 0..<T and distinct.
    /// - Precondition: 1 ≤ S ≤ T.
    public func timesteps(steps S: Int, of T: Int) -> [Int] {
        precondition(S >= 1 && S <= T, "TimestepSpacing: need 1 ≤ steps ≤ \(T), got \(S)")
        switch self {
        case .trailing:
            let ratio = Double(T) / Double(S)
            return (0..<S).map { Int((Double(T) - Double($0) * ratio).rounded()) - 1 }
        case .leading:
            let ratio = T / S
            return (0..<S).reversed().map { $0 * ratio }
        case .linspace:
            guard S > 1 else { return [T - 1] }
            return (0..<S).reversed().map { Int((Double($0) * Double(T - 1) / Double(S - 1)).rounded()) }
        }
    }
}
