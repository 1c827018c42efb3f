// Chapter 08 — latent diffusion. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter08
//
// and see your own figures with `swift run chapter08 --mine`.
//
// Conventions: the encoder of the autoencoder outputs a mean μ and a log-variance
// log σ² per latent value; tensors are `[B, C, H, W]` (or any shape whose first axis is
// the batch). The KL term is *summed* over the dimensions of one item (its weight in a
// loss only means something together with that reduction). Cross-attention here takes
// its projections channels last: pixels `[B, N, C]`, context tokens `[B, L, C]`.

import DiffusionKit
import Foundation

/// Exercises of chapter 08.
public enum Chapter08 {
    /// **8.1a — The reparameterisation trick.** A sample of the encoder's Gaussian
    /// N(μ, σ²) written as a differentiable function of μ and log σ², with the
    /// randomness moved into a given standard normal ε:
    ///
    ///     σ = exp(½ · log σ²)
    ///     z = μ + σ ⊙ ε
    ///
    /// Build it from tensor ops (`exp()`, `*`, `+`) so that gradients reach μ and log σ²:
    /// a VAE trains through this sample.
    /// - Parameters:
    ///   - mean: μ, `[B, C, H, W]` (any shape).
    ///   - logVariance: log σ², the same shape.
    ///   - noise: ε ~ N(0, I), the same shape.
    /// - Returns: z, shaped like `mean`.
    public static func reparameterise(mean: Tensor, logVariance: Tensor, noise: Tensor) throws -> Tensor {
        throw NotImplemented("8.1")
    }

    /// **8.1b — The KL divergence to the prior.** For each item of the batch, the KL
    /// divergence of the diagonal Gaussian N(μ, σ²) from N(0, I), summed over every value
    /// of the item (every axis except the first):
    ///
    ///     KL_b = ½ · Σ_dims (μ² + σ² − 1 − log σ²)        with σ² = exp(log σ²)
    ///
    /// Each term is ≥ 0 and is 0 exactly where μ = 0 and σ² = 1. Build it from tensor ops
    /// (`squared()`, `exp()`, `sum(axes:)`) so that gradients reach μ and log σ².
    /// - Parameters:
    ///   - mean: μ, `[B, C, H, W]` (any shape of rank ≥ 1).
    ///   - logVariance: log σ², the same shape.
    /// - Returns: the KL of each item, `[B]`.
    public static func klDivergence(mean: Tensor, logVariance: Tensor) throws -> Tensor {
        throw NotImplemented("8.1")
    }

    /// **8.2a — The latent scale factor.** Latents come out of the encoder with whatever
    /// spread training gave them; the diffusion model's noise schedule assumes data of
    /// about unit variance. Measure the spread on encoded data and invert it:
    ///
    ///     m = mean(z)                      over *all* elements
    ///     std(z) = √( mean((z − m)²) )     (population: divide by n, not n − 1)
    ///     s = 1 / std(z)
    ///
    /// (Stable Diffusion's 0.18215 was measured this way on its own autoencoder.)
    /// - Parameter latents: encoded training data, any shape, not all equal.
    /// - Returns: s.
    public static func latentScaleFactor(_ latents: Tensor) throws -> Float {
        throw NotImplemented("8.2")
    }

    /// **8.2b — Scaling for the diffusion model.** What the diffusion model sees (and
    /// learns to generate) is the scaled latent:
    ///
    ///     z_scaled = z · s
    ///
    /// - Parameters:
    ///   - z: latents straight from the encoder, any shape.
    ///   - s: the scale factor of 8.2a.
    /// - Returns: z · s, shaped like `z`.
    public static func scaleLatents(_ z: Tensor, factor s: Float) throws -> Tensor {
        throw NotImplemented("8.2")
    }

    /// **8.2c — Unscaling for the decoder.** A generated latent is in the diffusion
    /// model's units; the decoder expects the encoder's units:
    ///
    ///     z = z_scaled / s
    ///
    /// so `unscaleLatents(scaleLatents(z, factor: s), factor: s)` gives z back.
    /// - Parameters:
    ///   - z: scaled latents (what the diffusion model produced), any shape.
    ///   - s: the scale factor of 8.2a.
    /// - Returns: z / s, shaped like `z`.
    public static func unscaleLatents(_ z: Tensor, factor s: Float) throws -> Tensor {
        throw NotImplemented("8.2")
    }

    /// **8.3 — One cross-attention forward pass.** The pixels of a feature map attend to
    /// the tokens of a context (a prompt, a class embedding). The projections are given:
    /// queries from the N pixels, keys and values from the L context tokens. With h heads
    /// of d = C/h channels each, channel c belongs to head ⌊c/d⌋ (channels 0..<d to head 0,
    /// d..<2d to head 1, …). For every batch item b, head h, pixel i and token j:
    ///
    ///     S[b, h, i, j]  = (q_i · k_j) / √d                 dot product over head h's d channels
    ///     P[b, h, i, j]  = exp(S_ij − m_i) / Σ_j' exp(S_ij' − m_i),   m_i = max_j S_ij
    ///     out[b, i, c]   = Σ_j P[b, h, i, j] · v_j[c]       for the d channels c of head h
    ///
    /// The softmax runs over the L tokens j (each pixel's weights sum to 1), and must be
    /// shifted by its row maximum m_i: logits of ±1000 must give finite, exact weights
    /// (`softmax(axis:)` of the kit does the shift). With L = 1 every weight is exactly 1.
    /// Hint: `reshaped` to `[B, N, h, d]`, `permuted` to put the heads second, `matmul`.
    /// - Parameters:
    ///   - query: q, `[B, N, C]` (N = H·W pixels).
    ///   - key: k, `[B, L, C]` (L context tokens).
    ///   - value: v, `[B, L, C]`.
    ///   - heads: h ≥ 1, dividing C.
    /// - Returns: `output` `[B, N, C]` (the heads' channels back in their places) and
    ///   `weights` P, `[B, h, N, L]`.
    public static func crossAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int) throws
        -> (output: Tensor, weights: Tensor) {
        throw NotImplemented("8.3")
    }
}
