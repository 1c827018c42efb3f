// Upsample.swift — nearest-neighbour upsampling (PyTorch `nn.Upsample(mode="nearest")`,
// `F.interpolate(x, scale_factor=s, mode="nearest")`).
//
// Each pixel is copied into an s×s block:
//
//     y[n, c, i, j] = x[n, c, ⌊i/s⌋, ⌊j/s⌋]          [N, C, H, W] → [N, C, s·H, s·W]
//
// Backward: every input pixel was used s² times, so its gradient is the sum of the
// gradient over its block:  ∂L/∂x[n, c, a, b] = Σ_{0≤u,v<s} G[n, c, s·a + u, s·b + v].

import Tensors

/// Nearest-neighbour upsampling of `[N, C, H, W]` images by an integer factor
/// (PyTorch `nn.Upsample(scale_factor: scale, mode: "nearest")`). No parameters.
public final class Upsample: UnaryLayer {
    /// The integer factor by which height and width grow.
    public let scale: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a nearest-neighbour upsampling layer (2 doubles the size).
    public init(scale: Int = 2) {
        layerCheck(scale >= 1, "Upsample: scale must be ≥ 1, got \(scale)")
        self.scale = scale
    }

    /// No parameters.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// `[N, C, H, W]` → `[N, C, scale·H, scale·W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { upsampleNearest(x, scale: scale) }
}

/// Nearest-neighbour upsampling: `x` `[N, C, H, W]` → `[N, C, scale·H, scale·W]`, each
/// pixel repeated in a scale×scale block. Differentiable.
public func upsampleNearest(_ x: Tensor, scale: Int) -> Tensor {
    layerCheck(x.rank == 4, "upsampleNearest: input must be [N, C, H, W], got \(x.shape)")
    layerCheck(scale >= 1, "upsampleNearest: scale must be ≥ 1, got \(scale)")
    if scale == 1 { return x }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (ho, wo) = (h * scale, w * scale)
    let planes = n * c, inPlane = h * w, outPlane = ho * wo

    // y[i, j] = x[i/s, j/s], one plane at a time                        [N, C, s·H, s·W]
    let y = makeScalars(planes * outPlane) { out in
        withScalarPointers(x) { px in
            Kernels.parallelChunks(planes, grain: outPlane) { range in
                for p in range {
                    let src = px + p * inPlane, dst = out + p * outPlane
                    for i in 0..<h {
                        let row = dst + i * scale * wo                    // first of the s copies
                        for j in 0..<w {
                            let v = src[i * w + j]
                            for u in 0..<scale { row[j * scale + u] = v }
                        }
                        for u in 1..<scale { (row + u * wo).update(from: row, count: wo) }
                    }
                }
            }
        }
    }

    return Tensor.record(shape: [n, c, ho, wo], scalars: y, op: "upsampleNearest", inputs: [x]) { g in
        // ∂L/∂x[a, b] = Σ over the s×s block of G                       [N, C, H, W]
        let dx = makeScalars(planes * inPlane) { dx in
            withScalarPointers(g) { pg in
                Kernels.parallelChunks(planes, grain: outPlane) { range in
                    for p in range {
                        let src = pg + p * outPlane, dst = dx + p * inPlane
                        for i in 0..<h {
                            let drow = dst + i * w
                            drow.update(repeating: 0, count: w)
                            for u in 0..<scale {
                                let grow = src + (i * scale + u) * wo
                                for j in 0..<w {
                                    var s: Float = 0
                                    for v in 0..<scale { s += grow[j * scale + v] }
                                    drow[j] += s
                                }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
