// GuidedSamples.swift — what one guided sampling run of chapter 09 produced.

import DiffusionKit

/// Samples drawn for requested labels, with what the sampler saw on the way.
struct GuidedSamples {
    /// The final images `[n, 1, 28, 28]`.
    let images: Tensor
    /// The class each sample was asked to be.
    let labels: [Int]
    /// The share of x̂₀ values (over all steps) outside [−1, 1], which the sampler clipped.
    let clippedShare: Double
    /// Network evaluations (images) the run took.
    let evaluations: Int
}
