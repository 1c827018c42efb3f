// Chapter 08 — worked solutions (the same API as Exercises/Chapter08.swift).
//
// References: D. P. Kingma & M. Welling, "Auto-Encoding Variational Bayes" (2014),
// §2.4 (the reparameterisation trick) and appendix B (the Gaussian KL);
// R. Rombach et al., "High-Resolution Image Synthesis with Latent Diffusion Models"
// (CVPR 2022), §3.3 (cross-attention) and appendix G (the latent scale factor);
// A. Vaswani et al., "Attention Is All You Need" (2017), eq. (1).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 08.
public enum Chapter08 {
    /// 8.1a — z = μ + exp(½ log σ²) ⊙ ε, from tensor ops so that gradients reach μ and log σ².
    public static func reparameterise(mean: Tensor, logVariance: Tensor, noise: Tensor) throws -> Tensor {
        let std = (0.5 * logVariance).exp()          // σ = √(σ²) = exp(½ log σ²)   [B, C, H, W]
        return mean + std * noise                    // μ + σ ⊙ ε                   [B, C, H, W]
    }

    /// 8.1b — KL_b = ½ Σ_dims (μ² + σ² − 1 − log σ²), summed over every axis but the batch.
    public static func klDivergence(mean: Tensor, logVariance: Tensor) throws -> Tensor {
        let perValue = mean.squared() + logVariance.exp() - 1 - logVariance   // μ² + σ² − 1 − log σ²   [B, C, H, W]
        let itemAxes = Array(1..<mean.rank)                                    // every axis but the first
        return 0.5 * perValue.sum(axes: itemAxes)                              // [B]
    }

    /// 8.2a — s = 1/std(z), the population standard deviation of all elements.
    public static func latentScaleFactor(_ latents: Tensor) throws -> Float {
        // `variance()` centres on the mean first (no E[z²] − E[z]² cancellation) and
        // divides by n (correction 0), summing in Double.
        let variance = latents.variance().item                                 // mean((z − m)²)
        return 1 / variance.squareRoot()
    }

    /// 8.2b — z · s: the latents in the diffusion model's units (about unit variance).
    public static func scaleLatents(_ z: Tensor, factor s: Float) throws -> Tensor {
        z * s                                                                  // shaped like z
    }

    /// 8.2c — z / s: back to the encoder's units, for the decoder.
    public static func unscaleLatents(_ z: Tensor, factor s: Float) throws -> Tensor {
        z / s                                                                  // shaped like z
    }

    /// 8.3 — heads split by contiguous channel blocks, P = softmax_j(q·k/√d), out = P·v.
    public static func crossAttention(query: Tensor, key: Tensor, value: Tensor, heads: Int) throws
        -> (output: Tensor, weights: Tensor) {
        let (b, n, c) = (query.shape[0], query.shape[1], query.shape[2])
        let l = key.shape[1]
        let d = c / heads
        // Channel c = head·d + k, so [.., C] → [.., h, d] puts channel c in head c / d;
        // then the heads move next to the batch axis, so matmul runs per (item, head).
        let q = query.reshaped([b, n, heads, d]).permuted([0, 2, 1, 3])          // [B, h, N, d]
        let kT = key.reshaped([b, l, heads, d]).permuted([0, 2, 3, 1])           // [B, h, d, L]
        let v = value.reshaped([b, l, heads, d]).permuted([0, 2, 1, 3])          // [B, h, L, d]

        // S_ij = q_i·k_j/√d: the dot product is over one head's d channels, so √d, not √C.
        let scores = matmul(q, kT) * (1 / Float(d).squareRoot())                 // [B, h, N, L]

        // Softmax over the tokens j (the last axis), shifted by each row's maximum: then
        // the largest exponent is e⁰ = 1, nothing overflows, and the sum is ≥ 1. The shift
        // is a constant (the softmax does not change when a row moves by a constant), so
        // it needs no gradient. (`scores.softmax(axis: -1)` does the same.)
        let rowMax = Tensor(shape: [b, heads, n, 1], scalars: stride(from: 0, to: scores.count, by: l).map {
            scores.scalars[$0..<($0 + l)].max()!
        })                                                                       // [B, h, N, 1]
        let e = (scores - rowMax).exp()                                          // [B, h, N, L], each ≤ 1
        let weights = e / e.sum(axes: [-1], keepDims: true)                      // [B, h, N, L], rows sum to 1

        // o_i = Σ_j P_ij v_j per head, then the heads' channels back in place.
        let o = matmul(weights, v)                                               // [B, h, N, d]
        let output = o.permuted([0, 2, 1, 3]).reshaped([b, n, c])                // [B, N, h, d] → [B, N, C]
        return (output, weights)
    }
}
