// SinusoidalEmbedding.swift — the sinusoidal timestep embedding of diffusion models.
//
// References: A. Vaswani et al., "Attention Is All You Need" (2017), §3.5 (positional
// encoding); J. Ho, A. Jain, P. Abbeel, "Denoising Diffusion Probabilistic Models"
// (2020), §4, which feeds the timestep to the U-Net this way.
//
// For a dimension d (even), half = d/2 and frequencies f_i = exp(−ln(10000)·i/half),
// i = 0..<half (from 1 down to ≈ 1/10000):
//
//     emb(t) = [sin(t·f_0), …, sin(t·f_{half−1}), cos(t·f_0), …, cos(t·f_{half−1})]
//
// sines first, as in the kit's PyTorch reference (ARCHITECTURES.md). Every step is
// done in Float in the same order as the reference's
// `exp(-log(10000) * arange(half) / half)`, so the values match PyTorch's to the
// rounding of sin and cos.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Tensors

/// The sinusoidal embedding of timesteps: `[t.count, dimension]`, row b =
/// `[sin(t_b·f_0…f_{h−1}), cos(t_b·f_0…f_{h−1})]` with h = dimension/2 and
/// f_i = exp(−ln(10000)·i/h). A constant (no gradient flows to t).
/// - Precondition: `dimension` is even and positive.
public func sinusoidalEmbedding(_ t: [Float], dimension: Int) -> Tensor {
    layerCheck(dimension > 0 && dimension % 2 == 0, "sinusoidalEmbedding: dimension must be even and positive, got \(dimension)")
    let freqs = embeddingFrequencies(dimension)                                  // [half]
    let table = EmbeddingTable.rows(dimension: dimension, frequencies: freqs)    // [tableSize, dimension]
    // [B, dimension]; the rows are split across the cores (a batch of 1,024 timesteps
    // needs 32,768 sines and cosines, as long as a small GEMM).
    let out = makeScalars(t.count * dimension) { out in
        t.withUnsafeBufferPointer { tb in
            freqs.withUnsafeBufferPointer { fb in
                table.withUnsafeBufferPointer { rows in
                    let work = UncheckedSendable(out)                    // each chunk writes its own rows
                    Kernels.parallelChunks(t.count, grain: dimension * 8) { range in
                        for b in range {
                            let row = work.value + b * dimension
                            if let i = EmbeddingTable.index(of: tb[b]) {            // a whole timestep: look it up
                                row.update(from: rows.baseAddress! + i * dimension, count: dimension)
                            } else {
                                writeEmbeddingRow(tb[b], frequencies: fb, into: row)
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [t.count, dimension], scalars: out)
}

/// f_i = exp(−ln(10000)·i/half) for i = 0..<half, in Float as PyTorch computes them.
private func embeddingFrequencies(_ dimension: Int) -> [Float] {
    let half = dimension / 2
    let scale = Float(-logOf10000)
    return (0..<half).map { i in expf(scale * Float(i) / Float(half)) }
}

/// One row of the embedding: [sin(t·f_0…f_{h−1}), cos(t·f_0…f_{h−1})].
private func writeEmbeddingRow(_ t: Float, frequencies f: UnsafeBufferPointer<Float>, into row: UnsafeMutablePointer<Float>) {
    let half = f.count
    for i in 0..<half {
        let arg = t * f[i]
        row[i] = sinf(arg)
        row[half + i] = cosf(arg)
    }
}

/// The embedding rows of the whole timesteps 0..<`size`, computed once per dimension
/// with the same `writeEmbeddingRow` (so a looked-up row is bit for bit the computed
/// one). Training draws a fresh batch of integer t at every step; looking the rows up
/// skips 2·dimension calls of sin and cos per item (≈ 5 % of a toy-MLP training step).
private enum EmbeddingTable {
    /// Timesteps 0..<size are tabulated: covers T = 1000 and the shorter schedules.
    static let size = 1024
    /// The tables made so far, by dimension.
    static let tables = Mutex<[Int: [Float]]>([:])

    /// The row index for `t` when it is a whole number in 0..<size, else nil.
    @inline(__always)
    static func index(of t: Float) -> Int? {
        guard t >= 0, t < Float(size), t == t.rounded(.down) else { return nil }
        return Int(t)
    }

    /// The table for `dimension`, made on first use.
    static func rows(dimension: Int, frequencies: [Float]) -> [Float] {
        if let table = tables.withLock({ $0[dimension] }) { return table }
        let table = makeScalars(size * dimension) { out in
            frequencies.withUnsafeBufferPointer { fb in
                for t in 0..<size { writeEmbeddingRow(Float(t), frequencies: fb, into: out + t * dimension) }
            }
        }
        tables.withLock { $0[dimension] = table }
        return table
    }
}

/// ln 10000, in Double (converted to Float once, as PyTorch converts the Python float).
private let logOf10000: Double = log(10000.0)

/// The sinusoidal timestep embedding as a module (no parameters): maps timesteps to
/// `[B, dimension]` with `sinusoidalEmbedding`.
public final class SinusoidalTimeEmbedding: Module {
    /// The embedding size d (even).
    public let dimension: Int
    /// Training or evaluation mode (no difference for this module).
    public var training = true

    /// Makes an embedding of size `dimension` (even).
    public init(dimension: Int) {
        layerCheck(dimension > 0 && dimension % 2 == 0, "SinusoidalTimeEmbedding: dimension must be even and positive, got \(dimension)")
        self.dimension = dimension
    }

    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// The embedding of float timesteps: `[t.count, dimension]`.
    public func callAsFunction(_ t: [Float]) -> Tensor { sinusoidalEmbedding(t, dimension: dimension) }

    /// The embedding of integer timesteps (0-based, `t ∈ 0..<T`): `[t.count, dimension]`.
    public func callAsFunction(_ t: [Int]) -> Tensor { sinusoidalEmbedding(t.map { Float($0) }, dimension: dimension) }
}
