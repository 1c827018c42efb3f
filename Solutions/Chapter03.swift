// Chapter 03 — worked solutions (the same API as Exercises/Chapter03.swift).

import DiffusionKit
import Foundation

/// Worked solutions of chapter 03.
public enum Chapter03 {
    /// 3.1 — [sin(t·f), cos(t·f)] with fᵢ = exp(−ln(10000)·i/half).
    public static func sinusoidalEmbedding(t: [Float], dimension: Int) throws -> Tensor {
        let half = dimension / 2
        let frequencies = Tensor((0..<half).map { Float(exp(-log(10000.0) * Double($0) / Double(half))) })  // [half]
        let args = Tensor(shape: [t.count, 1], scalars: t) * frequencies.reshaped([1, half])                // [B, half]
        return concat([args.sin(), args.cos()], axis: 1)                                                   // [B, d]
    }

    /// 3.2 — ⌊(n + 2p − k)/s⌋ + 1.
    public static func convOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int) throws -> Int {
        (inputSize + 2 * padding - kernelSize) / stride + 1
    }

    /// 3.2 — (n − 1)·s − 2p + k + output padding.
    public static func transposedConvOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int,
                                                outputPadding: Int) throws -> Int {
        (inputSize - 1) * stride - 2 * padding + kernelSize + outputPadding
    }

    /// 3.3 — the ResBlock recipe, layer by layer.
    public static func resBlockForward(x: Tensor, timeEmbedding: Tensor, block: ResBlock) throws -> Tensor {
        var h = block.conv1(block.norm1(x).silu())                          // [B, Cout, H, W]
        let shift = block.temb(timeEmbedding.silu())                        // [B, Cout]
        h = h + shift.reshaped([shift.shape[0], shift.shape[1], 1, 1])      // + [B, Cout, 1, 1]
        h = block.conv2(block.norm2(h).silu())                              // [B, Cout, H, W]
        return h + (block.skip.map { $0(x) } ?? x)
    }
}
