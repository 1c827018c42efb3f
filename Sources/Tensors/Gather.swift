// Gather.swift — picking rows by index: the timestep lookup `a[t]` for a batch of t.
//
// `alphasCumprod.gather(t)` turns a schedule of shape [T] and per-sample timesteps
// t = [t₀, t₁, …] of length B into [ᾱ_{t₀}, ᾱ_{t₁}, …] of shape [B]. The same op on
// a [V, D] table is an embedding lookup. Its gradient adds each output row's
// gradient back into the row it came from (a row picked twice gets both).

extension Tensor {
    /// Rows of axis 0 picked by `indices`: shape `[indices.count] + shape[1...]`.
    /// An index outside `0..<shape[0]` stops with the index and the shape.
    public func gather(_ indices: [Int]) -> Tensor {
        guard rank >= 1 else { fatalError("gather: needs a tensor of rank ≥ 1, got a scalar") }
        let rows = shape[0], width = shape.dropFirst().reduce(1, *)
        for i in indices where i < 0 || i >= rows {
            fatalError("gather: index \(i) is out of range for axis 0 of size \(rows) (shape \(shape))")
        }
        let outShape = [indices.count] + shape.dropFirst()
        var y = [Float](repeating: 0, count: indices.count * width)
        scalars.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                for (r, i) in indices.enumerated() {
                    (dst.baseAddress! + r * width).update(from: src.baseAddress! + i * width, count: width)
                }
            }
        }
        let inputShape = shape
        return Tensor(shape: outShape, scalars: y, op: "gather", inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: inputShape.product)
            for (r, i) in indices.enumerated() {
                for j in 0..<width { dx[i * width + j] += g.scalars[r * width + j] }
            }
            return [Tensor(shape: inputShape, scalars: dx)]
        }
    }

    /// `gather(indices)` reshaped to `[B, 1, 1, …]` of total rank `rank`, ready to
    /// broadcast against a batch such as `[B, C, H, W]` — the `extract(a, t, x.shape)`
    /// helper of diffusion code.
    public func gather(_ indices: [Int], broadcastRank rank: Int) -> Tensor {
        let g = gather(indices)
        return g.reshaped([indices.count] + [Int](repeating: 1, count: Swift.max(0, rank - 1)))
    }
}
