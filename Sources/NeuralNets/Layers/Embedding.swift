// Embedding.swift — a lookup table of learned vectors (PyTorch `nn.Embedding`).
//
// Row i of the table is the vector for index i: for indices [i₀, …, i_{B−1}] the
// output is [W[i₀], …, W[i_{B−1}]], shape [B, dim]. It is `gather` on the weight, whose
// gradient adds each output row's gradient back into the row it came from.

import Tensors

/// A table of `count` learned vectors of size `dim`, looked up by index (PyTorch
/// `nn.Embedding`) — e.g. the class-label embedding of a conditional U-Net.
///
/// Parameter: `weight` `[count, dim]`, drawn from N(0, 1) as PyTorch does.
public final class Embedding: Module {
    /// The table, `[count, dim]`.
    public let weight: Tensor
    /// Number of rows (valid indices are `0..<count`).
    public let count: Int
    /// Size of each vector.
    public let dim: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a table of `count` vectors of size `dim`, drawn from N(0, 1).
    /// - Parameters:
    ///   - count: number of rows (indices `0..<count`).
    ///   - dim: size of each vector.
    ///   - rng: the generator the initial table is drawn from.
    public init(_ count: Int, _ dim: Int, using rng: inout some RandomNumberGenerator) {
        layerCheck(count > 0 && dim > 0, "Embedding: sizes must be positive, got \(count)×\(dim)")
        self.count = count
        self.dim = dim
        let w = Tensor.randn([count, dim], using: &rng)
        w.requiresGrad = true
        self.weight = w
    }

    /// `weight`.
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    /// The rows of `indices`: `[indices.count, dim]`. An index outside `0..<count` stops
    /// with the index and the table size.
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        weight.gather(indices)                                               // [B, dim]
    }
}
