// Chapter 03 — the U-Net. Your exercises.
//
// Replace each `throw NotImplemented(…)` with your solution, then check it:
//
//     swift test --filter ExerciseChecks.Chapter03
//
// and see your own figures with `swift run chapter03 --mine`.

import DiffusionKit
import Foundation

/// Exercises of chapter 03.
public enum Chapter03 {
    /// **3.1 — The sinusoidal time embedding.**
    ///
    /// For each timestep t and an even `dimension` d with half = d/2, frequencies
    /// fᵢ = exp(−ln(10000) · i / half) for i = 0 … half−1, return
    /// [sin(t·f₀), …, sin(t·f_{half−1}), cos(t·f₀), …, cos(t·f_{half−1})] — sines first.
    ///
    /// - Parameters:
    ///   - t: B timesteps (as floats).
    ///   - dimension: d, even.
    /// - Returns: `[B, d]`.
    public static func sinusoidalEmbedding(t: [Float], dimension: Int) throws -> Tensor {
        throw NotImplemented("3.1")
    }

    /// **3.2 — Sizes through the U-Net.**
    ///
    /// Return the output side of a convolution with the given kernel, stride and
    /// zero padding on an input of side `inputSize`:
    /// ⌊(input + 2·padding − kernel) / stride⌋ + 1.
    public static func convOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int) throws -> Int {
        throw NotImplemented("3.2")
    }

    /// **3.2 (continued)** — Return the output side of a transposed convolution
    /// (the up-sampling step of a U-Net):
    /// (input − 1)·stride − 2·padding + kernel + outputPadding.
    public static func transposedConvOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int,
                                                outputPadding: Int) throws -> Int {
        throw NotImplemented("3.2")
    }

    /// **3.3 — A ResBlock forward pass from the library's layers.**
    ///
    /// Using the layers inside `block` (`norm1`, `conv1`, `temb`, `norm2`, `conv2`,
    /// and `skip`, which is `nil` when the channel counts match), return
    ///
    ///     h = conv1(silu(norm1(x)))
    ///     h = h + temb(silu(timeEmbedding)) reshaped to [B, Cout, 1, 1]
    ///     h = conv2(silu(norm2(h)))
    ///     return h + skip(x)          (or h + x when skip is nil)
    ///
    /// - Parameters:
    ///   - x: `[B, Cin, H, W]`.
    ///   - timeEmbedding: `[B, D]`.
    ///   - block: the block whose layers to use.
    /// - Returns: `[B, Cout, H, W]`.
    public static func resBlockForward(x: Tensor, timeEmbedding: Tensor, block: ResBlock) throws -> Tensor {
        throw NotImplemented("3.3")
    }
}
